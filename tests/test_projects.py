"""One row per real-world project: merging mentions across reports, and "new" meaning first sighting."""
from yrdwatch.db.projects import fold_project_name, investments_agree, places_agree
from yrdwatch.db.store import Store
from yrdwatch.extract.models import Announcement, Article, Page, Project


def article(text, projects, **place):
    page = Page(title=None, published_at="2024-03-01", outlet="某报", text=text, script="simplified")
    return Article(page=page, analysis_text=text,
                   announcements=[Announcement(event_type="签约", projects=projects, **place)])


def save(store, url, art):
    return store.save_article(url, "test", art, signature=None, duplicate_of=None, similarity=None)


def test_fold_project_name():
    assert fold_project_name("苏州三峡“水管家”项目") == fold_project_name("苏州三峡水管家项目") == "苏州三峡水管家"
    assert fold_project_name("绿地(苏州)高科技产业有限公司") == fold_project_name("绿地（苏州）高科技产业有限公司")
    assert fold_project_name("项目") == "项目"


def test_places_and_investments_agree():
    assert places_agree({"province": "江苏省", "city": "苏州市"}, {"province": "江苏省", "city": "苏州市", "district": "吴江区"})
    assert not places_agree({"city": "苏州市"}, {"city": "无锡市"})
    assert investments_agree(None, 10**9) and investments_agree(10**9, 11 * 10**8)
    assert not investments_agree(10**9, 5 * 10**9)


def test_one_project_reported_twice_in_different_words(tmp_path):
    store = Store(tmp_path / "p.db")
    save(store, "http://a/1", article("甲", [Project("苏州三峡“水管家”项目")], province="江苏省", city="苏州市"))
    save(store, "http://b/2", article("乙", [Project("苏州三峡水管家项目", 500_000_000)],
                                      province="江苏省", city="苏州市", district="吴江区"))
    rows = list(store.db.query("select * from projects"))
    assert len(rows) == 1
    assert rows[0]["mentions"] == 2 and rows[0]["district"] == "吴江区" and rows[0]["investment_cny"] == 500_000_000
    assert rows[0]["first_article_url"] == "http://a/1"
    outlets = list(store.db.query("select article_url from project_mentions order by article_url"))
    assert [r["article_url"] for r in outlets] == ["http://a/1", "http://b/2"]


def test_same_name_elsewhere_or_for_another_amount_is_another_project(tmp_path):
    store = Store(tmp_path / "p.db")
    save(store, "http://a/1", article("甲", [Project("智能装备产业园项目", 1_000_000_000)], city="苏州市"))
    save(store, "http://b/2", article("乙", [Project("智能装备产业园项目")], city="合肥市"))
    save(store, "http://c/3", article("丙", [Project("智能装备产业园项目", 8_000_000_000)], city="苏州市"))
    assert store.db["projects"].count == 3


def test_restart_and_re_saving_keep_first_sighting(tmp_path):
    path = tmp_path / "p.db"
    store = Store(path)
    save(store, "http://a/1", article("甲", [Project("某新能源电池项目")], city="常州市"))
    first = store.db.execute("select first_seen, mentions from projects").fetchone()
    store.close()
    again = Store(path)  # a restart: nothing in memory
    assert save(again, "http://a/1", article("甲改", [Project("某新能源电池项目")], city="常州市")) == "updated"
    save(again, "http://z/9", article("又一篇", [Project("某新能源电池项目")], city="常州市", district="武进区"))
    row = again.db.execute("select first_seen, mentions from projects").fetchone()
    assert row[0] == first[0] and row[1] == 2
