"""`yrdwatch serve` as a reader, not a door (issue 15, finding 9), against a real `yrdwatch serve`
on a database filled by crawling the sample sites and sending a digest to a local webhook whose
URL carries a token: private tables answer neither by URL nor by SQL, memory-hungry SQL is refused
at once, the token and the database file's path appear in no served page."""
from __future__ import annotations

import http.server
import json
import sqlite3
import threading
import types
import urllib.error
import urllib.parse
import urllib.request

import pytest
from click.testing import CliRunner

from yrdwatch.db.datasette_plugin import PRIVATE_TABLES
from conftest import copy_database
from test_serve import serving
from yrdwatch.cli import cli

pytestmark = pytest.mark.xdist_group("sample_crawl")  # one parallel worker crawls once (conftest)

TOKEN = "s3cr3tT0kenXyZ42"


class Webhook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory, sample_crawl):
    tmp = tmp_path_factory.mktemp("exposure")
    hook = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Webhook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    db_path = copy_database(sample_crawl.db, tmp / "yrdwatch.db")
    config = tmp / "yrdwatch.toml"
    config.write_text(f'[[subscriptions]]\nname = "everything"\n\n[[subscriptions.channels]]\n'
                      f'url = "json://127.0.0.1:{hook.server_port}/hook/{TOKEN}"\n', encoding="utf-8")
    try:
        runner = CliRunner()
        digest = runner.invoke(cli, ["--db", str(db_path), "--config", str(config), "digest"], catch_exceptions=False)
        assert digest.exit_code == 0 and "sent" in digest.output, digest.output
        db = sqlite3.connect(db_path)
        try:
            for table in ("raw_pages", "subscriptions", "digests", "digest_deliveries", "projects"):
                assert db.execute(f"select count(*) from {table}").fetchone()[0] > 0, table  # something to leak
        finally:
            db.close()
        with serving(db_path) as server:
            yield types.SimpleNamespace(url=server.url, root=server.url.rsplit("/", 1)[0], db_path=db_path,
                                        cli_output=digest.output, server=server)
    finally:
        hook.shutdown()
        hook.server_close()


def fetch(url: str, **params) -> tuple[int, str]:
    if params:
        url += "?" + urllib.parse.urlencode(params)
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8")


def sql(served, query: str) -> tuple[int, dict]:
    status, body = fetch(f"{served.url}.json", sql=query, _shape="objects")
    return status, json.loads(body)


@pytest.mark.parametrize("table", sorted(PRIVATE_TABLES))
def test_a_private_table_answers_neither_by_url_nor_by_sql(served, table):
    for path in (f"/{table}", f"/{table}.json", f"/{table}/1", f"/{table}/1.json"):
        assert fetch(served.url + path)[0] == 403, path
    for query in (f"select * from {table}", f"select rowid from {table}",
                  f"select p.name from projects p where exists (select * from {table})",
                  f"with t as (select * from {table}) select * from t"):
        status, answer = sql(served, query)
        assert status == 400 and not answer["ok"] and "prohibited" in answer["error"], query
    database = json.loads(fetch(f"{served.url}.json")[1])
    assert table not in {t["name"] for t in database["tables"]}


def test_public_tables_ad_hoc_sql_and_canned_queries_still_answer(served):
    status, body = fetch(f"{served.url}/projects.json", _shape="objects")
    assert status == 200 and json.loads(body)["rows"]
    status, answer = sql(served, "select p.name, count(*) as n from projects p join project_mentions m "
                                 "on m.project_id = p.id group by p.id order by n desc")
    assert status == 200 and answer["ok"] and answer["rows"]
    project = answer["rows"][0]
    status, answer = sql(served, "select count(*) as n from raw_pages")  # a count tells no value
    assert status == 200 and answer["rows"][0]["n"] > 0
    for name in ("new_projects", "projects_by_city", "stories_with_reprints", "sources_health"):
        status, body = fetch(f"{served.url}/{name}.json", _shape="objects", days=3650)
        assert status == 200 and json.loads(body)["ok"] and json.loads(body)["rows"], name
    status, body = fetch(f"{served.url}/projects.json", name=project["name"], _shape="objects")
    project_id = json.loads(body)["rows"][0]["id"]
    status, body = fetch(f"{served.url}/projects/{urllib.parse.quote(project_id)}")  # its digest_items link too
    assert status == 200 and project["name"] in body


@pytest.mark.parametrize("query", [
    "select zeroblob(1000000000)",
    "select randomblob(1000000000)",
    "select printf('%.*c', 1000000000, 'x')",
    "select zeroblob(8000000) from articles",
    "with recursive r(s) as (select 'xx' union all select s || s from r) select length(s) from r",
])
def test_memory_hungry_sql_is_refused(served, query):
    status, answer = sql(served, query)
    assert status == 400 and not answer["ok"], answer
    assert any(why in answer["error"] for why in ("not authorized", "too big", "interrupted")), answer["error"]


def test_the_channel_token_and_the_database_path_are_never_shown(served):
    folder = str(served.db_path.parent)
    assert TOKEN not in served.cli_output and "json://127.0.0.1:" in served.cli_output
    db = sqlite3.connect(served.db_path)
    try:
        stored = " ".join(str(v) for table in ("subscriptions", "digest_deliveries", "digests")
                          for row in db.execute(f"select * from {table}") for v in row)
    finally:
        db.close()
    assert TOKEN not in stored and "/hook/****" in stored
    databases = json.loads(fetch(f"{served.root}/-/databases.json")[1])
    assert databases and all("path" not in d for d in databases)
    status, answer = sql(served, "select file from pragma_database_list")
    assert status == 400 and not answer["ok"]
    tables = [t["name"] for t in json.loads(fetch(f"{served.url}.json")[1])["tables"]]
    pages = [f"{served.root}/", f"{served.root}/-/databases", f"{served.root}/-/databases.json",
             f"{served.root}/-/metadata.json", f"{served.root}/-/settings.json", f"{served.root}/-/plugins.json",
             served.url, f"{served.url}.json"]
    pages += [f"{served.url}/{t}.json?_size=max" for t in tables] + [f"{served.url}/{t}" for t in tables]
    for page in pages:
        status, body = fetch(page)
        assert status == 200, page
        assert TOKEN not in body and folder not in body, page
