"""The digest outbox in SQLite: subscriptions, digests, what they covered, and one delivery row per
digest and channel.

A digest is stored with its items before any channel is tried; a delivery is marked sent only after
its channel accepted it, and a failure is retried later with a growing delay. Before sending, a run
claims the delivery (host:pid and time) so that two runs (the scheduler, cron, a person) never send
one digest to one channel at the same moment; a claim whose run died is void after ``CLAIM_SECONDS``.
"""
from __future__ import annotations

import json
import os
import socket
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

from yrdwatch.db.transactions import retry_while_busy, write_transaction

# Failed deliveries wait 5 min, 10, 20 … up to 6 h between attempts; they are never given up on.
FIRST_BACKOFF, MAX_BACKOFF = timedelta(minutes=5), timedelta(hours=6)
CLAIM_SECONDS = 600


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def rows(cursor) -> list[dict]:
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


@contextmanager
def immediate(conn):
    """A write transaction taken at once, so two runs cannot both cover the same projects. Taking
    it waits while other processes (crawls) write; once held, nothing inside can find the database busy."""
    retry_while_busy(lambda: conn.execute("BEGIN IMMEDIATE"))
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def started_at(conn, name: str) -> str | None:
    row = conn.execute("select started_at from subscriptions where name = ?", [name]).fetchone()
    return row[0] if row else None


def register(conn, subscription, now: datetime) -> str:
    """Record the subscription as configured now; returns when it started (its first run)."""
    write_transaction(conn, lambda: conn.execute(
        """insert into subscriptions (name, filters, schedule, channels, started_at, updated_at)
           values (?, ?, ?, ?, ?, ?)
           on conflict(name) do update set filters = excluded.filters, schedule = excluded.schedule,
               channels = excluded.channels, updated_at = excluded.updated_at""",
        [subscription.name, json.dumps(subscription.filters(), ensure_ascii=False), subscription.schedule,
         json.dumps([c.label for c in subscription.channels], ensure_ascii=False), stamp(now), stamp(now)]))
    return started_at(conn, subscription.name)


def new_digest(conn, subscription: str, created_at: str, since: str) -> int:
    """The id of a new, still empty digest (inside the caller's transaction): its number is printed in it."""
    return conn.execute("insert into digests (subscription, created_at, since) values (?, ?, ?)",
                        [subscription, created_at, since]).lastrowid


def drop_digest(conn, digest_id: int) -> None:
    """Remove a digest made in the caller's transaction that has nothing to show after all."""
    conn.execute("delete from digests where id = ?", [digest_id])


def fill_digest(conn, digest_id: int, subscription, rendered: dict, items: list[dict]) -> None:
    """Store the rendered digest, the projects it covers and a pending delivery per channel."""
    conn.execute("""update digests set projects = ?, investment_cny = ?, subject = ?, html = ?, markdown = ?, atom = ?,
                    chart_png = ? where id = ?""",
                 [sum(item.get("kind") != "progress" for item in items), rendered["investment_cny"], rendered["subject"], rendered["html"], rendered["markdown"],
                  rendered["atom"], rendered["chart_png"], digest_id])
    conn.executemany(
        "insert into digest_items (subscription, project_id, digest_id, position, item) values (?, ?, ?, ?, ?)",
        [(subscription.name, item["id"], digest_id, position, json.dumps(item, ensure_ascii=False))
         for position, item in enumerate(items) if item.get("kind") != "progress"])
    conn.executemany(
        "insert or ignore into digest_progress (subscription, project_id, stage, digest_id) values (?, ?, ?, ?)",
        [(subscription.name, item["id"], item["stage"], digest_id) for item in items if item.get("kind") == "progress"])
    conn.executemany(
        "insert into digest_deliveries (digest_id, channel, label, status, attempts) values (?, ?, ?, 'pending', 0)",
        [(digest_id, c.key, c.label) for c in subscription.channels])


def digest(conn, digest_id: int) -> dict:
    return rows(conn.execute("select * from digests where id = ?", [digest_id]))[0]


def recent_items(conn, subscription: str, limit: int = 200) -> list[dict]:
    """The newest projects the subscription's digests covered, newest digest first (for its feed)."""
    rows = conn.execute("""select item from digest_items where subscription = ?
                           order by digest_id desc, position limit ?""", [subscription, limit])
    return [json.loads(item) for (item,) in rows]


def due_deliveries(conn, subscription: str, channel_keys: list[str], now: datetime, ignore_backoff: bool) -> list[dict]:
    """Unsent deliveries of the subscription's digests to channels it still has, oldest digest first."""
    if not channel_keys:
        return []
    cursor = conn.execute(
        f"""select d.* from digest_deliveries d join digests g on g.id = d.digest_id
            where g.subscription = ? and d.status = 'pending' and d.channel in ({','.join('?' * len(channel_keys))})
              and (? or d.next_attempt_at is null or d.next_attempt_at <= ?)
            order by d.digest_id""", [subscription, *channel_keys, int(ignore_backoff), stamp(now)])
    return rows(cursor)


def later_attempts(conn, subscription: str, channel_keys: list[str], now: datetime) -> list[str]:
    """When the subscription's failed deliveries that are not due yet will be tried again."""
    rows = conn.execute(
        f"""select d.next_attempt_at from digest_deliveries d join digests g on g.id = d.digest_id
            where g.subscription = ? and d.status = 'pending' and d.channel in ({','.join('?' * len(channel_keys))})
              and d.next_attempt_at > ?""", [subscription, *channel_keys, stamp(now)])
    return [at for (at,) in rows]


def claim(conn, digest_id: int, channel: str, now: datetime) -> bool:
    """Take the delivery for this process; False when another live run holds it or it was sent meanwhile."""
    cursor = write_transaction(conn, lambda: conn.execute(
        """update digest_deliveries set claimed_by = ?, claimed_at = ?
           where digest_id = ? and channel = ? and status = 'pending'
             and (claimed_at is null or claimed_at < ?)""",
        [f"{socket.gethostname()}:{os.getpid()}", stamp(now), digest_id, channel,
         stamp(now - timedelta(seconds=CLAIM_SECONDS))]))
    return cursor.rowcount == 1


def mark_sent(conn, digest_id: int, channel: str, now: datetime) -> None:
    write_transaction(conn, lambda: conn.execute(
        """update digest_deliveries set status = 'sent', sent_at = ?, attempts = attempts + 1,
           last_error = null, next_attempt_at = null, claimed_by = null, claimed_at = null
           where digest_id = ? and channel = ?""", [stamp(now), digest_id, channel]))


def mark_failed(conn, digest_id: int, channel: str, error: str, now: datetime) -> str:
    """Record a failed attempt; returns when the next one is due."""
    def record() -> str:
        attempts = conn.execute("select attempts from digest_deliveries where digest_id = ? and channel = ?",
                                [digest_id, channel]).fetchone()[0] + 1
        retry_at = stamp(now + min(FIRST_BACKOFF * 2 ** (attempts - 1), MAX_BACKOFF))
        conn.execute("""update digest_deliveries set attempts = ?, last_error = ?, next_attempt_at = ?,
                        claimed_by = null, claimed_at = null where digest_id = ? and channel = ?""",
                     [attempts, error, retry_at, digest_id, channel])
        return retry_at

    return write_transaction(conn, record)


def unsent(conn) -> list[dict]:
    """Every delivery not yet accepted by its channel, for ``yrdwatch status``."""
    cursor = conn.execute(
        """select g.subscription, d.digest_id, g.created_at, g.projects, d.label as channel, d.attempts,
                  d.next_attempt_at, d.last_error
           from digest_deliveries d join digests g on g.id = d.digest_id
           where d.status = 'pending' order by g.subscription, d.digest_id, d.label""")
    return rows(cursor)


def last_digests(conn) -> list[dict]:
    """Each subscription's newest digest (time, projects, deliveries sent / total)."""
    cursor = conn.execute(
        """select s.name as subscription, g.id as digest_id, g.created_at, g.projects,
                  (select count(*) from digest_deliveries d where d.digest_id = g.id and d.status = 'sent') as sent,
                  (select count(*) from digest_deliveries d where d.digest_id = g.id) as channels
           from subscriptions s left join digests g on g.id = (select max(id) from digests where subscription = s.name)
           order by s.name""")
    return rows(cursor)
