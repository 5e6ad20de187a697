"""The crawl commands of ``yrdwatch``: sources (and their check), crawl, the cluster's worker and
store, schedule, crontab and status. Registered on the group by ``yrdwatch.cli``."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import click

from yrdwatch.crawler.sources import SAMPLE_SEEDS, SEEDS_DIR, SourceError, load_all, select
from yrdwatch.db.store import Store
from yrdwatch.sample_sites import DEFAULT_BASE
from yrdwatch.output import (check_report, errors_table, json_line, run_json, runs_table, sources_status_table, sources_table)


def _seeds_option(help_start: str):
    return click.option("--seeds", "seeds_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
                        help=f"{help_start} [default: the configuration's [crawl] seeds, else the bundled "
                             f"{SAMPLE_SEEDS.relative_to(SEEDS_DIR.parent)}].")


def load_sources(obj, seeds_files) -> list:
    """The sources of --seeds, else of the configuration's [crawl] seeds, else the bundled samples
    (said once on stderr: a user who meant their own sources must not crawl the samples unawares)."""
    files = list(seeds_files or obj["config"].seeds)
    if not files:
        click.echo(f"No [crawl] seeds in the configuration and no --seeds: using the bundled sample sources "
                   f"({SAMPLE_SEEDS.relative_to(SEEDS_DIR.parent)}, sites on 127.0.0.1:8765).", err=True)
        files = [SAMPLE_SEEDS]
    try:
        return load_all(files)
    except SourceError as err:
        raise click.ClickException(str(err)) from None


def _chosen(obj, seeds_files, names) -> list:
    """The sources to crawl: the named ones, else every enabled one."""
    try:
        return select(load_sources(obj, seeds_files), names)
    except SourceError as err:
        raise click.ClickException(str(err)) from None


@click.command()
@click.argument("names", nargs=-1, metavar="[NAME]...")
@_seeds_option("Source list(s) to read")
@click.option("--check", is_flag=True,
              help="Try each source for real (DNS, robots.txt, its first listing/feed/sitemap, the article links, "
                   "one article read by the extractor); exit status 1 when one fails.")
@click.option("--json", "as_json", is_flag=True, help="With --check: one JSON object per source.")
@click.pass_obj
def sources(obj, names, seeds_files, check, as_json):
    """List and validate the sources of seeds files (errors name file, line and key); with
    --check, try them (the NAMEs, else every enabled one) as a crawl would, storing nothing.

    \b
    A new source is unverified. Once its check passed and its article looks right, mark it
    verified in its seeds file: `verified = true` in its [[sources]] table (the check's report
    names the file and line). Crawls name the unverified sources they crawl.
    """
    if not check:
        click.echo(sources_table(_chosen(obj, seeds_files, names) if names else load_sources(obj, seeds_files)))
        return
    chosen = _chosen(obj, seeds_files, names)
    from yrdwatch.crawler.check import CheckError, check_sources

    try:
        reports = check_sources(chosen, obj["config"].crawl_settings())
    except CheckError as err:
        raise click.ClickException(str(err)) from None
    for report in reports:
        click.echo(json_line(report) if as_json else check_report(report))
    failed = [r["source"] for r in reports if not r["passed"]]
    if failed:
        click.echo(f"Check failed: {', '.join(failed)}", err=True)
    sys.exit(1 if failed else 0)


def _name_unverified(sources_) -> None:
    if unverified := [s.name for s in sources_ if not s.verified]:
        click.echo(f"Unverified source(s): {', '.join(unverified)}. Try them with `yrdwatch sources --check NAME`, "
                   "then set `verified = true` in their seeds file.", err=True)


def crawl_and_report(obj, sources_, as_json, log_path, cluster=False):
    from yrdwatch.crawler.run import CrawlError, run_crawl

    try:
        if cluster:
            runs = _cluster_crawl(obj, sources_)
        else:
            runs = run_crawl(obj["db"], sources_, settings=obj["config"].crawl_settings(), log_path=log_path)
    except CrawlError as err:
        raise click.ClickException(str(err)) from None
    if as_json:
        for run in runs:
            click.echo(run_json(run))
    else:
        click.echo(runs_table(runs))
        if details := errors_table(runs):
            click.echo("\nErrors (the crawl went on):\n" + details)
    return runs


@click.command()
@click.option("--source", "names", multiple=True, help="Crawl only this source (repeatable).")
@_seeds_option("Source list(s) to read")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per source run instead of the table.")
@click.option("--log", "log_path", type=click.Path(dir_okay=False), help="Append Scrapy's log to this file.")
@click.option("--cluster", is_flag=True,
              help="Hand the crawl to the cluster's workers (Redis of [cluster] redis_url) and wait for its store.")
@click.pass_obj
def crawl(obj, names, seeds_files, as_json, log_path, cluster):
    """Crawl sources into the database, each run recorded in crawl_runs.

    Scrapy runs in a child process, so crawls can be repeated from one program. Page errors (404,
    500 after retries, truncated or unreadable pages) are recorded with URL and reason, and the
    crawl goes on; the exit status is 1 only when a source run did not finish.

    With --cluster the start URLs go to Redis for `yrdwatch worker` processes (any machine) and
    the results are written by `yrdwatch store` (run it beside the database); the command waits
    for the store to record the runs and prints them the same way. See docs/cluster.md.
    """
    chosen = _chosen(obj, seeds_files, names)
    _name_unverified(chosen)
    runs = crawl_and_report(obj, chosen, as_json, log_path, cluster)
    refused = [e for r in runs for e in r["error_details"] if "refused" in e["reason"].lower()]
    if any(e["url"].startswith(DEFAULT_BASE) for e in refused):
        click.echo(f"Hint: nothing answers on {DEFAULT_BASE}; start the sample sites with `yrdwatch sample-sites` "
                   "(or run `yrdwatch demo`, which starts them itself).", err=True)
    unfinished = [f"{r['source']}: {r['status']}" for r in runs if r["status"] != "finished"]
    if unfinished:
        click.echo("Not finished:\n  " + "\n  ".join(unfinished), err=True)
    sys.exit(1 if unfinished else 0)


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:
        return False


def _cluster_url(obj) -> str:
    """The cluster's Redis URL, once the optional modules a cluster runs on are known to be installed."""
    if not obj["config"].cluster_url:
        raise click.ClickException("no cluster is configured: set [cluster] redis_url in the configuration file "
                                   "or YRDWATCH_REDIS_URL (see docs/cluster.md)")
    missing = [name for name in ("redis", "scrapy_redis") if not _installed(name)]
    if missing:
        raise click.ClickException(f"a cluster needs the optional extra 'redis' (module {', '.join(missing)} is not "
                                   f"installed): pip install 'yrdwatch[redis]'")
    return obj["config"].cluster_url


def _cluster_crawl(obj, sources_) -> list[dict]:
    url = _cluster_url(obj)
    from yrdwatch.crawler.cluster import ClusterError, run_cluster_crawl

    try:
        return run_cluster_crawl(url, obj["db"], sources_, warn=lambda text: click.echo(text, err=True))
    except ClusterError as err:
        raise click.ClickException(str(err)) from None


@click.command()
@click.option("--concurrency", default=16, show_default=True, type=click.IntRange(min=1),
              help="Requests in flight at once in this worker (still one at a time per host).")
@click.option("--exit-when-idle", is_flag=True, help="Stop once no cluster crawl has been open for 10 s (the first may take 2 minutes to open).")
@click.option("--log", "log_path", type=click.Path(dir_okay=False), help="Write Scrapy's log to this file.")
@click.pass_obj
def worker(obj, concurrency, exit_when_idle, log_path):
    """Fetch and read pages for cluster crawls, on any machine that reaches the Redis server.

    Takes requests from Redis (scrapy-redis), fetches and extracts them like a local crawl and
    pushes the finished items to Redis for `yrdwatch store`; never opens the database. Runs until
    SIGTERM or Ctrl-C (what it holds goes back to the queue); a worker killed outright loses
    nothing either: another worker gives its requests back once its heartbeat expires (10 s).
    """
    url = _cluster_url(obj)
    from yrdwatch.crawler.cluster import ClusterError
    from yrdwatch.crawler.worker import run_worker

    try:
        stats = run_worker(url, obj["config"].crawl_settings(), concurrency, exit_when_idle, log_path)
    except ClusterError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"worker {stats['worker']}: {stats.get('downloader/response_count', 0)} responses, "
               f"{stats['article_pages']} article pages, {stats.get('item_scraped_count', 0)} articles pushed", err=True)


@click.command("store")
@click.option("--batch-size", default=100, show_default=True, type=click.IntRange(min=1),
              help="Messages taken from Redis at once.")
@click.pass_obj
def store_command(obj, batch_size):
    """Write the cluster's items into the database, until SIGTERM or Ctrl-C (one store per cluster).

    Run it where the database is (the one writer of SQLite): it takes the workers' items from
    Redis in batches through the same dedup and store stages as a local crawl, records the runs,
    and keeps Redis's mirror of stored URLs and validators current. Items wait in Redis while no
    store runs, and a store killed mid-batch loses none of them.
    """
    import logging

    url = _cluster_url(obj)
    from yrdwatch.crawler.cluster import ClusterError
    from yrdwatch.crawler.store_process import run_store

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    config = obj["config"]
    try:
        run_store(url, obj["db"], config.dedup_threshold, config.dedup_index, batch_size)
    except ClusterError as err:
        raise click.ClickException(str(err)) from None


@click.command()
@_seeds_option("Source list(s) to schedule")
@click.option("--source", "names", multiple=True, help="Schedule only this source (repeatable).")
@click.option("--log", "log_path", type=click.Path(dir_okay=False), help="Append the crawls' Scrapy logs to this file.")
@click.option("--jitter", default=120, show_default=True, help="Random delay (seconds) added to each start.")
@click.option("--every", type=float, default=None,
              help="Run every source every N seconds, starting now, instead of on its cron schedule (trials, tests).")
@click.option("--cluster", is_flag=True, help="Feed each crawl to the cluster's workers instead of crawling here.")
@click.pass_obj
def schedule(obj, seeds_files, names, log_path, jitter, every, cluster):
    """Run each source's crawl on its own schedule until stopped (SIGTERM or Ctrl-C).

    One APScheduler job per source (cron from the seeds file, Asia/Shanghai unless the source sets
    a timezone); a late start still runs once (misfire grace = the job's period), runs never pile
    up, and a source already being crawled by cron or a person is skipped. On SIGTERM the running
    crawls are stopped cleanly, recorded, and the scheduler exits.

    Each [[subscriptions]] of the configuration file gets a digest job on its own schedule
    (Asia/Shanghai; --every applies to it too), and failed deliveries are retried every 5 minutes
    once their backoff is over.

    With --cluster a crawl job only feeds the source's start URLs to the cluster's workers; the
    cluster's store records the run when they are done (docs/cluster.md).
    """
    import logging

    from yrdwatch.extract.dates import local_time
    from yrdwatch.crawler.schedule import build_scheduler, next_run, run_scheduler
    from yrdwatch.schedule import add_digest_jobs

    chosen = _chosen(obj, seeds_files, names)
    _name_unverified(chosen)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    scheduler = build_scheduler(obj["db"], chosen, obj["config"].crawl_settings(), log_path, every=every, jitter=jitter,
                                cluster_url=_cluster_url(obj) if cluster else None)
    for source in chosen:
        if scheduler.get_job(source.name) is None:
            continue  # logged by build_scheduler
        when = f"every {every:g} s" if every else (f"next {local_time(next_run(source).isoformat())} Beijing time "
                                                   f"({source.schedule}, {source.timezone})")
        click.echo(f"{source.name}: {when}", err=True)
    for line in add_digest_jobs(scheduler, obj["db"], obj["config"], every=every):
        click.echo(line, err=True)
    run_scheduler(scheduler)


@click.command()
@_seeds_option("Source list(s)")
@click.option("--log", "log_path", default="yrdwatch-cron.log", show_default=True, help="Log file for the cron jobs.")
@click.option("--cluster", is_flag=True, help="Lines that run `crawl --cluster` (the cluster's workers crawl).")
@click.option("--env-file", type=click.Path(dir_okay=False),
              help="NAME=value file the lines load first (cron gives jobs almost no environment) [default: "
                   "yrdwatch.env beside the configuration file, loaded by the digests whose channels need "
                   "secrets; given, loaded by every line].")
@click.pass_obj
def crontab(obj, seeds_files, log_path, cluster, env_file):
    """Print crontab lines that crawl each source on its schedule and send each subscription's
    digest on its own (for system cron instead of `yrdwatch schedule`; both take the same
    per-source lock, so they never crawl one source twice). The lines of digests whose channels
    read secrets from environment variables load them from an env file, and a comment names them."""
    from yrdwatch.crawler.schedule import crontab_lines, secret_variables

    config = obj["config"]
    chosen = env_file or (config.path.parent if config.path else Path(".")) / "yrdwatch.env"
    needed = secret_variables(config)
    for line in crontab_lines(load_sources(obj, seeds_files), obj["db"], log_path, cluster, config, env_file=chosen,
                              load_env_everywhere=bool(env_file)):
        click.echo(line)
    if (needed or env_file) and not Path(chosen).exists():
        click.echo(f"Note: {chosen} does not exist yet: write {', '.join(needed) or 'your variables'} into it as "
                   "NAME=value lines (chmod 600), or the jobs that load it fail.", err=True)


@click.command()
@_seeds_option("Source list(s)")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per source.")
@click.pass_obj
def status(obj, seeds_files, as_json):
    """Each source's last run (start, duration, pages, new, duplicates, announcements, errors),
    its next scheduled run, and a warning where the yield fell sharply against its history; then
    each subscription's last digest and every delivery not yet accepted (attempts, next attempt,
    last error). With --json, undelivered digests are lines with a "subscription" key."""
    from yrdwatch.alerts.digest import status_table
    from yrdwatch.alerts.outbox import unsent
    from yrdwatch.crawler.schedule import source_status

    store = Store(obj["db"])
    rows = [source_status(store, source) for source in load_sources(obj, seeds_files)]
    cluster = _cluster_status(obj) if obj["config"].cluster_url else None
    if as_json:
        for row in [*rows, *unsent(store.db.conn), *([{"cluster": cluster}] if cluster else [])]:
            click.echo(json_line(row))
        return
    click.echo(sources_status_table(rows))
    if digests := status_table(store.db.conn):
        click.echo("\n" + digests)
    if cluster:
        click.echo("\n" + _describe_cluster(cluster))


def _cluster_status(obj) -> dict:
    try:
        url = _cluster_url(obj)
    except click.ClickException as err:  # the redis extra is not installed
        return {"error": err.message}
    from yrdwatch.crawler.cluster import ClusterError, cluster_state, connect, redacted

    try:
        return {"redis": redacted(url), **cluster_state(connect(url))}
    except ClusterError as err:
        return {"redis": redacted(url), "error": str(err)}


def _describe_cluster(state: dict) -> str:
    if "error" in state:
        return f"Cluster: {state['error']}"
    workers = ", ".join(f"{w['worker']} ({w['pages']} pages)" for w in state["workers"]) or "none"
    store = f"{state['store']['host']}:{state['store']['pid']}" if state["store"] else "none running"
    return (f"Cluster {state['redis']}: {state['queued']} requests queued, {state['in_flight']} in flight, "
            f"{state['items_waiting']} items waiting for the store, {state['open_batches']} crawls open\n"
            f"  live workers: {workers}\n  store: {store}")
