"""The search index beside the tables: kept by every write, rebuilt where missing, queries escaped."""
import sqlite3

import pytest

from conftest import SEED_ARTICLES
from yrdwatch.db import search
from yrdwatch.db.browse import prepare


@pytest.fixture
def ingested(run_cli, db_path):
    """The five seed articles (three Traditional) stored through the pipeline."""
    assert run_cli("ingest", *sorted(SEED_ARTICLES.glob("*.txt"))).exit_code == 0
    db = sqlite3.connect(db_path, isolation_level=None)
    yield db
    db.close()


def counts(db) -> tuple[int, int, int, int]:
    return tuple(db.execute(f"select count(*) from {t}").fetchone()[0]
                 for t in ("articles", "articles_fts", "projects", "projects_fts"))


def found(db, table: str, query: str) -> set:
    fts, key = search.INDEXES[table]
    return {r[0] for r in db.execute(f"select {key} from {fts} where {fts} match ?", [search.match_expression(query)])}


def fenhu_article(db) -> str:
    return db.execute("select url from articles where text like '%汾湖%' order by url limit 1").fetchone()[0]


def test_every_write_keeps_one_index_row_per_row(ingested, run_cli):
    articles, indexed, projects, indexed_projects = counts(ingested)
    assert articles == indexed == 5 and projects == indexed_projects > 0
    assert run_cli("ingest", *sorted(SEED_ARTICLES.glob("*.txt"))).exit_code == 0  # stored again: unchanged
    assert counts(ingested) == (articles, indexed, projects, indexed_projects)
    url = fenhu_article(ingested)
    ingested.execute("update articles_fts set words = 'stale' where url = ?", [url])
    assert url not in found(ingested, "articles", "汾湖")
    assert run_cli("reprocess").exit_code == 0  # rewrites every article, and so its index row
    assert counts(ingested) == (articles, indexed, projects, indexed_projects)
    assert url in found(ingested, "articles", "汾湖") and not found(ingested, "articles", "stale")


def test_a_database_without_an_index_gets_one_once(ingested, db_path):
    articles, _, projects, _ = counts(ingested)
    ingested.executescript("drop table articles_fts; drop table projects_fts;")  # as an older yrdwatch made it
    assert prepare(db_path) == {"articles": articles, "projects": projects}
    assert prepare(db_path) == {"articles": 0, "projects": 0}
    assert counts(ingested) == (articles, articles, projects, projects)
    assert fenhu_article(ingested) in found(ingested, "articles", "汾湖")


def test_rows_whose_rowid_changed_are_indexed_again(ingested, db_path):
    url = fenhu_article(ingested)
    ingested.execute("update articles set rowid = rowid + 1000 where url = ?", [url])  # what VACUUM may do
    assert prepare(db_path) == {"articles": 1, "projects": 0}
    rowids = {r[0] for r in ingested.execute(
        "select rowid from articles_fts where articles_fts match ?", [search.match_expression("汾湖")])}
    assert ingested.execute("select rowid from articles where url = ?", [url]).fetchone()[0] in rowids
    assert counts(ingested)[0] == counts(ingested)[1]


def test_queries_are_cut_like_the_index_and_never_break_the_match(ingested):
    assert search.query_words("蘇州工業園區 芯片") == ["苏州工业园区", "芯片"]
    for query in ['"', 'a"b', "NOT", "*", "芯片 OR", "(", "'", "NEAR(汾湖", "", "   ", "：，。"]:
        ingested.execute("select count(*) from articles_fts where articles_fts match ?", [search.match_expression(query)])


def test_a_new_mention_adds_its_words_to_its_project_as_a_full_reindex_would(tmp_path):
    from yrdwatch.db.store import Store
    from yrdwatch.extract.models import Announcement, Article, Page, Project

    store = Store(tmp_path / "mentions.db")

    def mention(url: str, parties: list[str], industries: list[str], park=None) -> None:
        ann = Announcement(event_type="签约", province="江苏省", city="苏州市", district="吴江区", park=park,
                           projects=[Project(name="汾湖智造星舰超级工厂项目", investment_cny=2_000_000_000)],
                           parties=parties, industries=industries)
        text = f"{'、'.join(parties)}签约汾湖智造星舰超级工厂项目。"
        store.save_article(url, "test", Article(Page("签约", None, "测试报", text, "simplified"), text, [ann]),
                           signature=None, duplicate_of=None, similarity=None)

    mention("https://a.example/1.html", ["吴江区人民政府"], ["高端装备"])
    mention("https://b.example/2.html", ["宁德时代"], ["新能源汽车"], park="汾湖高新区")
    db = store.db.conn
    (project_id, words), = db.execute("select id, words from projects_fts")
    assert db.execute("select mentions from projects where id = ?", [project_id]).fetchone()[0] == 2
    assert project_id in found(db, "projects", "宁德时代") & found(db, "projects", "高端装备")
    (rowid,) = db.execute("select rowid from projects where id = ?", [project_id]).fetchone()
    assert set(words.split()) == set(search.index_words(search._project_text(db, rowid)).split())
    store.close()
