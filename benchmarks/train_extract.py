"""Train the extractor's learned decisions and write ``extract/data/decisions.json``.

    python benchmarks/train_extract.py [--no-shared] [--out FILE]

Reproducible: the same items give the same file (lbfgs from zeros, weights rounded to 4 places,
keys sorted). Trained on every development item (``benchmarks/corpus.py``: this repository's
``corpus/``, ``../shared/corpus`` when it stands beside the checkout, ``tests/labelled``), never on
the frozen split. Needs scikit-learn (``pip install -e '.[train]'``); the extractor itself reads
the JSON with the standard library. Measure before shipping: ``benchmarks/corpus_cv.py``.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import corpus  # noqa: E402
import learning  # noqa: E402
from yrdwatch.extract.decide import MODEL_PATH  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-shared", action="store_true", help="leave out ../shared/corpus")
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    args = ap.parse_args()
    items = corpus.development_items(corpus.all_items(shared=not args.no_shared))
    reads = learning.read_items(items)
    data = learning.fit(reads)
    data["trained_on"] = {"items": len(reads), "outlets": len({r.item.outlet_key for r in reads})}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(learning.dump(data), encoding="utf-8")
    sizes = ", ".join(f"{d} {v['examples']} ({v.get('positives', 0)} +)" for d, v in data["decisions"].items())
    print(f"{args.out}: trained on {len(reads)} items; examples: {sizes}")


if __name__ == "__main__":
    main()
