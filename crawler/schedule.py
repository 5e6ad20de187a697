"""Running crawls on the sources' own schedules (APScheduler 3), and what ``status`` reports.

Each source is one job on its cron expression (``Asia/Shanghai`` unless the source says
otherwise) with ``max_instances=1`` and ``coalesce=True``, a misfire grace time of the job's own
period (APScheduler's default of one second silently drops a run that starts late) and jitter so
that sources sharing a schedule do not start at the same second. Every run is a child process
(``yrdwatch.crawler.run``), so the scheduler itself never hosts a Twisted reactor. The digests' jobs join
this scheduler at the application layer (``yrdwatch.schedule``): the crawler knows nothing of alerts.
"""
from __future__ import annotations

import logging
import shlex
import signal
import statistics
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from yrdwatch.crawler.run import CrawlError, run_crawl, stop_running_crawls
from yrdwatch.crawler.sources import Source

log = logging.getLogger("yrdwatch.schedule")
DEFAULT_JITTER = 120  # seconds
# A run is suspicious when this share of its article pages gave no text (or its articles no
# date) while the source's earlier runs were mostly fine: the site's layout probably changed.
SUSPICIOUS_SHARE, NORMAL_SHARE, HISTORY = 0.5, 0.2, 10


def trigger_for(source: Source) -> CronTrigger:
    return CronTrigger.from_crontab(source.schedule, timezone=ZoneInfo(source.timezone))


def next_run(source: Source, after: datetime | None = None) -> datetime | None:
    after = after or datetime.now(ZoneInfo(source.timezone))
    return trigger_for(source).get_next_fire_time(None, after)


def first_and_period(trigger: CronTrigger, now: datetime) -> tuple[datetime | None, int]:
    """The trigger's next fire time after ``now`` and the gap to the one after (its misfire grace time)."""
    first = trigger.get_next_fire_time(None, now)
    second = trigger.get_next_fire_time(first, first + timedelta(seconds=1)) if first else None
    return first, int((second - first).total_seconds()) if first and second else 3600


def period_seconds(source: Source) -> int:
    """The gap between two consecutive runs of the source's schedule (its misfire grace time)."""
    return first_and_period(trigger_for(source), datetime.now(ZoneInfo(source.timezone)))[1]


def build_scheduler(db_path: str, sources: list[Source], settings: dict, log_path: str | None,
                    every: float | None = None, jitter: int = DEFAULT_JITTER,
                    cluster_url: str | None = None) -> BlockingScheduler:
    """One job per source; ``every`` (seconds) replaces the cron schedules, for tests and trials.
    With ``cluster_url`` a job only feeds the source's start URLs to the cluster's workers."""
    scheduler = BlockingScheduler(timezone=ZoneInfo("Asia/Shanghai"))
    for source in sources:
        try:
            trigger = IntervalTrigger(seconds=every) if every else trigger_for(source)
            scheduler.add_job(
                crawl_job, trigger, args=[db_path, source, settings, log_path, cluster_url], id=source.name,
                name=source.name, max_instances=1, coalesce=True, misfire_grace_time=int(every or period_seconds(source)),
                jitter=0 if every else jitter, next_run_time=datetime.now(ZoneInfo("Asia/Shanghai")) if every else None,
            )
        except Exception as err:  # one bad source must not stop the others: it is named and left out
            log.error("%s (%s): not scheduled: %s", source.name, source.seeds_file, err)
    return scheduler


def crawl_job(db_path: str, source: Source, settings: dict, log_path: str | None, cluster_url: str | None = None) -> None:
    if cluster_url:  # the store records the run when the workers are done; a locked source is recorded as skipped
        from yrdwatch.crawler.cluster import ClusterError, run_cluster_crawl

        try:
            run_cluster_crawl(cluster_url, db_path, [source], wait=False)
            log.info("%s: start URLs fed to the cluster", source.name)
        except ClusterError as err:
            log.error("%s: %s", source.name, err)
        return
    try:
        for run in run_crawl(db_path, [source], settings=settings, log_path=log_path):
            log.info("%s: %s, %s new articles, %s errors", run["source"], run["status"], run["new_articles"], run["errors"])
    except CrawlError as err:  # the job must not die with the scheduler: it is recorded and retried next time
        log.error("%s: %s", source.name, err)


def run_scheduler(scheduler: BlockingScheduler) -> None:
    """Run until SIGTERM/SIGINT; then stop the running crawls cleanly and wait for them."""

    def stop(signum, frame):
        log.info("signal %s: stopping running crawls and the scheduler", signum)
        stop_running_crawls(signal.SIGTERM)
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    scheduler.start()


def yield_warning(runs: list[dict]) -> str | None:
    """Why the newest of ``runs`` (newest first) looks like a changed site layout, if it does."""
    measured = [r for r in runs[:HISTORY] if (r.get("article_pages") or 0) > 0]
    if len(measured) < 3:
        return None
    for key, what in (("unreadable", "pages without article text"), ("undated", "articles without a date")):
        shares = [(r.get(key) or 0) / r["article_pages"] for r in measured]
        if shares[0] >= SUSPICIOUS_SHARE and statistics.median(shares[1:]) < NORMAL_SHARE:
            return f"{shares[0]:.0%} {what} (usually {statistics.median(shares[1:]):.0%}): layout changed?"
    return None


def source_status(store, source: Source) -> dict:
    """What ``yrdwatch status`` shows of one source: its last run, next run and any warning."""
    runs = store.recent_runs(source.name, HISTORY)
    last = runs[0] if runs else {}
    duration = None
    if last.get("finished_at"):
        delta = datetime.fromisoformat(last["finished_at"]) - datetime.fromisoformat(last["started_at"])
        duration = round(delta.total_seconds())
    return {
        "source": source.name, "last_run": last.get("started_at"), "status": last.get("status"),
        "duration_s": duration, "article_pages": last.get("article_pages"), "new_articles": last.get("new_articles"),
        "duplicates": last.get("duplicates"), "announcements": last.get("announcements"), "errors": last.get("errors"),
        "next_run": next_run(source).isoformat(timespec="minutes"), "warning": yield_warning(runs),
    }


def secret_variables(config) -> dict[str, list[str]]:
    """The environment variables the subscriptions' channels read their secrets from, each with
    the channels (labels, secrets masked) that need it."""
    needed: dict[str, list[str]] = {}
    for subscription in getattr(config, "subscriptions", ()):
        for channel in subscription.channels:
            for _, variable in channel.secrets:
                needed.setdefault(variable, []).append(f"{subscription.name}: {channel.label}")
    return needed


def crontab_lines(sources: list[Source], db_path: str, log_path: str, cluster: bool = False,
                  config=None, env_file: str | Path | None = None, load_env_everywhere: bool = False) -> list[str]:
    """System-cron equivalents of the schedule: one ``yrdwatch crawl --source`` line per source
    (``crawl --cluster`` with ``cluster``), then one ``yrdwatch digest --subscription`` line per
    subscription of ``config``, at Asia/Shanghai time.

    Cron starts a job with almost no environment, so a digest whose channel reads its secret from
    a variable would fail there: the lines of jobs that need variables (every line with
    ``load_env_everywhere``) first load ``env_file`` (``NAME=value`` lines, exported by ``set -a``),
    and a comment names the variables it must hold."""
    exe = shlex.join([sys.executable, "-m", "yrdwatch"])
    db, log_file = shlex.quote(str(Path(db_path).resolve())), shlex.quote(str(Path(log_path).resolve()))
    needed = secret_variables(config)
    load = f"set -a && . {shlex.quote(str(Path(env_file).resolve()))} && set +a && " if env_file else ""
    lines = ["# yrdwatch crawls, each at its source's own time zone: CRON_TZ is honoured by cronie and",
             "# systemd-cron; with Debian's cron, set the machine's zone to Asia/Shanghai instead.",
             "# Cron and `yrdwatch schedule` share one lock per source: they never crawl a source twice at once."]
    if load and (needed or load_env_everywhere):
        lines.append(f"# Cron gives jobs almost no environment: these lines load {Path(env_file).resolve()} first "
                     "(shell syntax, NAME='value' lines; chmod 600).")
    for variable, users in needed.items():
        lines.append(f"# {variable} must be set there, for {'; '.join(users)}")
    zone = None
    for s in sources:
        if s.timezone != zone:
            zone = s.timezone
            lines.append(f"CRON_TZ={zone}")
        seeds = shlex.quote(str(Path(s.seeds_file).resolve()))
        command = "crawl --cluster" if cluster else "crawl"
        lines.append(f"{s.schedule} {load if load_env_everywhere else ''}{exe} --db {db} {command} --seeds {seeds} "
                     f"--source {s.name} >> {log_file} 2>&1")
    if config is not None and config.subscriptions:
        settings = f" --config {shlex.quote(str(Path(config.path).resolve()))}" if config.path else ""
        lines += ["# Digests: each run first resends the deliveries that failed before (under cron, at the",
                  "# subscription's next run; `yrdwatch schedule` retries every few minutes).",
                  "CRON_TZ=Asia/Shanghai"]
        for sub in config.subscriptions:
            needs_secrets = any(channel.secrets for channel in sub.channels)
            lines.append(f"{sub.schedule} {load if needs_secrets or load_env_everywhere else ''}{exe} --db {db}{settings} "
                         f"digest --subscription {shlex.quote(sub.name)} >> {log_file} 2>&1")
    return lines
