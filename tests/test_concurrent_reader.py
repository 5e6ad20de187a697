"""`yrdwatch serve` reading the database while a crawl writes it: no "database is locked", no failed request."""
import json
import threading
import time
import urllib.parse
import urllib.request

from yrdwatch.db.store import Store
from test_serve import serving


def test_datasette_reads_while_a_crawl_writes(sample_server, sample_seeds, db_path, run_cli):
    Store(db_path).close()  # an empty database, filled while it is served
    with serving(db_path) as server:
        # What people browse, each touching what the crawl writes: rows, facets, search, a canned query, HTML.
        urls = [f"{server.url}/articles.json?_size=5&_shape=array",
                f"{server.url}/announcements.json?_shape=array",
                f"{server.url}/projects.json?_shape=array&_search=" + urllib.parse.quote("项目"),
                f"{server.url}/articles.json?_shape=array&_search=" + urllib.parse.quote("簽約"),
                f"{server.url}/sources_health.json?_shape=array",
                f"{server.url}/projects"]
        failures, answers, stop = [], {url: 0 for url in urls}, threading.Event()

        def read(offset):
            turn = offset
            while not stop.is_set():
                url = urls[turn % len(urls)]
                turn += 1
                try:
                    with urllib.request.urlopen(url, timeout=10) as response:
                        body = response.read()
                        if url.endswith("/projects"):
                            assert b"</html>" in body
                        else:
                            json.loads(body)
                    answers[url] += 1
                except Exception as err:  # any failed read is what this test is about
                    failures.append(f"{url}: {err!r}")
                time.sleep(0.01)

        readers = [threading.Thread(target=read, args=(i,)) for i in range(4)]
        for reader in readers:
            reader.start()
        result = run_cli("crawl", "--seeds", sample_seeds)
        stop.set()
        for reader in readers:
            reader.join()
        with urllib.request.urlopen(urls[0], timeout=10) as response:
            last = json.load(response)
    assert result.exit_code == 0
    assert not failures, failures[:3]
    assert all(n > 5 for n in answers.values()), answers
    assert len(last) == 5
    assert "database is locked" not in server.stderr and "Traceback" not in server.stderr, server.stderr[-2000:]
