"""The reading commands of ``yrdwatch``: digest, serve (Datasette), the sample sites and the demo.
Registered on the group by ``yrdwatch.cli``."""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import click

from yrdwatch.crawler.sources import SAMPLE_SEEDS
from yrdwatch.db.store import Store
from yrdwatch.sample_sites import seeds_for
from yrdwatch.cli_crawl import crawl_and_report, load_sources


@click.command()
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


@click.command()
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
    from yrdwatch.alerts import datasette_feeds
    from yrdwatch.db.browse import parse_settings, serve as serve_datasette

    if not Path(obj["db"]).exists():
        raise click.ClickException(f"no database at {obj['db']}: crawl first (yrdwatch crawl, or yrdwatch demo)")
    try:
        overrides = parse_settings(settings)
    except ValueError as err:
        raise click.ClickException(str(err)) from None
    serve_datasette(obj["db"], host, port, progress=lambda line: click.echo(line, err=True), settings=overrides,
                    plugins=((datasette_feeds, "yrdwatch-feeds"),))


@click.command("sample-sites")
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


@click.command()
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
            runs = crawl_and_report(obj, load_sources(obj, [seeds]), as_json, log_path)
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
