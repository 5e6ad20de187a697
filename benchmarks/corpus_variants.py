"""Give part of the corpus the scripts real reprint sites use: Traditional, and Traditional with
inline pinyin — the way ``../shared/corpus`` was made.

    python benchmarks/corpus_variants.py [--dir corpus] [--share 0.3]

Articles are written in Simplified (``corpus/articles``, label ``script: simplified``). A fixed,
hash-chosen share of them (by id: re-running changes nothing) is converted in place:

- half to ``traditional``: OpenCC ``s2hk``;
- half to ``traditional+pinyin``: OpenCC ``s2tw``, then a context-free reading in ASCII parentheses
  after a per-article subset of characters (发(fā), 长(zhǎng)三角: some readings are wrong in
  context, as on auto-annotated reprint sites; 亿 is never annotated).

The label keeps its Simplified strings (the contract); ``script`` is updated and each
``boilerplate_markers`` string is converted with the article so that it still stands in it (a
marker that the conversion splits differently is dropped, leaving at least one). Needs
``pypinyin`` (``pip install -e '.[train]'``).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
from pathlib import Path

import opencc

ROOT = Path(__file__).resolve().parents[1]
_NEVER = set("亿億0123456789")


def _share(item_id: str) -> float:
    return int(hashlib.sha1(("variant:" + item_id).encode()).hexdigest()[:8], 16) / 0xFFFFFFFF


def readings(text: str, item_id: str) -> dict[str, str]:
    """A reading for a subset (about one in six) of the kinds of Han characters of an article."""
    from pypinyin import Style, pinyin

    rng = random.Random(item_id)
    kinds = sorted({ch for ch in text if "\u4e00" <= ch <= "\u9fff" and ch not in _NEVER})
    chosen = [ch for ch in kinds if rng.random() < 0.16]
    return {ch: r for ch in chosen if (r := pinyin(ch, style=Style.TONE, heteronym=False)[0][0]) != ch}


def annotate(text: str, reading: dict[str, str]) -> str:
    return "".join(f"{ch}({reading[ch]})" if ch in reading else ch for ch in text)


def converter(script: str):
    """The article's conversion, to apply to its markers as well."""
    return opencc.OpenCC("s2hk" if script == "traditional" else "s2tw").convert


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", type=Path, default=ROOT / "corpus")
    ap.add_argument("--share", type=float, default=0.3)
    args = ap.parse_args()
    changed = 0
    for label_path in sorted((args.dir / "labels").glob("*.json")):
        label = json.loads(label_path.read_text(encoding="utf-8"))
        share = _share(label_path.stem)
        if label.get("script") != "simplified" or share >= args.share:
            continue
        script = "traditional" if share < args.share / 2 else "traditional+pinyin"
        article = args.dir / "articles" / f"{label_path.stem}.txt"
        to_script = converter(script)
        text = to_script(article.read_text(encoding="utf-8"))
        markers = [to_script(m) for m in label.get("boilerplate_markers") or []]
        if script == "traditional+pinyin":
            reading = readings(text, label_path.stem)
            text, markers = annotate(text, reading), [annotate(m, reading) for m in markers]
        kept = [m for m in markers if m in text]
        if markers and not kept:
            print(f"{label_path.stem}: no marker survives conversion; left simplified")
            continue
        label["script"] = script
        if markers:
            label["boilerplate_markers"] = kept
        article.write_text(text, encoding="utf-8")
        label_path.write_text(json.dumps(label, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        changed += 1
    print(f"{changed} articles converted")


if __name__ == "__main__":
    main()
