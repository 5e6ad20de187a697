"""Browsing a large database: every page `yrdwatch serve` offers, timed against Datasette's 1 s limit.

Builds (or reuses) a database of synthetic articles — sentences of the sample-site articles
recombined, 10 % of them in Traditional, with announcements, projects, mentions, crawl runs,
fetch errors and pages seen — through the project's schema. Rows are bulk-inserted, but the
search index is the real one: ``yrdwatch.db.search.sync``, the code `yrdwatch serve` runs on an old database.
Then `yrdwatch serve` is started as a subprocess and each table page (HTML and JSON, with its
facets), facet selection, search and canned query is requested; reported: each page's time (best
of three) and the SQL time Datasette reports, the slowest page and query, facets that timed
out, and the database's size. raw_pages is not filled: browsing never reads it.

    .venv/bin/python benchmarks/browse_bench.py [--articles 100000] [--db /tmp/browse_bench.db]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from yrdwatch.db import search  # noqa: E402
from yrdwatch.db.store import Store  # noqa: E402
from yrdwatch.extract.normalize import to_simplified  # noqa: E402

PLACES = [("上海市", "上海市", d) for d in ("浦东新区", "青浦区", "松江区", "嘉定区", "闵行区", "金山区")] + [
    ("江苏省", "苏州市", d) for d in ("吴江区", "苏州工业园区", "昆山市", "常熟市", "相城区")] + [
    ("江苏省", "无锡市", d) for d in ("梁溪区", "锡山区", "江阴市")] + [
    ("江苏省", "南京市", d) for d in ("江宁区", "浦口区")] + [("江苏省", "常州市", "武进区")] + [
    ("浙江省", "杭州市", d) for d in ("钱塘区", "余杭区", "萧山区")] + [
    ("浙江省", "宁波市", d) for d in ("北仑区", "鄞州区")] + [("浙江省", "嘉兴市", "嘉善县"), ("浙江省", "湖州市", "南浔区")] + [
    ("安徽省", "合肥市", d) for d in ("蜀山区", "包河区", "肥西县")] + [("安徽省", "芜湖市", "鸠江区"), ("安徽省", "滁州市", "琅琊区")]
EVENTS = ["签约", "开工", "投产", "竣工", "开园", "揭牌"]
INDUSTRIES = ["集成电路", "新能源", "新能源汽车", "人工智能", "生物医药", "高端装备", "新材料", "智能制造", "机器人",
              "物联网", "软件和信息服务", "现代物流", "医疗器械", "储能", "光伏", "文旅", "数字经济", "航空航天"]
CORES = ["芯感", "康锐", "宁德时代", "中车", "绿地", "华虹", "蔚来", "隆基", "恒力", "汇川", "长电", "通富", "先导", "科沃斯",
         "亨通", "天合", "阿特斯", "博世", "西门子", "罗森伯格", "海光", "寒武纪", "地平线", "比亚迪", "国轩", "京东方"]
SUFFIXES = ["微电子有限公司", "新能源科技股份有限公司", "集团", "智能装备有限公司", "生物科技有限公司", "汽车零部件有限公司"]
OUTLETS = [f"{city}{kind}" for _, city, _ in PLACES[::3] for kind in ("日报", "人民政府", "融媒体中心")]


def sentences() -> list[str]:
    """Sentences of the sample-site articles: real regional-news vocabulary to recombine."""
    content = ROOT / "sample_sites" / "content"
    texts = [p.read_text(encoding="utf-8").partition("\n---\n")[2] for p in (content / "articles").glob("*.txt")]
    texts += [to_simplified(p.read_text(encoding="utf-8")) for p in (content / "seed_articles").glob("*.txt")]
    return [s + "。" for text in texts for s in text.replace("\n", "").split("。") if len(s) > 8]


def generate(path: Path, n_articles: int, rng: random.Random) -> None:
    import opencc

    to_traditional = opencc.OpenCC("s2t").convert
    corpus = sentences()
    store = Store(path)  # the real schema, FTS tables and indexes included
    db = store.db.conn
    now = datetime.now(timezone.utc)
    sources = [f"bench-{i:02d}" for i in range(len(OUTLETS))]
    db.execute("begin")
    db.executemany("insert into sources (name, outlet, region, kind, start_urls, allowed_domains, schedule, verified) "
                   "values (?, ?, ?, 'listing', '[]', '[]', '15 6 * * *', 1)",
                   [(s, o, o[:3]) for s, o in zip(sources, OUTLETS)])
    for day in range(365):  # a year of daily runs per source
        started = (now - timedelta(days=day)).isoformat(timespec="seconds")
        db.executemany("insert into crawl_runs (batch, source, started_at, finished_at, status, requests, article_pages, "
                       "new_articles, errors) values (?, ?, ?, ?, 'finished', ?, ?, ?, ?)",
                       [(f"b{day}", s, started, started, rng.randint(2, 40), rng.randint(0, 20), rng.randint(0, 10),
                         rng.randint(0, 3)) for s in sources])
    db.execute("commit")
    article_rows, announcement_rows, project_rows, mention_rows, seen_rows, error_rows = [], [], [], [], [], []
    start = datetime(2019, 1, 1, tzinfo=timezone.utc)
    for i in range(n_articles):
        src = rng.randrange(len(sources))
        province, city, district = rng.choice(PLACES)
        event = rng.choice(EVENTS)
        amount = rng.choice([None, rng.randint(1, 3000) * 10 ** 7])
        party = rng.choice(CORES) + rng.choice(SUFFIXES)
        title = f"{district}{party[:4]}项目{event}" + (f" 总投资{amount / 1e8:g}亿元" if amount else "")
        body = f"{city}{district}举行{party}项目{event}仪式。" + "".join(rng.sample(corpus, rng.randint(6, 14)))
        traditional = rng.random() < 0.1
        if traditional:
            title, body = to_traditional(title), to_traditional(body)
        published = start + timedelta(minutes=rng.randrange(int((now - start).total_seconds() // 60)))
        url = f"https://bench.example/{sources[src]}/{i}.html"
        first_seen = (published + timedelta(hours=rng.randint(1, 30))).isoformat(timespec="seconds")
        duplicate_of = f"https://bench.example/{sources[(src + 1) % len(sources)]}/{rng.randrange(i)}.html" \
            if i and rng.random() < 0.05 else None
        is_announcement = rng.random() < 0.6
        article_rows.append((url, sources[src], OUTLETS[src], title, published.isoformat(timespec="seconds"), body,
                             "traditional" if traditional else "simplified", "utf-8", "[]", int(is_announcement),
                             hashlib.sha1(body.encode()).hexdigest(), duplicate_of,
                             rng.uniform(0.5, 1) if duplicate_of else None, first_seen, first_seen))
        seen_rows.append((url, sources[src], 200, first_seen, first_seen))
        if rng.random() < 0.02:
            error_rows.append((sources[src], url + "?broken", "download", "HTTP 404", first_seen))
        for seq in range(rng.randint(1, 3) if is_announcement else 0):
            ann_id = f"{url}#{seq}"
            industries = json.dumps(rng.sample(INDUSTRIES, rng.randint(1, 4)), ensure_ascii=False)
            parties = json.dumps([party, f"{district}人民政府"], ensure_ascii=False)
            event_date = published.date().isoformat()
            announcement_rows.append((ann_id, url, seq, event, event_date, province, city, district, None, amount,
                                      rng.choice([None, "约", "超"]), "CNY", 1, industries, parties))
            project_id = hashlib.sha1(ann_id.encode()).hexdigest()[:16]
            name = f"{party[:4]}{rng.choice(INDUSTRIES)}项目"
            # Projects are new from their first sighting: spread over the last two years.
            project_seen = (now - timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))).isoformat(timespec="seconds")
            project_rows.append((project_id, name, name, province, city, district, None, amount, "CNY",
                                 project_seen, project_seen, url, 1))
            mention_rows.append((project_id, ann_id, url, OUTLETS[src], event_date))
    db.execute("begin")
    db.executemany("insert into articles (url, source, outlet, title, published_at, text, script, encoding, mojibake, "
                   "is_announcement, content_hash, duplicate_of, similarity, first_seen, last_seen) "
                   f"values ({','.join('?' * 15)})", article_rows)
    db.executemany(f"insert into announcements values ({','.join('?' * 15)})", announcement_rows)
    db.executemany("insert into projects (id, name, name_key, province, city, district, park, investment_cny, currency, "
                   f"first_seen, last_seen, first_article_url, mentions) values ({','.join('?' * 13)})", project_rows)
    db.executemany("insert into project_mentions values (?, ?, ?, ?, ?)", mention_rows)
    db.executemany("insert into pages_seen (url, source, last_status, first_seen, last_seen) values (?, ?, ?, ?, ?)",
                   seen_rows)
    db.executemany("insert into fetch_errors (source, url, stage, reason, at) values (?, ?, ?, ?, ?)", error_rows)
    db.execute("commit")
    started = time.perf_counter()
    indexed = search.sync(db, progress=lambda line: print(line, flush=True))
    print(f"search index: {sum(indexed.values())} rows in {time.perf_counter() - started:.0f} s "
          f"({(time.perf_counter() - started) / sum(indexed.values()) * 1000:.1f} ms/row)")
    db.execute("analyze")
    store.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[float, int, bytes]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as err:
        status, body = err.code, err.read()
    return (time.perf_counter() - started) * 1000, status, body


def pages(db_url: str, db) -> list[str]:
    """Every kind of page: table pages (their facets come from the metadata), facet selections,
    searches (two-character words, Traditional, a very common word, with a facet), canned queries."""
    outlet = db.execute("select outlet from articles limit 1").fetchone()[0]
    project = db.execute("select project_id from project_mentions group by project_id order by count(*) desc limit 1").fetchone()[0]
    q = urllib.parse.quote
    paths = ["", "/articles", "/announcements", "/projects", "/project_mentions", "/clusters", "/sources",
             "/crawl_runs", "/fetch_errors", "/pages_seen",
             "/announcements?city=" + q("苏州市"), "/announcements?event_date__glob=2024*",
             "/announcements?_has_industries=" + q("集成电路"),
             "/articles?outlet=" + q(outlet), "/articles?published_at__glob=2021*",
             "/projects?province=" + q("浙江省") + "&city=" + q("杭州市"),
             "/articles?_search=" + q("汾湖"), "/articles?_search=" + q("芯片"), "/articles?_search=" + q("蘇州"),
             "/articles?_search=" + q("项目"), "/articles?_search=" + q("芯片") + "&outlet=" + q(outlet),
             "/projects?_search=" + q("宁德时代"), "/projects?_search=" + q("集成电路 苏州"),
             "/this_week", "/this_week?days=30", "/project_timeline?project=" + q(project),  # the morning pages' SQL
             "/projects/" + q(project),
             "/new_projects", "/new_projects?days=30", "/projects_by_city", "/projects_by_city?since=2026-01-01",
             "/projects_over_amount?min_yi=100", "/projects_over_amount?min_yi=10&city=" + q("蘇州"),
             "/party_announcements?party=" + q("宁德时代"), "/stories_with_reprints", "/sources_health"]
    return [db_url + p for p in paths]


def json_url(url: str, *extra: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=parts.path + ".json",
                                                  query="&".join(filter(None, [parts.query, "_shape=objects", *extra]))))


def expected_facets(metadata: dict, path: str) -> set[str]:
    """The facets a table page must return: its metadata's and those the URL asks for."""
    parts = urllib.parse.urlsplit(path)
    table = parts.path.strip("/")
    configs = next(iter(metadata["databases"].values()))["tables"].get(table, {}).get("facets", [])
    names = {c if isinstance(c, str) else next(iter(c.values())) for c in configs}
    return names | {v for k, v in urllib.parse.parse_qsl(parts.query) if k.startswith("_facet")}


def wait_for(url: str, server: subprocess.Popen) -> None:
    while True:
        try:
            urllib.request.urlopen(url, timeout=5)
            return
        except OSError:
            if server.poll() is not None:
                sys.exit(server.stderr.read())
            time.sleep(0.5)


def measure(db_path: Path) -> int:
    """Best of three for each page (HTML and JSON), and Datasette's own trace of its SQL."""
    import sqlite3

    from yrdwatch.db.browse import metadata_for

    metadata = metadata_for(db_path)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "yrdwatch", "--db", str(db_path), "serve", "--port", str(port),
                               "--setting", "trace_debug", "1"], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    db_url = f"http://127.0.0.1:{port}/{db_path.stem}"
    db = sqlite3.connect(db_path)
    rows, queries, failures = [], [], []
    try:
        wait_for(db_url + ".json", server)
        for url in pages(db_url, db):
            path = urllib.parse.unquote(url[len(db_url):]) or "/"
            best = {}
            for kind, target in (("html", url), ("json", json_url(url))):
                timings = [fetch(target) for _ in range(3)]
                best[kind] = min(ms for ms, _, _ in timings)
                failures += [f"{path} ({kind}): HTTP {status} {body[:200]!r}" for _, status, body in timings[-1:] if status != 200]
            name = urllib.parse.urlsplit(path).path.strip("/")
            if name in next(iter(metadata["databases"].values()))["queries"]:
                # A canned query's JSON reports its one SQL's time (its rows are too many for a trace).
                answer = json.loads(timings[-1][2])
                queries.append((answer["query_ms"], name, path))
                rows.append((max(best.values()), best["html"], best["json"], answer["query_ms"], path))
                continue
            # Datasette's trace of a page's SQL (count, rows, facets); _size=5 keeps the answer under
            # the size above which Datasette 0.65 drops the trace and cuts the answer short.
            _, status, body = fetch(json_url(url, "_trace=1", "_size=5"))
            if status != 200:
                continue
            answer = json.loads(body)
            missing = expected_facets(metadata, path) - set(answer.get("facet_results") or {})
            if missing:
                failures.append(f"{path}: facets timed out: {sorted(missing)}")
            traces = [(t["duration_ms"], " ".join(t["sql"].split())) for t in answer["_trace"]["traces"]]
            queries += [(ms, sql, path) for ms, sql in traces]
            rows.append((max(best.values()), best["html"], best["json"], max(ms for ms, _ in traces), path))
    finally:
        server.terminate()
        server.wait(timeout=20)
    print(f"{'html':>8} {'json':>8} {'slowest SQL':>12}  page")
    for _, html, json_ms, sql_ms, path in rows:
        print(f"{html:6.0f}ms {json_ms:6.0f}ms {sql_ms:10.0f}ms  {path}")
    slowest_page, slowest_query = max(rows), max(queries)
    size = sum(p.stat().st_size for p in db_path.parent.glob(db_path.name + "*"))
    counts = {t: db.execute(f"select count(*) from {t}").fetchone()[0] for t in ("articles", "announcements", "projects")}
    print(f"\n{counts['articles']:,} articles, {counts['announcements']:,} announcements, {counts['projects']:,} projects; "
          f"database {size / 2 ** 20:,.0f} MB, of which the search index {index_size(db) / 2 ** 20:,.0f} MB")
    print(f"slowest page:  {slowest_page[0]:.0f} ms  {slowest_page[4]}")
    print(f"slowest query: {slowest_query[0]:.0f} ms  on {slowest_query[2]}: {slowest_query[1][:160]}")
    failures += [f"{path}: {ms:.0f} ms, over Datasette's 1 s limit" for ms, *_, path in rows if ms >= 1000]
    for failure in failures:
        print("FAILED", failure)
    return 1 if failures else 0


def index_size(db) -> int:
    try:
        return db.execute("select sum(pgsize) from dbstat where name like '%_fts%'").fetchone()[0] or 0
    except Exception:  # SQLite built without the dbstat table
        return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/browse_bench.db"),
                        help="reused when it already holds --articles articles")
    args = parser.parse_args()
    have = 0
    if args.db.exists():
        import sqlite3
        have = sqlite3.connect(args.db).execute("select count(*) from articles").fetchone()[0]
    if have < args.articles:
        for old in args.db.parent.glob(args.db.name + "*"):
            old.unlink()
        started = time.perf_counter()
        generate(args.db, args.articles, random.Random(7))
        print(f"generated in {time.perf_counter() - started:.0f} s")
    else:
        print(f"reusing {args.db} ({have:,} articles)")
    return measure(args.db)


if __name__ == "__main__":
    sys.exit(main())
