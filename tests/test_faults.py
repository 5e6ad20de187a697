"""The /faults/ column of the sample sites: every bad page is recorded with its stage and reason,
and the crawl goes on."""
import json
import sqlite3


def test_faulty_pages_are_recorded_and_the_good_ones_stored(sample_server, tmp_path, run_cli, db_path):
    base = sample_server.base_url
    seeds = tmp_path / "faults.toml"
    seeds.write_text(
        '[[sources]]\nname = "sample-faults"\noutlet = "故障页"\nregion = "江苏省"\nkind = "listing"\n'
        f'start_urls = ["{base}/faults/index.html"]\nallowed_domains = ["127.0.0.1"]\nprivate_addresses = ["127.0.0.1"]\n'
        "article_url_pattern = 'art_\\w+\\.html$'\ndownload_delay = 0\n", encoding="utf-8")
    config = tmp_path / "yrdwatch.toml"
    config.write_text("[crawl]\ntimeout = 1\n", encoding="utf-8")
    result = run_cli("--config", config, "crawl", "--seeds", seeds, "--json")
    run = json.loads(result.stdout)
    assert run["status"] == "finished"
    errors = {e["url"].rsplit("/", 1)[1]: (e["stage"], e["reason"]) for e in run["error_details"]}
    assert errors["art_big.html"][0] == "download" and "size cap" in errors["art_big.html"][1]
    assert errors["art_binary.html"] == ("extract", "binary content, not an HTML page")
    assert "max redirections" in errors["art_loop.html"][1]
    assert errors["art_slow.html"][1].startswith("timed out")
    assert run["errors"] == 4 and run["skipped"] >= 1  # the off-site link is not followed
    db = sqlite3.connect(db_path)
    stored = dict(db.execute("select url, text from articles"))
    assert f"{base}/faults/art_busy.html" in stored  # 429 + Retry-After, then the page
    assert "（GBK）" not in stored[f"{base}/faults/art_nocharset.html"]  # title is not in the body
    assert "梁溪" in stored[f"{base}/faults/art_nocharset.html"]
    assert db.execute("select count(*) from fetch_errors").fetchone()[0] == 4
