"""The morning pages of `yrdwatch serve` (issue 16, part 3) in real headless Chromium, on a database
filled by crawling the sample sites and served by a real `yrdwatch serve`: the landing page (this
week's projects by city), a project's timeline, a search and an article, measured at 1400 × 1000
and at a 414 px phone; the exports Excel opens (xlsx, CSV with a byte-order mark) with 亿元 columns."""
from __future__ import annotations

import csv
import io
import json
import sqlite3
import urllib.parse
import urllib.request

import pytest

from yrdwatch.extract.dates import local_time
from browser import chrome, layout, needs_chromedriver
from datasette.utils import tilde_encode
from test_serve import site  # noqa: F401  (the module's crawled and served database)

pytestmark = pytest.mark.xdist_group("sample_crawl")  # one parallel worker crawls once (conftest)

WIDE, PHONE = (1400, 1000), (414, 896)


def pages(db: sqlite3.Connection, database: str) -> dict[str, dict]:
    """The pages a reader starts from, with what to measure on each: the rows that must show on
    the first screen, and the cells that must keep a readable width (in characters)."""
    # The project followed through the most stages, then the most reports.
    project = db.execute("select m.project_id from project_mentions m join announcements a on a.id = m.announcement_id "
                         "group by m.project_id order by count(distinct a.event_type) desc, count(*) desc, m.project_id "
                         "limit 1").fetchone()[0]
    article = db.execute("select url from articles where is_announcement order by length(text) desc limit 1").fetchone()[0]
    return {
        "landing": {"path": "/", "rows": ".morning-table tbody tr", "min_rows": 8,
                    "cells": {".morning-table td.m-name": 12, ".morning-table td.m-parties": 8}},
        "project-timeline": {"path": f"/{database}/projects/{tilde_encode(project)}", "rows": "ol.timeline li.stage",
                             "min_rows": 1, "cells": {".record": 20, ".timeline .reports li": 15}},
        "search": {"path": f"/{database}/projects?_search=" + urllib.parse.quote("苏州"),
                   "rows": "table.rows-and-columns tbody tr", "min_rows": 3,
                   "cells": {"td.col-name": 10, "td.type-str": 5}},
        "article": {"path": f"/{database}/articles/{tilde_encode(article)}", "rows": "article h1",
                    "min_rows": 1, "cells": {"div.article-text": 20}},
    }


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        assert response.status == 200
        return response.read()


def get_json_rows(url: str, **params) -> list[dict]:
    return json.loads(get(f"{url}?{urllib.parse.urlencode({**params, '_shape': 'objects'})}"))["rows"]


def root(site) -> str:  # noqa: F811
    return site.url.rsplit("/", 1)[0]


@needs_chromedriver
@pytest.mark.parametrize("size", [WIDE, PHONE], ids=["1400", "414"])
def test_pages_show_rows_on_the_first_screen_at_readable_widths_without_sideways_scrolling(site, size):  # noqa: F811
    database = site.url.rsplit("/", 1)[1]
    with chrome(*size) as driver:
        for name, page in pages(site.db, database).items():
            measured = layout(driver, root(site) + page["path"], page["rows"], list(page["cells"]))
            assert measured["overflow_px"] <= 1, (name, measured)
            for selector, chars in page["cells"].items():
                assert measured["narrowest_chars"][selector] is not None, (name, selector)
                if size == WIDE or selector != "td.type-str":
                    assert measured["narrowest_chars"][selector] >= chars, (name, selector, measured)
            if size == WIDE:
                assert measured["rows_above_fold"] >= page["min_rows"], (name, measured)
            print(name, size, measured)


@needs_chromedriver
def test_landing_page_answers_the_morning_question_in_beijing_time(site):  # noqa: F811
    database = site.url.rsplit("/", 1)[1]
    with chrome(*WIDE) as driver:
        driver.get(root(site) + "/")
        rows = driver.execute_script("""return [...document.querySelectorAll('.morning-table tbody tr')].map(r => ({
            name: r.querySelector('.m-name a').textContent, href: r.querySelector('.m-name a').getAttribute('href'),
            amount: r.querySelector('.m-amount').textContent, event: r.querySelector('.m-event').textContent,
            parties: r.querySelector('.m-parties').textContent, source: r.querySelector('.m-source a').href,
            seen: r.querySelector('time.beijing').textContent}));""")
        cities = driver.execute_script("return [...document.querySelectorAll('h3.morning-city')].map(h => h.firstChild.textContent.trim())")
        tables = driver.execute_script("return [...document.querySelectorAll('ul.morning-tables a')].map(a => a.getAttribute('href'))")
    projects = {r["id"]: r for r in site.db.execute("select * from projects")}
    assert len(rows) == len(projects)  # the sample crawl happened minutes ago: every project is this week's
    assert len(cities) == len(set(cities)) >= 5
    for row in rows:
        project = projects[row["href"].rsplit("/", 1)[1]]  # ids are hex: no tilde-encoding
        assert row["name"] == project["name"]
        (reported,) = site.db.execute("""select max(a.first_seen) from project_mentions m join articles a
                                          on a.url = m.article_url where m.project_id = ?""", [project["id"]]).fetchone()
        assert row["seen"] == local_time(reported)  # its latest report, in Beijing time, not the stored UTC
        assert not row["parties"].startswith("[") and '"' not in row["parties"]
        assert row["source"].startswith(site.sample.base_url)
        if project["currency"]:
            assert row["amount"].endswith("亿美元") and "亿元" not in row["amount"]
        elif project["investment_cny"]:
            assert row["amount"].endswith("亿元")
    assert any(r["amount"] == "2.5亿美元" for r in rows)  # US$250 million, never as yuan
    assert tables[:3] == [f"/{database}/projects", f"/{database}/announcements", f"/{database}/articles"]
    assert tables.index(f"/{database}/project_mentions") > tables.index(f"/{database}/pages_seen")


@needs_chromedriver
def test_project_page_shows_its_timeline_and_table_pages_read_in_beijing_time(site):  # noqa: F811
    database = site.url.rsplit("/", 1)[1]
    page = pages(site.db, database)["project-timeline"]
    project = page["path"].rsplit("/", 1)[1]
    reports = site.db.execute("select m.article_url, a.event_type from project_mentions m "
                              "join announcements a on a.id = m.announcement_id where m.project_id = ?", [project]).fetchall()
    with chrome(*WIDE) as driver:
        driver.get(root(site) + page["path"])
        links = driver.execute_script("return [...document.querySelectorAll('.timeline .reports a')].map(a => a.href)")
        events = driver.execute_script("return [...document.querySelectorAll('.stage-head .event')].map(e => e.textContent)")
        assert sorted(links) == sorted(url for url, _ in reports)
        assert set(events) == {event or "报道" for _, event in reports}
        driver.get(f"{site.url}/projects?_sort_desc=first_seen")
        shown = driver.execute_script("return [...document.querySelectorAll('td.col-first_seen time.beijing')].map(t => t.textContent)")
        stored = [r[0] for r in site.db.execute("select first_seen from projects order by first_seen desc limit 3")]
        assert shown[:3] == [local_time(s) for s in stored]
        driver.get(f"{site.url}/announcements")
        parties = driver.execute_script("return [...document.querySelectorAll('td.col-parties')].map(t => t.textContent)")
        assert parties and not any(p.strip().startswith("[") for p in parties)


def test_exports_open_in_excel_with_amounts_in_yi_yuan(site):  # noqa: F811
    import openpyxl

    body = get(f"{site.url}/this_week.csvbom?days=7")
    assert body.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == site.db.execute("select count(*) from projects").fetchone()[0]
    foreign = [r for r in rows if r["currency"]]
    assert foreign and all(r["investment_yi"] == "" and float(r["foreign_investment_yi"]) > 0 for r in foreign)
    yuan = {r["project_id"]: float(r["investment_yi"]) for r in rows if r["investment_yi"]}
    stored = dict(site.db.execute("select id, investment_cny from projects where investment_cny and currency is null"))
    assert yuan == pytest.approx({k: v / 1e8 for k, v in stored.items()})

    workbook = openpyxl.load_workbook(io.BytesIO(get(f"{site.url}/this_week.xlsx?days=7")), read_only=True)
    sheet = workbook.worksheets[0]
    header, *values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert "investment_yi" in header and len(values) == len(rows)
    column = header.index("investment_yi")
    assert sorted(v[column] for v in values if v[column] is not None) == pytest.approx(sorted(yuan.values()))

    table_csv = get(f"{site.url}/articles.csvbom")  # every row of a table, not one page
    assert table_csv.startswith(b"\xef\xbb\xbf")
    assert len(list(csv.reader(io.StringIO(table_csv.decode("utf-8-sig"))))) - 1 == \
        site.db.execute("select count(*) from articles").fetchone()[0]


def test_progress_is_a_known_projects_new_stage_and_a_reprint_is_no_news(site):  # noqa: F811
    db = site.db
    project, first, later, announcement = db.execute(
        "select m1.project_id, m1.article_url, m2.article_url, m2.announcement_id from project_mentions m1 "
        "join project_mentions m2 on m2.project_id = m1.project_id and m2.article_url != m1.article_url "
        "join announcements a1 on a1.id = m1.announcement_id join announcements a2 on a2.id = m2.announcement_id "
        "where a1.event_type = a2.event_type order by m1.project_id limit 1").fetchone()
    saved = {"project": db.execute("select first_seen from projects where id = ?", [project]).fetchone()[0],
             "article": db.execute("select first_seen from articles where url = ?", [first]).fetchone()[0],
             "event": db.execute("select event_type from announcements where id = ?", [announcement]).fetchone()[0]}
    month_ago = "2000-01-01T00:00:00+00:00"  # the project and its first report are old news

    def kinds() -> dict:
        rows = get_json_rows(f"{site.url}/this_week.json", days=7)
        return {r["project_id"]: (r["kind"], r["event_type"], r["article_url"]) for r in rows}

    try:
        db.execute("update projects set first_seen = ? where id = ?", [month_ago, project])
        db.execute("update articles set first_seen = ? where url = ?", [month_ago, first])
        db.commit()
        assert project not in kinds()  # the same event again, from another outlet: a reprint
        db.execute("update announcements set event_type = '投产' where id = ?", [announcement])
        db.commit()
        assert kinds()[project] == ("进展", "投产", later)
    finally:
        db.execute("update projects set first_seen = ? where id = ?", [saved["project"], project])
        db.execute("update articles set first_seen = ? where url = ?", [saved["article"], first])
        db.execute("update announcements set event_type = ? where id = ?", [saved["event"], announcement])
        db.commit()


@pytest.mark.parametrize("export", ["xlsx", "csvbom"])
def test_exports_keep_the_private_tables_private(site, export):  # noqa: F811
    import urllib.error

    query = urllib.parse.urlencode({"sql": "select url, html_zlib from raw_pages"})
    with pytest.raises(urllib.error.HTTPError) as refused:  # the xlsx export re-runs the SQL itself
        get(f"{site.url}.{export}?{query}")
    assert refused.value.code in (400, 403, 500) and site.sample.base_url.encode() not in refused.value.read()
    with pytest.raises(urllib.error.HTTPError) as refused:
        get(f"{site.url}/raw_pages.{export}")
    assert refused.value.code in (403, 500) and site.sample.base_url.encode() not in refused.value.read()
