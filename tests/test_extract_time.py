"""Extraction time has a linear bound: the rules read only the head of a huge page (the text kept
stays whole), and in a crawl a page that reads longer than its budget is recorded as a timeout while
the crawl goes on."""
import sqlite3
from pathlib import Path

import pytest

from yrdwatch.crawler.run import run_crawl
from yrdwatch.crawler.sources import load_sources
from yrdwatch.extract.article import ANALYSED_CHARS, analysed_part, article_from_bytes, text_stage
from yrdwatch.sample_sites.site import load_stories
from yrdwatch.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parents[1]


def _story_text(min_chars: int) -> str:
    """Story paragraphs (figures, 亿元, project names) repeated to at least ``min_chars`` characters."""
    paragraphs = [p for s in load_stories() for p in s.paragraphs if p.endswith("。")]
    lines, size = [], 0
    while size < min_chars:
        lines.append(paragraphs[len(lines) % len(paragraphs)])
        size += len(lines[-1]) + 1
    return "\n".join(lines)


def test_the_cap_is_far_above_every_real_article():
    # The cap's reason: no real article comes near it (the corpus' longest is ~2,000 characters).
    longest = max(len(p.read_text(encoding="utf-8")) for p in (ROOT / "corpus" / "articles").glob("*.txt"))
    assert 10 * longest < ANALYSED_CHARS


def test_a_huge_text_is_read_by_its_head_and_kept_whole():
    text = _story_text(3 * ANALYSED_CHARS)
    head = analysed_part(text)
    assert ANALYSED_CHARS // 2 < len(head) <= ANALYSED_CHARS and text.startswith(head)
    assert text[len(head)] == "\n"  # ended at a line break, no sentence cut in two
    assert analysed_part(head) == head  # a text under the cap is read whole
    title, date = "苏州工业园区一批重大项目集中开工", "2023-02-28T11:20:00+08:00"
    assert text_stage(text, title, date) == text_stage(head, title, date)
    article = article_from_bytes(("苏州工业园区一批重大项目集中开工\n2023-02-28 11:20\n" + text).encode(),
                                 content_type="text/plain")
    assert len(article.analysis_text) > 2 * ANALYSED_CHARS and article.announcements


def test_a_page_over_its_time_budget_is_recorded_and_the_crawl_goes_on(sample_seeds, db_path):
    # A budget no page can meet (reading a page takes milliseconds at least): every article page
    # times out, one after another, each on a fresh reader, and the run still ends normally.
    (source,) = [s for s in load_sources(sample_seeds) if s.name == "sample-yrdnews"]
    (run,) = run_crawl(db_path, [source], settings={"DOWNLOAD_DELAY": 0, "YRDWATCH_EXTRACT_TIMEOUT": 0.001})
    assert run["status"] == "finished"
    extract_errors = [e for e in run["error_details"] if e["stage"] == "extract"]
    assert len(extract_errors) >= 5 and len({e["url"] for e in extract_errors}) == len(extract_errors)
    assert {e["reason"] for e in extract_errors} == {"extraction took longer than 0.001 s"}
    assert run["new_articles"] == 0 and run["errors"] >= len(extract_errors)
    assert sqlite3.connect(db_path).execute("select count(*) from articles").fetchone()[0] == 0


def test_the_budget_is_set_in_the_config_file_and_checked(tmp_path):
    config = tmp_path / "yrdwatch.toml"
    config.write_text("[crawl]\nextract_timeout = 5\n", encoding="utf-8")
    assert load_config(config).crawl_settings()["YRDWATCH_EXTRACT_TIMEOUT"] == 5.0
    config.write_text("[crawl]\nmin_delay = 0\n", encoding="utf-8")
    assert "YRDWATCH_EXTRACT_TIMEOUT" not in load_config(config).crawl_settings()  # crawler/settings.py's default
    config.write_text("[crawl]\nmin_delay = 0\nextract_timeout = 0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"yrdwatch.toml:3: crawl.extract_timeout: must be a positive number of seconds"):
        load_config(config)
