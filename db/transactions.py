"""Writing one SQLite database from many processes: every write a ``BEGIN IMMEDIATE`` transaction,
run again from its start while the database is busy.

Crawls (one process per source, from cron or the scheduler), ``reprocess``, digests and
``serve``'s index sync all write the same file. A deferred transaction that reads before it
writes cannot wait for the write lock: when another process committed after its read, SQLite
answers "database is locked" at once, whatever the busy timeout. ``BEGIN IMMEDIATE`` takes the
write lock first, so the busy timeout applies; a transaction that still finds the database busy
after it (a long writer, a checkpoint) is rolled back and run again after a jittered backoff,
for up to ``WRITE_PATIENCE`` seconds. Only then does the write fail, and the caller records it.
"""
from __future__ import annotations

import logging
import random
import sqlite3
import time
from typing import Callable, TypeVar

BUSY_TIMEOUT = 30  # seconds SQLite itself waits for another process's write lock
# How long a write keeps trying before it fails (then the article becomes a fetch_errors row):
# long enough for any other writer's transaction, short enough that a wedged database is reported.
WRITE_PATIENCE = 600.0
log = logging.getLogger(__name__)
T = TypeVar("T")


def is_busy(err: sqlite3.OperationalError) -> bool:
    """SQLITE_BUSY (another connection holds the lock) or SQLITE_LOCKED, with any extended code."""
    code = getattr(err, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(err) or "busy" in str(err)


def retry_while_busy(work: Callable[[], T], patience: float = WRITE_PATIENCE) -> T:
    """``work()``, called again (jittered backoff up to 1 s) while it fails because the database is busy."""
    deadline, delay = time.monotonic() + patience, 0.02
    while True:
        try:
            return work()
        except sqlite3.OperationalError as err:
            if not is_busy(err) or time.monotonic() > deadline:
                raise
            log.info("database busy (%s); trying again", err)
        time.sleep(delay * random.uniform(0.5, 1.5))
        delay = min(delay * 2, 1.0)


def write_transaction(conn: sqlite3.Connection, work: Callable[[], T], patience: float = WRITE_PATIENCE) -> T:
    """Run ``work()`` in one ``BEGIN IMMEDIATE`` transaction on ``conn`` (autocommit mode), from the
    start again while the database is busy; returns what ``work`` returns. Inside a transaction of
    the caller, ``work`` simply joins it (the caller's transaction is the unit that is retried)."""
    if conn.in_transaction:
        return work()

    def attempt() -> T:
        conn.execute("BEGIN IMMEDIATE")
        try:
            result = work()
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return result

    return retry_while_busy(attempt, patience)

