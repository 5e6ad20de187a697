"""The ``yrdwatch`` command: one click group that wires the packages together.

Every subcommand's help is written to be read as documentation (``yrdwatch COMMAND --help``).
"""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from yrdwatch import cli_browse, cli_crawl
from yrdwatch.db.store import DEFAULT_DB, Store
from yrdwatch.config import ConfigError, load_config
from yrdwatch.output import contract_record, json_line


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


# The other commands live beside this module (yrdwatch/cli_crawl.py, yrdwatch/cli_browse.py), each a
# plain click command; the group gathers them here.
for _command in (cli_crawl.sources, cli_crawl.crawl, cli_crawl.worker, cli_crawl.store_command, cli_crawl.schedule,
                 cli_crawl.crontab, cli_crawl.status, cli_browse.digest, cli_browse.serve, cli_browse.sample_sites,
                 cli_browse.demo):
    cli.add_command(_command)
