"""Extraction speed: ms per article for yrdwatch's whole page path versus plain trafilatura.

    python benchmarks/extract_bench.py [--rounds 5]

Both run in the same process on the same pages (every article of the bundled sample sites, as
served), after one warm-up round; the figure to quote is the ratio, which survives a noisy machine.
"""
from __future__ import annotations

import argparse
import statistics
import time

import trafilatura

from extract.article import article_from_bytes
from sample_sites.site import SampleSites


def pages() -> list[tuple[str, bytes, str]]:
    site = SampleSites("http://127.0.0.1:8765")
    return [(s.path, site.resources[s.path].body, site.resources[s.path].content_type) for s in site.stories]


def per_article_ms(fn, docs, rounds: int) -> float:
    fn(docs)  # warm-up: imports, OpenCC and jieba dictionaries
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn(docs)
        times.append((time.perf_counter() - start) * 1000 / len(docs))
    return statistics.median(times)


def yrdwatch_path(docs):
    for url, body, content_type in docs:
        article_from_bytes(body, url=url, content_type=content_type)


def trafilatura_baseline(docs):
    for url, body, _ in docs:
        trafilatura.extract(body, url=url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    docs = pages()
    ours = per_article_ms(yrdwatch_path, docs, args.rounds)
    base = per_article_ms(trafilatura_baseline, docs, args.rounds)
    print(f"articles: {len(docs)}, rounds: {args.rounds} (median)")
    print(f"trafilatura.extract alone:            {base:7.2f} ms/article")
    print(f"yrdwatch read+normalise+announcements: {ours:7.2f} ms/article  ({ours / base:.2f}x trafilatura)")


if __name__ == "__main__":
    main()
