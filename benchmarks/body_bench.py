"""Main-text quality on real Chinese news pages: yrdwatch's page reader versus plain trafilatura.

    python benchmarks/body_bench.py [--fixtures ../shared/fixtures/real-html] [--verbose]

Both run in the same process on the same pages (``NNN.html`` with ``NNN.json`` ground truth, see
the fixtures' SOURCES.md). Body overlap is the F1 of character-bigram multisets with white space
removed (as ``shared/tools/score_body.py`` measures it), averaged over the pages that have a
ground-truth body; a date counts when its first ten characters match. trafilatura gets the raw
bytes, as a caller who does no decoding of their own would give them.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

import trafilatura

from yrdwatch.extract.page import PageError, read_html

DEFAULT_FIXTURES = Path(__file__).resolve().parent.parent.parent / "shared" / "fixtures" / "real-html"


def bigrams(text: str | None) -> Counter:
    text = "".join((text or "").split())
    return Counter(text[i:i + 2] for i in range(len(text) - 1))


def overlap(pred: str | None, gold: str) -> tuple[float, float, float]:
    p, g = bigrams(pred), bigrams(gold)
    common = sum((p & g).values())
    prec = common / sum(p.values()) if p else 0.0
    rec = common / sum(g.values()) if g else 0.0
    return prec, rec, (2 * prec * rec / (prec + rec) if prec + rec else 0.0)


def ours(raw: bytes) -> dict:
    try:
        page = read_html(raw)
    except PageError:
        return {"text": "", "published_at": None}
    return {"text": page.text, "published_at": page.published_at}


def plain_trafilatura(raw: bytes) -> dict:
    meta = trafilatura.bare_extraction(raw, with_metadata=True)
    meta = meta.as_dict() if hasattr(meta, "as_dict") else (meta or {})
    return {"text": trafilatura.extract(raw) or "", "published_at": meta.get("date")}


def evaluate(name: str, reader, pages: list[tuple[str, bytes, dict]], verbose: bool) -> None:
    precs, recs, f1s, dates = [], [], [], []
    start = time.perf_counter()
    preds = {stem: reader(raw) for stem, raw, _ in pages}
    ms = (time.perf_counter() - start) * 1000 / len(pages)
    for stem, _, gold in pages:
        pred = preds[stem]
        if gold.get("body"):
            p, r, f = overlap(pred["text"], gold["body"])
            precs.append(p), recs.append(r), f1s.append(f)
            if verbose and f < 0.9:
                print(f"  {name} {stem}: body P {p:.2f} R {r:.2f} F1 {f:.2f}")
        if gold.get("publish_time_normalized"):
            dates.append(str(pred["published_at"] or "")[:10] == gold["publish_time_normalized"][:10])
    mean = lambda xs: sum(xs) / len(xs) if xs else 0.0
    print(f"{name:<12} body P {mean(precs):.3f} R {mean(recs):.3f} F1 {mean(f1s):.3f} ({len(f1s)} pages)  "
          f"date {mean(dates):.3f} ({len(dates)})  {ms:6.1f} ms/page")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument("--verbose", action="store_true", help="list pages with body F1 below 0.9")
    args = parser.parse_args()
    if not args.fixtures.is_dir():
        print(f"skipped: {args.fixtures} is not present (../shared is only beside a development checkout)")
        return 0
    pages = [(p.stem, p.with_suffix(".html").read_bytes(), json.loads(p.read_text(encoding="utf-8")))
             for p in sorted(args.fixtures.glob("*.json")) if p.with_suffix(".html").exists()]
    if not pages:
        print(f"skipped: no NNN.html/NNN.json pairs in {args.fixtures}")
        return 0
    for raw in (pages[0][1],):  # warm-up: imports, OpenCC and jieba dictionaries
        ours(raw), plain_trafilatura(raw)
    evaluate("yrdwatch", ours, pages, args.verbose)
    evaluate("trafilatura", plain_trafilatura, pages, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
