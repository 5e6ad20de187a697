"""How long a digest takes on a large backlog: query (not-yet-covered projects with their mentions),
rendering (HTML, Markdown, Atom, chart) and storing, against a plain ``select`` of the same projects
as the baseline. Synthetic rows (projects spread over the sample cities, one article and
announcement each) are written straight into a fresh database.

    .venv/bin/python benchmarks/digest_bench.py [--projects 5000]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yrdwatch.alerts.chart  # noqa: E402,F401  matplotlib loaded before timing (alerts.digest loads it on first use)
from yrdwatch.alerts.digest import make_digest  # noqa: E402
from yrdwatch.alerts.outbox import utc_now  # noqa: E402
from yrdwatch.alerts.query import new_projects  # noqa: E402
from yrdwatch.alerts.subscriptions import DEFAULT_SUBSCRIPTION, Subscription  # noqa: E402
from yrdwatch.db.store import Store  # noqa: E402
from yrdwatch.config import Config  # noqa: E402

CITIES = [("江苏省", "苏州市", "吴江区"), ("江苏省", "无锡市", "梁溪区"), ("浙江省", "嘉兴市", "嘉善县"),
          ("安徽省", "合肥市", "蜀山区"), ("上海市", "上海市", "青浦区"), ("江苏省", "南京市", "江宁区")]
INDUSTRIES = ["集成电路", "新能源汽车", "生物医药", "高端装备", "人工智能"]


def fill(store: Store, count: int) -> None:
    stamp = utc_now().isoformat(timespec="seconds")
    with store.db.atomic():
        for i in range(count):
            province, city, district = CITIES[i % len(CITIES)]
            url = f"https://news.example.org/art/{i}.html"
            amount = None if i % 4 == 0 else (i % 97 + 1) * 10_000_000
            store.db.conn.execute("insert into articles (url, outlet, title, first_seen) values (?, ?, ?, ?)",
                                  [url, "长三角经济报", f"{city}第{i}个项目签约", stamp])
            store.db.conn.execute(
                "insert into announcements (id, article_url, seq, event_type, event_date, province, city, district, "
                "total_investment_cny, industries, parties) values (?, ?, 0, '签约', '2024-06-01', ?, ?, ?, ?, ?, ?)",
                [f"{url}#0", url, province, city, district, amount,
                 json.dumps([INDUSTRIES[i % len(INDUSTRIES)]], ensure_ascii=False), json.dumps([f"{district}人民政府"])])
            store.db.conn.execute(
                "insert into projects (id, name, province, city, district, investment_cny, first_seen, last_seen, "
                "first_article_url, mentions) values (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
                [f"p{i:08d}", f"第{i}号智能制造基地项目", province, city, district, amount, stamp, stamp, url])
            store.db.conn.execute("insert into project_mentions values (?, ?, ?, '长三角经济报', '2024-06-01')",
                                  [f"p{i:08d}", f"{url}#0", url])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "bench.db"
        store = Store(db_path)
        fill(store, args.projects)
        conn, config = store.db.conn, Config()
        start = "2000-01-01T00:00:00+00:00"

        began = time.perf_counter()
        baseline = conn.execute("select * from projects where first_seen >= ?", [start]).fetchall()
        plain = time.perf_counter() - began

        began = time.perf_counter()
        items = new_projects(conn, DEFAULT_SUBSCRIPTION, start, config.datasette_url, db_path)
        query = time.perf_counter() - began

        narrow = Subscription(name="suzhou-ic", cities=("苏州市",), industries=("集成电路",))
        began = time.perf_counter()
        filtered = new_projects(conn, narrow, start, config.datasette_url, db_path)
        filtering = time.perf_counter() - began

        began = time.perf_counter()
        made = make_digest(conn, config, DEFAULT_SUBSCRIPTION, start, utc_now(), db_path)
        whole = time.perf_counter() - began
        html_size = len(conn.execute("select html from digests where id = ?", [made[0]]).fetchone()[0])

        began = time.perf_counter()
        assert make_digest(conn, config, DEFAULT_SUBSCRIPTION, start, utc_now(), db_path) is None
        again = time.perf_counter() - began
        store.close()
    print(f"projects: {args.projects}  (digest of all: {len(items)} items, HTML {html_size / 1e6:.1f} MB)")
    print(f"baseline  select * from projects:            {plain * 1000:8.1f} ms ({len(baseline)} rows)")
    print(f"query     new projects, described, arranged:   {query * 1000:8.1f} ms")
    print(f"query     one city and industry ({len(filtered)} items):   {filtering * 1000:8.1f} ms")
    print(f"digest    query + render 4 formats + store:    {whole * 1000:8.1f} ms")
    print(f"digest    next run, nothing new:               {again * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
