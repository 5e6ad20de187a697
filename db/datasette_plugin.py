"""yrdwatch's Datasette plugin, registered by ``yrdwatch.db.browse`` for ``yrdwatch serve``.

- Chinese search: Datasette runs ``?_search=`` as ``match escape_fts(:search)``; this plugin's
  ``escape_fts`` cuts the query with the same jieba words and Traditional → Simplified conversion
  the index was built with (``yrdwatch.db.search``), so 汾湖, 芯片 or 蘇州 find what they should.
- ``to_simplified(text)`` for canned queries that compare user input with Simplified columns.
- A ``year`` facet (Datasette's own date facet counts days) and a ``list`` facet for JSON arrays
  with its filter ``?_has_industries=集成电路``: Datasette's array facet deduplicates whole rows and
  its ``__arraycontains`` filter parses every row's JSON; on 120,000 announcements both outrun
  the facet time limit (benchmarks/browse_bench.py).
- How cells read (亿元, Beijing time, lists as text) is ``yrdwatch.db.datasette_render``'s.
- A reader, not a door: the private tables (``PRIVATE_TABLES``) have no pages and no SQL reads
  them; one value is at most ``MAX_VALUE_BYTES``, one row at most what ``SQLITE_HEAP_BYTES`` holds,
  one answer at most ``MAX_ANSWER_BYTES``, and the functions that make any size from a number are
  refused, so ``?sql=select zeroblob(1000000000)`` fails at once and no query makes the server's
  memory balloon; ``/-/databases`` and SQL do not show the database file's path.
- Feeds are the alerts' (``yrdwatch.alerts.datasette_feeds``, registered by ``yrdwatch serve``).
"""
from __future__ import annotations

import json
import sqlite3
import sys
import weakref

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.filters import FilterArguments
from datasette.handle_exception import handle_exception as datasette_error_page
from datasette.views.base import DatasetteError
from datasette.utils.asgi import BadRequest
from datasette.views.special import JsonDataView
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args

from yrdwatch.db import search
from yrdwatch.extract.normalize import to_simplified

MMAP_BYTES = 2 ** 31


@hookimpl(trylast=True)
def prepare_connection(conn):
    # trylast: Datasette's default plugin registers its own escape_fts on every connection too;
    # running after it makes ours the one in force.
    conn.create_function("escape_fts", 1, search.match_expression, deterministic=True)
    conn.create_function("to_simplified", 1, lambda text: to_simplified(text or ""), deterministic=True)
    # Facets and counts over search results look rows up one by one in tables of long texts;
    # read through a memory map they cost about half (browse_bench), and readers of a WAL
    # database may map it while a crawl writes. SQLite caps the size at its compile-time maximum.
    conn.execute(f"pragma mmap_size = {MMAP_BYTES}")
    # Any string or blob, stored or computed, is refused above this size: zeroblob(1e9) fails at
    # once instead of allocating a gigabyte per row (Python ≥ 3.11 has setlimit).
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    # A row is assembled in SQLite's memory before Python copies it, so a row of many large
    # values (`select x, x, … x` of 8 MiB each) fails there, as MemoryError (handle_exception).
    # The limit is the process's (serve's connections are all Datasette's; the search sync ran before).
    conn.execute(f"pragma hard_heap_limit = {SQLITE_HEAP_BYTES}")
    # Datasette keeps every row of an answer, then renders it (JSON escapes each Chinese
    # character to six bytes), so the rows' total is what bounds a request's memory.
    conn.row_factory = bounded_row
    conn.set_authorizer(authorize)


# Pages of raw HTML, crawl locks, subscriptions (their channels) and the digest outbox: for the
# commands, not for readers. Denied twice: no table or row page (permission_allowed) and no SQL
# reads them (the authorizer). The authorizer, not denying execute-sql, because it keeps ad-hoc
# SQL on the public tables, and because it holds for every statement whatever its text (views,
# subqueries, CTEs, canned queries, joins from public tables) where a check of the SQL text would not.
PRIVATE_TABLES = frozenset({"raw_pages", "source_locks", "subscriptions", "digests", "digest_items", "digest_progress",
                            "digest_deliveries"})
# Served as NULL: private columns referencing a public row (a project's or an article's row page
# counts the rows that reference it: denied, the page would fail), and the seeds file's absolute
# path (`yrdwatch sources` shows it).
READ_AS_NULL = frozenset({("digest_items", "project_id"), ("digest_progress", "project_id"), ("raw_pages", "url"),
                          ("sources", "seeds_file")})
# A crawled page is at most 5 MB (crawler/settings.py DOWNLOAD_MAXSIZE) and its text at most 1.5×
# that in UTF-8 (GBK Chinese), so every stored value reads; with max_returned_rows (1000) this
# bounds what one answer can hold.
MAX_VALUE_BYTES = 8 * 1024 * 1024
# They make a value of any size from a number, so `select zeroblob(8000000) from articles` would
# still fill max_returned_rows × MAX_VALUE_BYTES; nothing yrdwatch serves needs them.
SIZE_FROM_NUMBER_FUNCTIONS = frozenset({"zeroblob", "randomblob", "printf", "format"})
# The values one query's rows may hold, in Python's memory (sys.getsizeof): a page of 1,000 rows
# of 10,000-character articles (UCS-2: 20 MB) fits; 1,000 rows of a 4 MiB string built by
# doubling in a recursive CTE (4 GB, and the server dies) do not.
MAX_ANSWER_BYTES = 64 * 1024 * 1024
# SQLite's own heap for the whole process: page caches (2 MB a connection), sorters, one row of
# the widest legitimate answer (a few values of at most MAX_VALUE_BYTES).
SQLITE_HEAP_BYTES = 256 * 1024 * 1024
TOO_BIG = "answer too big"
# Bytes of values fetched so far, per cursor: Datasette makes one cursor per query.
_answer_bytes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def bounded_row(cursor: sqlite3.Cursor, values: tuple) -> sqlite3.Row:
    """Datasette's row (``sqlite3.Row``), refused once the query's rows hold more than
    ``MAX_ANSWER_BYTES``: an ``OperationalError``, which Datasette shows as the query's error."""
    held = _answer_bytes.get(cursor, 0) + sum(map(sys.getsizeof, values))
    if held > MAX_ANSWER_BYTES:
        raise sqlite3.OperationalError(f"{TOO_BIG}: its rows hold more than {MAX_ANSWER_BYTES // 2 ** 20} MiB; "
                                       "select fewer rows or shorter values")
    _answer_bytes[cursor] = held
    return sqlite3.Row(cursor, values)


@hookimpl
def handle_exception(datasette, request, exception):
    # SQLite out of its heap (SQLITE_HEAP_BYTES) raises MemoryError, which Datasette would answer
    # with a 500 and a traceback; it is the query's fault, so a 400 says so, as for too big a value.
    if isinstance(exception, MemoryError):
        return datasette_error_page(datasette, request, DatasetteError(
            f"{TOO_BIG}: one row needs more than {SQLITE_HEAP_BYTES // 2 ** 20} MiB; select fewer or shorter values",
            title="Query too big", status=400))
    return None


def authorize(action, arg1, arg2, database, trigger):
    if action == sqlite3.SQLITE_READ and (arg1, arg2) in READ_AS_NULL:
        return sqlite3.SQLITE_IGNORE
    if action == sqlite3.SQLITE_READ and arg1 in PRIVATE_TABLES:
        # No column at all (count(*), Datasette's table counts on every database page) is ignored
        # too: a private table tells its row count and nothing else.
        return sqlite3.SQLITE_IGNORE if arg2 == "" else sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_READ and (arg1, arg2) == ("pragma_database_list", "file"):
        # Datasette's own `PRAGMA database_list` (its database page) is a pragma, not a read: it works.
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in SIZE_FROM_NUMBER_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_ATTACH:  # another file would bring its own tables
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


@hookimpl
def permission_allowed(action, resource):
    if action == "view-table" and isinstance(resource, (tuple, list)) and resource[1] in PRIVATE_TABLES:
        return False
    return None


@hookimpl
def register_routes(datasette):
    # Datasette's /-/databases lists each file's absolute path; this one, matched first, leaves it out.
    def databases():
        return [{k: v for k, v in d.items() if k != "path"} for d in datasette._connected_databases()]

    return [(r"^/-/databases(\.(?P<format>json))?$", JsonDataView.as_view(datasette, "databases.json", databases))]


@hookimpl
def startup(datasette):
    search.tokenizer()  # load jieba's dictionary now, not during the first search


@hookimpl
def register_facet_classes():
    return [YearFacet, ListFacet]


HAS = "_has_"  # ?_has_COLUMN=VALUE: the JSON array in COLUMN holds the string VALUE


@hookimpl
def filters_from_request(request, database, table, datasette):
    async def inner():
        wanted = [(key[len(HAS):], request.args[key]) for key in request.args.keys() if key.startswith(HAS)]
        if not wanted or not table:
            return None
        columns = await datasette.get_database(database).table_columns(table)
        where, params, described = [], {}, []
        for i, (column, value) in enumerate(wanted):
            if column not in columns:
                raise BadRequest(f"{HAS}{column}: {table} has no column {column}")
            # The element as json.dumps wrote it, quotes included: a whole-element match found
            # with instr(), without parsing the JSON of every row.
            where.append(f"instr({escape_sqlite(column)}, :has_{i}) > 0")
            params[f"has_{i}"] = json.dumps(value, ensure_ascii=False)
            described.append(f'{column} has "{value}"')
        return FilterArguments(where, params, described)

    return inner


class ValueFacet(Facet):
    """A facet counted by one SQL per column whose values each toggle one query-string filter."""

    def counting_sql(self, column: str, limit: int) -> str:
        raise NotImplementedError

    def filter_for(self, column: str, value: str) -> tuple[str, str]:
        """The query-string argument that keeps the rows of ``value``."""
        raise NotImplementedError

    async def facet_results(self):
        results, timed_out = [], []
        args = dict(self.get_querystring_pairs())
        size = self.get_facet_size()
        for source_and_config in self.get_configs():
            config = source_and_config["config"]
            column = config.get("column") or config["simple"]
            try:
                rows = await self.ds.execute(self.database, self.counting_sql(column, size + 1), self.params,
                                             truncate=False, custom_time_limit=self.ds.setting("facet_time_limit_ms"))
            except QueryInterrupted:
                timed_out.append(column)
                continue
            values = []
            for row in rows.rows[:size]:
                key, wanted = self.filter_for(column, row["value"])
                selected = args.get(key) == wanted
                path = (path_with_removed_args(self.request, {key: wanted}) if selected
                        else path_with_added_args(self.request, {key: wanted}))
                values.append({"value": row["value"], "label": row["value"], "count": row["count"],
                               "toggle_url": self.ds.absolute_url(self.request, path), "selected": selected})
            results.append({"name": column, "type": self.type, "results": values,
                            "hideable": source_and_config["source"] != "metadata",
                            "toggle_url": path_with_removed_args(self.request, {f"_facet_{self.type}": column}),
                            "truncated": len(rows.rows) > size})
        return results, timed_out


class YearFacet(ValueFacet):
    """Rows per year of an ISO date column, newest year first (``{"year": "published_at"}`` in
    metadata, ``?_facet_year=published_at`` in a URL); choosing a year filters
    ``published_at__glob=2024*``: a GLOB prefix reads the column's index, where Datasette's
    ``__startswith`` (LIKE, case-insensitive) reads the whole table."""

    type = "year"

    def counting_sql(self, column: str, limit: int) -> str:
        col = escape_sqlite(column)
        return (f"select substr({col}, 1, 4) as value, count(*) as count from ({self.sql}) "
                f"where {col} glob '[0-9][0-9][0-9][0-9]*' group by value order by value desc limit {limit}")

    def filter_for(self, column: str, value: str) -> tuple[str, str]:
        return f"{column}__glob", f"{value}*"


class ListFacet(ValueFacet):
    """Rows per element of a JSON array column (``{"list": "industries"}`` in metadata,
    ``?_facet_list=industries``); choosing an element filters ``?_has_industries=集成电路``.
    An element repeated within one array counts once per occurrence."""

    type = "list"

    def counting_sql(self, column: str, limit: int) -> str:
        return (f"select j.value as value, count(*) as count from ({self.sql}) as rows_, "
                f"json_each(rows_.{escape_sqlite(column)}) j group by j.value order by count desc, value limit {limit}")

    def filter_for(self, column: str, value: str) -> tuple[str, str]:
        return f"{HAS}{column}", value
