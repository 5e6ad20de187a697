"""Child-process entry point of a crawl: ``python -m crawler.process --db … --seeds … --batch …``.

Scrapy's Twisted reactor cannot be restarted inside one Python process, so every crawl runs here,
in a fresh process started by ``crawler.run.run_crawl``; all requested sources crawl concurrently
in one ``CrawlerProcess`` and record themselves in ``crawl_runs`` under the batch id.
"""
from __future__ import annotations

import argparse
import sys

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler import settings as default_settings
from crawler.pipelines import shared_store
from crawler.sources import load_sources, select
from crawler.spiders import SPIDERS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.process")
    parser.add_argument("--db", required=True)
    parser.add_argument("--seeds", required=True, action="append")
    parser.add_argument("--batch", required=True)
    parser.add_argument("--source", action="append", default=[])
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="extra Scrapy setting")
    args = parser.parse_args(argv)

    sources = select([s for path in args.seeds for s in load_sources(path)], args.source)
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    settings.set("YRDWATCH_DB", args.db, priority="cmdline")
    settings.set("YRDWATCH_BATCH", args.batch, priority="cmdline")
    for pair in args.set:
        name, _, value = pair.partition("=")
        settings.set(name, value, priority="cmdline")

    store = shared_store(args.db)
    store.sync_sources(sources)
    known = frozenset(store.known_article_urls())
    process = CrawlerProcess(settings, install_root_handler=True)
    for source in sources:
        process.crawl(SPIDERS[source.kind], source=source, known_urls=known)
    process.start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
