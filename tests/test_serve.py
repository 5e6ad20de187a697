"""`yrdwatch serve` as a real subprocess on a database filled by crawling the sample sites: the
JSON API, the search box, the canned queries, and headless Chromium on the HTML pages."""
from __future__ import annotations

import contextlib
import json
import sqlite3
import subprocess
import sys
import time
import types
import urllib.parse
import urllib.request
from pathlib import Path

import opencc
import pytest
import yaml

from browser import dump_dom, needs_chromium, nonblank_fraction, screenshot
from conftest import ROOT, copy_database, unused_port
from yrdwatch.extract.normalize import analysis_text

pytestmark = pytest.mark.xdist_group("sample_crawl")  # one parallel worker crawls once (conftest)

SCREENSHOTS = ROOT / "out" / "screenshots"  # out/ is git-ignored: CI keeps it as an artefact


@contextlib.contextmanager
def serving(db_path: Path):
    """`yrdwatch --db DB serve` on a free port until the block ends; ``.url`` is the database's
    URL, ``.pid`` its process, ``.stderr`` the server's error output once it stopped."""
    port = unused_port()
    proc = subprocess.Popen([sys.executable, "-m", "yrdwatch", "--db", str(db_path), "serve", "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    server = types.SimpleNamespace(url=f"http://127.0.0.1:{port}/{db_path.stem}", pid=proc.pid, stderr="")
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    proc.kill()
                    pytest.fail(f"yrdwatch serve did not start: {proc.communicate()[1][-2000:]}")
                time.sleep(0.2)
        yield server
    finally:
        proc.terminate()
        server.stderr = proc.communicate(timeout=20)[1]


def get_json(url: str, **params) -> dict:
    query = urllib.parse.urlencode({**params, "_shape": "objects"})
    with urllib.request.urlopen(f"{url}?{query}", timeout=30) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def site(tmp_path_factory, sample_crawl):
    """The session's crawl of the sample sites (a copy), served by `yrdwatch serve` for the whole module."""
    db_path = copy_database(sample_crawl.db, tmp_path_factory.mktemp("serve") / "yrdwatch.db")
    db = sqlite3.connect(db_path)
    db.row_factory = sqlite3.Row
    try:
        with serving(db_path) as server:
            yield types.SimpleNamespace(url=server.url, db=db, sample=sample_crawl.server)
    finally:
        db.close()


def url_of(site, story_id: str) -> str:
    return site.sample.base_url + next(s.path for s in site.sample.site.stories if s.id == story_id)


def search(site, table: str, query: str) -> list[dict]:
    return get_json(f"{site.url}/{table}.json", _search=query, _size="max")["rows"]


@pytest.mark.parametrize("word", ["汾湖", "芯片", "梁溪"])
def test_search_finds_two_character_words_exactly_where_they_occur(site, word):
    found = {row["url"] for row in search(site, "articles", word)}
    expected = {r["url"] for r in site.db.execute("select url, title, text from articles")
                if word in analysis_text(f"{r['title']}\n{r['text']}")}
    assert expected and found == expected


def test_search_finds_projects_by_place_and_party(site):
    found = search(site, "projects", "汾湖")
    assert found and all("汾湖" in " ".join(filter(None, (p["name"], p["park"], p["district"], parties(site, p["id"]))))
                         for p in found)
    party = site.db.execute("select j.value from announcements a, json_each(a.parties) j "
                            "join project_mentions m on m.announcement_id = a.id limit 1").fetchone()[0]
    assert {p["id"] for p in search(site, "projects", party)} >= {
        r[0] for r in site.db.execute("select m.project_id from project_mentions m join announcements a "
                                      "on a.id = m.announcement_id, json_each(a.parties) j where j.value = ?", [party])}


def parties(site, project_id: str) -> str:
    return " ".join(r[0] for r in site.db.execute(
        "select a.parties from project_mentions m join announcements a on a.id = m.announcement_id "
        "where m.project_id = ?", [project_id]))


def test_a_simplified_query_finds_the_traditional_page_and_back(site):
    traditional, reprint = url_of(site, "seed-004-liangxi-signing"), url_of(site, "yrd-liangxi-signing-reprint")
    text = site.db.execute("select text from articles where url = ?", [traditional]).fetchone()[0]
    assert "儀式" in text and "仪式" not in text  # only the conversion can find it
    assert traditional in {row["url"] for row in search(site, "articles", "仪式")}
    assert {traditional, reprint} <= {row["url"] for row in search(site, "articles", "簽約儀式")}


def test_tables_carry_the_metadata(site):
    database = get_json(f"{site.url}.json")
    hidden = {t["name"] for t in database["tables"] if t["hidden"]}
    visible = {t["name"] for t in database["tables"] if not t["hidden"]}
    assert {"article_bands", "dedup_meta", "articles_fts", "projects_fts_data"} <= hidden
    assert not {"raw_pages", "source_locks"} & (hidden | visible)  # private: not listed at all (test_serve_exposure)
    assert {"articles", "announcements", "projects", "crawl_runs", "fetch_errors"} <= visible
    facets = get_json(f"{site.url}/announcements.json", _size=1)["facet_results"]
    assert {"event_type", "province", "city", "district", "industries", "event_date"} <= set(facets)
    projects = [p["investment_cny"] for p in get_json(f"{site.url}/projects.json", _size="max")["rows"]]
    amounts = [a for a in projects if a is not None]
    assert amounts == sorted(amounts, reverse=True) and projects[:len(amounts)] == amounts
    published = [a["published_at"] for a in get_json(f"{site.url}/articles.json", _size="max")["rows"]]
    assert published == sorted(published, reverse=True)


@pytest.mark.parametrize("column, argument, kept", [
    ("event_date", "event_date__glob", lambda row, value: row["event_date"].startswith(value)),
    ("industries", "_has_industries", lambda row, value: value in json.loads(row["industries"])),
])
def test_year_and_list_facets_filter_what_they_count(site, column, argument, kept):
    facet = get_json(f"{site.url}/announcements.json", _size=1)["facet_results"][column]["results"]
    if column == "event_date":  # years, newest first
        assert [y["value"] for y in facet] == sorted({y["value"] for y in facet}, reverse=True)
    for choice in facet[:3]:
        toggle = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(choice["toggle_url"]).query))
        rows = get_json(f"{site.url}/announcements.json", **{argument: toggle[argument]}, _size="max")["rows"]
        assert len(rows) == choice["count"] and all(kept(row, choice["value"]) for row in rows)


def canned(site, name: str, **params) -> list[dict]:
    answer = get_json(f"{site.url}/{name}.json", **params)
    assert answer["ok"], answer
    return answer["rows"]


def test_each_canned_query_answers(site):
    db = site.db
    queries = yaml.safe_load((ROOT / "db" / "metadata.yaml").read_text(encoding="utf-8"))["databases"]["yrdwatch"]["queries"]
    assert set(queries) == {"this_week", "project_timeline", "new_projects", "projects_by_city", "projects_over_amount",
                            "party_announcements", "stories_with_reprints", "sources_health", "stalled_projects",
                            "lifecycle_conversion", "investment_by_period"}  # a new query needs its check here
    projects = db.execute("select count(*) from projects").fetchone()[0]
    assert len(canned(site, "this_week")) == projects  # all crawled minutes ago (more: test_serve_morning)
    project, mentions = db.execute("select project_id, count(*) from project_mentions group by 1 order by 2 desc").fetchone()
    assert len(canned(site, "project_timeline", project=project)) == mentions
    db.execute("update projects set first_seen = '2000-01-01T00:00:00+00:00' where rowid = 1")  # an old project
    db.commit()
    assert len(canned(site, "new_projects")) == len(canned(site, "new_projects", days=30)) == projects - 1

    by_city = canned(site, "projects_by_city")
    assert sum(r["projects"] for r in by_city) == db.execute("select count(*) from projects where city is not null").fetchone()[0]
    assert by_city[0]["investment_yi"] == max(r["investment_yi"] or 0 for r in by_city) > 0

    large = canned(site, "projects_over_amount", min_yi=50)
    assert large and all(r["investment_yi"] >= 50 for r in large)
    assert len(large) == db.execute(
        "select count(*) from projects where investment_cny >= 5e9 and currency is null").fetchone()[0]
    city = large[0]["city"]
    in_city = canned(site, "projects_over_amount", min_yi=50, city=to_traditional(city[:2]))
    assert in_city and {r["city"] for r in in_city} == {city}

    periods = canned(site, "investment_by_period")
    assert sum(r["projects"] for r in periods) == projects
    assert sum(r["investment_yi"] or 0 for r in periods) == pytest.approx(sum(r["investment_yi"] or 0 for r in by_city)
                                                                          + sum(r["investment_yi"] or 0 for r in periods
                                                                                if r["city"] is None), abs=0.05)

    party = db.execute("select j.value from announcements a, json_each(a.parties) j limit 1").fetchone()[0]
    rows = canned(site, "party_announcements", party=to_traditional(party[:4]))
    assert rows and all(party[:4] in r["parties"] for r in rows)

    stories = {r["story_url"]: r for r in canned(site, "stories_with_reprints")}
    assert stories[url_of(site, "seed-004-liangxi-signing")]["copy_urls"] == url_of(site, "yrd-liangxi-signing-reprint")
    assert sum(r["copies"] for r in stories.values()) == \
        db.execute("select count(*) from articles where duplicate_of is not null").fetchone()[0]

    health = canned(site, "sources_health")
    assert {r["source"] for r in health} == {"sample-liangxi", "sample-suzhou", "sample-yrdnews"}
    for row in health:
        assert row["last_status"] == "finished" and row["mean_new_articles"] == row["new_articles"]
        assert row["articles_stored"] == db.execute("select count(*) from articles where source = ?",
                                                    [row["source"]]).fetchone()[0]
    assert sum(r["errors_7_days"] for r in health) == db.execute("select count(*) from fetch_errors").fetchone()[0]

    # The sample's 芯感微电子 base was signed in March 2024 and started in October: not stalled, converted.
    stalled = canned(site, "stalled_projects", months=1)
    assert stalled and all(r["months_since"] >= 1 for r in stalled)
    assert not any("传感器研发制造基地" in r["name"] for r in stalled)
    assert len(canned(site, "stalled_projects", months=1200)) == 0
    conversion = {(r["city"], r["district"], r["quarter"]): r for r in canned(site, "lifecycle_conversion")}
    liangxi = conversion[("无锡市", "梁溪区", "2024-Q1")]
    assert liangxi["signed"] >= 1 and liangxi["started"] >= 1 and 0 < liangxi["started_pct"] <= 100


def to_traditional(text: str) -> str:
    return opencc.OpenCC("s2t").convert(text)


@needs_chromium
def test_chromium_renders_the_projects_table_and_a_search(site):
    dom = dump_dom(f"{site.url}/projects")
    count = site.db.execute("select count(*) from projects").fetchone()[0]
    assert dom.count('<td class="col-id type-pk">') == min(50, count)  # a page of rows
    names = [r[0] for r in site.db.execute("select name from projects order by investment_cny desc limit 3")]
    assert all(name in dom for name in names) and "亿元</span>" in dom
    for column in ("province", "city", "district", "first_seen"):
        assert f'id="facet-{column}"' in dom, column

    dom = dump_dom(f"{site.url}/articles?_search=" + urllib.parse.quote("仪式"))
    assert "梁溪區舉行都市工業項目集中簽約儀式" in dom and 'search matches "仪式"' in dom

    for name, path in (("serve-projects.png", "/projects"), ("serve-search.png", "/articles?_search=%E8%8A%AF%E7%89%87")):
        png = screenshot(site.url + path, SCREENSHOTS / name)
        assert nonblank_fraction(png) > 0.03
        print(f"screenshot: {png}")
