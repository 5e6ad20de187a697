"""Sources are data: ``seeds/*.toml`` files with one ``[[sources]]`` table per news source.

A source names its outlet, region, kind (listing | feed | sitemap), start URLs, allowed domains,
an optional article URL pattern and a cron schedule. Everything is validated on load, and a bad
value is reported with the file, the line and the key, e.g.
``seeds/sample.toml:14: sources[2].kind: 'rss' is not one of listing, feed, sitemap``.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
# The bundled sample sources: what a command reads when neither --seeds nor [crawl] seeds names a file.
SAMPLE_SEEDS = SEEDS_DIR / "sample.toml"
KINDS = ("listing", "feed", "sitemap")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
KNOWN_KEYS = {"name", "outlet", "region", "kind", "start_urls", "allowed_domains", "article_url_pattern",
              "schedule", "verified", "timezone", "max_pages", "download_delay", "enabled", "note",
              "private_addresses", "offsite_redirects"}


class SourceError(ValueError):
    """A seeds file that does not describe valid sources; the message names file, line and key."""


@dataclass(frozen=True)
class Source:
    name: str
    outlet: str
    region: str
    kind: str
    start_urls: list[str]
    allowed_domains: list[str]
    article_url_pattern: str | None = None
    schedule: str = "0 6 * * *"
    timezone: str = "Asia/Shanghai"
    # Set by a person once `yrdwatch sources --check NAME` passed: a new source is unverified.
    verified: bool = False
    max_pages: int = 5  # listing pages followed per start URL
    download_delay: float | None = None  # seconds between requests to the host; None: the config's floor
    enabled: bool = True
    # The network policy (crawler.middlewares): the non-global addresses this source may reach
    # ("127.0.0.1:8765", "10.0.0.0/8"), and whether its redirects may leave allowed_domains.
    private_addresses: tuple[str, ...] = ()
    offsite_redirects: bool = False
    seeds_file: Path = field(default=Path("."), compare=False)
    line: int = field(default=0, compare=False)  # where its name is written in seeds_file


def zone_problem(zone: str) -> str | None:
    """Why ``zone`` is not an IANA time zone, or None."""
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return f"{zone!r} is not a time zone (IANA name, e.g. Asia/Shanghai)"
    return None


def cron_problem(schedule: str, zone: str = "Asia/Shanghai") -> str | None:
    """Why ``schedule`` is not a usable 5-field cron expression, or None: the one check of the
    sources' and the subscriptions' schedules. APScheduler parses it exactly as ``schedule`` will
    run it (``99 99 * * *``, ``*/0`` refused), and it must fire at least once (``0 7 31 2 *`` never does)."""
    from apscheduler.triggers.cron import CronTrigger

    if len(schedule.split()) != 5:
        return f"{schedule!r} is not a cron expression (5 fields: minute hour day month weekday)"
    try:
        trigger = CronTrigger.from_crontab(schedule, timezone=ZoneInfo(zone))
        fires = trigger.get_next_fire_time(None, datetime.now(ZoneInfo(zone)))
    except (ValueError, TypeError, ZeroDivisionError) as err:
        return f"{schedule!r} is not a cron expression ({err})"
    return None if fires else f"{schedule!r} never fires (no such date)"


def host_in_domains(url: str, domains: list[str]) -> bool:
    """Whether the URL's host is one of ``domains`` or below one (ports ignored)."""
    host = (urlsplit(url).hostname or "").lower()
    return any(host == d.lower() or host.endswith("." + d.lower()) for d in domains)


def key_line(lines: list[str], table: str, key: str | None, index: int = 0) -> int | None:
    """1-based line of ``key = …`` inside the ``index``-th ``[table]`` / ``[[table]]`` of a TOML
    file's lines (the header's line when ``key`` is not in it); None when there is no such table.
    tomllib reports syntax errors with a line but drops positions, so values are traced back here."""
    headers = [i for i, ln in enumerate(lines) if re.match(r"^\s*\[", ln)]
    tables = [i for i in headers if re.match(rf"^\s*\[\[?\s*{re.escape(table)}\s*\]\]?\s*(#.*)?$", lines[i])]
    if index >= len(tables):
        return None
    start = tables[index]
    end = next((h for h in headers if h > start), len(lines))
    found = next((i + 1 for i in range(start, end) if key and re.match(rf"^\s*{re.escape(key)}\s*=", lines[i])), None)
    return found or start + 1


def _line_of(lines: list[str], index: int, key: str | None) -> int:
    """Where a source's value was written: its own table, else ``[defaults]``, else its header."""
    own = key_line(lines, "sources", key, index)
    if own is None:
        return 1
    header = key_line(lines, "sources", None, index)
    if own != header or not key:
        return own
    inherited = key_line(lines, "defaults", key)
    return inherited if inherited and inherited != key_line(lines, "defaults", None) else own


def _check_private_addresses(value, where) -> list[str]:
    from yrdwatch.crawler.middlewares import Allowed  # the policy owns the format

    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise where("private_addresses", "must be a list of strings")
    for text in value:
        try:
            Allowed.parse(text)
        except ValueError as err:
            raise where("private_addresses", f"{text!r} is not an address, address:port or network: {err}") from None
    return value


def _check(entry: dict, defaults: dict, where) -> Source:
    merged = {**defaults, **entry}
    for key in merged:
        if key not in KNOWN_KEYS:
            raise where(key, f"unknown key (known: {', '.join(sorted(KNOWN_KEYS))})")
    for key in ("name", "outlet", "region", "kind", "start_urls", "allowed_domains"):
        if key not in merged:
            raise where(None, f"missing required key {key!r}")
    for key in ("name", "outlet", "region", "kind", "schedule", "timezone", "article_url_pattern", "note"):
        if key in merged and not isinstance(merged[key], str):
            raise where(key, f"must be a string, not {type(merged[key]).__name__}")
    if not _NAME.match(merged["name"]):
        raise where("name", f"{merged['name']!r} must be lower-case letters, digits and dashes")
    if merged["kind"] not in KINDS:
        raise where("kind", f"{merged['kind']!r} is not one of {', '.join(KINDS)}")
    for key in ("start_urls", "allowed_domains"):
        value = merged[key]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
            raise where(key, "must be a non-empty list of strings")
    for url in merged["start_urls"]:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise where("start_urls", f"{url!r} is not an http(s) URL")
        if not host_in_domains(url, merged["allowed_domains"]):
            raise where("start_urls", f"{url!r} is outside allowed_domains")
    if pattern := merged.get("article_url_pattern"):
        try:
            re.compile(pattern)
        except re.error as err:
            raise where("article_url_pattern", f"not a valid regular expression: {err}") from None
    schedule = merged.get("schedule", Source.schedule)
    if problem := zone_problem(merged.get("timezone", Source.timezone)):
        raise where("timezone", problem)
    if problem := cron_problem(schedule, merged.get("timezone", Source.timezone)):
        raise where("schedule", problem)
    if "private_addresses" in merged:
        merged["private_addresses"] = tuple(_check_private_addresses(merged["private_addresses"], where))
    for key in ("verified", "enabled", "offsite_redirects"):
        if key in merged and not isinstance(merged[key], bool):
            raise where(key, "must be true or false")
    if "max_pages" in merged and (not isinstance(merged["max_pages"], int) or merged["max_pages"] < 1):
        raise where("max_pages", "must be a positive integer")
    if "download_delay" in merged and (isinstance(merged["download_delay"], bool)
                                       or not isinstance(merged["download_delay"], (int, float))
                                       or merged["download_delay"] < 0):
        raise where("download_delay", "must be a number of seconds, 0 or more")
    merged.pop("note", None)
    return Source(**merged)


def load_sources(path: str | Path) -> list[Source]:
    """Read and validate one seeds file."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise SourceError(f"{path}: cannot read: {err}") from None
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as err:
        raise SourceError(f"{path}: {err}") from None  # tomllib's message names line and column
    lines = raw.splitlines()
    defaults = data.get("defaults", {})
    entries = data.get("sources")
    if not isinstance(entries, list) or not entries:
        raise SourceError(f"{path}:1: no [[sources]] tables")
    unknown_top = set(data) - {"defaults", "sources"}
    if unknown_top:
        raise SourceError(f"{path}:1: unknown top-level key(s) {', '.join(sorted(unknown_top))}")
    sources, names = [], set()
    for index, entry in enumerate(entries):

        def where(key, message, index=index):
            label = f"sources[{index}]" + (f".{key}" if key else "")
            return SourceError(f"{path}:{_line_of(lines, index, key)}: {label}: {message}")

        source = _check(entry, defaults, where)
        if source.name in names:
            raise where("name", f"duplicate source name {source.name!r}")
        names.add(source.name)
        sources.append(Source(**{**source.__dict__, "seeds_file": path, "line": _line_of(lines, index, "name")}))
    return sources


def load_all(paths) -> list[Source]:
    """Read several seeds files; a source name used in two of them is refused with both places."""
    sources, seen = [], {}
    for path in paths:
        for index, source in enumerate(load_sources(path)):
            where = f"{path}:{source.line}"
            if source.name in seen:
                raise SourceError(f"{where}: sources[{index}].name: duplicate source name {source.name!r} "
                                  f"(also at {seen[source.name]})")
            seen[source.name] = where
            sources.append(source)
    return sources


def select(sources: list[Source], names: tuple[str, ...] | list[str]) -> list[Source]:
    """The named sources (all enabled ones when no names are given); unknown names are an error."""
    if not names:
        return [s for s in sources if s.enabled]
    by_name = {s.name: s for s in sources}
    missing = [n for n in names if n not in by_name]
    if missing:
        raise SourceError(f"unknown source(s): {', '.join(missing)} (known: {', '.join(by_name)})")
    return [by_name[n] for n in names]
