"""How yrdwatch's Datasette pages show values to a reader in Beijing (registered by ``yrdwatch.db.browse``).

Datasette stays the engine; this module only changes what a cell reads like, adds two SQL
functions the canned queries use for their export columns, and adds an export Excel opens as text:

- Money: ``yi_text(amount, qualifier, currency)`` → ``约20亿元``, ``2.5亿美元`` (a foreign amount in its
  own currency, never as yuan). Table pages show the stored money columns so; the JSON API keeps yuan.
- Times: ``beijing_time(iso)`` → ``2026-12-06 05:11`` for a stamp that carries an offset (crawl
  times, first seen …). A page's own date without an offset is the page's (Beijing) time and stays.
- Lists: a JSON array of strings (parties, industries) reads as ``甲、乙、丙``.
- ``.csvbom``: Datasette's own CSV of the same page, all rows (``_stream``), with a UTF-8 byte-order
  mark: without it Excel reads UTF-8 CSV as the ANSI code page and shows 乱码. The xlsx export is
  datasette-xlsx's.

Why own code rather than datasette-pretty-json / datasette-render-timestamps: the first shows
arrays as indented JSON, the second only integer epochs; neither converts to Beijing time.
"""
from __future__ import annotations

import json
import re
import urllib.parse
from datetime import datetime

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from yrdwatch.extract.dates import local_time
from yrdwatch.extract.money import CURRENCY_NAMES

# Stored money columns and the columns beside them that say how to read them.
MONEY_COLUMNS = {("projects", "investment_cny"), ("announcements", "total_investment_cny")}
# A stamp with a UTC offset: what yrdwatch writes for its own times (first_seen, started_at …).
STAMP_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?([+-]\d\d:\d\d|Z)$")


def yi_text(amount, qualifier=None, currency=None) -> str | None:
    """``约20亿元``, ``0.52亿元``, ``2.5亿美元``: in 亿 of the amount's own currency (yuan unless
    ``currency`` names another), with its qualifier; None when no amount was stated."""
    if amount is None or amount == "":
        return None
    figure = f"{float(amount) / 1e8:,.4f}".rstrip("0").rstrip(".")
    unit = "元" if currency in (None, "", "CNY") else CURRENCY_NAMES.get(currency, currency)
    return f"{qualifier or ''}{figure}亿{unit}"


def beijing_time(stamp):
    """An offset-carrying ISO stamp in Beijing time (``2026-12-06 05:11``); anything else unchanged."""
    if isinstance(stamp, str) and STAMP_WITH_OFFSET.match(stamp):
        try:
            return local_time(stamp.replace("Z", "+00:00"))
        except ValueError:
            return stamp
    return stamp


def list_text(value) -> str | None:
    """``["甲", "乙"]`` → ``甲、乙``; None when ``value`` is not a JSON array of plain values."""
    if not (isinstance(value, str) and value.startswith("[") and value.endswith("]")):
        return None
    try:
        items = json.loads(value)
    except ValueError:
        return None
    if not isinstance(items, list) or any(isinstance(i, (list, dict)) for i in items):
        return None
    return "、".join(str(i) for i in items if i is not None)


@hookimpl
def prepare_connection(conn):
    conn.create_function("yi_text", 3, yi_text, deterministic=True)
    conn.create_function("beijing_time", 1, beijing_time, deterministic=True)


@hookimpl
def extra_template_vars(datasette, database):
    def canned_sql(name: str, in_database: str | None = None) -> str | None:
        """The SQL of a canned query of metadata.yaml: the page and its query's exports agree."""
        query = (datasette.metadata("queries", database=in_database or database) or {}).get(name)
        return query["sql"] if isinstance(query, dict) else query

    return {"canned_sql": canned_sql, "yi_text": yi_text, "beijing_time": beijing_time}


@hookimpl
def render_cell(row, value, column, table):
    if (table, column) in MONEY_COLUMNS and isinstance(value, (int, float)):
        keys = row.keys() if hasattr(row, "keys") else ()
        qualifier = row["investment_qualifier"] if "investment_qualifier" in keys else None
        currency = row["currency"] if "currency" in keys else None
        return Markup(f'<span class="money" title="{value:,.0f} {escape(currency or "元")}">'
                      f'{escape(yi_text(value, qualifier, currency))}</span>')
    shown = beijing_time(value)
    if shown is not value:
        return Markup(f'<time class="beijing" datetime="{escape(value)}" title="北京时间 Beijing time; '
                      f'stored {escape(value)}">{escape(shown)}</time>')
    text = list_text(value)
    if text is not None:
        return Markup(f'<span class="list">{escape(text)}</span>')
    return None


@hookimpl
def register_output_renderer(datasette):
    return {"extension": "csvbom", "render": render_csv_with_bom,
            "can_render": lambda view_name: view_name in ("table", "query")}


async def render_csv_with_bom(datasette, request, database, table, query_name):
    # Datasette's own CSV writer (labels, blobs, max_csv_mb) on the same path and arguments.
    args = [(k, v) for k, v in urllib.parse.parse_qsl(request.query_string, keep_blank_values=True)
            if k not in ("_format", "_next", "_dl", "_stream", "_size")]
    path = request.path[: -len(".csvbom")] + ".csv?" + urllib.parse.urlencode([*args, ("_stream", "on")])
    answer = await datasette.client.get(path, cookies=request.cookies)
    if answer.status_code != 200:
        return Response.text(answer.text, status=answer.status_code)
    name = f"{table or query_name or database}-{datetime.now().strftime('%Y%m%d')}.csv"
    return Response("\ufeff" + answer.text, content_type="text/csv; charset=utf-8", headers={
        "content-disposition": f"attachment; filename*=UTF-8''{urllib.parse.quote(name)}"})
