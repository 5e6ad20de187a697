"""Real sources without traps: the configuration names the seeds every command reads,
`sources --check` tries a source for real (DNS, robots.txt, its first page, its article links, one
article read), new sources are unverified, a site that never answers is a failed run, and the
cluster's commands without the redis extra say what to install."""
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from yrdwatch.crawler.sources import SAMPLE_SEEDS, load_sources
from yrdwatch.config import ConfigError, load_config

from conftest import ROOT, invoke

UNRESOLVABLE = """
[[sources]]
name = "nowhere"
outlet = "无处日报"
region = "江苏省"
kind = "listing"
start_urls = ["https://news.nowhere.invalid/col/index.html"]
allowed_domains = ["news.nowhere.invalid"]
schedule = "5 6 * * *"
"""


def yrdwatch(*args, cwd=ROOT, env=None) -> subprocess.CompletedProcess:
    """The real CLI in its own process."""
    return subprocess.run([sys.executable, "-m", "yrdwatch", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def loopback_source(name: str, outlet: str, region: str, kind: str, port, path: str, extra: str = "") -> str:
    """A [[sources]] table for a site on 127.0.0.1:PORT, allowed to reach that address."""
    return f"""
[[sources]]
name = "{name}"
outlet = "{outlet}"
region = "{region}"
kind = "{kind}"
start_urls = ["http://127.0.0.1:{port}{path}"]
allowed_domains = ["127.0.0.1"]
private_addresses = ["127.0.0.1:{port}"]
{extra}download_delay = 0
"""


def test_the_configured_seeds_are_read_by_every_command_and_the_samples_are_said(tmp_path):
    seeds = write(tmp_path / "mine.toml", UNRESOLVABLE)
    config = write(tmp_path / "yrdwatch.toml", '[crawl]\nseeds = ["mine.toml"]\nmin_delay = 1\n')
    assert load_config(config).seeds == (seeds,)  # relative to the configuration file
    db = tmp_path / "y.db"
    for command in (["sources"], ["status"], ["crontab"], ["status", "--json"]):
        result = invoke("--config", config, "--db", db, *command)
        assert result.exit_code == 0, result.output
        assert "nowhere" in result.stdout and "sample-" not in result.stdout, command
        assert "bundled sample" not in result.stderr
    assert f"--seeds {seeds}" in invoke("--config", config, "--db", db, "crontab").stdout

    empty = write(tmp_path / "empty.toml", "")
    for command in (["sources"], ["status"], ["crontab"]):
        result = invoke("--config", empty, "--db", db, *command)
        assert "sample-liangxi" in result.stdout, command
        assert result.stderr.count("using the bundled sample sources (seeds/sample.toml") == 1, result.stderr
    # --seeds still wins over the configuration.
    assert "sample-suzhou" in invoke("--config", config, "sources", "--seeds", SAMPLE_SEEDS).stdout


@pytest.mark.parametrize("value, message", [
    ('"mine.toml"', "crawl.seeds: must be a list, not str"),
    ('["missing.toml"]', "crawl.seeds: 'missing.toml': no such seeds file"),
    ('[""]', "crawl.seeds: '' is not a file name"),
])
def test_a_bad_seeds_key_is_refused_with_file_line_and_key(tmp_path, value, message):
    config = write(tmp_path / "yrdwatch.toml", f"[database]\npath = \"x.db\"\n\n[crawl]\nmin_delay = 2\nseeds = {value}\n")
    with pytest.raises(ConfigError, match=f"^{config}:6: {message}"):
        load_config(config)
    assert f"{config}:6: {message}" in invoke("--config", config, "sources").output


def test_new_sources_are_unverified(tmp_path):
    (source,) = load_sources(write(tmp_path / "mine.toml", UNRESOLVABLE))
    assert source.verified is False and source.line == 3
    listed = invoke("sources", "--seeds", tmp_path / "mine.toml").stdout.splitlines()
    assert listed[2].split()[-2] == "no"  # the verified column, before the start URL
    assert all(s.verified for s in load_sources(SAMPLE_SEEDS))  # the samples say so themselves


def test_a_site_that_never_answers_is_a_failed_run_and_crawl_says_so(tmp_path, free_port):
    seeds = write(tmp_path / "mine.toml", UNRESOLVABLE + loopback_source("closed-port", "关门日报", "上海市", "feed",
                                                                        free_port, "/rss.xml"))
    db = tmp_path / "y.db"
    result = invoke("--db", db, "crawl", "--seeds", seeds)
    assert result.exit_code == 1, result.output
    runs = dict(sqlite3.connect(db).execute("select source, status from crawl_runs"))
    assert runs["nowhere"].startswith("failed: no answer from the site: ")
    assert "DNS lookup failed for news.nowhere.invalid" in runs["nowhere"]
    assert runs["closed-port"].startswith("failed: no answer from the site: connection refused")
    assert "Not finished:\n  nowhere: failed: no answer from the site" in result.stderr
    assert "Unverified source(s): nowhere, closed-port" in result.stderr


def test_sources_check_tries_the_sample_sites_for_real_and_stores_nothing(sample_seeds, tmp_path):
    db = tmp_path / "never.db"
    result = yrdwatch("--db", db, "sources", "--check", "--json", "--seeds", sample_seeds)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    reports = {r["source"]: r for r in map(json.loads, result.stdout.splitlines())}
    for name, kind in (("sample-liangxi", "listing"), ("sample-suzhou", "sitemap"), ("sample-yrdnews", "feed")):
        report = reports[name]
        assert report["passed"] and report["reason"] is None and report["kind"] == kind
        assert [(s["step"], s["status"]) for s in report["steps"]] == [
            ("DNS", "ok"), ("robots.txt", "ok"), ("head", "ok"), ("article links", "ok"), ("article", "ok")], report
        steps = {s["step"]: s["detail"] for s in report["steps"]}
        assert steps["DNS"] == "127.0.0.1 → 127.0.0.1 (loopback, in private_addresses)"
        assert steps["robots.txt"] == "HTTP 200, the start URL is allowed for yrdwatch"
        assert steps["head"].startswith(f"{kind} http://127.0.0.1:") and steps["head"].endswith("HTTP 200")
        assert int(steps["article links"].split()[0]) >= 6
        assert "HTTP 200, 「" in steps["article"] and "characters, 1 announcement(s)" in steps["article"]
        assert report["seeds_file"] == str(sample_seeds) and report["line"] > 0 and report["verified"]
    # The feed's first article is truncated on purpose: the next one is read, and the failure named.
    assert "(after 1 that failed: " in reports["sample-yrdnews"]["steps"][4]["detail"]
    assert not db.exists()


def test_sources_check_fails_a_host_that_does_not_resolve_and_a_listing_without_articles(sample_server, tmp_path):
    port = sample_server.base_url.rsplit(":", 1)[1]
    seeds = write(tmp_path / "mine.toml", UNRESOLVABLE + loopback_source(
        "no-links", "梁溪", "江苏省无锡市梁溪区", "listing", port, "/liangxi/col/col1234/index.html",
        extra="article_url_pattern = '/no-such-article-\\d+\\.html$'\n"))
    result = yrdwatch("sources", "--check", "--seeds", seeds)
    assert result.returncode == 1
    nowhere, no_links = result.stdout.strip().split("\n\n")
    assert "DNS            FAILED" in nowhere and "news.nowhere.invalid does not resolve" in nowhere
    assert "verdict: FAILED at DNS: news.nowhere.invalid does not resolve" in nowhere
    assert nowhere.count("not tried") == 4
    # Since pages decide what is an article, a listing's row-shaped links are candidates whatever the
    # pattern says, so this listing now has links to try (the no-links verdict needs a test page of its own).
    assert no_links.startswith("no-links (listing, ")
    assert "Check failed: nowhere" in result.stderr


def test_cluster_commands_without_the_redis_extra_name_it_and_how_to_install_it(tmp_path):
    hook = tmp_path / "hook"
    hook.mkdir()
    write(hook / "sitecustomize.py",
          "import sys\n"
          "class NoRedis:\n"
          "    def find_spec(self, name, path=None, target=None):\n"
          "        if name.split('.')[0] in ('redis', 'scrapy_redis'):\n"
          "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
          "sys.meta_path.insert(0, NoRedis())\n")
    config = write(tmp_path / "cluster.toml", '[cluster]\nredis_url = "redis://127.0.0.1:6399/0"\n')
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(hook), str(ROOT)])}
    for command in (["worker"], ["store"], ["crawl", "--cluster", "--seeds", SAMPLE_SEEDS]):
        result = yrdwatch("--config", config, "--db", tmp_path / "y.db", *command, env=env)
        assert result.returncode == 1, command
        assert "needs the optional extra 'redis'" in result.stderr and "pip install 'yrdwatch[redis]'" in result.stderr
        assert "Traceback" not in result.stderr, result.stderr
    status = yrdwatch("--config", config, "--db", tmp_path / "y.db", "status", env=env)
    assert status.returncode == 0 and "Cluster: a cluster needs the optional extra 'redis'" in status.stdout
    assert "Traceback" not in status.stderr
