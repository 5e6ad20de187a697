"""``yrdwatch serve``: Datasette on the project database, with the project's metadata and settings.

The database is served mutable (never ``--immutable``): SQLite's WAL lets Datasette read while a
crawl writes. Before serving, the schema is brought up to date and the search index is filled
for rows an older yrdwatch stored without one (``yrdwatch.db.search.sync``), so any old database can be
served. The search box, the year and list facets and the exposure rules come from
``yrdwatch.db.datasette_plugin``; how cells read (亿元, Beijing time, lists as text) and the CSV export
with a byte-order mark from ``yrdwatch.db.datasette_render``; the pages from ``db/templates``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import yaml

from yrdwatch.db import search
from yrdwatch.db.store import Store

METADATA = Path(__file__).with_name("metadata.yaml")
# The morning page (index), project and article pages, and their stylesheet (served as
# /yrdwatch-static/, named by metadata.yaml's extra_css_urls).
TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")

SETTINGS = {
    # The facets worth having are set per table in the metadata; suggesting more runs a query per
    # column on every table page, which is what makes pages slow on a large database.
    "suggest_facets": False,
    "default_page_size": 50,
    # Article texts run to thousands of characters; a table page shows their beginning.
    "truncate_cells_html": 60,
    # Counting the elements of industries, a JSON array, takes ~0.3 s on 120,000 announcements.
    "facet_time_limit_ms": 500,
    # A live WAL database copied mid-write is not a consistent file, and raw_pages makes it large.
    "allow_download": False,
    # Datasette's defaults, stated because they bound what one ad-hoc query may cost: a second of
    # SQLite time and 1,000 rows (each value at most datasette_plugin.MAX_VALUE_BYTES).
    "sql_time_limit_ms": 1000,
    "max_returned_rows": 1000,
}


def metadata_for(db_path: str | Path) -> dict:
    """metadata.yaml with its database section under the name Datasette gives ``db_path``
    (the file's stem: ``--db other.db`` is served as ``other``)."""
    metadata = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    metadata["databases"] = {database_name(db_path): metadata["databases"]["yrdwatch"]}
    return metadata


def database_name(db_path: str | Path) -> str:
    return Path(db_path).stem


def prepare(db_path: str | Path, progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Create missing tables and indexes and index unindexed rows; safe beside a running crawl."""
    store = Store(db_path)
    try:
        return search.sync(store.db.conn, progress)
    finally:
        store.close()


def parse_settings(pairs: list[tuple[str, str]]) -> dict:
    """``--setting NAME VALUE`` pairs as Datasette's settings, typed like their defaults."""
    from datasette.app import DEFAULT_SETTINGS
    from datasette.utils import ValueAsBooleanError, value_as_boolean

    settings = {}
    for name, value in pairs:
        if name not in DEFAULT_SETTINGS:
            raise ValueError(f"{name} is not a Datasette setting (see docs.datasette.io/en/0.65.x/settings.html)")
        default = DEFAULT_SETTINGS[name]
        try:
            settings[name] = (value_as_boolean(value) if isinstance(default, bool)
                              else int(value) if isinstance(default, int) else value)
        except (ValueAsBooleanError, ValueError):
            raise ValueError(f"{name}: {value!r} is not a {type(default).__name__}") from None
    return settings


def build_datasette(db_path: str | Path, settings: dict | None = None):
    """A Datasette instance on ``db_path`` with yrdwatch's metadata, settings and plugin;
    ``settings`` override yrdwatch's."""
    from datasette.app import Datasette
    from datasette.plugins import pm

    from yrdwatch.db import datasette_plugin, datasette_render

    for plugin, name in ((datasette_plugin, "yrdwatch"), (datasette_render, "yrdwatch-render")):
        if not pm.is_registered(plugin):
            pm.register(plugin, name=name)
    return Datasette([str(db_path)], metadata=metadata_for(db_path), settings={**SETTINGS, **(settings or {})},
                     template_dir=str(TEMPLATES), static_mounts=[("yrdwatch-static", str(STATIC))])


def serve(db_path: str | Path, host: str, port: int, progress: Callable[[str], None], settings: dict | None = None) -> None:
    """Prepare the database, then serve it until interrupted (Ctrl-C or SIGTERM)."""
    import asyncio

    import uvicorn

    prepare(db_path, progress)
    datasette = build_datasette(db_path, settings)
    asyncio.run(datasette.invoke_startup())
    progress(f"Serving {db_path} on http://{host}:{port}/{database_name(db_path)} (Ctrl-C stops)")
    uvicorn.run(datasette.app(), host=host, port=port, log_level="warning", lifespan="on")
