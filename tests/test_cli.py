"""The CLI as a user runs it: extract's output contract, ingest, demo."""
import json
import subprocess
import sys

from conftest import ROOT, SEED_ARTICLES, shared_path, unused_port

CONTRACT_KEYS = {"input", "title", "published_at", "outlet", "script", "text", "is_announcement", "announcements"}
ANNOUNCEMENT_KEYS = {"event_type", "event_date", "province", "city", "district", "park", "total_investment_cny",
                     "investment_qualifier", "project_count", "projects", "industries", "parties"}


def test_extract_json_follows_the_contract(run_cli, tmp_path):
    seeds = sorted(SEED_ARTICLES.glob("*.txt"))
    missing = tmp_path / "missing.html"
    result = run_cli("extract", *seeds, missing, "--json")
    assert result.exit_code == 1  # one file could not be read
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["input"] for line in lines] == [str(p) for p in seeds] + [str(missing)]
    for line in lines[:-1]:
        assert CONTRACT_KEYS <= set(line) and "error" not in line
        assert line["is_announcement"] is True
        for ann in line["announcements"]:
            assert ANNOUNCEMENT_KEYS <= set(ann)
    assert lines[-1]["error"] and lines[-1]["announcements"] == []


def test_extract_output_scores_with_the_shared_scorer(run_cli, tmp_path):
    scorer = shared_path("tools", "score_extract.py")
    result = run_cli("extract", *sorted(SEED_ARTICLES.glob("*.txt")), "--json")
    pred = tmp_path / "pred.jsonl"
    pred.write_text(result.stdout, encoding="utf-8")
    scored = subprocess.run([sys.executable, scorer, "--labels", shared_path("seeds", "labels"), "--pred", pred, "--json"],
                            capture_output=True, text=True, check=True)
    scores = json.loads(scored.stdout)
    assert scores["missing_predictions"] == []
    assert scores["detect"]["rate"] == 1.0
    assert scores["boilerplate_removed"]["rate"] == 1.0


def test_extract_reads_html_files(run_cli, tmp_path):
    page = tmp_path / "page.html"
    page.write_bytes("<html><head><meta charset='gbk'><title>某区项目集中开工</title></head><body><h1>某区项目集中开工</h1>"
                     "<p>发布时间：2023-06-21</p><p>6月21日，某区12个重大项目集中开工，总投资约85亿元，涵盖新能源汽车、集成电路等产业。</p>"
                     "<p>此次开工项目建成后将进一步壮大全区先进制造业集群，为高质量发展注入新动能。</p></body></html>".encode("gbk"))
    line = json.loads(run_cli("extract", page, "--json").stdout)
    assert line["published_at"] == "2023-06-21" and "85亿元" in line["text"]


def test_ingest_is_idempotent(run_cli, db_path):
    import sqlite3

    seeds = sorted(SEED_ARTICLES.glob("*.txt"))
    first = run_cli("ingest", *seeds)
    assert first.exit_code == 0, first.output
    assert first.output.count(": new") == len(seeds)
    second = run_cli("ingest", *seeds)
    assert second.output.count(": unchanged") == len(seeds)
    db = sqlite3.connect(db_path)
    assert db.execute("select count(*) from articles").fetchone()[0] == len(seeds)
    assert db.execute("select count(*) from announcements").fetchone()[0] >= len(seeds)
    # Five different stories, three of them Traditional with ruby: none is a near-duplicate of another.
    assert db.execute("select count(*) from articles where duplicate_of is not null").fetchone()[0] == 0


def test_demo_end_to_end_as_a_subprocess_writes_a_sample_digest(tmp_path):
    db = tmp_path / "demo.db"
    proc = subprocess.run([sys.executable, "-m", "yrdwatch", "--db", db, "demo", "--port", str(unused_port())],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "sample-liangxi" in proc.stdout and "total" in proc.stdout
    assert proc.stdout.rstrip().splitlines()[-1].startswith(f"Browse it:  yrdwatch --db {db} serve")
    written = sorted(p.suffix for p in (tmp_path / "digests").iterdir())
    assert written == [".atom", ".html", ".md", ".png"]
    html = next((tmp_path / "digests").glob("*.html"))
    assert f"Sample digest (subscription \"all\", dry run: nothing sent): {html}" in proc.stdout
    assert proc.stdout.index("Sample digest") < proc.stdout.index(f"Database {db}")
