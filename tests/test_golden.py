"""Golden outputs: the extractor's whole output on every bundled input, committed, so that every
change of output shows in the diff and is reviewed (as Fundus' parser tests do).

Inputs: the corpus (``corpus/articles``), the invented labelled pages (``tests/labelled/articles``),
the sample sites' content (``sample_sites/content``) and, when ``../shared`` stands beside the
checkout, the seeds. Outputs: ``tests/golden/NAME.jsonl``, one ``yrdwatch extract --json`` line per
input with the input's path relative to the repository.

After a deliberate change of the extractor, re-bless and read the diff:

    python tests/test_golden.py --bless
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
INPUTS = {
    "corpus": ROOT / "corpus" / "articles",
    "labelled": ROOT / "tests" / "labelled" / "articles",
    "sample_sites": ROOT / "sample_sites" / "content",
    "seeds": ROOT.parent / "shared" / "seeds" / "articles",
}


def _paths(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in (".txt", ".html", ".htm"))


def outputs(name: str) -> list[dict]:
    from yrdwatch.extract.article import article_from_file
    from yrdwatch.extract.page import PageError
    from yrdwatch.output import contract_record

    records = []
    for path in _paths(INPUTS[name]):
        shown = path.relative_to(INPUTS[name].parent.parent if name == "seeds" else ROOT).as_posix()
        try:
            records.append(contract_record(shown, article_from_file(path)))
        except PageError as exc:
            records.append(contract_record(shown, None, str(exc)))
    return records


def _line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True)


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_output_is_the_blessed_one(name):
    if not INPUTS[name].is_dir():
        pytest.skip(f"{INPUTS[name]} is not here")
    golden = GOLDEN / f"{name}.jsonl"
    assert golden.exists(), f"no {golden}: run python tests/test_golden.py --bless"
    want = {json.loads(line)["input"]: line for line in golden.read_text(encoding="utf-8").splitlines()}
    got = {r["input"]: _line(r) for r in outputs(name)}
    assert sorted(got) == sorted(want), "inputs added or removed: re-bless"
    changed = [key for key in got if got[key] != want[key]]
    assert not changed, (f"{len(changed)} outputs changed, e.g. {changed[:5]}; "
                         "if intended: python tests/test_golden.py --bless, and review the diff")


def bless() -> None:
    GOLDEN.mkdir(exist_ok=True)
    for name, folder in INPUTS.items():
        if folder.is_dir():
            lines = [_line(r) for r in outputs(name)]
            (GOLDEN / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
            print(f"{GOLDEN / name}.jsonl: {len(lines)} outputs")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if sys.argv[1:] != ["--bless"]:
        sys.exit("usage: python tests/test_golden.py --bless")
    bless()
