"""A crawl killed with SIGKILL mid-run loses nothing and duplicates nothing on the next run."""
import sqlite3
import subprocess
import sys
import time

from conftest import ROOT


def count(db_path, sql):
    try:
        return sqlite3.connect(db_path, timeout=30).execute(sql).fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def test_kill_9_mid_crawl_then_a_new_run(sample_server, tmp_path, db_path):
    seeds = tmp_path / "slow.toml"
    seeds.write_text(
        '[[sources]]\nname = "sample-yrdnews"\noutlet = "长三角经济报"\nregion = "长三角"\nkind = "feed"\n'
        f'start_urls = ["{sample_server.base_url}/yrdnews/rss.xml"]\nallowed_domains = ["127.0.0.1"]\nprivate_addresses = ["127.0.0.1"]\n'
        "download_delay = 0.4\n", encoding="utf-8")
    crawl = [sys.executable, "-m", "yrdwatch", "--db", str(db_path), "crawl", "--seeds", str(seeds)]
    parent = subprocess.Popen(crawl, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Kill once 3 articles are stored and the run's row holds some of them: its counters are
    # written at most once a second (crawler.extensions), and a kill must not reset them.
    deadline = time.time() + 60
    while time.time() < deadline and (count(db_path, "select count(*) from articles") < 3
                                      or not count(db_path, "select max(new_articles) from crawl_runs")):
        time.sleep(0.1)
    child = count(db_path, "select pid from source_locks")
    assert child, "the crawl process holds the source lock while it runs"
    subprocess.run(["kill", "-9", str(child)], check=True)
    parent.wait(timeout=60)
    stored_before = count(db_path, "select count(*) from articles")
    expected = len([s for s in sample_server.site.stories if s.outlet == "yrdnews"])
    assert 3 <= stored_before < expected

    second = subprocess.run(crawl + ["--json"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr[-2000:]
    db = sqlite3.connect(db_path)
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert db.execute("select count(*) from articles").fetchone()[0] == expected  # nothing lost
    assert db.execute("select count(*), count(distinct url) from articles").fetchone() == (expected, expected)
    statuses = [r[0] for r in db.execute("select status from crawl_runs order by id")]
    assert statuses == ["interrupted: crawl process killed by signal 9", "finished"]
    # The killed run shows what it did before the kill, not zeros.
    killed = db.execute("select requests, article_pages, new_articles from crawl_runs order by id").fetchone()
    assert killed[0] >= killed[1] >= 1 and killed[2] >= 1, killed
    assert db.execute("select count(*) from source_locks").fetchone()[0] == 0
