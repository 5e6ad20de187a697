"""Subscriptions: which new projects someone wants, when, and through which channels.

They are read from the configuration file's ``[[subscriptions]]`` tables (``yrdwatch.config``
calls ``parse_subscriptions``), each value checked here so a mistake is refused with its file,
line and key before any digest is made. Secrets never appear in the file: a channel's URL holds
``{placeholders}`` that are filled from environment variables, named by ``<placeholder>_env``
keys, only at send time.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from yrdwatch.crawler.sources import cron_problem

from yrdwatch.extract.normalize import to_simplified

TIMEZONE = "Asia/Shanghai"
DEFAULT_SCHEDULE = "0 8 * * *"
PLACE_KEYS = ("provinces", "cities", "districts", "parks")
LIST_KEYS = (*PLACE_KEYS, "industries", "event_types", "keywords")
KNOWN_KEYS = ("name", *LIST_KEYS, "min_investment", "include_undisclosed", "schedule", "channels")
# What each channel scheme receives: e-mail gets the HTML digest (plain-text part and inline chart),
# chat bots and webhooks the Markdown, file:// every format written to a folder.
SCHEMES = {"mailto": "email", "mailtos": "email", "dingtalk": "chat", "wecombot": "chat", "feishu": "chat",
           "lark": "chat", "json": "webhook", "jsons": "webhook", "file": "file"}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
# Seconds a channel's server may take to connect and to answer (Apprise's cto/rto, whose own
# default of 4 s made a slow but accepting webhook receive a digest once per retry).
DEFAULT_CHANNEL_TIMEOUT = 30.0
MAX_CHANNEL_TIMEOUT = 600.0
_NAME = re.compile(r"^[\w.-]+$")
_TOKEN_LIKE = re.compile(r"\d|^[^/]{20,}$")  # a path segment shown as **** in a channel's label


class ChannelError(RuntimeError):
    """A channel that cannot be used right now (a secret's environment variable is not set)."""


@dataclass(frozen=True)
class Channel:
    url: str                                   # as configured: secrets stay {placeholders}
    secrets: tuple[tuple[str, str], ...] = ()  # (placeholder, environment variable)
    base_dir: Path = Path(".")                 # relative file:// folders are the config file's neighbours
    timeout: float = DEFAULT_CHANNEL_TIMEOUT   # seconds to connect and to wait for the answer

    @property
    def scheme(self) -> str:
        return self.url.split("://", 1)[0].lower()

    @property
    def kind(self) -> str:
        return SCHEMES[self.scheme]

    @property
    def key(self) -> str:
        """What the outbox records per delivery: a hash of the configured URL, never a secret."""
        return hashlib.sha1(self.url.encode("utf-8")).hexdigest()[:16]

    @property
    def folder(self) -> Path:
        rest = self.url.split("://", 1)[1]
        return Path(rest) if rest.startswith("/") else self.base_dir / rest

    def resolved_url(self, environ=None) -> str:
        """The URL with its secrets filled in from the environment (quoted: a password may hold @ or /)."""
        environ = os.environ if environ is None else environ
        values = {}
        for placeholder, variable in self.secrets:
            if not environ.get(variable):
                raise ChannelError(f"environment variable {variable} (for {{{placeholder}}}) is not set")
            values[placeholder] = quote(environ[variable], safe="")
        return _PLACEHOLDER.sub(lambda m: values[m.group(1)], self.url)

    def secret_values(self, environ=None) -> list[str]:
        environ = os.environ if environ is None else environ
        return [environ[v] for _, v in self.secrets if environ.get(v)]

    @cached_property
    def label(self) -> str:
        """How the channel is shown (status, CLI): Apprise's privacy form, tokens masked, no options."""
        if self.kind == "file":
            return self.url
        server, _ = _apprise_server(_PLACEHOLDER.sub("secret", self.url))
        label = server.url(privacy=True).split("?", 1)[0] if server else self.url
        if self.kind == "webhook":
            # A webhook's path often holds its token (…/hook/<token>), and Apprise shows paths whole.
            # Tokens are random strings (nearly always with a digit, or long); names people give
            # paths (/hook, /digests) are words and stay, so two webhooks on one host stay apart.
            parts = urlsplit(label)
            path = "/".join("****" if _TOKEN_LIKE.search(part) else part for part in parts.path.split("/"))
            label = parts._replace(path=path).geturl()
        return label


@dataclass(frozen=True)
class Subscription:
    name: str
    provinces: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    parks: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()             # Simplified, like the text they are matched on
    min_investment: int | None = None          # yuan
    include_undisclosed: bool = True
    schedule: str = DEFAULT_SCHEDULE
    channels: tuple[Channel, ...] = ()

    def filters(self) -> dict:
        """The filters as stored beside the subscription's digests (and shown in them)."""
        chosen = {key: list(getattr(self, key)) for key in LIST_KEYS if getattr(self, key)}
        if self.min_investment is not None:
            chosen["min_investment"] = self.min_investment
        if not self.include_undisclosed:
            chosen["include_undisclosed"] = False
        return chosen


# With no [[subscriptions]] configured, digests cover every new project (`yrdwatch demo` shows one).
DEFAULT_SUBSCRIPTION = Subscription(name="all")


def configured(config) -> tuple[Subscription, ...]:
    return config.subscriptions or (DEFAULT_SUBSCRIPTION,)


def cron_trigger(schedule: str):
    from apscheduler.triggers.cron import CronTrigger

    return CronTrigger.from_crontab(schedule, timezone=ZoneInfo(TIMEZONE))


def parse_subscriptions(entries, fail, base_dir: Path) -> tuple[Subscription, ...]:
    """Check the ``[[subscriptions]]`` tables; ``fail(index, key, message)`` makes the error to raise."""
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise fail(0, None, "must be [[subscriptions]] tables")
    if not entries:
        return ()
    # The vocabularies load the extractors (cn2an, jionlp): every command reads the config, most have none.
    from yrdwatch.extract.announce import EVENT_WORDS
    from yrdwatch.extract.industries import INDUSTRY_LABELS

    event_types = tuple(dict.fromkeys(kind for kind, _ in EVENT_WORDS))
    subscriptions, names = [], set()
    for index, entry in enumerate(entries):
        where = partial(fail, index)
        for key in entry:
            if key not in KNOWN_KEYS:
                raise where(key, f"unknown key (known: {', '.join(KNOWN_KEYS)})")
        name = entry.get("name")
        if not isinstance(name, str) or not _NAME.match(name):
            raise where("name", "required: letters, digits, '-', '_' or '.' (it names the digest files)")
        if name in names:
            raise where("name", f"{name!r} is used by another subscription")
        names.add(name)
        values = {key: _strings(entry, key, where) for key in LIST_KEYS if key in entry}
        for key, vocabulary in (("industries", tuple(INDUSTRY_LABELS)), ("event_types", event_types)):
            unknown = [v for v in values.get(key, ()) if v not in vocabulary]
            if unknown:
                raise where(key, f"{unknown[0]!r} is not one of {', '.join(vocabulary)}")
        include = entry.get("include_undisclosed", True)
        if not isinstance(include, bool):
            raise where("include_undisclosed", "must be true or false")
        schedule = entry.get("schedule", DEFAULT_SCHEDULE)
        if problem := cron_problem(schedule) if isinstance(schedule, str) else "must be a cron expression string":
            raise where("schedule", problem)
        channels = entry.get("channels", [])
        if not isinstance(channels, list):
            raise where("channels", "must be a list of URLs or {url = …, <name>_env = …} tables")
        subscriptions.append(Subscription(
            name=name, **values, min_investment=_min_investment(entry.get("min_investment"), where),
            include_undisclosed=include, schedule=schedule,
            channels=tuple(_channel(c, where, base_dir) for c in channels)))
    return tuple(subscriptions)


def _strings(entry: dict, key: str, where) -> tuple[str, ...]:
    value = entry[key]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise where(key, "must be a list of non-empty strings")
    # Pages in Traditional are analysed in Simplified, and so are the filters: 無錫 finds 无锡.
    return tuple(to_simplified(v.strip()) for v in value)


def _min_investment(value, where) -> int | None:
    from yrdwatch.extract.money import parse_amount

    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and (amount := parse_amount(value)) and amount[1] is None:
        return amount[0]
    raise where("min_investment", f"{value!r} is neither yuan (100000000) nor an amount such as \"1亿元\"")


def _channel(value, where, base_dir: Path) -> Channel:
    if isinstance(value, str):
        value = {"url": value}
    if not isinstance(value, dict) or not isinstance(value.get("url"), str):
        raise where("channels", f"{value!r}: a channel is a URL or a table with url = \"…\"")
    url = value["url"]
    extra = [k for k in value if k not in ("url", "timeout") and not k.endswith("_env")]
    if extra:
        raise where("channels", f"{url}: unknown key {extra[0]!r} (a channel has url, timeout and <placeholder>_env keys)")
    timeout = value.get("timeout", DEFAULT_CHANNEL_TIMEOUT)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= MAX_CHANNEL_TIMEOUT:
        raise where("channels", f"{url}: timeout {timeout!r} must be a number of seconds, above 0 and at most "
                                f"{MAX_CHANNEL_TIMEOUT:g}")
    secrets = tuple((k[:-len("_env")], v) for k, v in value.items() if k.endswith("_env"))
    used = set(_PLACEHOLDER.findall(url))
    for placeholder, variable in secrets:
        if not isinstance(variable, str) or not variable:
            raise where("channels", f"{url}: {placeholder}_env must name an environment variable")
        if placeholder not in used:
            raise where("channels", f"{url}: {placeholder}_env is set but the URL has no {{{placeholder}}}")
    missing = used - {p for p, _ in secrets}
    if missing:
        raise where("channels", f"{url}: {{{sorted(missing)[0]}}} needs {sorted(missing)[0]}_env = \"ENV_VARIABLE\"")
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme not in SCHEMES:
        raise where("channels", f"{url}: scheme {scheme or '(none)'!r} is not one of {', '.join(SCHEMES)}")
    channel = Channel(url=url, secrets=secrets, base_dir=base_dir, timeout=float(timeout))
    if channel.kind == "file":
        if not url.split("://", 1)[1]:
            raise where("channels", f"{url}: names no folder")
        return channel
    server, problem = _apprise_server(_PLACEHOLDER.sub("secret", url))
    if server is None or problem:  # Apprise also warns and goes on, e.g. when it drops a bad recipient
        raise where("channels", f"{url}: Apprise cannot use it ({problem or 'unsupported URL'})")
    return channel


def _apprise_server(url: str):
    """Apprise's plugin for ``url`` (None when it refuses it) and what Apprise logged about it."""
    import apprise  # only here: most commands never load the notification plugins

    with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as log:
        server = apprise.Apprise.instantiate(url)
    return server, log.getvalue().strip().replace("\n", "; ")
