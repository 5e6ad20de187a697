"""A cluster crawl loses no article to a failed write (issue 15: "an article that could not be stored
is an error row and is fetched again on the next run, whatever its listing answers"), with a real
redis-server, `yrdwatch store` and `yrdwatch worker` processes and the generated site over HTTP.
The single-process crawl does this through ``yrdwatch.crawler.refetch``
(test_concurrent_writers); a cluster crawl's feeder queues the lost articles as start requests."""
from __future__ import annotations

import json
import sqlite3

import pytest

from yrdwatch.crawler.cluster import SEEN
from yrdwatch.crawler.spiders import url_key
from yrdwatch.db.store import Store
from yrdwatch.sample_sites.generated import GeneratedSiteServer, generated_seeds
from yrdwatch.sample_sites.site import Resource

from test_cluster import cluster, live_workers, redis_url, runs_of, wait_until  # noqa: F401  fixtures

EMPTY_SITEMAP = Resource(b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>',
                         "application/xml")


@pytest.mark.alone  # its store stops when starved of CPU for 10 s (conftest)
def test_an_article_the_store_could_not_write_is_an_error_and_the_next_cluster_crawl_fetches_it(cluster, tmp_path):
    start, run, client, cluster_db = cluster
    site = GeneratedSiteServer(pages=3, delay=0).start_in_thread()
    try:
        seeds = generated_seeds(site.base_url, tmp_path)
        blocked = site.article_paths[0]
        Store(cluster_db).close()
        db = sqlite3.connect(cluster_db, isolation_level=None)
        db.execute(f"create trigger lose_one before insert on articles when new.url = '{site.base_url}{blocked}' "
                   "begin select raise(abort, 'refused for the test'); end")
        start("store")
        start("worker", "--concurrency", "2")
        wait_until(lambda: len(live_workers(client)) == 1)

        (first,) = runs_of(run("crawl", "--cluster", "--seeds", seeds, "--json")).values()
        assert first["status"] == "finished" and first["errors"] == 1 and first["new_articles"] == 2, first
        (url, stage, reason), = db.execute("select url, stage, reason from fetch_errors")
        assert (url, stage) == (f"{site.base_url}{blocked}", "store") and "refused for the test" in reason
        assert site.hits[blocked] == 1

        # The database takes it now, and the sitemap no longer leads to it (as a listing that
        # answers 304, or has moved on, would not): the next cluster crawl asks for it directly.
        db.execute("drop trigger lose_one")
        site.resources["/suzhou/sitemap.xml"] = EMPTY_SITEMAP
        sitemap_hits = site.hits["/suzhou/sitemap.xml"]
        (second,) = runs_of(run("crawl", "--cluster", "--seeds", seeds, "--json")).values()
        assert second["status"] == "finished" and second["new_articles"] == 1 and second["errors"] == 0, second
        assert site.hits["/suzhou/sitemap.xml"] == sitemap_hits + 1 and site.hits[blocked] == 2
        stored = {url for (url,) in db.execute("select url from articles")}
        assert stored == {f"{site.base_url}{path}" for path in site.article_paths}
        assert json.loads(client.hget(SEEN, url_key(f"{site.base_url}{blocked}")))["stored"]

        # Stored, it is asked for no more.
        (third,) = runs_of(run("crawl", "--cluster", "--seeds", seeds, "--json")).values()
        assert third["new_articles"] == 0 and site.hits[blocked] == 2, third
        db.close()
    finally:
        site.shutdown()
        site.server_close()
