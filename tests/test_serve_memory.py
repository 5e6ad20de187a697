"""`yrdwatch serve` bounds what one query may hold in memory (issue 15, "memory-hungry SQL is
bounded"), against a real `yrdwatch serve`: values are capped by SQLITE_LIMIT_LENGTH and the
functions that make a value of any size from a number are refused (test_serve_exposure), but a
query can still repeat a large value over many rows or many columns; before these bounds, 200
columns of 4 MiB took the server past 5 GB and broke the connection after 35 s. Now such a query
gets a 400 naming the bound, the server's memory stays near where it was, and it keeps answering."""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from test_serve import serving
from yrdwatch.db.browse import prepare
from yrdwatch.db.datasette_plugin import MAX_ANSWER_BYTES, SQLITE_HEAP_BYTES

MIB = 2 ** 20


# A CTE ``big(x)`` whose one row is a string of 1 MiB, built by doubling (no function that makes a
# size from a number).
MIB_STRING = ("s(x, n) as (select 'x', 0 union all select x || x, n + 1 from s where n < 20), "
              "big as (select x from s where n = 20)")


HOSTILE = {
    # 200 rows of 1 MiB: each value far under the 8 MiB cap, the answer not.
    "many rows": f"with recursive {MIB_STRING}, r(i) as (select 1 union all select i + 1 from r where i < 200) "
                 "select x from big, r",
    # One row of 300 values of 1 MiB: assembled in SQLite before Python sees it.
    "many columns": f"with recursive {MIB_STRING} select " + ", ".join(f"x as c{i}" for i in range(300)) + " from big",
}


def peak_rss_mib(pid: int) -> int:
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return int(status["VmHWM"].split()[0]) // 1024


def query(url: str, sql: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"{url}.json?" + urllib.parse.urlencode({"sql": sql, "_shape": "objects"}),
                                    timeout=60) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as err:
        return err.code, json.load(err)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db_path = tmp_path_factory.mktemp("serve-memory") / "yrdwatch.db"
    prepare(db_path)
    with serving(db_path) as served:
        yield served


def test_the_bounds_are_above_what_a_page_of_articles_holds():
    # 1,000 rows (max_returned_rows) of 10,000-character Chinese texts are 20 MB in Python.
    assert MAX_ANSWER_BYTES > 1000 * 10_000 * 2 and SQLITE_HEAP_BYTES > 8 * 8 * MIB


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_memory_hungry_query_gets_a_clear_error_and_the_server_stays_up(server, name):
    before = peak_rss_mib(server.pid)
    status, answer = query(server.url, HOSTILE[name])
    assert status == 400 and not answer["ok"], (status, str(answer)[:300])
    assert "answer too big" in answer["error"], answer["error"]
    # Before the bounds, "many columns" alone added about 1.5 GB (a 300 MiB row, then its JSON).
    assert peak_rss_mib(server.pid) - before < 400, f"{name}: {before} → {peak_rss_mib(server.pid)} MiB"
    status, answer = query(server.url, "select count(*) as n from articles")
    assert status == 200 and answer["rows"] == [{"n": 0}]


def test_large_legitimate_answers_still_come_whole(server):
    # 1,000 rows of 10,000 Chinese characters (the size of a long article): 20 MB of values.
    status, answer = query(server.url, "with recursive s(x, n) as (select '长三角项目', 0 union all "
                                       "select x || x, n + 1 from s where n < 11), "
                                       "r(i) as (select 1 union all select i + 1 from r where i < 1000) "
                                       "select i, x from s, r where n = 11")
    assert status == 200 and answer["ok"] and len(answer["rows"]) == 1000, str(answer)[:300]
    assert len(answer["rows"][0]["x"]) == 5 * 2 ** 11
