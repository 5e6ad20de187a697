"""The one module that writes the yrdwatch SQLite database.

Every write is an idempotent upsert keyed by canonical URL (articles, pages) or by a stable id
(announcements ``<url>#<seq>``, projects by normalised name + place), so re-running a crawl or an
ingest never duplicates a row. The database runs in WAL mode so Datasette can read while we write.

Any number of processes write one database at once (a crawl per source from cron or the scheduler,
``reprocess``, digests, ``serve``'s index sync): every write here is one transaction of
``yrdwatch.db.transactions.write_transaction`` (``BEGIN IMMEDIATE``, run again while the database is busy).
Work that needs no lock (cutting words for the search index, compressing the page) is done before
the transaction, so the lock is held briefly.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from dataclasses import asdict
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator, TypeVar

import sqlite_utils

from yrdwatch.db import projects, search
from yrdwatch.db.transactions import BUSY_TIMEOUT, retry_while_busy, write_transaction
from yrdwatch.extract.models import Announcement, Article

SCHEMA = Path(__file__).with_name("schema.sql")
DEFAULT_DB = Path("db") / "yrdwatch.db"
T = TypeVar("T")
# An article that was fetched but could not be stored is asked for again by the crawls of this
# many days (directly, not through its listing, which may answer 304 or no longer list it).
LOST_RETRY_DAYS = 7


def lost_articles(conn: sqlite3.Connection, source: str, within_days: float = LOST_RETRY_DAYS) -> list[str]:
    """Article URLs of ``source`` that were fetched but could not be stored (a ``store`` error
    in the last ``within_days``) and are not stored since: the next crawl asks for them again,
    whatever the listing that led to them answers. A function of a connection, not of the
    ``Store``: a cluster crawl's feeder reads the database read-only."""
    since = (datetime.now(timezone.utc) - timedelta(days=within_days)).isoformat(timespec="seconds")
    return [url for (url,) in conn.execute(
        "select distinct e.url from fetch_errors e where e.source = ? and e.stage = 'store' and e.at >= ? "
        "and not exists (select 1 from articles a where a.url = e.url)", [source, since])]


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def content_hash(data: str | bytes) -> str:
    """sha1 of a text (articles: their analysis text) or of a fetched body (pages_seen)."""
    return hashlib.sha1(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


class Store:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit connection: every write is an explicit transaction (write_transaction), so no
        # write is ever left in an implicit, uncommitted transaction.
        self.db = sqlite_utils.Database(sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_TIMEOUT))
        retry_while_busy(self._prepare)

    def _prepare(self) -> None:
        """WAL, the schema and the columns added since an older yrdwatch (each step idempotent:
        it is simply run again when another process held the database)."""
        self.db.enable_wal()
        # In WAL mode NORMAL cannot corrupt the database; a power cut may lose the last commits,
        # which the next (idempotent) crawl fetches again. FULL would fsync on every article.
        self.db.conn.execute("PRAGMA synchronous = NORMAL")
        schema = SCHEMA.read_text(encoding="utf-8")
        self.db.conn.executescript(schema)
        self._add_missing_columns(schema)

    def write(self, work: Callable[[], T]) -> T:
        """``work()`` as one write transaction, retried while the database is busy."""
        return write_transaction(self.db.conn, work)

    def execute(self, sql: str, params=()) -> sqlite3.Cursor:
        """One write statement, retried while the database is busy."""
        return self.write(lambda: self.db.conn.execute(sql, params))

    def _add_missing_columns(self, schema: str) -> None:
        """Bring a database made by an older yrdwatch up to the schema: columns added since are
        added here (``CREATE TABLE IF NOT EXISTS`` leaves existing tables as they are)."""
        reference = sqlite3.connect(":memory:")
        reference.executescript(schema)
        for (table,) in reference.execute("select name from sqlite_master where type = 'table'"):
            have = {row[1] for row in self.db.conn.execute(f"pragma table_info({table})")}
            for _, name, kind, _, default, _ in reference.execute(f"pragma table_info({table})"):
                if name not in have:
                    default_sql = f" DEFAULT {default}" if default is not None else ""
                    self.db.conn.execute(f"alter table {table} add column {name} {kind}{default_sql}")
        reference.close()

    def close(self) -> None:
        self.db.conn.close()

    # --- sources and runs -------------------------------------------------------------------
    def sync_sources(self, sources: Iterable) -> None:
        rows = [
            {
                "name": s.name, "outlet": s.outlet, "region": s.region, "kind": s.kind,
                "start_urls": json.dumps(s.start_urls, ensure_ascii=False),
                "allowed_domains": json.dumps(s.allowed_domains), "article_url_pattern": s.article_url_pattern,
                "schedule": s.schedule, "verified": int(s.verified), "seeds_file": str(s.seeds_file),
                "updated_at": now(),
            }
            for s in sources
        ]
        if rows:
            self.write(lambda: self.db["sources"].upsert_all(rows, pk="name"))

    def start_run(self, source: str, batch: str) -> int:
        return self.execute("insert into crawl_runs (batch, source, started_at, status) values (?, ?, ?, 'running')",
                            [batch, source, now()]).lastrowid

    def finish_run(self, run_id: int, status: str, counters: dict) -> None:
        self.write(lambda: self.db["crawl_runs"].update(run_id, {**counters, "status": status, "finished_at": now()}))

    def add_to_run(self, run_id: int, counters: dict) -> None:
        """Add to a running run's counters (a cluster's store counts as it writes, in the same transaction)."""
        if counters:
            sets = ", ".join(f"{name} = coalesce({name}, 0) + ?" for name in counters)
            self.execute(f"update crawl_runs set {sets} where id = ?", [*counters.values(), run_id])

    def acquire_lock(self, source: str, host: str, pid: int, stale_after: float, alive) -> dict | None:
        """Take the source's crawl lock; returns None on success, else the live holder's row.

        A lock is taken over when its holder is on this host and ``alive(pid)`` is false, or when
        its heartbeat is older than ``stale_after`` seconds (a holder on another machine that died).
        Check and take are one IMMEDIATE transaction: of any number of contenders exactly one
        takes the lock and every other one is told who holds it."""
        def take() -> dict | None:
            stamp = datetime.now(timezone.utc)
            row = self.db.conn.execute("select host, pid, heartbeat_at from source_locks where source = ?",
                                       [source]).fetchone()
            if row and (row[0], row[1]) != (host, pid):
                silent = (stamp - datetime.fromisoformat(row[2])).total_seconds() > stale_after
                if not silent and not (row[0] == host and not alive(row[1])):
                    return {"host": row[0], "pid": row[1], "heartbeat_at": row[2]}
            self.db.conn.execute("insert or replace into source_locks values (?, ?, ?, ?, ?)",
                                 [source, host, pid, stamp.isoformat(timespec="seconds"), stamp.isoformat(timespec="seconds")])
            return None

        return self.write(take)

    def heartbeat(self, sources: list[str], host: str, pid: int) -> None:
        self.execute(
            f"update source_locks set heartbeat_at = ? where host = ? and pid = ? and source in ({','.join('?' * len(sources))})",
            [now(), host, pid, *sources])

    def release_locks(self, host: str, pid: int) -> None:
        self.execute("delete from source_locks where host = ? and pid = ?", [host, pid])

    def record_skipped_run(self, source: str, batch: str, reason: str) -> None:
        stamp = now()
        self.execute("insert into crawl_runs (batch, source, started_at, finished_at, status) values (?, ?, ?, ?, ?)",
                     [batch, source, stamp, stamp, reason])

    def record_error(self, run_id: int | None, source: str, url: str, stage: str, reason: str) -> None:
        self.execute("insert into fetch_errors (run_id, source, url, stage, reason, at) values (?, ?, ?, ?, ?, ?)",
                     [run_id, source, url, stage, reason, now()])

    def runs_in_batch(self, batch: str) -> list[dict]:
        return list(self.db.query("select * from crawl_runs where batch = ? order by id", [batch]))

    def mark_interrupted(self, source: str) -> None:
        """Runs of ``source`` still "running" when a new crawl holds its lock died mid-run (kill -9)."""
        self.execute("update crawl_runs set status = 'interrupted' where source = ? and status = 'running'", [source])

    def recent_runs(self, source: str, limit: int = 10) -> list[dict]:
        """The source's runs, newest first."""
        return list(self.db.query("select * from crawl_runs where source = ? order by id desc limit ?", [source, limit]))

    def fail_unfinished(self, batch: str, reason: str) -> None:
        """Runs of a crawl process that died keep no "running" row: they are marked failed."""
        self.execute("update crawl_runs set status = ?, finished_at = ? where batch = ? and status = 'running'",
                     [reason, now(), batch])

    def errors_of_run(self, run_id: int) -> list[dict]:
        return list(self.db.query("select url, stage, reason from fetch_errors where run_id = ? order by id", [run_id]))

    # --- pages seen -------------------------------------------------------------------------
    def mark_seen(self, url: str, source: str, status: int, *, etag: str | None = None,
                  last_modified: str | None = None, digest: str | None = None, verdict: str | None = None) -> None:
        """Record a fetch of ``url``; validators and hash are kept when this answer has none (a 304).
        ``verdict``: the kind of a page read and judged not to be an article (``yrdwatch.extract.pagekind``);
        every other answer clears an earlier verdict."""
        stamp = now()
        self.execute(
            """insert into pages_seen (url, source, last_status, etag, last_modified, content_hash, first_seen,
                                       last_seen, full_fetched_at, verdict, verdict_at)
               values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               on conflict(url) do update set source = excluded.source, last_status = excluded.last_status,
                   etag = coalesce(excluded.etag, etag), last_modified = coalesce(excluded.last_modified, last_modified),
                   content_hash = coalesce(excluded.content_hash, content_hash), last_seen = excluded.last_seen,
                   full_fetched_at = coalesce(excluded.full_fetched_at, full_fetched_at),
                   verdict = excluded.verdict, verdict_at = excluded.verdict_at""",
            [url, source, status, etag, last_modified, digest, stamp, stamp, stamp if status == 200 else None,
             verdict, stamp if verdict else None])

    def pages_seen_of(self, source: str) -> dict[str, dict]:
        """The source's fetched pages that are not stored articles: its listings, feeds and
        sitemaps (with their validators) and the articles that failed."""
        sql = ("select * from pages_seen p where source = ? "
               "and not exists (select 1 from articles a where a.url = p.url)")
        return {row["url"]: row for row in self.db.query(sql, [source])}

    # --- articles ---------------------------------------------------------------------------
    def is_stored(self, url: str) -> bool:
        """Whether an article is stored under ``url`` or under its http/https twin."""
        scheme, _, rest = url.partition("://")
        twin = ("https" if scheme == "http" else "http") + "://" + rest
        return self.db.conn.execute("select 1 from articles where url in (?, ?)", [url, twin]).fetchone() is not None

    def signatures(self) -> Iterator[tuple[str, bytes]]:
        yield from self.db.conn.execute("select url, signature from articles where signature is not null order by rowid")

    def duplicate_root(self, url: str) -> str:
        """Follow duplicate_of links to the original copy of a story."""
        seen = set()
        while url not in seen:
            seen.add(url)
            row = self.db.conn.execute("select duplicate_of from articles where url = ?", [url]).fetchone()
            if not row or not row[0]:
                return url
            url = row[0]
        return url

    def raw_pages(self, source: str | None = None, urls: list[str] | None = None) -> Iterator[dict]:
        """Stored pages as fetched (for ``reprocess``), oldest first; only ``urls``, in their order, when given."""
        if urls is not None:
            sql = ("select a.url, a.source, r.content_type, r.html_zlib from raw_pages r join articles a on a.url = r.url "
                   "where a.url = ?")
            rows = [row for url in urls for row in self.db.conn.execute(sql, [url])]
        else:
            sql = ("select a.url, a.source, r.content_type, r.html_zlib from raw_pages r join articles a on a.url = r.url"
                   + (" where a.source = ?" if source else "") + " order by a.rowid")
            rows = self.db.conn.execute(sql, [source] if source else [])
        for url, src, content_type, blob in rows:
            yield {"url": url, "source": src, "content_type": content_type, "body": zlib.decompress(blob)}

    def published_at(self, url: str) -> str | None:
        row = self.db.conn.execute("select published_at from articles where url = ?", [url]).fetchone()
        return row[0] if row else None

    def make_original(self, url: str, old_root: str, similarity: float | None) -> None:
        """``url`` is the original of ``old_root``'s story: the old root and its copies point to it."""
        def repoint() -> None:
            self.db.conn.execute("update articles set duplicate_of = ? where duplicate_of = ?", [url, old_root])
            self.db.conn.execute("update articles set duplicate_of = ?, similarity = ? where url = ?",
                                 [url, similarity, old_root])
            self.db.conn.execute("update articles set duplicate_of = null, similarity = null where url = ?", [url])

        self.write(repoint)

    def signature_of(self, url: str) -> bytes | None:
        row = self.db.conn.execute("select signature from articles where url = ?", [url]).fetchone()
        return row[0] if row else None

    def resign(self, sign) -> None:
        """Replace every stored signature with ``sign(text)`` (after a change of hashing scheme)."""
        signed = [(sign(text or ""), url) for url, text in self.db.conn.execute("select url, text from articles")]
        self.write(lambda: self.db.conn.executemany("update articles set signature = ? where url = ?", signed))

    def meta(self, key: str) -> str | None:
        row = self.db.conn.execute("select value from dedup_meta where key = ?", [key]).fetchone()
        return row[0] if row else None

    def save_meta(self, values: dict) -> None:
        self.write(lambda: self.db["dedup_meta"].upsert_all([{"key": k, "value": str(v)} for k, v in values.items()],
                                                            pk="key"))

    def save_article(self, url: str, source: str | None, article: Article, *, signature: bytes | None,
                     duplicate_of: str | None, similarity: float | None,
                     raw: bytes | None = None, content_type: str | None = None, force: bool = False) -> str:
        """Upsert one article with its announcements; returns "new", "updated" or "unchanged".

        An article whose analysis text is unchanged is left alone unless ``force`` (reprocessing
        with an improved extractor rewrites its announcements even when the text is the same).
        Words for the search index and the compressed page are made before the write lock is taken."""
        page = article.page
        digest = content_hash(article.analysis_text)
        words = search.article_words(page.title, article.analysis_text)
        raw_zlib = zlib.compress(raw) if raw is not None else None

        def save() -> str:
            stamp = now()
            old = self.db.conn.execute("select content_hash from articles where url = ?", [url]).fetchone()
            if old and old[0] == digest and not force:
                self.db.conn.execute("update articles set last_seen = ? where url = ?", [stamp, url])
                return "unchanged"
            self.db["articles"].upsert(
                {
                    "url": url, "source": source, "outlet": page.outlet, "title": page.title,
                    "published_at": page.published_at, "text": page.text, "script": page.script,
                    "encoding": page.encoding, "mojibake": json.dumps(page.mojibake, ensure_ascii=False),
                    "is_announcement": int(article.is_announcement), "content_hash": digest,
                    "signature": signature, "duplicate_of": duplicate_of, "similarity": similarity,
                    "last_seen": stamp,
                },
                pk="url",
            )
            self.db.conn.execute("update articles set first_seen = coalesce(first_seen, ?) where url = ?", [stamp, url])
            if raw_zlib is not None:
                self.db.conn.execute(
                    "insert or replace into raw_pages (url, content_type, html_zlib, fetched_at) values (?, ?, ?, ?)",
                    [url, content_type, raw_zlib, stamp])
            self._replace_announcements(url, page.outlet, article.announcements, stamp, page.published_at)
            search.index_article(self.db.conn, url, words)
            return "updated" if old else "new"

        return self.write(save)

    def _replace_announcements(self, url: str, outlet: str | None, announcements: list[Announcement], stamp: str,
                               published_at: str | None = None) -> None:
        """The article's announcements and mentions replaced by ``announcements``; each project's
        mention count and search words follow (only the projects this article touches)."""
        old_ids = [r[0] for r in self.db.conn.execute("select id from announcements where article_url = ?", [url])]
        # Projects that lose a mention are re-indexed from all their mentions; the common case, a
        # new article, only adds the words of its own mentions (search.add_project_words).
        lost: set[str] = set()
        if old_ids:  # (an empty IN list would still scan project_mentions)
            marks = ",".join("?" * len(old_ids))
            lost = {r[0] for r in self.db.conn.execute(
                f"select project_id from project_mentions where announcement_id in ({marks})", old_ids)}
            self.db.conn.execute(f"delete from project_mentions where announcement_id in ({marks})", old_ids)
            self.db.conn.execute(f"delete from project_links where announcement_id in ({marks})", old_ids)
            self.db.conn.execute("delete from announcements where article_url = ?", [url])
        gained: dict[str, list[str]] = {}
        for seq, ann in enumerate(announcements):
            ann_id = f"{url}#{seq}"
            row = asdict(ann)
            del row["projects"]
            row.update(id=ann_id, article_url=url, seq=seq,
                       industries=json.dumps(ann.industries, ensure_ascii=False),
                       parties=json.dumps(ann.parties, ensure_ascii=False))
            self.db["announcements"].insert(row, pk="id", replace=True)
            for project in ann.projects:
                project_id, key = projects.find_or_create(self.db, project, ann, stamp, url, ann_id, published_at)
                self.db.conn.execute(
                    "insert or replace into project_mentions (project_id, announcement_id, article_url, outlet, "
                    "event_date, name, mention_key, investment_cny, currency) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [project_id, ann_id, url, outlet, ann.event_date, project.name, key, project.investment_cny,
                     project.currency])
                gained.setdefault(project_id, []).extend(
                    [ann.province, ann.city, ann.district, ann.park, *ann.parties, *ann.industries])
        for project_id in lost | set(gained):
            self.db.conn.execute(
                "update projects set mentions = (select count(*) from project_mentions where project_id = ?) where id = ?",
                [project_id, project_id])
        if lost:
            search.index_projects(self.db.conn, lost)
        for project_id, fields in gained.items():
            if project_id not in lost:
                search.add_project_words(self.db.conn, project_id, fields)

    def counts(self) -> dict[str, int]:
        return {t: self.db[t].count for t in ("articles", "announcements", "projects", "fetch_errors")}
