"""Speed of the text stage alone: ``yrdwatch.extract.article.text_stage`` (the rules, the candidates and the
learned decisions) over every bundled sample article and the corpus, on one core.

    python benchmarks/text_stage_bench.py [--rounds 5] [--dump out.json]

The inputs (analysis text, normalised title, publication date) are made once up front, from every
article of the bundled sample sites as served and from the seed texts, so page reading is not
timed. After one warm-up round, prints the median of ``--rounds`` rounds as articles/s and
ms/article. ``--dump`` writes each input with its announcements as JSON: two dumps taken before
and after a change to the text stage must be equal.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import time
from pathlib import Path

from yrdwatch.extract.article import article_from_bytes, text_stage
from yrdwatch.extract.normalize import analysis_text
from yrdwatch.extract.page import read_text
from yrdwatch.sample_sites.site import CONTENT, SampleSites

Input = tuple[str, str, str | None, str | None]  # (name, analysis text, title, published_at)


def inputs() -> list[Input]:
    site = SampleSites("http://127.0.0.1:8765")
    docs = []
    for s in site.stories:
        a = article_from_bytes(site.resources[s.path].body, url=s.path)
        title = analysis_text(a.page.title) if a.page.title else None
        docs.append((s.path, a.analysis_text, title, a.page.published_at))
    for path in sorted((CONTENT / "seed_articles").glob("*.txt")):
        page = read_text(path.read_text(encoding="utf-8"))
        title = analysis_text(page.title) if page.title else None
        docs.append((path.name, analysis_text(page.text), title, page.published_at))
    for path in sorted((CONTENT.parents[1] / "corpus" / "articles").glob("*.txt")):
        page = read_text(path.read_text(encoding="utf-8"))
        title = analysis_text(page.title) if page.title else None
        docs.append((path.name, analysis_text(page.text), title, page.published_at))
    return docs


def run(docs: list[Input]) -> list:
    return [text_stage(text, title, published_at) for _, text, title, published_at in docs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--dump", type=Path, help="write inputs and announcements to this JSON file")
    args = parser.parse_args()
    docs = inputs()
    results = run(docs)  # warm-up: jieba and jionlp dictionaries, compiled patterns
    times = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        run(docs)
        times.append(time.perf_counter() - start)
    seconds = statistics.median(times)
    print(f"articles: {len(docs)}, rounds: {args.rounds} (median)")
    print(f"text stage: {len(docs) / seconds:8.1f} articles/s  {seconds * 1000 / len(docs):6.2f} ms/article")
    if args.dump:
        dump = [{"name": name, "text": text, "title": title, "published_at": published_at,
                 "announcements": [dataclasses.asdict(a) for a in result]}
                for (name, text, title, published_at), result in zip(docs, results)]
        args.dump.write_text(json.dumps(dump, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
