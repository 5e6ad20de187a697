"""Extraction speed: ms per article for yrdwatch's whole page path versus plain trafilatura.

    python benchmarks/extract_bench.py [--rounds 5]

Both run in the same process on the same pages, after one warm-up round, alternating page by
page: every article of the bundled sample sites as served, and the 59 real pages of
../shared/fixtures/real-html when that folder is present (both given the raw bytes, as a crawl
would). The figure to quote is the ratio, which survives a noisy machine.
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import trafilatura

from yrdwatch.extract.article import article_from_bytes
from yrdwatch.sample_sites.site import SampleSites


REAL_PAGES = Path(__file__).resolve().parent.parent.parent / "shared" / "fixtures" / "real-html"


def sample_pages() -> list[tuple[str, bytes, str]]:
    site = SampleSites("http://127.0.0.1:8765")
    return [(s.path, site.resources[s.path].body, site.resources[s.path].content_type) for s in site.stories]


def real_pages() -> list[tuple[str, bytes, None]]:
    return [(p.as_uri(), p.read_bytes(), None) for p in sorted(REAL_PAGES.glob("*.html"))]


def _cpu_ms(fn, doc) -> float:
    start = time.process_time()
    fn(doc)
    return (time.process_time() - start) * 1000


def interleaved_ms(ours, base, docs, rounds: int) -> tuple[float, float, float]:
    """Median ms/page of each and the median of the per-round ratios, in CPU time of this process
    (time spent waiting for a busy processor is not the code's own). The two alternate page by
    page, the first of each pair changing round by round, so a machine whose speed drifts during
    the run slows both alike."""
    for doc in docs:  # warm-up: imports, OpenCC and jieba dictionaries
        ours(doc), base(doc)
    pairs = []
    for r in range(rounds):
        mine = theirs = 0.0
        for doc in docs:
            if r % 2:
                theirs += _cpu_ms(base, doc)
                mine += _cpu_ms(ours, doc)
            else:
                mine += _cpu_ms(ours, doc)
                theirs += _cpu_ms(base, doc)
        pairs.append((mine / len(docs), theirs / len(docs)))
    return (statistics.median(o for o, _ in pairs), statistics.median(b for _, b in pairs),
            statistics.median(o / b for o, b in pairs))


def yrdwatch_path(doc):
    url, body, content_type = doc
    article_from_bytes(body, url=url, content_type=content_type)


def trafilatura_baseline(doc):
    url, body, _ = doc
    trafilatura.extract(body, url=url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    sets = [("sample-site articles", sample_pages())]
    if REAL_PAGES.is_dir():
        sets.append(("real pages (../shared)", real_pages()))
    else:
        print(f"{REAL_PAGES} is absent: real pages skipped")
    for name, docs in sets:
        ours, base, ratio = interleaved_ms(yrdwatch_path, trafilatura_baseline, docs, args.rounds)
        print(f"{name}: {len(docs)} pages, {args.rounds} rounds (median)")
        print(f"  trafilatura.extract alone:              {base:7.2f} ms/page")
        print(f"  yrdwatch page + normalise + announcements: {ours:7.2f} ms/page  ({ratio:.2f}x trafilatura, median of per-round ratios)")


if __name__ == "__main__":
    main()
