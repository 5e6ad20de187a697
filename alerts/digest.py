"""Running subscriptions (``yrdwatch digest`` and the scheduler's digest jobs).

One run of a subscription: register it, send again what failed earlier and is due, then take the
projects no digest of it covered yet, render and store them as a new digest (one transaction, so two
runs at once cannot both cover a project) and offer the stored digest to each channel. A channel
that fails leaves a pending delivery and the other channels deliver all the same.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from yrdwatch.alerts import outbox
from yrdwatch.alerts.deliver import FORMATS, DeliveryError, send, write_files
from yrdwatch.alerts.query import money, new_projects
from yrdwatch.alerts.render import atom_feed, context, html_digest, markdown_digest
from yrdwatch.extract.dates import local_time
from yrdwatch.alerts.subscriptions import DEFAULT_SUBSCRIPTION, TIMEZONE, configured
from yrdwatch.db.store import Store

log = logging.getLogger(__name__)
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*([mhd])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


class DigestError(ValueError):
    """A request that cannot be run (an unknown subscription, a --since that is no time)."""


@dataclass
class Outcome:
    text: str              # one line of what the run did, for the terminal or the scheduler's log
    failed: bool = False   # a delivery failed (it stays pending and is retried)


def parse_since(value: str, now: datetime) -> datetime:
    """``2024-05-01``, ``2024-05-01T08:00`` (Beijing time unless an offset is given), ``36h``, ``7d``, ``90m``."""
    if match := _DURATION.match(value.strip()):
        return now - timedelta(**{_UNITS[match.group(2)]: float(match.group(1))})
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise DigestError(f"--since {value!r}: not a date (2024-05-01), a time (2024-05-01T08:00) "
                          "or a duration (36h, 7d)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(TIMEZONE))


def chosen_subscriptions(config, names) -> list:
    subscriptions = configured(config)
    unknown = [n for n in names if n not in {s.name for s in subscriptions}]
    if unknown:
        known = ", ".join(s.name for s in subscriptions)
        raise DigestError(f"no subscription named {unknown[0]!r} (configured: {known})")
    return [s for s in subscriptions if not names or s.name in names]


def render_digest(subscription, items: list[dict], since: str, created_at: str, digest_id: int | None) -> dict:
    """The digest in every format, as the ``digests`` table holds it."""
    from yrdwatch.alerts.chart import investment_chart  # matplotlib: only when a digest is drawn, not for `status`

    ctx = context(subscription, items, since, created_at, digest_id)
    return {"id": digest_id, "subscription": subscription.name, "created_at": created_at, "since": since,
            "projects": len(items), "investment_cny": ctx["totals"]["investment_cny"], "subject": ctx["subject"],
            "html": html_digest(ctx), "markdown": markdown_digest(ctx),
            "atom": atom_feed(subscription.name, items, created_at), "chart_png": investment_chart(ctx["cities"])}


def render_skipping_broken(subscription, items: list[dict], since: str, created_at: str,
                           digest_id: int | None) -> tuple[dict | None, list[dict]]:
    """:func:`render_digest` and the items it shows. A stored row that breaks a renderer (a value
    no format accepts, a date that is none) is left out with a warning, so that one bad row does
    not stop every digest of the subscription; it is not marked covered and comes back once
    repaired. None when no item can be shown."""
    try:
        return render_digest(subscription, items, since, created_at, digest_id), items
    except Exception:  # whatever a template, feedgen or the chart raises on a value
        good = []
        for item in items:
            try:  # the text formats alone (the chart takes a tenth of a second, and only draws numbers)
                ctx = context(subscription, [item], since, created_at, digest_id)
                html_digest(ctx), markdown_digest(ctx), atom_feed(subscription.name, [item], created_at)
            except Exception as err:
                log.warning("%s: project %s (%r) left out of the digest: a stored value breaks its rendering (%s: %s)",
                            subscription.name, item.get("id"), item.get("name"), type(err).__name__, err)
            else:
                good.append(item)
    return (render_digest(subscription, good, since, created_at, digest_id) if good else None), good


def window_start(conn, config, subscription, since: datetime | None, now: datetime, dry_run: bool = False) -> str:
    """Where the digest's window opens: --since, else the subscription's start minus the backfill.
    A real run registers the subscription (its start is its first run); a dry run only reads it."""
    started = outbox.started_at(conn, subscription.name) if dry_run else outbox.register(conn, subscription, now)
    start = since or datetime.fromisoformat(started or outbox.stamp(now)) - timedelta(days=config.backfill_days)
    return outbox.stamp(start)


def preview(db_path, config, subscription, since: datetime | None = None, now: datetime | None = None) -> dict | None:
    """The digest the subscription's next run would make, rendered but neither stored nor sent."""
    now = now or outbox.utc_now()
    store = Store(db_path)
    try:
        start = window_start(store.db.conn, config, subscription, since, now, dry_run=True)
        items = new_projects(store.db.conn, subscription, start, config.datasette_url, db_path)
    finally:
        store.close()
    return render_skipping_broken(subscription, items, start, outbox.stamp(now), None)[0] if items else None


def run_subscription(db_path, config, subscription, since: datetime | None = None, out: Path | None = None,
                     formats=FORMATS, retry_now: bool = False, retries_only: bool = False,
                     now: datetime | None = None) -> list[Outcome]:
    """Retry the subscription's due deliveries, then make, store and deliver its next digest."""
    now = now or outbox.utc_now()
    store = Store(db_path)
    conn = store.db.conn
    try:
        start = window_start(conn, config, subscription, since, now)
        outcomes = retry(conn, subscription, now, retry_now)
        if retries_only:
            return outcomes
        made = make_digest(conn, config, subscription, start, now, db_path)
        if made is None:
            return [*outcomes, Outcome(f"{subscription.name}: no new projects since {local_time(start)} Beijing time")]
        digest_id, count, investment = made
        outcomes.append(Outcome(f"{subscription.name}: digest #{digest_id}: {count} new project{'s' * (count != 1)}, "
                                f"disclosed investment {money(investment, None, None)}"))
        if not subscription.channels:
            outcomes.append(Outcome("  stored; the subscription has no channel (--out DIR writes it to files)"))
        outcomes += [deliver(conn, subscription, channel, digest_id, now) for channel in subscription.channels]
        if out:
            paths = write_files(Path(out), outbox.digest(conn, digest_id), formats)
            outcomes.append(Outcome(f"  wrote {', '.join(str(p) for p in paths)}"))
        return outcomes
    finally:
        store.close()


def make_digest(conn, config, subscription, start: str, now: datetime, db_path) -> tuple[int, int, int] | None:
    """Render and store the digest of the projects not covered yet: (id, projects, investment), or
    None when there are none. One write transaction from the query to the stored items."""
    with outbox.immediate(conn):
        items = new_projects(conn, subscription, start, config.datasette_url, db_path)
        if not items:
            return None
        digest_id = outbox.new_digest(conn, subscription.name, outbox.stamp(now), start)
        rendered, items = render_skipping_broken(subscription, items, start, outbox.stamp(now), digest_id)
        if rendered is None:
            outbox.drop_digest(conn, digest_id)
            return None
        outbox.fill_digest(conn, digest_id, subscription, rendered, items)
    return digest_id, sum(item.get("kind") != "progress" for item in items), rendered["investment_cny"]


def retry(conn, subscription, now: datetime, ignore_backoff: bool) -> list[Outcome]:
    """Send again the deliveries that failed earlier (oldest digest first) whose backoff is over."""
    channels = {c.key: c for c in subscription.channels}
    due = outbox.due_deliveries(conn, subscription.name, list(channels), now, ignore_backoff)
    outcomes = [deliver(conn, subscription, channels[row["channel"]], row["digest_id"], now, retry=True) for row in due]
    later = outbox.later_attempts(conn, subscription.name, list(channels), now) if not ignore_backoff else []
    if later:
        outcomes.append(Outcome(f"{subscription.name}: {len(later)} failed "
                                f"{'delivery waits' if len(later) == 1 else 'deliveries wait'} for the next attempt "
                                f"at {local_time(min(later))} Beijing time (--retry-now: now)"))
    return outcomes


def deliver(conn, subscription, channel, digest_id: int, now: datetime, retry: bool = False) -> Outcome:
    """Offer the stored digest to one channel, recording the result; never raises for a channel's failure."""
    what = f"  {'retry: ' if retry else ''}digest #{digest_id} → {channel.label}"
    if not outbox.claim(conn, digest_id, channel.key, now):
        return Outcome(f"{what}: being sent by another run, left alone")
    digest = outbox.digest(conn, digest_id)
    feed = None
    if channel.kind == "file":
        feed = atom_feed(subscription.name, outbox.recent_items(conn, subscription.name), digest["created_at"])
    try:
        where = send(channel, digest, feed)
    except DeliveryError as err:
        retry_at = outbox.mark_failed(conn, digest_id, channel.key, str(err), now)
        return Outcome(f"{what}: FAILED ({err}); next attempt {local_time(retry_at)} Beijing time", failed=True)
    outbox.mark_sent(conn, digest_id, channel.key, outbox.utc_now())
    return Outcome(f"{what}: sent" + (f" ({where})" if channel.kind == "file" else ""))


def write_sample_digest(db_path, config, folder: Path) -> str:
    """What ``yrdwatch demo`` shows: the default subscription's next digest as files, not sent."""
    rendered = preview(db_path, config, DEFAULT_SUBSCRIPTION)
    if rendered is None:
        return "none (no project in the database)"
    paths = write_files(folder, rendered)
    return f"{paths[0]} (and {', '.join(p.suffix for p in paths[1:])})"


def status_table(conn) -> str:
    """``yrdwatch status``'s digest part: each subscription's last digest, then undelivered digests."""
    from tabulate import tabulate

    last = outbox.last_digests(conn)
    if not last:
        return ""
    text = tabulate([[r["subscription"], r["digest_id"] or "", local_time(r["created_at"]), r["projects"] or "",
                      f"{r['sent']}/{r['channels']}" if r["digest_id"] else ""] for r in last],
                    headers=["subscription", "last digest", "made (Beijing)", "projects", "delivered"])
    pending = outbox.unsent(conn)
    if pending:
        text += "\n\nDigests not delivered yet (retried by `yrdwatch digest` and the scheduler):\n" + tabulate(
            [[r["subscription"], r["digest_id"], r["channel"], r["attempts"], local_time(r["next_attempt_at"]) or "now",
              (r["last_error"] or "")[:100]] for r in pending],
            headers=["subscription", "digest", "channel", "attempts", "next attempt (Beijing)", "last error"])
    return text
