"""Per-article store time as the database grows: the same kind of article stored into a database
of 10,000 and of 100,000 articles (goal: the second within 1.2× of the first), and the start-up
check of ``yrdwatch serve`` (``yrdwatch.db.browse.prepare``) on both.

The database is grown with the real ``Store.save_article`` (articles, raw page, signature,
announcements, recurring projects: each of ``--projects`` projects gets a mention every
``--projects`` articles, so a project is named by ~2 articles at 10k and ~20 at 100k, as a real
year of recurring projects does). Growing it caches the search words of the repeated sample
texts (cutting is what takes time, and its cost does not depend on the database); the measured
articles are stored with nothing cached, one ``save_article`` (one transaction) each.

    .venv/bin/python benchmarks/store_bench.py [--small 10000] [--large 100000] [--measure 300]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from yrdwatch.db import browse, search  # noqa: E402
from yrdwatch.db.store import Store  # noqa: E402
from yrdwatch.extract.models import Announcement, Article, Page, Project  # noqa: E402
from yrdwatch.extract.normalize import analysis_text  # noqa: E402
from yrdwatch.sample_sites.site import load_stories  # noqa: E402

CITIES = [("江苏省", "苏州市", "吴江区"), ("江苏省", "无锡市", "梁溪区"), ("浙江省", "嘉兴市", "嘉善县"),
          ("安徽省", "合肥市", "蜀山区"), ("上海市", "上海市", "青浦区"), ("江苏省", "南京市", "江宁区")]
INDUSTRIES = ["集成电路", "新能源汽车", "生物医药", "高端装备", "人工智能", "新材料"]


class ArticleMaker:
    """Articles of 4 sample paragraphs (~1,000 characters) naming one recurring project each."""

    def __init__(self, projects: int, seed: int = 7):
        self.rng = random.Random(seed)
        self.paragraphs = [p for s in load_stories() for p in s.paragraphs if len(p) > 30]
        self.projects = projects
        self.html = "".join(f"<p>{p}</p>" for p in self.paragraphs[:40]).encode("utf-8")

    def make(self, number: int, prefix: str) -> tuple[str, Article, bytes]:
        text = "\n".join(self.rng.sample(self.paragraphs, 4))
        key = number % self.projects
        province, city, district = CITIES[key % len(CITIES)]
        project = Project(name=f"{city[:2]}第{key}号智能制造基地项目", investment_cny=(key % 97 + 1) * 10_000_000)
        ann = Announcement(event_type="签约", event_date="2024-06-01", province=province, city=city, district=district,
                           total_investment_cny=project.investment_cny, project_count=1, projects=[project],
                           industries=[INDUSTRIES[number % len(INDUSTRIES)]],
                           parties=[f"{district}人民政府", f"第{number % 500}号企业集团"])
        page = Page(title=f"{city}重大项目集中签约（第{number}期）", published_at="2024-06-01", outlet="长三角经济报",
                    text=text, script="simplified")
        url = f"https://news.example.org/{prefix}/{number}.html"
        return url, Article(page=page, analysis_text=text, announcements=[ann]), self.html


def grow(store: Store, maker: ArticleMaker, start: int, stop: int) -> None:
    """Store articles ``start``…``stop`` (500 per transaction), search words of repeated texts cached."""
    original = search.article_words

    @lru_cache(maxsize=50_000)
    def text_words(text: str) -> str:
        return original(None, text)

    def cached_words(title, analysed):
        return " ".join(dict.fromkeys(f"{original(title, '')} {text_words(analysed)}".split()))

    search.article_words = cached_words
    try:
        signature = bytes(maker.rng.getrandbits(8) for _ in range(1032))
        for first in range(start, stop, 500):
            batch = [maker.make(n, "fill") for n in range(first, min(first + 500, stop))]
            store.write(lambda: [store.save_article(url, "bench", article, signature=signature, duplicate_of=None,
                                                    similarity=None, raw=raw, content_type="text/html")
                                 for url, article, raw in batch])
    finally:
        search.article_words = original


def measure(store: Store, maker: ArticleMaker, count: int, prefix: str) -> list[float]:
    """Milliseconds of each of ``count`` new articles' ``save_article`` (nothing cached)."""
    signature = bytes(maker.rng.getrandbits(8) for _ in range(1032))
    times = []
    for number in range(count):
        url, article, raw = maker.make(number, prefix)
        started = time.perf_counter()
        store.save_article(url, "bench", article, signature=signature, duplicate_of=None, similarity=None,
                           raw=raw, content_type="text/html")
        times.append((time.perf_counter() - started) * 1000)
    return times


def prepare_seconds(db_path: Path) -> float:
    started = time.perf_counter()
    browse.prepare(db_path)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--measure", type=int, default=300, help="articles timed at each size")
    parser.add_argument("--projects", type=int, default=5_000, help="distinct recurring projects")
    args = parser.parse_args()
    search.tokenizer()
    analysis_text("预热")
    maker = ArticleMaker(args.projects)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "bench.db"
        store = Store(db_path)
        have = 0
        for size in (args.small, args.large):
            started = time.perf_counter()
            grow(store, maker, have, size)
            have = size
            print(f"grown to {size} articles in {time.perf_counter() - started:.0f} s", flush=True)
            browse.prepare(db_path)  # the first check of a database is full; later starts are what is timed
            times = measure(store, maker, args.measure, f"m{size}")
            results[size] = (statistics.median(times), statistics.mean(times), prepare_seconds(db_path))
            have += args.measure
        store.close()
    (small_median, small_mean, small_prep), (large_median, large_mean, large_prep) = results.values()
    print(f"\nper-article store time, {args.measure} new articles each naming a recurring project:")
    print(f"  {args.small:>7} articles: median {small_median:.2f} ms, mean {small_mean:.2f} ms")
    print(f"  {args.large:>7} articles: median {large_median:.2f} ms, mean {large_mean:.2f} ms")
    print(f"  ratio {args.large // 1000}k / {args.small // 1000}k: median {large_median / small_median:.2f}×, "
          f"mean {large_mean / small_mean:.2f}× (goal ≤ 1.2×)")
    print(f"serve start-up check (db.browse.prepare): {small_prep * 1000:.0f} ms at {args.small}, "
          f"{large_prep * 1000:.0f} ms at {args.large} ({large_prep / small_prep:.2f}×)")


if __name__ == "__main__":
    main()
