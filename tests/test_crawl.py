"""End to end: crawl the sample sites over real HTTP on 127.0.0.1 into a real SQLite file."""
import dataclasses
import json
import sqlite3
from datetime import datetime

import pytest
from click.testing import CliRunner

from yrdwatch.db.store import Store
from yrdwatch.sample_sites import seeds_for
from yrdwatch.sample_sites.server import SampleSitesServer
from yrdwatch.sample_sites.site import CONTENT, FAULTS
from yrdwatch.cli import cli

pytestmark = pytest.mark.xdist_group("test_crawl")  # the module's one crawl, on one parallel worker


def crawl(db_path, seeds):
    result = CliRunner().invoke(cli, ["--db", str(db_path), "crawl", "--seeds", str(seeds), "--json"],
                                catch_exceptions=False)
    runs = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return result, {run["source"]: run for run in runs}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One crawl of a fresh sample-sites server, shared by the read-only checks below."""
    tmp = tmp_path_factory.mktemp("crawl")
    server = SampleSitesServer("127.0.0.1", 0).start_in_thread()
    seeds, db_path = seeds_for(server.base_url, tmp), tmp / "yrdwatch.db"
    result, runs = crawl(db_path, seeds)
    db = sqlite3.connect(db_path)
    db.row_factory = sqlite3.Row
    yield result, runs, db, server, (db_path, seeds)
    db.close()
    server.shutdown()
    server.server_close()


def url_of(server, story_id):
    story = next(s for s in server.site.stories if s.id == story_id)
    return server.base_url + story.path


def test_every_sample_article_is_stored(crawled):
    result, runs, db, server, _ = crawled
    assert result.exit_code == 0, result.output
    assert set(runs) == {"sample-liangxi", "sample-suzhou", "sample-yrdnews"}
    for run in runs.values():
        assert run["status"] == "finished"
        for key in ("requests", "article_pages", "new_articles", "duplicates", "announcements", "errors"):
            assert isinstance(run[key], int)
    stored = {row["url"] for row in db.execute("select url from articles")}
    assert stored == {server.base_url + s.path for s in server.site.stories}
    assert sum(r["new_articles"] for r in runs.values()) == len(stored)


def test_reprints_are_marked_not_dropped(crawled):
    _, runs, db, server, _ = crawled
    pairs = [("seed-004-liangxi-signing", "yrd-liangxi-signing-reprint"),  # Traditional vs Simplified
             ("sz-2023-0228-sip-ic-kaigong", "yrd-2023-0301-sip-ic-reprint")]
    for original, reprint in pairs:  # the original is the earlier-published copy, whichever came first
        rows = {r["url"]: r for r in db.execute("select url, duplicate_of, similarity from articles where url in (?, ?)",
                                                 [url_of(server, original), url_of(server, reprint)])}
        assert rows[url_of(server, original)]["duplicate_of"] is None
        assert rows[url_of(server, reprint)]["duplicate_of"] == url_of(server, original)
        assert rows[url_of(server, reprint)]["similarity"] >= 0.5
    different = [url_of(server, "lx-2024-0315-sensor-signing"), url_of(server, "lx-2024-0521-medical-signing")]
    assert not db.execute("select count(*) from articles where url in (?, ?) and duplicate_of is not null",
                          different).fetchone()[0]
    assert sum(r["duplicates"] for r in runs.values()) == 2


def test_each_story_appears_once_in_clusters(crawled):
    _, _, db, server, _ = crawled
    clusters = {r["story_url"]: r for r in db.execute("select * from clusters")}
    originals = {r[0] for r in db.execute("select url from articles where duplicate_of is null")}
    assert set(clusters) == originals
    story = clusters[url_of(server, "seed-004-liangxi-signing")]
    assert story["copies"] == 1 and story["copy_urls"] == url_of(server, "yrd-liangxi-signing-reprint")
    assert url_of(server, "yrd-liangxi-signing-reprint") not in clusters


def test_no_boilerplate_headline_in_any_stored_text(crawled):
    _, _, db, _, _ = crawled
    headlines = [h.strip() for h in (CONTENT / "headlines.txt").read_text(encoding="utf-8").splitlines() if h.strip()]
    for row in db.execute("select url, text from articles"):
        leaked = [h for h in headlines if h in row["text"]]
        assert not leaked, f"{row['url']} keeps {leaked[:2]}"
        assert "相关阅读" not in row["text"] and "ICP备" not in row["text"]


def test_seed_articles_give_announcements(crawled):
    _, _, db, server, _ = crawled
    for story_id in ("seed-000-fenhu-signing", "seed-002-qingpu-parks", "seed-004-liangxi-signing"):
        rows = db.execute("select event_type from announcements where article_url = ?", [url_of(server, story_id)]).fetchall()
        assert rows and rows[0]["event_type"] == "签约", story_id


def test_broken_pages_are_recorded_and_the_crawl_goes_on(crawled):
    _, runs, db, server, _ = crawled
    errors = {r["url"]: r["reason"] for r in db.execute("select url, reason from fetch_errors")}
    assert errors[server.base_url + FAULTS["missing"]] == "HTTP 404"
    assert "truncated" in errors[server.base_url + FAULTS["truncated"]]
    assert server.base_url + FAULTS["robots"] not in errors
    assert runs["sample-liangxi"]["skipped"] >= 1  # the robots.txt-disallowed article
    assert server.hits.get(FAULTS["robots"]) is None  # never requested
    fail_once = next(p for p, r in server.site.resources.items() if r.fault == "fail-once")
    assert server.hits[fail_once] == 2  # 500, then retried successfully
    assert db.execute("select 1 from articles where url = ?", [server.base_url + fail_once]).fetchone()
    details = {e["url"] for run in runs.values() for e in run["error_details"]}
    assert details == set(errors)


def test_encodings_are_read_right(crawled):
    _, _, db, server, _ = crawled
    gbk = db.execute("select encoding, text from articles where url = ?",
                     [url_of(server, "sz-2024-0926-changshu-touchan")]).fetchone()
    liar = db.execute("select encoding, text from articles where url = ?",
                      [url_of(server, "lx-2023-1120-kaigong")]).fetchone()
    assert gbk["encoding"] == "gb18030" and "常熟" in gbk["text"]
    assert liar["encoding"] == "utf-8" and "开工" in liar["text"]
    traditional = db.execute("select script, text from articles where url = ?",
                             [url_of(server, "seed-004-liangxi-signing")]).fetchone()
    assert traditional["script"] == "traditional" and "簽約" in traditional["text"] and "(qiān)" not in traditional["text"]


def test_reprocess_rewrites_from_stored_pages_idempotently(crawled):
    _, _, db, _, (db_path, _) = crawled
    tables = ("articles", "announcements", "projects", "project_mentions")
    before = {t: db.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}
    duplicates = db.execute("select url, duplicate_of from articles where duplicate_of is not null order by url").fetchall()
    result = CliRunner().invoke(cli, ["--db", str(db_path), "reprocess"], catch_exceptions=False)
    assert result.exit_code == 0 and f"{before['articles']} reprocessed" in result.output
    assert {t: db.execute(f"select count(*) from {t}").fetchone()[0] for t in tables} == before
    assert db.execute("select url, duplicate_of from articles where duplicate_of is not null order by url").fetchall() == duplicates


def test_second_crawl_is_idempotent_and_downloads_no_article(crawled):
    _, _, db, _, (db_path, seeds) = crawled
    before = {t: db.execute(f"select count(*) from {t}").fetchone()[0]
              for t in ("articles", "announcements", "projects", "project_mentions")}
    result, runs = crawl(db_path, seeds)
    assert result.exit_code == 0
    after = {t: db.execute(f"select count(*) from {t}").fetchone()[0] for t in before}
    assert after == before
    # Nothing changed: no article page is downloaded, and each source asks only for robots.txt and
    # its listing/feed/sitemap, which answer 304 Not Modified.
    for run in runs.values():
        assert run["new_articles"] == 0 and run["article_pages"] == 0
        assert run["requests"] == 2, run


def test_a_new_article_in_one_listing_is_exactly_what_the_next_crawl_fetches(crawled):
    _, _, db, server, (db_path, seeds) = crawled
    template = next(s for s in server.site.stories if s.id == "lx-2024-0521-medical-signing")
    story = dataclasses.replace(template, id="lx-2024-1201-new-signing", title="梁溪区新签约一个智能制造项目",
                                date=datetime(2024, 12, 1, 9, 0), path="")
    server.site.publish(story)
    result, runs = crawl(db_path, seeds)
    assert result.exit_code == 0
    assert runs["sample-liangxi"]["article_pages"] == 1 and runs["sample-liangxi"]["new_articles"] == 1
    assert runs["sample-suzhou"]["article_pages"] == runs["sample-yrdnews"]["article_pages"] == 0
    newest = db.execute("select url from articles order by first_seen desc, rowid desc limit 1").fetchone()[0]
    assert newest == server.base_url + story.path


def test_sitemap_entries_in_unknown_url_shapes_are_stored(crawled):
    _, _, db, server, _ = crawled
    shapes = {s.fixed_path for s in server.site.stories if s.fixed_path}
    assert {"/suzhou/n1/2024/0411/c134768-40806751.html", "/suzhou/2024-04/11/content_123456.shtml",
            "/suzhou/show.php?id=123"} <= shapes
    for path in shapes:  # none of them has the source's article_url_pattern
        assert db.execute("select source from articles where url = ?", [server.base_url + path]).fetchone()[0] == "sample-suzhou"
    listed = db.execute("select text from articles where url = ?",
                        [url_of(server, "sz-2024-0411-wuzhong-signing-list")]).fetchone()[0]
    assert "胥口高端装备再制造中心项目" in listed  # the short article with its list of projects stays an article


def test_pages_that_are_no_articles_are_not_stored_and_their_verdict_is_kept(crawled):
    _, runs, db, server, _ = crawled
    pages = {server.base_url + page["path"]: page["kind"] for page in server.site.pages}
    assert len(pages) == 4 and set(pages.values()) == {"hub", "profile", "gallery", "tag"}
    assert not db.execute(f"select url from articles where url in ({','.join('?' * len(pages))})", list(pages)).fetchall()
    verdicts = dict(db.execute("select url, verdict from pages_seen where verdict is not null").fetchall())
    assert {url: verdicts.get(url) for url in pages} == pages
    # the sitemap also lists the outlet's home and column page: read once, judged lists
    assert verdicts[server.base_url + "/suzhou/"] == verdicts[server.base_url + "/suzhou/szyw/"] == "listing"
    assert runs["sample-suzhou"]["not_articles"] == 6 and runs["sample-suzhou"]["errors"] == 0
    assert not db.execute("select 1 from fetch_errors where url in (select url from pages_seen where verdict is not null)"
                          ).fetchall()


def test_a_page_judged_no_article_is_not_fetched_again(crawled):
    _, _, db, server, (db_path, seeds) = crawled
    judged = [page["path"] for page in server.site.pages] + ["/suzhou/index.shtml", "/suzhou/szyw/index.shtml"]
    hits_before = {path: server.hits.get(path, 0) for path in judged}
    assert all(hits_before.values())
    template = next(s for s in server.site.stories if s.id == "sz-2024-0418-xiangcheng-jiepai")
    story = dataclasses.replace(template, id="sz-2024-1202-new", title="苏州工业园区新签约一个生物医药项目",
                                date=datetime(2024, 12, 2, 9, 0), path="", fixed_path="")
    server.site.publish(story)  # the sitemap changes, so it is read in full again
    result, runs = crawl(db_path, seeds)
    assert result.exit_code == 0
    assert runs["sample-suzhou"]["article_pages"] == 1 and runs["sample-suzhou"]["new_articles"] == 1
    assert runs["sample-suzhou"]["not_articles"] == 0
    assert {path: server.hits.get(path, 0) for path in judged} == hits_before


def test_a_hub_the_source_declares_as_its_listing_is_still_followed(crawled, tmp_path):
    _, _, _, server, _ = crawled
    hub = server.base_url + next(page["path"] for page in server.site.pages if page["kind"] == "hub")
    seeds = tmp_path / "hub.toml"
    seeds.write_text(f'[[sources]]\nname = "suzhou-hub"\noutlet = "苏州市人民政府"\nregion = "江苏省苏州市"\n'
                     f'kind = "listing"\nstart_urls = ["{hub}"]\nallowed_domains = ["127.0.0.1"]\n'
                     f'private_addresses = ["{server.base_url.split("//")[1]}"]\ndownload_delay = 0\n', encoding="utf-8")
    db_path = tmp_path / "hub.db"
    store = Store(db_path)
    store.mark_seen(hub, "suzhou-hub", 200, verdict="hub")  # judged a hub by an earlier run
    store.close()
    result, runs = crawl(db_path, seeds)
    assert result.exit_code == 0, result.output
    suzhou = {server.base_url + s.path for s in server.site.stories if s.outlet == "suzhou"}
    stored = {url for (url,) in sqlite3.connect(db_path).execute("select url from articles")}
    assert stored == suzhou and runs["suzhou-hub"]["new_articles"] == len(suzhou)
