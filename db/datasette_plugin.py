"""yrdwatch's Datasette plugin, registered by ``db.browse`` for ``yrdwatch serve``.

- Chinese search: Datasette runs ``?_search=`` as ``match escape_fts(:search)``; this plugin's
  ``escape_fts`` cuts the query with the same jieba words and Traditional → Simplified conversion
  the index was built with (``db.search``), so 汾湖, 芯片 or 蘇州 find what they should.
- ``to_simplified(text)`` for canned queries that compare user input with Simplified columns.
- A ``year`` facet (Datasette's own date facet counts days).
- Money columns, stored in yuan, are shown in 亿元 on HTML pages; the JSON API keeps yuan.
"""
from __future__ import annotations

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args
from markupsafe import Markup

from db import search
from extract.normalize import to_simplified

YUAN_COLUMNS = {"projects": "investment_cny", "announcements": "total_investment_cny"}


@hookimpl(trylast=True)
def prepare_connection(conn):
    # trylast: Datasette's default plugin registers its own escape_fts on every connection too;
    # running after it makes ours the one in force.
    conn.create_function("escape_fts", 1, search.match_expression, deterministic=True)
    conn.create_function("to_simplified", 1, lambda text: to_simplified(text or ""), deterministic=True)


@hookimpl
def startup(datasette):
    search.tokenizer()  # load jieba's dictionary now, not during the first search


@hookimpl
def register_facet_classes():
    return [YearFacet]


@hookimpl
def render_cell(value, column, table):
    if YUAN_COLUMNS.get(table) == column and isinstance(value, (int, float)):
        yi = f"{value / 1e8:,.2f}".rstrip("0").rstrip(".")
        return Markup(f'<span title="{value:,.0f} 元">{yi} 亿元</span>')
    return None


class YearFacet(Facet):
    """Rows per year of an ISO date column, newest year first (``{"year": "published_at"}`` in
    metadata, ``?_facet_year=published_at`` in a URL); choosing a year filters
    ``published_at__glob=2024*``: a GLOB prefix reads the column's index, where Datasette's
    ``__startswith`` (LIKE, case-insensitive) reads the whole table."""

    type = "year"

    async def facet_results(self):
        results, timed_out = [], []
        args = dict(self.get_querystring_pairs())
        size = self.get_facet_size()
        for source_and_config in self.get_configs():
            config = source_and_config["config"]
            column = config.get("column") or config["simple"]
            col = escape_sqlite(column)
            sql = (f"select substr({col}, 1, 4) as value, count(*) as count from ({self.sql}) "
                   f"where {col} glob '[0-9][0-9][0-9][0-9]*' group by value order by value desc limit {size + 1}")
            try:
                rows = await self.ds.execute(self.database, sql, self.params, truncate=False,
                                             custom_time_limit=self.ds.setting("facet_time_limit_ms"))
            except QueryInterrupted:
                timed_out.append(column)
                continue
            key = f"{column}__glob"
            values = []
            for row in rows.rows[:size]:
                pattern = row["value"] + "*"
                selected = args.get(key) == pattern
                path = (path_with_removed_args(self.request, {key: pattern}) if selected
                        else path_with_added_args(self.request, {key: pattern}))
                values.append({"value": row["value"], "label": row["value"], "count": row["count"],
                               "toggle_url": self.ds.absolute_url(self.request, path), "selected": selected})
            results.append({"name": column, "type": self.type, "results": values,
                            "hideable": source_and_config["source"] != "metadata",
                            "toggle_url": path_with_removed_args(self.request, {"_facet_year": column}),
                            "truncated": len(rows.rows) > size})
        return results, timed_out
