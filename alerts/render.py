"""A digest in its three formats: HTML (e-mail and files), Markdown (chat bots and files), Atom.

Every string in a digest comes from scraped pages, so none is trusted: the HTML template is
autoescaped, and the Markdown environment escapes every ``{{ value }}`` through ``finalize`` (a
title holding ``](http://…)`` or ``|`` cannot make a link or break a table) unless a filter marked
it safe (``mdurl``: a URL percent-encoded for a link destination). Feed entries are rendered with
the HTML template's escaping and handed to feedgen as HTML content.

The Atom feed follows the rules a validator applies: feed and entries with id, title, updated and
author; per entry one ``alternate`` link (the source article) and the data link as ``related``;
a ``self`` link only where the feed has an http(s) address (``[digest] datasette_url`` or the
``yrdwatch serve`` route that serves it).
"""
from __future__ import annotations

import re
from urllib.parse import quote

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem
from jinja2 import Environment, PackageLoader, select_autoescape

from yrdwatch.alerts.query import arrange, money, totals
from yrdwatch.extract.dates import local_time

CHART_CID = "chart.png"  # the e-mail's inline image; file output points the same <img> at a .png beside it
# Inline markup only: values never start a line in the templates, so # + - 1. need no escape, and
# with [ ] escaped no ( ) or ! can form a link. & only where it would start an entity.
_MD_SPECIAL = re.compile(r"[\\`*_\[\]<>|~]|&(?=#?\w+;)")
_WHITESPACE = re.compile(r"\s+")


class MarkdownSafe(str):
    """A string a filter has already made safe for Markdown (finalize leaves it alone)."""


def md_escape(value) -> str:
    """Scraped text as literal Markdown: one line, every character with a meaning backslash-escaped."""
    if value is None:
        return ""
    if isinstance(value, MarkdownSafe):
        return value
    return _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), _WHITESPACE.sub(" ", str(value)).strip())


def md_url(url: str | None) -> MarkdownSafe:
    """A link destination: characters that could end it or start markup percent-encoded."""
    return MarkdownSafe(quote(url or "", safe="/:?=&#%~+,;@!$*'._-"))


def _environment(markdown: bool) -> Environment:
    env = Environment(loader=PackageLoader("yrdwatch.alerts", "templates"), trim_blocks=True, lstrip_blocks=True,
                      autoescape=False if markdown else select_autoescape(["html.j2"]),
                      finalize=md_escape if markdown else None, keep_trailing_newline=True)
    env.filters.update(local_time=local_time, mdurl=md_url, money=lambda cny: money(cny, None, None))
    return env


HTML, MARKDOWN = _environment(markdown=False), _environment(markdown=True)


def context(subscription, items: list[dict], since: str, created_at: str, digest_id: int | None) -> dict:
    """What every format shows: the period, the totals and the new projects by city and industry,
    then the progress of known projects (their next stage; not in the totals: not new money)."""
    progress = [item for item in items if item.get("kind") == "progress"]
    items = [item for item in items if item.get("kind") != "progress"]
    cities = arrange(items)
    summary = totals(items)
    subject = (f"长三角新项目｜{subscription.name}｜{local_time(created_at, '%Y-%m-%d')}："
               f"{summary['projects']}个，已披露投资{summary['investment']}")
    return {"subscription": subscription, "filters": subscription.filters(), "cities": cities, "totals": summary,
            "since": since, "created_at": created_at, "digest_id": digest_id, "subject": subject,
            "chart_src": f"cid:{CHART_CID}", "progress": progress}


def html_digest(ctx: dict) -> str:
    return HTML.get_template("digest.html.j2").render(**ctx)


def markdown_digest(ctx: dict) -> str:
    return MARKDOWN.get_template("digest.md.j2").render(**ctx)


class EntryLinks(BaseEntryExtension):
    """An entry's links, written with their ``rel``: feedgen 1.0's ``FeedEntry.atom_entry`` writes
    an entry link's href only (its loop variable shadows the link), so an article link and a data
    link came out as two alternate links, which the Atom rules forbid and feed readers misread."""

    def __init__(self):
        self.links: list[tuple[str, str]] = []  # (rel, href)

    def extend_atom(self, entry):
        for rel, href in self.links:
            xml_elem("link", entry, rel=rel, type="text/html", href=href)
        return entry


def feed_url(base_url: str | None, subscription_name: str) -> str | None:
    """Where ``yrdwatch serve`` serves the subscription's feed (alerts/datasette_feeds.py), under a
    Datasette reachable at ``base_url``; None without one."""
    return f"{base_url.rstrip('/')}/-/feeds/{quote(subscription_name)}.atom" if base_url else None


def atom_feed(subscription_name: str, items: list[dict], updated: str, self_url: str | None = None) -> str:
    """An Atom feed with one entry per project (id = the project, so readers never show it twice);
    ``self_url``, an http(s) address, is the feed's self link."""
    feed = FeedGenerator()
    feed.register_extension("entry_links", BaseExtension, EntryLinks, atom=True, rss=False)
    feed.id(f"urn:yrdwatch:subscription:{subscription_name}")
    feed.title(f"长三角新项目｜{subscription_name}")
    feed.author({"name": "yrdwatch"})
    feed.updated(updated)
    if self_url:
        feed.link(href=self_url, rel="self", type="application/atom+xml")
    feed.language("zh-CN")
    entry_template = HTML.get_template("entry.html.j2")
    for item in reversed(items):  # feedgen prepends: the digest's first project ends up first
        entry = feed.add_entry()
        entry.id(f"urn:yrdwatch:project:{item['id']}")
        entry.title(f"{item['name']}（{item['city'] or item['province'] or '未注明城市'}，{item['amount']}）")
        entry.author({"name": item["outlet"] or "yrdwatch"})
        entry.updated(item["first_seen"])
        entry.published(item["first_seen"])
        if item["article_url"]:
            entry.entry_links.links.append(("alternate", item["article_url"]))
        if item["datasette_url"]:
            entry.entry_links.links.append(("related", item["datasette_url"]))
        for industry in item["industries"]:
            entry.category(term=industry)
        entry.content(entry_template.render(item=item), type="html")
    return feed.atom_str(pretty=True).decode("utf-8")
