"""The ``yrdwatch`` command: one click group that wires the packages together.

Every subcommand's help is written to be read as documentation (``yrdwatch COMMAND --help``).
"""
from __future__ import annotations

import importlib.util
import sys
import tempfile
from datetime import date
from pathlib import Path

import click

from yrdwatch.crawler.sources import SAMPLE_SEEDS, SEEDS_DIR, SourceError, load_all, select
from yrdwatch.db.store import DEFAULT_DB, Store
from yrdwatch.sample_sites import DEFAULT_BASE, seeds_for
from yrdwatch.config import ConfigError, load_config
from yrdwatch.output import (check_report, contract_record, errors_table, json_line, run_json, runs_table,
                             sources_status_table, sources_table)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--db", "db_path", envvar="YRDWATCH_DB", type=click.Path(dir_okay=False),
              help=f"SQLite database to write (env YRDWATCH_DB) [default: the config's, else {DEFAULT_DB}].")
@click.option("--config", "config_path", envvar="YRDWATCH_CONFIG", type=click.Path(dir_okay=False),
              help="Configuration file (env YRDWATCH_CONFIG) [default: ./yrdwatch.toml if present].")
@click.version_option(package_name="yrdwatch")
@click.pass_context
def cli(ctx, db_path, config_path):
    """yrdwatch: which industrial projects were signed, started, opened or put into production
    in the Yangtze River Delta (长三角), read from regional news sites every morning.

    \b
    Quick start (offline, on the bundled sample sites):
      yrdwatch demo          crawl the sample sites into db/yrdwatch.db and print a summary
      yrdwatch extract FILE  show what the extractor finds in one saved page
    """
    try:
        config = load_config(config_path)
    except ConfigError as err:
        raise click.ClickException(str(err)) from None
    ctx.obj = {"db": db_path or config.db_path, "config": config}


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file, per the output contract.")
def extract(paths, as_json):
    """Extract title, date, outlet, clean text and project announcements from saved pages.

    PATHS are HTML files (any encoding: UTF-8, GBK/GB18030, a lying <meta charset>) or plain-text
    articles. Nothing is stored. With --json each file gives one line (JSON Lines) in the order
    given; a file that cannot be read gets a line with "error" and the exit status is 1.
    """
    from yrdwatch.extract.article import article_from_file

    failed = False
    for path in paths:
        try:
            record = contract_record(path, article_from_file(path))
        except Exception as err:  # unreadable file, unreadable page, or an extractor bug: one line says which
            failed = True
            record = contract_record(path, None, error=f"{type(err).__name__}: {err}")
            click.echo(f"{path}: {record['error']}", err=True)
        if as_json:
            click.echo(json_line(record))
        elif "error" not in record:
            click.echo(_describe(record))
    sys.exit(1 if failed else 0)


def _describe(record: dict) -> str:
    lines = [f"== {record['input']}", f"title:     {record['title']}", f"published: {record['published_at']}",
             f"outlet:    {record['outlet']}", f"script:    {record['script']}  ({len(record['text'])} characters)"]
    if record.get("mojibake"):
        lines.append(f"mojibake:  {' '.join(record['mojibake'])}")
    if not record["announcements"]:
        lines.append("no project announcement")
    for a in record["announcements"]:
        place = "/".join(p for p in (a["province"], a["city"], a["district"], a["park"]) if p)
        money = "amount not stated"
        if a["total_investment_cny"]:
            money = f"{a['investment_qualifier'] or ''}{a['total_investment_cny'] / 1e8:g}亿元"
        count = f" {a['project_count']}个项目" if a["project_count"] else ""
        lines.append(f"- {a['event_type']} {a['event_date'] or ''} {place} {money}{count}")
        lines += [f"    · {p['name']}" for p in a["projects"]]
    return "\n".join(lines)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--source", default="ingest", show_default=True, help="Source name recorded on the articles.")
@click.pass_obj
def ingest(obj, paths, source):
    """Store saved pages through the same pipeline as crawled ones (read, dedup, store).

    Each file is keyed by its file:// URL, so ingesting the same file twice updates one row.
    """
    from scrapy.exceptions import DropItem

    from yrdwatch.crawler.database import CrawlDatabase
    from yrdwatch.crawler.items import PageItem
    from yrdwatch.crawler.pipelines import process_offline
    from yrdwatch.extract.article import content_type_of

    config, failed = obj["config"], 0
    database = CrawlDatabase(obj["db"], config.dedup_threshold, config.dedup_index)
    for path in paths:
        raw = Path(path).read_bytes()
        item = PageItem(source=source, url=Path(path).resolve().as_uri(), body=raw, content_type=content_type_of(path))
        try:
            item = process_offline(item, database)
        except DropItem as err:
            failed += 1
            click.echo(f"{path}: not stored: {err}", err=True)
            continue
        except Exception as err:  # a page the store refuses costs that page, not the files after it
            failed += 1
            click.echo(f"{path}: not stored: {type(err).__name__}: {err}", err=True)
            continue
        dup = f", duplicate of {item.duplicate_of} ({item.similarity:.2f})" if item.duplicate_of else ""
        click.echo(f"{path}: {item.stored}, {len(item.article.announcements)} announcement(s){dup}")
    sys.exit(1 if failed else 0)


@cli.command()
@click.option("--source", default=None, help="Only the articles of this source.")
@click.pass_obj
def reprocess(obj, source):
    """Re-run the extractor over the stored raw pages and update articles, announcements and
    projects in place (idempotent): an improved extractor improves old data without refetching."""
    outcome = _reprocess(obj, lambda store: store.raw_pages(source))
    click.echo(", ".join(f"{value} {key}" for key, value in outcome.items()) or "no stored pages")


def _reprocess(obj, pages_of):
    """Store the raw pages ``pages_of(store)`` again with the current extractor and overrides, in their order."""
    from collections import Counter

    from scrapy.exceptions import DropItem

    from yrdwatch.crawler.database import CrawlDatabase
    from yrdwatch.crawler.items import PageItem
    from yrdwatch.crawler.pipelines import process_offline

    config, outcome = obj["config"], Counter()
    database = CrawlDatabase(obj["db"], config.dedup_threshold, config.dedup_index)
    for page in list(pages_of(database.store)):
        try:
            item = process_offline(PageItem(**page, force=True), database)
            outcome["reprocessed"] += 1
            outcome["announcements"] += len(item.article.announcements)
        except DropItem as err:
            outcome["unreadable"] += 1
            click.echo(f"{page['url']}: {err}", err=True)
    return outcome


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="JSON Lines: one object per project.")
@click.option("--since", help="Only projects with a stage dated on or after this date (YYYY-MM-DD; an undated stage: when it was stored).")
@click.option("--place", help="Only projects whose province, city, district or park starts with this (苏州, 蘇州, 吴江区).")
@click.option("--merge", nargs=2, metavar="A B", help="A joins B's project, whatever the evidence says.")
@click.option("--split", nargs=2, metavar="A B", help="A and B are two projects, whatever the evidence says.")
@click.pass_obj
def projects(obj, as_json, since, place, merge, split):
    """List projects with their stages (签约, 开工, 投产, 竣工, 开园, 揭牌 …): date, amount in 亿
    (亿元, or the stated currency), the articles reporting each, and the links left uncertain.

    A later report joins an earlier stage's project when the evidence (names without places,
    companies and generic words, phases that agree, place, parties, amounts, dates in order) is
    confident; an uncertain link is only listed. --merge/--split A B records a person's word on two
    projects or mention keys (ids as listed by --json: a project's `id`, a stage's `mention_keys`)
    and stores their articles again at once; `yrdwatch reprocess` always applies every override.
    """
    from yrdwatch.db.lifecycle import OverrideError, add_override, list_projects

    if since:
        try:
            since = date.fromisoformat(since).isoformat()
        except ValueError:
            raise click.BadParameter(f"{since!r} is not a date (YYYY-MM-DD)", param_hint="--since") from None
    store = Store(obj["db"])
    for pair, action in ((merge, "merge"), (split, "split")):
        if pair:
            try:
                urls = add_override(store, *pair, action)
            except OverrideError as err:
                raise click.ClickException(str(err)) from None
            outcome = _reprocess(obj, lambda store: store.raw_pages(urls=urls))
            click.echo(f"{action} {pair[0]} {pair[1]}: recorded; {outcome['reprocessed']} article(s) stored again")
    if merge or split:
        return
    for project in list_projects(store.db.conn, since, place):
        click.echo(json_line(project) if as_json else _describe_project(project))


def _describe_project(project: dict) -> str:
    place = "".join(dict.fromkeys(p for p in (project["province"], project["city"], project["district"]) if p))
    lines = [f"{project['id']}  {project['name']}  {place} {project['park'] or ''}".rstrip()]
    lines += [f"    {s['stage']}  {s['date'] or '日期不详'}  "
              f"{str(s['amount']) + s['unit'] + ('' if s['currency'] == 'CNY' else s['currency']) if s['amount'] else '未披露'}"
              f"  {' '.join(s['article_urls'])}" for s in project["stages"]]
    lines += [f"    uncertain ({link['confidence']:.2f}): {link['project_id']}  {link['name']}"
              for link in project["uncertain"]]
    return "\n".join(lines)


def _seeds_option(help_start: str):
    return click.option("--seeds", "seeds_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
                        help=f"{help_start} [default: the configuration's [crawl] seeds, else the bundled "
                             f"{SAMPLE_SEEDS.relative_to(SEEDS_DIR.parent)}].")


def _load(obj, seeds_files) -> list:
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
        return select(_load(obj, seeds_files), names)
    except SourceError as err:
        raise click.ClickException(str(err)) from None


@cli.command()
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
        click.echo(sources_table(_chosen(obj, seeds_files, names) if names else _load(obj, seeds_files)))
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


def _crawl_and_report(obj, sources_, as_json, log_path, cluster=False):
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


@cli.command()
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
    runs = _crawl_and_report(obj, chosen, as_json, log_path, cluster)
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


@cli.command()
@click.option("--concurrency", default=16, show_default=True, type=click.IntRange(min=1),
              help="Requests in flight at once in this worker (still one at a time per host).")
@click.option("--exit-when-idle", is_flag=True, help="Stop once no cluster crawl has been open for 10 s.")
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


@cli.command("store")
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


@cli.command()
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


@cli.command()
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
    for line in crontab_lines(_load(obj, seeds_files), obj["db"], log_path, cluster, config, env_file=chosen,
                              load_env_everywhere=bool(env_file)):
        click.echo(line)
    if (needed or env_file) and not Path(chosen).exists():
        click.echo(f"Note: {chosen} does not exist yet: write {', '.join(needed) or 'your variables'} into it as "
                   "NAME=value lines (chmod 600), or the jobs that load it fail.", err=True)


@cli.command()
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
    rows = [source_status(store, source) for source in _load(obj, seeds_files)]
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


@cli.command()
@click.option("--subscription", "names", multiple=True,
              help="Only this subscription (repeatable) [default: every configured one, else \"all\"].")
@click.option("--since", help="Cover projects first seen since then instead of since the subscription's start: "
                              "2024-05-01, 2024-05-01T08:00 (Beijing time) or 36h / 7d. Projects an earlier digest "
                              "of the subscription covered are never included again.")
@click.option("--dry-run", is_flag=True, help="Render the next digest without storing or sending it: printed, "
                                              "or written to --out.")
@click.option("--format", "fmt", type=click.Choice(["html", "md", "atom"]),
              help="The format printed by --dry-run [default: md] or the only one written to --out "
                   "[default: html, md, atom and the chart's png].")
@click.option("--out", type=click.Path(file_okay=False), help="Also write the digest's files to this folder.")
@click.option("--retry-now", is_flag=True, help="Send failed deliveries again now, without waiting for their backoff.")
@click.pass_obj
def digest(obj, names, since, dry_run, fmt, out, retry_now):
    """Send each subscription the projects first seen since its last digest.

    A subscription ([[subscriptions]] in the configuration file; without one, "all" covers every
    project and has no channel) filters new projects by place, industry, event type, keywords and
    amount. Its digest groups them by city and industry, largest investment first, with totals and
    a chart, and is stored (digests, digest_items) before it is offered to the channels: e-mail
    (HTML with a plain-text part and the chart inline), DingTalk, WeCom and Feishu bots and JSON
    webhooks (Markdown), file:// folders (HTML, Markdown, Atom, PNG). A delivery is marked sent
    only once its channel accepted it; a failed one is retried by later runs (after 5 min, 10,
    20 … at most 6 h apart) and shown by `yrdwatch status`. Running it again at once sends
    nothing. The exit status is 1 when a delivery failed.
    """
    from yrdwatch.alerts.deliver import FORMATS, write_files
    from yrdwatch.alerts.digest import DigestError, chosen_subscriptions, parse_since, preview, run_subscription
    from yrdwatch.alerts.outbox import utc_now

    now = utc_now()
    try:
        subscriptions = chosen_subscriptions(obj["config"], names)
        since_time = parse_since(since, now) if since else None
    except DigestError as err:
        raise click.ClickException(str(err)) from None
    formats = [fmt] if fmt else list(FORMATS)
    failed = False
    for subscription in subscriptions:
        if dry_run:
            rendered = preview(obj["db"], obj["config"], subscription, since_time, now)
            if rendered is None:
                click.echo(f"{subscription.name}: no new projects", err=True)
            elif out:
                paths = write_files(Path(out), rendered, formats)
                click.echo(f"{subscription.name}: {rendered['projects']} new projects (dry run, nothing stored "
                           f"or sent): {', '.join(map(str, paths))}")
            else:
                click.echo(rendered[{"html": "html", "md": "markdown", "atom": "atom"}[fmt or "md"]])
            continue
        for outcome in run_subscription(obj["db"], obj["config"], subscription, since_time, Path(out) if out else None,
                                        formats, retry_now=retry_now, now=now):
            click.echo(outcome.text)
            failed = failed or outcome.failed
    sys.exit(1 if failed else 0)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0 opens it to the network).")
@click.option("--port", default=8001, show_default=True)
@click.option("--setting", "settings", nargs=2, multiple=True, metavar="NAME VALUE",
              help="A Datasette setting, e.g. --setting sql_time_limit_ms 3000 (repeatable).")
@click.pass_obj
def serve(obj, host, port, settings):
    """Browse the database with Datasette: tables with Chinese titles and facets, search that finds
    two-character words and Traditional pages from Simplified queries, and canned queries (new
    projects, projects by city, projects over an amount, a company's announcements, reprints,
    sources health). Safe while a crawl writes. Rows stored before the search index existed are
    indexed first. Ctrl-C stops."""
    from yrdwatch.db.browse import parse_settings, serve as serve_datasette

    if not Path(obj["db"]).exists():
        raise click.ClickException(f"no database at {obj['db']}: crawl first (yrdwatch crawl, or yrdwatch demo)")
    try:
        overrides = parse_settings(settings)
    except ValueError as err:
        raise click.ClickException(str(err)) from None
    serve_datasette(obj["db"], host, port, progress=lambda line: click.echo(line, err=True), settings=overrides)


@cli.command("sample-sites")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8765, show_default=True, help="The sample sources expect 8765.")
@click.option("--verbose", is_flag=True, help="Log every request.")
@click.option("--generated", type=click.IntRange(min=1), metavar="N",
              help="Serve a generated site of N article pages instead (benchmarks, cluster trials).")
@click.option("--delay", default=0.1, show_default=True, help="With --generated: seconds every answer waits first.")
def sample_sites(host, port, verbose, generated, delay):
    """Serve the bundled offline sample news sites until interrupted (Ctrl-C)."""
    from yrdwatch.sample_sites.generated import GeneratedSiteServer, generated_seeds
    from yrdwatch.sample_sites.server import SampleSitesServer

    if generated:
        server = GeneratedSiteServer(host, port, pages=generated, delay=delay)
        seeds = generated_seeds(server.base_url, tempfile.mkdtemp(prefix="yrdwatch-generated-"))
        click.echo(f"Generated site on {server.base_url}/: {generated} articles, each answer {delay:g} s late; "
                   f"crawl it with --seeds {seeds}. Ctrl-C stops.")
    else:
        server = SampleSitesServer(host, port, verbose=verbose)
        click.echo(f"Sample sites on {server.base_url}/ (robots.txt, /liangxi/, /suzhou/, /yrdnews/); Ctrl-C stops.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@cli.command()
@click.option("--port", default=8765, show_default=True, help="Port for the sample sites.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per source run instead of the table.")
@click.option("--log", "log_path", type=click.Path(dir_okay=False), help="Append Scrapy's log to this file.")
@click.pass_obj
def demo(obj, port, as_json, log_path):
    """Start the sample sites, crawl every sample source, print what was stored and how to browse it."""
    from yrdwatch.sample_sites.server import SampleSitesServer

    try:
        server = SampleSitesServer("127.0.0.1", port).start_in_thread()
    except OSError as err:
        raise click.ClickException(f"cannot serve the sample sites on 127.0.0.1:{port}: {err} (try --port)") from None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            seeds = seeds_for(server.base_url, tmp) if port != 8765 else SAMPLE_SEEDS
            runs = _crawl_and_report(obj, _load(obj, [seeds]), as_json, log_path)
    finally:
        server.shutdown()
        server.server_close()
    from yrdwatch.alerts.digest import write_sample_digest

    sample = write_sample_digest(obj["db"], obj["config"], Path(obj["db"]).parent / "digests")
    click.echo(f"\nSample digest (subscription \"all\", dry run: nothing sent): {sample}", err=as_json)
    if not as_json:
        counts = Store(obj["db"]).counts()
        click.echo(f"\nDatabase {obj['db']}: {counts['articles']} articles, {counts['announcements']} announcements, "
                   f"{counts['projects']} projects.")
        db_option = "" if obj["db"] == obj["config"].db_path else f" --db {obj['db']}"
        click.echo(f"Browse it:  yrdwatch{db_option} serve   (then open http://127.0.0.1:8001/{Path(obj['db']).stem})")
    sys.exit(0 if all(r["status"] == "finished" for r in runs) else 1)
