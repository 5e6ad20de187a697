from yrdwatch.extract.dedup import Deduplicator, signature, signature_from_bytes, signature_to_bytes
from yrdwatch.extract.normalize import analysis_text, strip_pinyin_ruby, to_simplified
from yrdwatch.extract.page import read_text

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


def test_an_original_stored_after_its_reprint_becomes_the_original(run_cli, db_path, tmp_path):
    import sqlite3

    original = (SEED_ARTICLES / "000_fcb5823ba6dce963.txt").read_text(encoding="utf-8")  # dated 2020-08-12
    reprint = tmp_path / "reprint.txt"
    reprint.write_text("发布时间：2020-08-20\n" + to_simplified(strip_pinyin_ruby(original.split("\n", 1)[1])), encoding="utf-8")
    assert run_cli("ingest", reprint).exit_code == 0
    assert run_cli("ingest", SEED_ARTICLES / "000_fcb5823ba6dce963.txt").exit_code == 0
    rows = dict(sqlite3.connect(db_path).execute("select url, duplicate_of from articles"))
    assert rows[reprint.resolve().as_uri()] == (SEED_ARTICLES / "000_fcb5823ba6dce963.txt").resolve().as_uri()
    assert rows[(SEED_ARTICLES / "000_fcb5823ba6dce963.txt").resolve().as_uri()] is None


def test_sqlite_band_index_finds_what_datasketch_finds(tmp_path):
    import sqlite3

    from yrdwatch.db.bands import SQLiteBandIndex
    from yrdwatch.extract.dedup import datasketch_index

    conn = sqlite3.connect(tmp_path / "b.db", isolation_level=None)
    names = ("000_fcb5823ba6dce963.txt", "001_414e468a296fc206.txt", "002_5b33a394898bd0f2.txt",
             "003_4632641b07faa0c9.txt", "004_2a77f842b42bd0aa.txt")
    sigs = {name: signature(analysis_text(seed(name).text)) for name in names}
    in_sql, in_memory = Deduplicator(index=SQLiteBandIndex(conn, 0.5)), Deduplicator(index=datasketch_index(0.5))
    for index in (in_sql, in_memory):
        assert index.is_empty()
        index.add_many(sigs.items())
        assert not index.is_empty() and names[0] in index
    reprint = signature(analysis_text(to_simplified(strip_pinyin_ruby(seed(names[4]).text))))
    assert in_sql.check(reprint).key == in_memory.check(reprint).key == names[4]
    assert in_sql.check(reprint, exclude=names[4]) is None
    reopened = Deduplicator(lookup=sigs.get, index=SQLiteBandIndex(sqlite3.connect(tmp_path / "b.db"), 0.5))
    assert reopened.check(reprint).key == names[4]  # nothing to rebuild: the bands are on disk
