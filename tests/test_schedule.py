"""Scheduling: the long-running scheduler, the per-source lock shared with cron, status and crontab."""
import json
import os
import socket
import sqlite3
import subprocess
import sys

from click.testing import CliRunner

from yrdwatch.crawler.schedule import period_seconds, yield_warning
from yrdwatch.crawler.sources import load_sources
from yrdwatch.db.store import Store
from yrdwatch.cli import cli

from conftest import ROOT, run_until_sigterm


def finished_runs(db_path):
    if not db_path.exists():
        return []
    try:
        return sqlite3.connect(db_path).execute(
            "select source, status from crawl_runs where finished_at is not null").fetchall()
    except sqlite3.OperationalError:
        return []


def test_scheduler_runs_sources_and_stops_cleanly_on_sigterm(sample_server, sample_seeds, db_path, tmp_path):
    def done(err):
        runs = finished_runs(db_path)
        return {"sample-suzhou", "sample-yrdnews"} <= {source for source, _ in runs} and len(runs) >= 3

    returncode, _, err = run_until_sigterm(
        ["--db", db_path, "schedule", "--seeds", sample_seeds, "--source", "sample-suzhou", "--source",
         "sample-yrdnews", "--every", "2", "--log", tmp_path / "s.log"], done=done, timeout=120)
    assert returncode == 0, err[-2000:]
    runs = finished_runs(db_path)
    assert {"sample-suzhou", "sample-yrdnews"} <= {source for source, _ in runs}
    # A crawl caught by SIGTERM closes its spiders ("shutdown"), or exits before they open.
    assert all(status in ("finished", "shutdown") or status.startswith(("interrupted", "failed")) for _, status in runs)
    assert "sample-suzhou: every 2 s" in err
    # No run left behind as "running", no lock left behind.
    db = sqlite3.connect(db_path)
    assert db.execute("select count(*) from crawl_runs where status = 'running'").fetchone()[0] == 0
    assert db.execute("select count(*) from source_locks").fetchone()[0] == 0


def test_a_locked_source_is_skipped_and_a_dead_holder_is_taken_over(run_cli, sample_seeds, sample_server, db_path):
    store = Store(db_path)
    host = socket.gethostname()
    assert store.acquire_lock("sample-suzhou", host, os.getpid(), 300, lambda pid: True) is None  # we hold it
    result = run_cli("crawl", "--seeds", sample_seeds, "--source", "sample-suzhou", "--json")
    run = json.loads(result.stdout)
    assert run["status"] == f"skipped: locked by {host}:{os.getpid()}" and run["article_pages"] == 0
    # A holder that is no longer alive (a crawl killed with -9) does not block the next crawl.
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    store.release_locks(host, os.getpid())
    assert store.acquire_lock("sample-suzhou", host, dead.pid, 300, lambda pid: True) is None
    run = json.loads(run_cli("crawl", "--seeds", sample_seeds, "--source", "sample-suzhou", "--json").stdout)
    assert run["status"] == "finished" and run["new_articles"] > 0


def test_status_and_crontab(run_cli, sample_seeds, sample_server):
    run_cli("crawl", "--seeds", sample_seeds, "--source", "sample-yrdnews")
    rows = [json.loads(line) for line in run_cli("status", "--seeds", sample_seeds, "--json").stdout.splitlines()]
    yrd = next(r for r in rows if r["source"] == "sample-yrdnews")
    assert yrd["status"] == "finished" and yrd["new_articles"] > 0 and yrd["next_run"].endswith("+08:00")
    never = next(r for r in rows if r["source"] == "sample-liangxi")
    assert never["last_run"] is None
    lines = run_cli("crontab", "--seeds", sample_seeds).stdout.splitlines()
    assert "CRON_TZ=Asia/Shanghai" in lines
    assert any(line.startswith("30 7 * * * ") and "--source sample-yrdnews" in line for line in lines)
    assert not any(" digest " in line for line in lines)  # no subscription configured, no digest line


def test_crontab_sends_each_subscription_on_its_schedule(tmp_path, sample_seeds, db_path):
    config = tmp_path / "yrdwatch.toml"
    out = tmp_path / "out"
    config.write_text('[[subscriptions]]\nname = "wuxi"\ncities = ["无锡"]\nschedule = "30 7 * * 1-5"\n'
                      f'channels = ["file://{out}"]\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--db", str(db_path), "--config", str(config), "crontab", "--seeds", sample_seeds])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    digest = [line for line in lines if " digest " in line]
    assert len(digest) == 1 and digest[0].startswith("30 7 * * 1-5 ")
    assert f"--config {config}" in digest[0] and "digest --subscription wuxi" in digest[0]
    assert lines[lines.index(digest[0]) - 1] == "CRON_TZ=Asia/Shanghai"


def test_misfire_grace_is_the_period():
    source = next(s for s in load_sources(ROOT / "seeds" / "sample.toml"))
    assert period_seconds(source) == 24 * 3600


def test_yield_warning_when_extraction_suddenly_fails():
    normal = {"article_pages": 10, "unreadable": 0, "undated": 1}
    broken = {"article_pages": 10, "unreadable": 8, "undated": 0}
    assert yield_warning([broken, normal, normal, normal]).startswith("80% pages without article text")
    assert yield_warning([normal, normal, normal, normal]) is None
    assert yield_warning([broken, broken, broken]) is None  # always like that: not a change
