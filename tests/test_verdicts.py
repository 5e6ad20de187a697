"""A page judged not to be an article is remembered in pages_seen: databases made before the verdict
columns get them when opened, the verdict rests the page for RECHECK_AFTER (30 days), and any later
answer for the page clears it."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

from yrdwatch.crawler.spiders import RECHECK_AFTER, is_gone, is_judged_not_article, rests
from yrdwatch.db.store import Store

OLD_PAGES_SEEN = """CREATE TABLE pages_seen (url TEXT PRIMARY KEY, source TEXT, last_status INTEGER, etag TEXT,
    last_modified TEXT, content_hash TEXT, first_seen TEXT, last_seen TEXT, full_fetched_at TEXT)"""
OLD_CRAWL_RUNS = """CREATE TABLE crawl_runs (id INTEGER PRIMARY KEY, batch TEXT, source TEXT, started_at TEXT,
    finished_at TEXT, status TEXT, requests INTEGER DEFAULT 0, article_pages INTEGER DEFAULT 0,
    new_articles INTEGER DEFAULT 0, updated_articles INTEGER DEFAULT 0, duplicates INTEGER DEFAULT 0,
    announcements INTEGER DEFAULT 0, errors INTEGER DEFAULT 0, skipped INTEGER DEFAULT 0,
    unreadable INTEGER DEFAULT 0, undated INTEGER DEFAULT 0)"""


def test_an_older_database_gets_the_verdict_columns_and_keeps_its_rows(tmp_path):
    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.executescript(f"{OLD_PAGES_SEEN}; {OLD_CRAWL_RUNS};")
    old.execute("insert into pages_seen (url, source, last_status, last_seen) values ('http://x/a.html', 's', 200, '2024-01-01')")
    old.commit()
    old.close()
    store = Store(path)
    columns = {row[1] for row in store.db.conn.execute("pragma table_info(pages_seen)")}
    assert {"verdict", "verdict_at"} <= columns
    assert "not_articles" in {row[1] for row in store.db.conn.execute("pragma table_info(crawl_runs)")}
    assert store.pages_seen_of("s")["http://x/a.html"]["verdict"] is None
    store.mark_seen("http://x/a.html", "s", 200, verdict="hub")
    row = store.pages_seen_of("s")["http://x/a.html"]
    assert row["verdict"] == "hub" and is_judged_not_article(row, datetime.now(timezone.utc))
    store.close()


def test_any_later_answer_clears_the_verdict(tmp_path):
    store = Store(tmp_path / "y.db")
    store.mark_seen("http://x/p.html", "s", 200, verdict="profile")
    store.mark_seen("http://x/p.html", "s", 404)  # the page went away: gone for a week, no longer judged
    row = store.pages_seen_of("s")["http://x/p.html"]
    assert row["verdict"] is None and row["verdict_at"] is None and rests(row, datetime.now(timezone.utc))
    store.close()


def test_a_verdict_rests_the_page_for_thirty_days():
    now = datetime(2024, 6, 1, tzinfo=timezone.utc)
    assert RECHECK_AFTER == timedelta(days=30)
    judged = {"last_status": 200, "last_seen": "2024-05-20T00:00:00+00:00", "verdict": "gallery"}
    assert rests({**judged, "verdict_at": (now - timedelta(days=29)).isoformat()}, now)
    assert not rests({**judged, "verdict_at": (now - timedelta(days=31)).isoformat()}, now)
    fetched = {"last_status": 200, "last_seen": now.isoformat(), "verdict": None, "verdict_at": None}
    assert not rests(fetched, now) and not is_gone(fetched, now)
