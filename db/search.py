"""Full-text search over articles and projects that finds two-character Chinese words.

SQLite has no Chinese tokenizer: ``unicode61`` keeps a whole run of Han characters as one token
and ``trigram`` matches nothing shorter than three characters, so 汾湖 or 芯片 would never be
found. Each row is therefore indexed as a column of words cut by jieba from its analysis text
(pinyin ruby stripped, Traditional → Simplified, full-width folded), separated by spaces for
``unicode61``: a Traditional page is found by a Simplified query. Besides each word, the
dictionary words inside it are indexed too (苏州工业园区 → 苏州, 工业, 园区, 工业园区), so a query
for a part of a long name still finds it. A query goes through the same cut
(:func:`match_expression`, installed as Datasette's ``escape_fts`` by ``yrdwatch.db.datasette_plugin``).

Place names of the administrative-division gazetteer are added to a private jieba dictionary, so
梁溪 or 青浦 are words even where jieba's general dictionary lacks them; the global jieba
instance, which other modules may use, is left untouched.

The index tables are ``articles_fts`` and ``projects_fts`` (FTS5, rowid = the row's rowid, the
row's key kept beside the words to notice rowids that changed, e.g. after VACUUM). ``yrdwatch.db.store``
indexes each article it writes in the same transaction, and adds to a project's words only the
words of its new mention (a project named by hundreds of articles is not cut again for each new
one). :func:`sync` indexes what an older yrdwatch stored before the index existed; once it has
checked a database in full it records so (``search_meta``), and later starts only check that the
index still ends where its tables end, without reading them.
"""
from __future__ import annotations

import contextlib
import io
import json
import logging
from datetime import datetime, timezone
from functools import lru_cache
from typing import TYPE_CHECKING, Callable, Iterable

from yrdwatch.db.transactions import write_transaction
from yrdwatch.extract.normalize import analysis_text

if TYPE_CHECKING:
    import jieba

# The searchable tables: index table and the key column it keeps beside the words.
INDEXES = {"articles": ("articles_fts", "url"), "projects": ("projects_fts", "id")}

# A place name missing from jieba's dictionary gets a low frequency: enough to beat its single
# characters ("梁溪区" rather than 梁/溪/区), not enough to break a common word it overlaps
# ("平台安全" stays 平台/安全 although 台安 is a county).
PLACE_NAME_FREQ = 20
BATCH = 500  # rows indexed per transaction by sync(): short write locks beside a running crawl


def _place_names() -> set[str]:
    """Provinces, cities and counties with their short names, from jionlp's gazetteer."""
    with contextlib.redirect_stdout(io.StringIO()):  # jionlp prints a banner on import
        import jionlp
    names: set[str] = set()
    for province, cities in jionlp.china_location_loader().items():
        names.update((province, cities["_alias"]))
        for city, counties in cities.items():
            if city.startswith("_"):
                continue
            names.update((city, *counties["_alias"]))
            names.update(name for county, info in counties.items() if not county.startswith("_")
                         for name in (county, info["_alias"]))
    return {name for name in names if len(name) >= 2 and "直辖" not in name}


@lru_cache(maxsize=1)
def tokenizer() -> jieba.Tokenizer:
    """A jieba instance of our own with the gazetteer's place names (loading takes ~1 s)."""
    import jieba  # here, not at the top: every CLI command imports db.store, few of them cut words

    jieba.setLogLevel(logging.WARNING)
    own = jieba.Tokenizer()
    own.initialize()
    for name in _place_names():
        if not own.FREQ.get(name):
            own.add_word(name, freq=PLACE_NAME_FREQ)
    return own


def _is_word(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


def index_words(text: str) -> str:
    """The words indexed for ``text``: each jieba word and the dictionary words inside it, each
    once: a query needs its words anywhere in the row, not their order or number, and the
    index is a quarter smaller than with the whole word sequence."""
    return _words_of_analysed(analysis_text(text))


def _words_of_analysed(text: str) -> str:
    """:func:`index_words` of a text already in its analysis form."""
    cut = tokenizer()
    words = {}
    for word in cut.cut(text):
        if not _is_word(word):
            continue
        words[word] = None
        for size in range(len(word) - 1, 1, -1):
            words.update((word[i:i + size], None) for i in range(len(word) - size + 1) if cut.FREQ.get(word[i:i + size]))
    return " ".join(words)


def query_words(query: str) -> list[str]:
    """The words a query must all match: its jieba cut (Simplified), each once."""
    return list(dict.fromkeys(w for w in tokenizer().cut(analysis_text(query)) if _is_word(w)))


def match_expression(query: str | None) -> str:
    """FTS5 MATCH text for a search box query: every word quoted (FTS syntax in the query is
    taken literally, as Datasette's own escaping does) and all of them required."""
    return " ".join('"' + word.replace('"', '""') + '"' for word in query_words(query or "")) or '""'


# --- keeping the index ---------------------------------------------------------------------
def _article_text(conn, rowid: int) -> str:
    title, text = conn.execute("select title, text from articles where rowid = ?", [rowid]).fetchone()
    return f"{title or ''}\n{text or ''}"


def _project_text(conn, rowid: int) -> str:
    """A project is found by its name, place and park, and by the parties and industries of the
    announcements that mention it (宁德时代 finds the projects it signed)."""
    project_id, *fields = conn.execute("select id, name, province, city, district, park from projects where rowid = ?",
                                       [rowid]).fetchone()
    for parties, industries in conn.execute(
            "select a.parties, a.industries from project_mentions m join announcements a on a.id = m.announcement_id "
            "where m.project_id = ?", [project_id]):
        fields += json.loads(parties or "[]") + json.loads(industries or "[]")
    return " ".join(field for field in fields if field)


TEXT_OF: dict[str, Callable] = {"articles": _article_text, "projects": _project_text}


def _write(conn, table: str, rowid: int, key_value, words: str) -> None:
    fts, key = INDEXES[table]
    conn.execute(f"insert or replace into {fts} (rowid, {key}, words) values (?, ?, ?)", [rowid, key_value, words])


def _index_rows(conn, table: str, rowids: Iterable[int]) -> None:
    key = INDEXES[table][1]
    for rowid in rowids:
        (key_value,) = conn.execute(f"select {key} from {table} where rowid = ?", [rowid]).fetchone()
        _write(conn, table, rowid, key_value, index_words(TEXT_OF[table](conn, rowid)))


def article_words(title: str | None, analysed_text: str) -> str:
    """The indexed words of an article, from its title and the analysis text of its text
    (``Article.analysis_text``): the same words as :func:`sync` makes from the stored row. Made
    by the writer before it takes the write lock (cutting is the slow part)."""
    return _words_of_analysed(f"{analysis_text(title or '')}\n{analysed_text}")


def index_article(conn, url: str, words: str) -> None:
    """(Re-)index one stored article with its :func:`article_words`; the caller's transaction covers it."""
    (rowid,) = conn.execute("select rowid from articles where url = ?", [url]).fetchone()
    _write(conn, "articles", rowid, url, words)


def index_projects(conn, ids: Iterable[str]) -> None:
    """(Re-)index projects from all their mentions (after mentions were removed)."""
    ids = list(ids)
    rowids = conn.execute(f"select rowid from projects where id in ({','.join('?' * len(ids))})", ids)
    _index_rows(conn, "projects", [r[0] for r in rowids])


def add_project_words(conn, project_id: str, fields: Iterable[str | None]) -> None:
    """Add a new mention's words (its place, park, parties, industries) to a project's entry; a
    project without an entry yet is indexed in full (it has only this mention). The cost is that
    of the mention, not of the project's earlier mentions."""
    (rowid,) = conn.execute("select rowid from projects where id = ?", [project_id]).fetchone()
    row = conn.execute("select id, words from projects_fts where rowid = ?", [rowid]).fetchone()
    if row is None or row[0] != project_id:
        _index_rows(conn, "projects", [rowid])
        return
    words = dict.fromkeys(row[1].split())
    words.update(dict.fromkeys(index_words(" ".join(f for f in fields if f)).split()))
    if len(words) > len(row[1].split()):
        _write(conn, "projects", rowid, project_id, " ".join(words))


def _index_is_current(conn) -> bool:
    """Whether a database that was synced in full still looks it, from a few rows at the ends of
    each table (an index lookup each): no row added after the index's last entry, and the last
    and first entries still name the rows at their rowids (VACUUM renumbers rows)."""
    if conn.execute("select 1 from search_meta where key = 'synced'").fetchone() is None:
        return False
    for table, (fts, key) in INDEXES.items():
        for end in ("max", "min"):
            (rowid,) = conn.execute(f"select {end}(rowid) from {table}").fetchone()
            if rowid is None:
                continue
            indexed = conn.execute(f"select {key} from {fts} where rowid = ?", [rowid]).fetchone()
            (value,) = conn.execute(f"select {key} from {table} where rowid = ?", [rowid]).fetchone()
            if indexed is None or indexed[0] != value:
                return False
        (last_entry,) = conn.execute(f"select max(rowid) from {fts}").fetchone()
        (last_row,) = conn.execute(f"select max(rowid) from {table}").fetchone()
        if last_entry is not None and (last_row is None or last_entry > last_row):
            return False
    return True


def sync(conn, progress: Callable[[str], None] | None = None, full: bool = False) -> dict[str, int]:
    """Bring the index up to the tables (``conn`` in autocommit mode, as db.store opens it): drop
    entries whose row is gone or whose rowid now holds another row, then index the rows that have
    none, in short transactions. Idempotent; returns the number of rows indexed per table.

    Since yrdwatch indexes every row in the transaction that writes it, a database checked in
    full once stays in step: later calls only run :func:`_index_is_current` (unless ``full``),
    so ``yrdwatch serve`` starts in the same time on any size of database."""
    if not full and _index_is_current(conn):
        return {table: 0 for table in INDEXES}
    indexed = {}
    for table, (fts, key) in INDEXES.items():
        stale = [[r[0]] for r in conn.execute(
            f"select f.rowid from {fts} f left join {table} t on t.rowid = f.rowid where t.{key} is not f.{key}")]
        if stale:
            write_transaction(conn, lambda: conn.executemany(f"delete from {fts} where rowid = ?", stale))
        missing = [r[0] for r in conn.execute(f"select rowid from {table} where rowid not in (select rowid from {fts})")]
        if progress and missing:
            progress(f"indexing {len(missing)} {table} for search")
        for start in range(0, len(missing), BATCH):
            write_transaction(conn, lambda: _index_rows(conn, table, missing[start:start + BATCH]))
        indexed[table] = len(missing)
    write_transaction(conn, lambda: conn.execute("insert or replace into search_meta values ('synced', ?)",
                                                 [datetime.now(timezone.utc).isoformat(timespec="seconds")]))
    return indexed
