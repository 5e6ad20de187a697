"""The configuration file (``yrdwatch.toml``, or ``--config`` / ``YRDWATCH_CONFIG``).

Every key is optional; a missing file means the defaults. A bad value is refused with the file,
the line and the key. Secrets are never written in the file: a key ending in ``_env`` names the
environment variable that holds the secret.

```toml
[database]
path = "db/yrdwatch.db"

[crawl]
seeds = ["seeds/mine.toml"]  # the sources every command reads (relative to this file); default: the samples
min_delay = 1.0              # seconds between two requests to one host, at least
timeout = 30                 # seconds before a request is given up (then retried twice)
contact = "mailto:ops@example.org"   # named in the User-Agent, so site owners can reach you
max_requests = 5000                  # caps of one source run, each recorded when hit (defaults shown):
max_links_per_page = 1000
max_feed_items = 500
max_sitemap_depth = 3
extract_timeout = 60                 # seconds one page may take to read; over it: an extract error

[dedup]
threshold = 0.5              # Jaccard estimate over which an article is a near-duplicate
backend = "sqlite"           # LSH bands in SQLite; "memory": rebuilt at start; "redis": shared
redis_url = "redis://127.0.0.1:6379/0"

[cluster]                    # several machines: workers and one store share this Redis (docs/cluster.md);
redis_url = "redis://10.0.0.5:6379/0"   # or $YRDWATCH_REDIS_URL; without it, one machine and no Redis

[digest]
datasette_url = "http://127.0.0.1:8001"   # digests link each project to its row there
backfill_days = 7            # a new subscription's first digest reaches back this far

[[subscriptions]]            # any number; see alerts/subscriptions.py and the README's "Digests"
name = "wuxi-chips"
cities = ["无锡市"]
industries = ["集成电路"]
schedule = "0 8 * * *"       # cron, Asia/Shanghai

[[subscriptions.channels]]   # or channels = ["file://digests", { url = "…", token_env = "…" }] on one line
url = "mailtos://digest:{password}@smtp.example.com?to=team@example.com"
password_env = "YRDWATCH_SMTP_PASSWORD"   # {password} comes from this variable at send time

[[subscriptions.channels]]   # mailto(s), dingtalk, wecombot, feishu, lark, json(s), file
url = "file://digests"
```
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit

from yrdwatch.crawler.sources import key_line
from yrdwatch.db.store import DEFAULT_DB
from yrdwatch.extract.dedup import DEFAULT_THRESHOLD

DEFAULT_CONFIG = Path("yrdwatch.toml")
SCHEMA = {
    "database": {"path": str},
    "crawl": {"seeds": list, "min_delay": float, "timeout": float, "contact": str, "max_requests": int,
              "max_links_per_page": int, "max_feed_items": int, "max_sitemap_depth": int, "extract_timeout": float},
    "dedup": {"threshold": float, "backend": str, "redis_url": str},
    "cluster": {"redis_url": str},
    "digest": {"datasette_url": str, "backfill_days": float},
}
LISTS = ("subscriptions",)
# [crawl] caps of one source run → the Scrapy setting each overrides (defaults in crawler/settings.py).
CRAWL_LIMITS = {"max_requests": "YRDWATCH_MAX_REQUESTS", "max_links_per_page": "YRDWATCH_MAX_LINKS_PER_PAGE",
                "max_feed_items": "YRDWATCH_MAX_FEED_ITEMS", "max_sitemap_depth": "YRDWATCH_MAX_SITEMAP_DEPTH"}  # arrays of tables, checked by their own parser


BACKENDS = ("sqlite", "memory", "redis")


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message names file, line and key."""


@dataclass(frozen=True)
class Config:
    db_path: str = str(DEFAULT_DB)
    min_delay: float = 1.0
    timeout: float = 30.0
    contact: str = "https://github.com/yrdwatch/yrdwatch"
    dedup_threshold: float = DEFAULT_THRESHOLD
    dedup_backend: str = "sqlite"
    redis_url: str = "redis://127.0.0.1:6379/0"
    cluster_url: str | None = None  # [cluster] redis_url or $YRDWATCH_REDIS_URL; None: one machine, no Redis
    datasette_url: str = "http://127.0.0.1:8001"
    backfill_days: float = 7.0
    subscriptions: tuple = ()
    crawl_limits: tuple = ()  # (Scrapy setting, value) of the [crawl] caps the file sets
    extract_timeout: float | None = None  # [crawl] extract_timeout; None: crawler/settings.py's default
    seeds: tuple[Path, ...] = ()  # [crawl] seeds, resolved against the file's folder; (): none configured
    path: Path | None = None

    @property
    def user_agent(self) -> str:
        return f"yrdwatch/{version('yrdwatch')} (+{self.contact}; Yangtze River Delta project-announcement monitor)"

    def crawl_settings(self) -> dict:
        """The Scrapy settings a crawl takes from this configuration."""
        return {"DOWNLOAD_DELAY": self.min_delay, "DOWNLOAD_TIMEOUT": self.timeout, "USER_AGENT": self.user_agent,
                "YRDWATCH_DEDUP_THRESHOLD": self.dedup_threshold, "YRDWATCH_DEDUP_INDEX": self.dedup_index,
                **dict(self.crawl_limits),
                **({"YRDWATCH_EXTRACT_TIMEOUT": self.extract_timeout} if self.extract_timeout is not None else {})}

    @property
    def dedup_index(self) -> str:
        """Where the dedup LSH index lives: "sqlite", "memory" or the Redis URL."""
        return self.redis_url if self.dedup_backend == "redis" else self.dedup_backend


def _cluster_url(configured: str | None, fail) -> str | None:
    """The cluster's Redis: ``$YRDWATCH_REDIS_URL``, else ``[cluster] redis_url``, else None."""
    from_env = os.environ.get("YRDWATCH_REDIS_URL")
    url = from_env or configured
    if url and urlsplit(url).scheme != "redis":
        if from_env or fail is None:
            raise ConfigError(f"YRDWATCH_REDIS_URL: {url!r} is not a redis:// URL")
        raise fail("cluster", "redis_url", f"{url!r} is not a redis:// URL")
    return url or None


def _seeds_files(entries: list, folder: Path, fail) -> tuple[Path, ...]:
    """``[crawl] seeds``: seeds files that exist, relative paths read from the configuration's folder
    (their sources are checked when a command reads them, with the seeds file's own line numbers)."""
    if not entries:
        return ()
    files = []
    for entry in entries:
        if not isinstance(entry, str) or not entry:
            raise fail(f"{entry!r} is not a file name (a list of seeds files, e.g. [\"seeds/mine.toml\"])")
        file = folder / Path(entry).expanduser()
        if not file.is_file():
            raise fail(f"{entry!r}: no such seeds file ({file})")
        files.append(file)
    return tuple(files)


def load_config(path: str | Path | None = None) -> Config:
    """Read ``path`` (or ``$YRDWATCH_CONFIG``, or ``./yrdwatch.toml`` if present)."""
    explicit = path or os.environ.get("YRDWATCH_CONFIG")
    path = Path(explicit) if explicit else DEFAULT_CONFIG
    if not path.exists():
        if explicit:
            raise ConfigError(f"{path}: no such configuration file")
        return Config(cluster_url=_cluster_url(None, None))
    raw = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: {err}") from None
    lines = raw.splitlines()

    def fail(table: str, key: str | None, message: str):
        line = key_line(lines, table, key) or 1
        return ConfigError(f"{path}:{line}: {table}{'.' + key if key else ''}: {message}")

    for table, values in data.items():
        if table in LISTS:
            continue
        if table not in SCHEMA or not isinstance(values, dict):
            raise ConfigError(f"{path}:{key_line(lines, table, None) or 1}: unknown section [{table}] "
                              f"(known: {', '.join([*SCHEMA, *LISTS])})")
        for key, value in values.items():
            kind = SCHEMA[table].get(key)
            if kind is None:
                raise fail(table, key, f"unknown key (known: {', '.join(SCHEMA[table])})")
            if not isinstance(value, kind) and not (kind is float and isinstance(value, int) and not isinstance(value, bool)):
                raise fail(table, key, f"must be a {kind.__name__}, not {type(value).__name__}")
    dedup = data.get("dedup", {})
    threshold = float(dedup.get("threshold", DEFAULT_THRESHOLD))
    if not 0 < threshold <= 1:
        raise fail("dedup", "threshold", f"{threshold} is not between 0 and 1")
    cluster = _cluster_url(data.get("cluster", {}).get("redis_url"), fail)
    backend = dedup.get("backend", "sqlite")
    if backend not in BACKENDS:
        raise fail("dedup", "backend", f"{backend!r} is not one of {', '.join(BACKENDS)}")
    redis_url = dedup.get("redis_url", Config.redis_url)
    if urlsplit(redis_url).scheme != "redis":
        raise fail("dedup", "redis_url", f"{redis_url!r} is not a redis:// URL")
    crawl = data.get("crawl", {})
    for key in ("min_delay", "timeout", "extract_timeout"):
        if crawl.get(key, 1.0) < 0 or (key != "min_delay" and crawl.get(key) == 0):
            raise fail("crawl", key, "must be a positive number of seconds")
    for key in CRAWL_LIMITS:
        if key in crawl and (isinstance(crawl[key], bool) or crawl[key] < (0 if key == "max_sitemap_depth" else 1)):
            raise fail("crawl", key, "must be a whole number, at least " + ("0" if key == "max_sitemap_depth" else "1"))
    seeds = _seeds_files(crawl.get("seeds", []), path.resolve().parent, lambda message: fail("crawl", "seeds", message))
    digest = data.get("digest", {})
    if urlsplit(digest.get("datasette_url", Config.datasette_url)).scheme not in ("http", "https"):
        raise fail("digest", "datasette_url", "must be an http(s):// URL")
    if digest.get("backfill_days", 0) < 0:
        raise fail("digest", "backfill_days", "must be 0 or more days")

    def subscription_error(index: int, key: str | None, message: str) -> ConfigError:
        line = key_line(lines, "subscriptions", key, index) or 1
        return ConfigError(f"{path}:{line}: subscriptions[{index}]{'.' + key if key else ''}: {message}")

    # Imported only for a file that has subscriptions: it brings in the extractor's vocabularies (~0.5 s).
    subscriptions = ()
    if "subscriptions" in data:
        from yrdwatch.alerts.subscriptions import parse_subscriptions

        subscriptions = parse_subscriptions(data["subscriptions"], subscription_error, path.parent)
    return Config(db_path=data.get("database", {}).get("path", str(DEFAULT_DB)), dedup_threshold=threshold,
                  min_delay=float(crawl.get("min_delay", Config.min_delay)),
                  timeout=float(crawl.get("timeout", Config.timeout)), contact=crawl.get("contact", Config.contact),
                  dedup_backend=backend, redis_url=redis_url, cluster_url=cluster, path=path, subscriptions=subscriptions,
                  crawl_limits=tuple((setting, crawl[key]) for key, setting in CRAWL_LIMITS.items() if key in crawl),
                  extract_timeout=float(crawl["extract_timeout"]) if "extract_timeout" in crawl else None, seeds=seeds,
                  datasette_url=digest.get("datasette_url", Config.datasette_url),
                  backfill_days=float(digest.get("backfill_days", Config.backfill_days)))
