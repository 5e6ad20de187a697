"""The near-duplicate LSH index kept in SQLite: one row per band bucket of each article.

datasketch's in-memory MinHashLSH holds every band key as a Python bytes object in a set per
bucket, about 10 KB per article (benchmarks/dedup_bench.py), and must be rebuilt at every start.
Here the same bands (datasketch's own parameters) live in a WITHOUT ROWID table beside the
articles: nothing to rebuild at start, no per-article RAM, and a query is one ``IN`` lookup on
the table's primary key. It offers the part of MinHashLSH's interface ``Deduplicator`` uses.
"""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager

from yrdwatch.db.transactions import retry_while_busy, write_transaction
from yrdwatch.extract.dedup import NUM_PERM, band_keys, candidate_threshold, lsh_params

SCHEMA = """
CREATE TABLE IF NOT EXISTS article_bands (
    bucket INTEGER NOT NULL,        -- extract.dedup.band_keys: band values hashed, band number mixed in
    url TEXT NOT NULL,
    PRIMARY KEY (bucket, url)
) WITHOUT ROWID;
"""


class SQLiteBandIndex:
    idempotent = True  # inserting a known article again changes nothing

    def __init__(self, conn: sqlite3.Connection, threshold: float, num_perm: int = NUM_PERM):
        self.conn = conn
        self.bands, self.rows = lsh_params(candidate_threshold(threshold), num_perm)
        retry_while_busy(lambda: conn.executescript(SCHEMA))

    @property
    def params(self) -> str:
        """Recorded in dedup_meta: a change (of bands, rows or table layout) means re-banding."""
        return f"buckets-v2/{self.bands}x{self.rows}"

    def __contains__(self, url: str) -> bool:
        # A scan, not an index lookup: only tests and diagnostics ask (inserts are idempotent).
        return self.conn.execute("select 1 from article_bands where url = ? limit 1", [url]).fetchone() is not None

    def is_empty(self) -> bool:
        return self.conn.execute("select 1 from article_bands limit 1").fetchone() is None

    def clear(self) -> None:
        write_transaction(self.conn, lambda: self.conn.execute("drop table if exists article_bands"))
        retry_while_busy(lambda: self.conn.executescript(SCHEMA))

    def insert(self, url: str, sig, check_duplication: bool = False) -> None:
        rows = [(key, url) for key in band_keys(sig, self.bands, self.rows)]
        write_transaction(self.conn, lambda: self.conn.executemany("insert or ignore into article_bands values (?, ?)", rows))

    @contextmanager
    def insertion_session(self):
        """Inserts grouped in one transaction (the connection is in autocommit mode otherwise)."""
        own = not self.conn.in_transaction
        if own:  # IMMEDIATE: once the write lock is held, nothing inside can find the database busy
            retry_while_busy(lambda: self.conn.execute("begin immediate"))
        try:
            yield self
        except BaseException:
            if own:
                self.conn.execute("rollback")
            raise
        if own:
            self.conn.execute("commit")

    def query(self, sig) -> list[str]:
        keys = band_keys(sig, self.bands, self.rows)
        sql = f"select distinct url from article_bands where bucket in ({','.join('?' * len(keys))})"
        return [row[0] for row in self.conn.execute(sql, keys)]
