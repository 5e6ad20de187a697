"""Near-duplicate detection at scale: speed, memory, rebuild time and accuracy on planted copies.

    python benchmarks/dedup_bench.py [--articles 10000] [--copies 0.05] [--seed 7]

Synthetic articles of realistic length (~1,500 characters) are written from the vocabulary of the
sample sites (jieba words, random order); a share of them get a planted copy in which a random
fraction of sentences is replaced, so true Jaccard similarities spread from ~0.2 to 1.0. Exact
Jaccard on the shingle sets is the ground truth. Prints: signatures/s and LSH queries/s on one
core, memory per indexed article (tracemalloc), time to rebuild the index from SQLite, and
precision/recall of ``Deduplicator.check`` against the ground truth, overall and at J ≥ 0.8.
The shingle-size table at the end is measured on the sample sites' real reprint pairs.
"""
from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
import time
import tracemalloc
from pathlib import Path

import jieba
import numpy as np

from yrdwatch.db.bands import SQLiteBandIndex
from yrdwatch.extract.article import article_from_bytes
from yrdwatch.extract.dedup import DEFAULT_THRESHOLD, Deduplicator, shingle_hashes, signature, signature_from_bytes, signature_to_bytes
from yrdwatch.sample_sites.site import SampleSites

jieba.setLogLevel(60)


def vocabulary(site: SampleSites) -> list[str]:
    text = "".join("".join(s.paragraphs) for s in site.stories)
    return [w for w in jieba.lcut(text) if w.strip() and not w.isspace()]


def sentence(rng: random.Random, words: list[str]) -> str:
    return "".join(rng.choice(words) for _ in range(rng.randint(8, 25))) + "。"


def article(rng, words, length=1500) -> list[str]:
    out, total = [], 0
    while total < length:
        out.append(sentence(rng, words))
        total += len(out[-1])
    return out


def exact_jaccard(a: str, b: str) -> float:
    x, y = shingle_hashes(a), shingle_hashes(b)
    inter = len(np.intersect1d(x, y, assume_unique=True))
    return inter / (len(x) + len(y) - inter)


def build_corpus(n: int, copy_share: float, seed: int, words: list[str]):
    rng = random.Random(seed)
    originals = ["".join(article(rng, words)) for _ in range(n)]
    copies = []  # (original index, copy text, exact Jaccard)
    for i in rng.sample(range(n), int(n * copy_share)):
        sentences = originals[i].split("。")
        keep = rng.uniform(0.3, 1.0)
        edited = [s if rng.random() < keep else sentence(rng, words)[:-1] for s in sentences]
        text = "。".join(edited)
        copies.append((i, text, exact_jaccard(originals[i], text)))
    return originals, copies


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}/s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--copies", type=float, default=0.05, help="share of articles given a planted copy")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    site = SampleSites("http://127.0.0.1:8765")
    words = vocabulary(site)
    t = time.perf_counter()
    originals, copies = build_corpus(args.articles, args.copies, args.seed, words)
    print(f"corpus: {len(originals):,} articles (mean {sum(map(len, originals)) / len(originals):,.0f} chars), "
          f"{len(copies):,} planted copies, built in {time.perf_counter() - t:.1f} s")

    t = time.perf_counter()
    sigs = [signature(text) for text in originals]
    sign_s = time.perf_counter() - t
    print(f"signatures:            {rate(len(sigs), sign_s)}  ({sign_s * 1000 / len(sigs):.2f} ms each)")

    blobs = {f"a{i}": signature_to_bytes(s) for i, s in enumerate(sigs)}
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    index = Deduplicator(threshold=args.threshold, lookup=lambda k: signature_from_bytes(blobs[k]))
    t = time.perf_counter()
    index.add_many((f"a{i}", s) for i, s in enumerate(sigs))
    insert_s = time.perf_counter() - t
    lsh_bytes = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    print(f"LSH inserts:           {rate(len(sigs), insert_s)}")
    print(f"memory per article:    {lsh_bytes / len(sigs):,.0f} B in the LSH index "
          f"+ {len(next(iter(blobs.values())))} B signature (kept in SQLite, not in RAM)")

    copy_sigs = [signature(text) for _, text, _ in copies]
    t = time.perf_counter()
    results = [index.check(s) for s in copy_sigs]
    query_s = time.perf_counter() - t
    per_article = sign_s / len(sigs) + query_s / len(copies)
    print(f"LSH query + confirm:   {rate(len(copies), query_s)}")
    print(f"signature + query:     {1 / per_article:,.0f} articles/s on one core")

    truth = [(f"a{i}", j) for i, _, j in copies]
    tp = sum(1 for (key, j), m in zip(truth, results) if m and m.key == key and j >= args.threshold)
    predicted = sum(1 for m in results if m)
    positives = sum(1 for _, j in truth if j >= args.threshold)
    high = [(key, m) for (key, j), m in zip(truth, results) if j >= 0.8]
    print(f"accuracy at {args.threshold}:      precision {tp / max(predicted, 1):.3f}  recall {tp / max(positives, 1):.3f}"
          f"  ({positives} planted pairs over the threshold, {predicted} reported)")
    print(f"recall at J >= 0.8:    {sum(1 for key, m in high if m and m.key == key) / max(len(high), 1):.3f}  ({len(high)} pairs)")

    with tempfile.TemporaryDirectory() as tmp:
        db = sqlite3.connect(Path(tmp) / "bench.db", isolation_level=None)
        db.execute("create table articles (url text primary key, signature blob)")
        db.execute("begin")
        db.executemany("insert into articles values (?, ?)", blobs.items())
        db.execute("commit")
        t = time.perf_counter()
        rebuilt = Deduplicator(threshold=args.threshold)
        rebuilt.add_many((url, signature_from_bytes(blob)) for url, blob in db.execute("select url, signature from articles"))
        rebuild_s = time.perf_counter() - t
        print(f"rebuild from SQLite:   {rebuild_s:.2f} s for {len(blobs):,} (≈ {rebuild_s * 1_000_000 / len(blobs):.0f} s per million)")

        print("\nthe default index: LSH bands in SQLite (db/bands.py), same signatures")
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        lookup = lambda k: signature_from_bytes(blobs[k])  # noqa: E731 - the benchmark's stand-in for SQLite
        banded = Deduplicator(threshold=args.threshold, lookup=lookup, index=SQLiteBandIndex(db, args.threshold))
        t = time.perf_counter()
        banded.add_many((f"a{i}", s) for i, s in enumerate(sigs))
        band_s = time.perf_counter() - t
        band_bytes = tracemalloc.get_traced_memory()[0] - base
        tracemalloc.stop()
        t = time.perf_counter()
        band_results = [banded.check(s) for s in copy_sigs]
        band_query_s = time.perf_counter() - t
        t = time.perf_counter()
        reopened = Deduplicator(threshold=args.threshold, lookup=lookup, index=SQLiteBandIndex(db, args.threshold))
        reopened.check(copy_sigs[0])
        start_s = time.perf_counter() - t
        size = Path(tmp, "bench.db").stat().st_size
        db.close()
    same = sum(1 for a, b in zip(results, band_results) if (a and a.key) == (b and b.key))
    print(f"band inserts:          {rate(len(sigs), band_s)} (≈ {band_s * 1_000_000 / len(sigs):.0f} s to re-band a million)")
    print(f"memory per article:    {band_bytes / len(sigs):,.0f} B in Python; on disk {size / len(sigs):,.0f} B "
          f"(bands + signature + URL)")
    print(f"query + confirm:       {rate(len(copies), band_query_s)}; "
          f"signature + query {1 / (sign_s / len(sigs) + band_query_s / len(copies)):,.0f} articles/s")
    print(f"start with the index:  {start_s * 1000:.0f} ms (nothing to rebuild); same answers as in memory: {same}/{len(copies)}")

    print("\nshingle size on the sample sites' real pairs (Jaccard): reprint pairs | similar but different | max other pair")
    pages = {s.id: article_from_bytes(site.resources[s.path].body, url=s.path).analysis_text for s in site.stories}
    match = [("seed-004-liangxi-signing", "yrd-liangxi-signing-reprint"), ("sz-2023-0228-sip-ic-kaigong", "yrd-2023-0301-sip-ic-reprint")]
    different = ("lx-2024-0315-sensor-signing", "lx-2024-0521-medical-signing")
    ids = list(pages)
    for size in (2, 3, 4, 5, 6):
        def jac(a, b, size=size):
            x, y = shingle_hashes(pages[a], size), shingle_hashes(pages[b], size)
            inter = len(np.intersect1d(x, y))
            return inter / (len(x) + len(y) - inter)
        others = max(jac(a, b) for i, a in enumerate(ids) for b in ids[i + 1:] if (a, b) not in match and (b, a) not in match)
        print(f"  {size}-grams: {' '.join(f'{jac(a, b):.2f}' for a, b in match)} | {jac(*different):.2f} | {others:.2f}")


if __name__ == "__main__":
    main()
