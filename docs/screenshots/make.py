"""Make the screenshots of docs/screenshots/: the morning pages of `yrdwatch serve` in headless
Chromium (Debian's chromium and chromium-driver) at 1400 × 1000 and at a 414 × 896 phone, on the
demo database (the bundled sample sites crawled into a temporary file, as `yrdwatch demo` does).

    .venv/bin/python docs/screenshots/make.py          # rewrites docs/screenshots/*.png

The pages and what the browser tests measure on them are tests/test_serve_morning.py's ``pages``.
"""
from __future__ import annotations

import sqlite3
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from click.testing import CliRunner  # noqa: E402

from browser import chrome  # noqa: E402
from yrdwatch.sample_sites import seeds_for  # noqa: E402
from yrdwatch.sample_sites.server import SampleSitesServer  # noqa: E402
from test_serve import serving  # noqa: E402
from test_serve_morning import PHONE, WIDE, pages  # noqa: E402
from yrdwatch.cli import cli  # noqa: E402

SHOWN = ("landing", "project-timeline", "search")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="yrdwatch-screens-") as tmp:
        sample = SampleSitesServer("127.0.0.1", 0).start_in_thread()
        try:
            db_path = Path(tmp) / "yrdwatch.db"
            crawl = CliRunner().invoke(cli, ["--db", str(db_path), "crawl", "--seeds",
                                             str(seeds_for(sample.base_url, Path(tmp)))], catch_exceptions=False)
            if crawl.exit_code != 0:
                sys.exit(crawl.output)
            db = sqlite3.connect(db_path)
            with serving(db_path) as server:
                root = server.url.rsplit("/", 1)[0]
                for width, height in (WIDE, PHONE):
                    with chrome(width, height) as driver:
                        for name, page in pages(db, db_path.stem).items():
                            if name in SHOWN:
                                driver.get(root + page["path"])
                                out = HERE / f"{name}-{width}.png"
                                driver.save_screenshot(str(out))
                                print(out.relative_to(ROOT))
            db.close()
        finally:
            sample.shutdown()
            sample.server_close()


if __name__ == "__main__":
    main()
