from extract.dedup import Deduplicator, signature, signature_from_bytes, signature_to_bytes
from extract.normalize import analysis_text, strip_pinyin_ruby, to_simplified
from extract.page import read_text

from conftest import SEED_ARTICLES


def seed(name):
    return read_text((SEED_ARTICLES / name).read_text(encoding="utf-8"))


def test_traditional_page_and_its_simplified_reprint_match():
    original = seed("004_2a77f842b42bd0aa.txt")
    reprint = to_simplified(strip_pinyin_ruby(original.text))
    index = Deduplicator()
    index.add("original", signature(analysis_text(original.text)))
    match = index.check(signature(analysis_text(reprint)))
    assert match is not None and match.key == "original" and match.similarity > 0.9


def test_reprint_with_a_sentence_added_and_one_dropped_matches():
    original = seed("000_fcb5823ba6dce963.txt").text
    lines = original.splitlines()
    edited = "记者从吴江区获悉，" + "\n".join(lines[:-1])
    index = Deduplicator()
    index.add("original", signature(analysis_text(original)))
    assert index.check(signature(analysis_text(edited))) is not None


def test_different_stories_do_not_match():
    index = Deduplicator()
    for name in ("000_fcb5823ba6dce963.txt", "001_414e468a296fc206.txt", "002_5b33a394898bd0f2.txt"):
        index.add(name, signature(analysis_text(seed(name).text)))
    assert index.check(signature(analysis_text(seed("003_4632641b07faa0c9.txt").text))) is None


def test_signature_round_trip_through_bytes():
    sig = signature(analysis_text(seed("003_4632641b07faa0c9.txt").text))
    again = signature_from_bytes(signature_to_bytes(sig))
    assert again.jaccard(sig) == 1.0
