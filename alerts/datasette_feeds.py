"""Each subscription's Atom feed, served by ``yrdwatch serve`` at ``/-/feeds/<subscription>.atom``.

A Datasette plugin of the alerts layer (``db/`` knows nothing of digests): the application
registers it beside ``yrdwatch.db``'s own plugins. The feed is the digests' own (``render.atom_feed``,
as file:// channels receive it): the projects the subscription's digests covered, newest first, each
linking its row on this server; the self link is the address it was asked at. The outbox is private
to Datasette's connections, so the route reads it through a read-only connection of its own.
"""
from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from datasette import hookimpl
from datasette.utils import tilde_encode
from datasette.utils.asgi import NotFound, Response

from yrdwatch.alerts.outbox import recent_items
from yrdwatch.alerts.render import atom_feed


@hookimpl
def register_routes(datasette):
    return [(r"^/-/feeds/(?P<subscription>[^/]+)\.atom$", subscription_feed)]


async def subscription_feed(datasette, request):
    name = request.url_vars["subscription"]
    database = datasette.get_database()
    found = await asyncio.to_thread(_feed_items, database.path, name)
    if found is None:
        raise NotFound(f"no subscription named {name!r} has made a digest here")
    items, updated = found
    for item in items:  # each project's row here, whatever address the digest was made with
        item["datasette_url"] = datasette.absolute_url(
            request, datasette.urls.row(database.name, "projects", tilde_encode(item["id"])))
    feed = atom_feed(name, items, updated, datasette.absolute_url(request, request.path))
    return Response(feed, content_type="application/atom+xml; charset=utf-8")


def _feed_items(path: str, subscription: str) -> tuple[list[dict], str] | None:
    """The subscription's newest covered projects and its last digest's time, read through a
    read-only connection of its own (Datasette's connections may not read the outbox)."""
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        (updated,) = conn.execute("select max(created_at) from digests where subscription = ?", [subscription]).fetchone()
        return (recent_items(conn, subscription), updated) if updated else None
    finally:
        conn.close()
