"""Datasette reading the database while a crawl writes it: no "database is locked", no failed request."""
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.request

from conftest import ROOT


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_datasette_reads_while_a_crawl_writes(sample_server, sample_seeds, db_path, run_cli):
    run_cli("ingest", ROOT / "sample_sites" / "content" / "seed_articles" / "003_4632641b07faa0c9.txt")  # tables exist
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "datasette", "serve", str(db_path), "--port", str(port),
                               "--host", "127.0.0.1"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/{db_path.stem}/articles.json?_size=5&_shape=array"
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        failures, answers, stop = [], [], threading.Event()

        def read():
            while not stop.is_set():
                try:
                    with urllib.request.urlopen(url, timeout=10) as response:
                        answers.append(len(json.load(response)))
                except Exception as err:  # any failed read is what this test is about
                    failures.append(repr(err))
                time.sleep(0.02)

        reader = threading.Thread(target=read)
        reader.start()
        result = run_cli("crawl", "--seeds", sample_seeds)
        stop.set()
        reader.join()
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=10)
    assert result.exit_code == 0
    assert not failures, failures[:3]
    assert len(answers) > 20 and answers[-1] == 5
    assert "database is locked" not in stderr
