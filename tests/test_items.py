"""The declared crawl item, and the database the crawler hands to spiders and pipelines."""
import ast
import json
from dataclasses import fields
from pathlib import Path

import pytest
from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.settings import Settings

from yrdwatch.crawler import settings as default_settings
from yrdwatch.crawler.database import CrawlDatabase, database_of
from yrdwatch.crawler.extensions import RunRecorder
from yrdwatch.crawler.items import PageItem
from yrdwatch.crawler.pipelines import DedupPipeline, ExtractPipeline, StorePipeline, process_offline
from yrdwatch.crawler.spiders import SourceSpider
from yrdwatch.sample_sites.site import SampleSites

from conftest import ROOT


def sample_item(n: int = 0) -> PageItem:
    """A real sample-site article page, as a spider would hand it on."""
    site = SampleSites("http://127.0.0.1:8765")
    story = site.stories[n]
    res = site.resources[story.path]
    return PageItem(source="sample", url=f"http://127.0.0.1:8765{story.path}", body=res.body,
                    content_type=res.content_type, etag='"abc"', last_modified="Mon, 04 Sep 2023 02:00:00 GMT")


def test_the_item_is_a_scrapy_item_with_a_docstring_per_field():
    assert ItemAdapter.is_item(PageItem(source="s", url="http://x.test/a", body=b""))
    tree = ast.parse((ROOT / "crawler" / "items.py").read_text(encoding="utf-8"))
    body = next(node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == "PageItem").body
    documented = {node.target.id for node, after in zip(body, body[1:])
                  if isinstance(node, ast.AnnAssign) and isinstance(after, ast.Expr)
                  and isinstance(after.value, ast.Constant) and isinstance(after.value.value, str)}
    assert documented == {f.name for f in fields(PageItem)}


def test_an_item_crosses_to_the_store_and_back_unchanged(tmp_path):
    """The cluster's message: JSON with every field the store writes, read back into an equal item."""
    item = ExtractPipeline().read(sample_item())
    item.signature = b"\x01\x02" * 64
    message = item.to_message("batch-1")
    data = json.loads(message)
    assert data["batch"] == "batch-1" and data["type"] == "article" and "request_meta" not in data
    assert PageItem.from_message(data) == item
    assert PageItem.from_message(data).article.announcements  # nested dataclasses rebuilt, not dicts


def test_an_unextracted_item_is_refused_with_its_url():
    with pytest.raises(ValueError, match="127.0.0.1:8765.*only an extracted and signed item"):
        sample_item().to_message("batch-1")


def test_no_string_keys_for_the_item_are_left(tmp_path):
    """Producers and consumers use the item's attributes: ``item["url"]`` or ``item.get(...)``
    on an item would bypass its declaration."""
    offenders = []
    for folder in ("crawler", "yrdwatch"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                target = node.value if isinstance(node, ast.Subscript) else (
                    node.func.value if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("get", "update", "setdefault") else None)
                if isinstance(target, ast.Name) and target.id == "item":
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def crawler_for(db: Path) -> Crawler:
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    settings.set("YRDWATCH_DB", str(db), priority="cmdline")
    return Crawler(SourceSpider, settings)


def test_crawlers_given_one_database_share_its_store(tmp_path):
    """What ``yrdwatch.crawler.process`` does: one database for every source's crawler, so the pipelines of
    two sources see each other's articles (a reprint crawled beside its original is a duplicate)."""
    database = CrawlDatabase(tmp_path / "shared.db", 0.5)
    first, second = crawler_for(tmp_path / "unused.db"), crawler_for(tmp_path / "unused.db")
    first.database = second.database = database
    stages = [DedupPipeline.from_crawler(first), StorePipeline.from_crawler(second)]
    assert {id(stage.store) for stage in stages} == {id(database.store)}
    assert RunRecorder.from_crawler(first).store is database.store
    item = ExtractPipeline().read(sample_item())
    for stage in stages:
        item = stage.process_item(item)
    assert item.stored == "new" and database.store.is_stored(item.url)
    assert not (tmp_path / "unused.db").exists()


def test_a_crawler_given_no_database_opens_its_settings_one(tmp_path):
    crawler = crawler_for(tmp_path / "own.db")
    database = database_of(crawler)
    assert database.path == str(tmp_path / "own.db") and database_of(crawler) is database
    assert StorePipeline.from_crawler(crawler).store is database.store


def test_offline_items_take_the_crawl_stages(tmp_path):
    database = CrawlDatabase(tmp_path / "offline.db", 0.5)
    first = process_offline(sample_item(0), database)
    again = process_offline(sample_item(0), database)
    assert (first.stored, again.stored) == ("new", "unchanged")
    row = database.store.db.conn.execute("select etag, last_status from pages_seen where url = ?", [first.url]).fetchone()
    assert row == ('"abc"', 200)
