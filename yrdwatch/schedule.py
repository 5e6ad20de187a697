"""The application's schedule: crawls and digests in one APScheduler, joined here.

``yrdwatch.crawler.schedule`` holds the crawl jobs and the scheduler's run loop, ``alerts`` the digests; only
this application layer knows both, so the crawler never imports the alerts (``tests/test_layering.py``).
"""
from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from yrdwatch.alerts.digest import run_subscription
from yrdwatch.alerts.subscriptions import cron_trigger
from yrdwatch.crawler.schedule import first_and_period

log = logging.getLogger("yrdwatch.schedule")
DIGEST_RETRY_SECONDS = 300  # how often failed digest deliveries are looked at (each waits its own backoff)


def add_digest_jobs(scheduler: BlockingScheduler, db_path: str, config, every: float | None = None) -> list[str]:
    """One job per configured subscription on its cron schedule (Asia/Shanghai), like the sources'
    jobs, and one that sends failed deliveries again once their backoff is over. Without
    [[subscriptions]] there is nothing to deliver, so no job. Returns a line per job to print."""
    lines, now = [], datetime.now(ZoneInfo("Asia/Shanghai"))
    for subscription in config.subscriptions:
        if every:
            trigger, grace, when = IntervalTrigger(seconds=every), every, f"every {every:g} s"
        else:
            trigger = cron_trigger(subscription.schedule)
            first, grace = first_and_period(trigger, now)
            when = f"next {first:%Y-%m-%d %H:%M} Beijing time ({subscription.schedule})"  # an Asia/Shanghai trigger
        scheduler.add_job(digest_job, trigger, args=[db_path, config, [subscription]], id=f"digest:{subscription.name}",
                          name=f"digest:{subscription.name}", max_instances=1, coalesce=True,
                          misfire_grace_time=int(grace), next_run_time=now if every else None)
        lines.append(f"digest {subscription.name}: {when}")
    if config.subscriptions:
        scheduler.add_job(digest_job, IntervalTrigger(seconds=DIGEST_RETRY_SECONDS),
                          args=[db_path, config, config.subscriptions, True], id="digest-retries",
                          name="digest-retries", max_instances=1, coalesce=True)
    return lines


def digest_job(db_path: str, config, subscriptions, retries_only: bool = False) -> None:
    for subscription in subscriptions:
        try:
            for outcome in run_subscription(db_path, config, subscription, retries_only=retries_only):
                (log.warning if outcome.failed else log.info)("%s", outcome.text.strip())
        except Exception:  # the job must not die with the scheduler: the next run starts from the outbox
            log.exception("digest %s failed", subscription.name)

