"""One definition of every total: on one crawled database, the digest's totals by city, its
chart's bars and Datasette's canned queries (a real `yrdwatch serve`, its JSON API) agree, because
all of them read the `project_amounts` view; a foreign-currency project stays in its currency
everywhere and is never compared or summed as yuan; a batch total and its parts are stored as
such. The same server serves each subscription's Atom feed, checked against the Atom rules."""
from __future__ import annotations

import json
import sqlite3
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import feedparser
import pytest
from lxml import etree, html as lxml_html

import test_serve
from conftest import copy_database, invoke
from yrdwatch.alerts.chart import bars
from yrdwatch.alerts.query import arrange, money
from yrdwatch.extract.money import CURRENCY_NAMES, parse_amount

pytestmark = pytest.mark.xdist_group("sample_crawl")  # one parallel worker crawls once (conftest)

ATOM = "{http://www.w3.org/2005/Atom}"
YI = 100_000_000
USD_PROJECT = "宏昱光电车载光学模组生产基地项目"  # 投资2.5亿美元, no rate stated (sample-suzhou)
UMBRELLA = "长三角绿色智能制造协同创新示范区项目"  # 总投资约260亿元 over its parts of 200亿 and 60亿
# Three projects each with its own amount (20 + 12 + 8 亿元): all three are counted.
BATCH_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>梁溪区集中签约3个产业项目</title></head>
<body><div class="article"><h1>梁溪区集中签约3个产业项目</h1>
<p>发布时间：2024-06-12 10:00　来源：梁溪区融媒体中心</p>
<p>6月11日，无锡市梁溪区举行重大产业项目集中签约活动，现场签约产业项目3个。</p>
<p>其中，星河高端装备制造基地项目总投资20亿元，主要建设智能制造生产线；蓝海新材料研发中心项目总投资12亿元，
建设新材料研发平台；云帆工业数据中心项目总投资8亿元，建设数据中心机房。</p>
<p>梁溪区相关负责人表示，将全力做好项目服务保障工作，推动项目早开工、早投产、早见效。</p>
</div></body></html>
"""
BATCH = {"星河高端装备制造基地项目": 20 * YI, "蓝海新材料研发中心项目": 12 * YI, "云帆工业数据中心项目": 8 * YI}


@pytest.fixture(scope="module")
def made(tmp_path_factory, sample_crawl):
    """The sample sites crawled, a page of three projects ingested, and one stored digest of every
    project (subscription "all", no Datasette address configured), served by `yrdwatch serve`."""
    tmp = tmp_path_factory.mktemp("totals")
    db = copy_database(sample_crawl.db, tmp / "yrdwatch.db")
    page = tmp / "batch.html"
    page.write_text(BATCH_PAGE, encoding="utf-8")
    assert invoke("--db", db, "ingest", page).exit_code == 0
    out = tmp / "digest"
    result = invoke("--db", db, "digest", "--since", "3650d", "--out", out)
    assert "digest #1" in result.output, result.output
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    with test_serve.serving(db) as server:
        yield {"db": db, "conn": conn, "out": out, "server": server,
               "html": lxml_html.fromstring(next(out.glob("*.html")).read_text(encoding="utf-8")),
               "markdown": next(out.glob("*.md")).read_text(encoding="utf-8"),
               "atom": next(out.glob("*.atom")).read_bytes()}


def yuan_of(text: str) -> int:
    value, currency = parse_amount(text)
    assert currency is None, text
    return value


def digest_city_totals(made) -> dict[str, int]:
    """The digest's own table of totals by city, as a reader sees it."""
    rows = made["html"].xpath("//table[@class='totals']//tr[td]")
    return {row[0].text_content(): yuan_of(row[2].text_content()) for row in rows
            if row[2].text_content() != "未披露"}


def test_the_digest_its_chart_and_datasette_give_each_city_the_same_total(made):
    conn = made["conn"]
    digest = digest_city_totals(made)
    items = [json.loads(item) for (item,) in conn.execute(
        "select item from digest_items where digest_id = 1 order by position")]
    chart = dict(bars(arrange(items))[0])
    datasette = {r["city"]: r["investment_yi"] for r in test_serve.canned(made["server"], "projects_by_city")
                 if r["investment_yi"]}
    assert len(datasette) >= 5 and set(digest) == set(chart) == set(datasette)
    for city, yi in datasette.items():
        assert digest[city] / YI == pytest.approx(yi, abs=0.005), city  # the digest shows 2 decimals of 亿
        assert chart[city] == pytest.approx(yi, abs=0.005), city
    # One definition, straight from the view: 苏州 is 200 + 60 + 85 + 5 + 15.6 + 30 亿元 (no US$, no batch twice).
    assert datasette["苏州市"] == pytest.approx(395.6) and digest["苏州市"] == 395.6 * YI
    (headline,) = made["html"].xpath("//p[contains(., '已披露投资合计')]/strong[2]")
    (all_yuan,) = conn.execute("select sum(yuan) from project_amounts").fetchone()
    assert yuan_of(headline.text_content()) == pytest.approx(all_yuan, rel=1e-4)
    stored = conn.execute("select investment_cny from digests where id = 1").fetchone()[0]
    assert stored == all_yuan


def test_each_project_of_a_batch_counts_with_its_own_amount_and_a_batch_total_stays_the_announcements(made):
    conn = made["conn"]
    amounts = dict(conn.execute(f"select name, yuan from project_amounts where name in ({','.join('?' * len(BATCH))})",
                                list(BATCH)).fetchall())
    assert amounts == BATCH
    wuxi = conn.execute("select sum(yuan) from project_amounts where city = '无锡市'").fetchone()[0]
    assert digest_city_totals(made)["无锡市"] == wuxi and wuxi >= sum(BATCH.values())
    # The umbrella's 约260亿 is its announcement's total, which its parts (200 + 60) make up.
    umbrella = conn.execute(
        """select p.investment_cny, a.total_investment_cny, a.investment_qualifier from projects p
           join project_mentions m on m.project_id = p.id join announcements a on a.id = m.announcement_id
           where p.name = ?""", [UMBRELLA]).fetchone()
    assert tuple(umbrella) == (None, 260 * YI, "约")
    line = next(ln for ln in made["markdown"].splitlines() if UMBRELLA in ln)
    assert "未披露（同批合计约260亿元）" in line


def test_a_us_dollar_project_stays_in_dollars_and_is_never_a_yuan_amount(made, tmp_path):
    conn, server = made["conn"], made["server"]
    assert tuple(conn.execute("select amount_value, currency, yuan from project_amounts where name = ?",
                              [USD_PROJECT]).fetchone()) == (250_000_000, "USD", None)
    # The digest in every format: 2.5亿美元, never 亿元, and outside the yuan totals.
    row = next(tr for tr in made["html"].xpath("//table[@class='projects']//tr[td]") if USD_PROJECT in tr.text_content())
    assert row.xpath("string(td[@class='amount'])") == "2.5亿美元"
    assert f"**{USD_PROJECT}**｜2.5亿美元｜" in made["markdown"]
    entry = next(e for e in feedparser.parse(made["atom"]).entries if USD_PROJECT in e.title)
    assert "2.5亿美元" in entry.title and "2.5亿元" not in entry.title
    assert "另有外币投资 2.5亿美元，未折算，不计入人民币合计" in made["html"].text_content()
    suzhou = conn.execute("select sum(investment_cny) from projects where city = '苏州市' and currency is null").fetchone()[0]
    assert digest_city_totals(made)["苏州市"] == suzhou
    # Datasette: shown in dollars, never over a yuan threshold, counted apart.
    new = {r["name"]: r for r in test_serve.canned(server, "new_projects", days=3650)}
    assert new[USD_PROJECT]["amount"] == "2.5亿美元"
    assert USD_PROJECT not in {r["name"] for r in test_serve.canned(server, "projects_over_amount", min_yi=1)}
    by_city = {r["city"]: r for r in test_serve.canned(server, "projects_by_city")}
    assert by_city["苏州市"]["in_foreign_currency"] == 1 and by_city["苏州市"]["investment_yi"] == 395.6
    # A subscription's minimum is in yuan: a dollar amount never passes it.
    config = tmp_path / "yrdwatch.toml"
    config.write_text('[[subscriptions]]\nname = "big"\nmin_investment = "1亿元"\ninclude_undisclosed = false\n',
                      encoding="utf-8")
    dry = invoke("--db", made["db"], "--config", config, "digest", "--dry-run", "--since", "3650d")
    assert "宏昱" not in dry.stdout and "星河高端装备制造基地项目" in dry.stdout


def test_datasette_writes_each_currency_as_the_digest_does(made):
    """One formatter: the SQL yi_text() of Datasette's queries is the digest's money()."""
    codes = [None, *CURRENCY_NAMES]
    sql = " union all ".join(f"select {i} as i, yi_text(1234000000, null, {repr(c) if c else 'null'}) as shown"
                             for i, c in enumerate(codes))
    answer = test_serve.get_json(f"{made['server'].url}.json", sql=sql)
    assert answer["ok"], answer
    shown = {row["i"]: row["shown"] for row in answer["rows"]}
    assert shown == {i: money(12_3400_0000, None, c) for i, c in enumerate(codes)}


def atom_problems(document: bytes) -> list[str]:
    """What a feed validator (RFC 4287) would flag: ids, titles, updated and authors, links' rel
    and addresses (one alternate per type and language, an absolute http(s) self link)."""
    problems = []
    feed = etree.fromstring(document)
    has_author = feed.find(f"{ATOM}author/{ATOM}name") is not None
    for element, what in [(feed, "feed"), *((e, f"entry {i}") for i, e in enumerate(feed.findall(f"{ATOM}entry")))]:
        for required in ("id", "title", "updated"):
            if not (element.findtext(f"{ATOM}{required}") or "").strip():
                problems.append(f"{what}: no {required}")
        if element is not feed and not has_author and element.find(f"{ATOM}author/{ATOM}name") is None:
            problems.append(f"{what}: no author")
        links = element.findall(f"{ATOM}link")
        alternates = [(link.get("type"), link.get("hreflang")) for link in links if link.get("rel", "alternate") == "alternate"]
        if len(alternates) != len(set(alternates)):
            problems.append(f"{what}: two alternate links of one type")
        for link in links:
            if not urlsplit(link.get("href", "")).scheme:
                problems.append(f"{what}: link {link.get('href')!r} is not an absolute IRI")
            if link.get("rel") == "self" and not link.get("href").startswith(("http://", "https://")):
                problems.append(f"{what}: self link {link.get('href')!r} is not an http(s) address")
        if element is not feed and element.find(f"{ATOM}content") is None and not alternates:
            problems.append(f"{what}: no content and no alternate link")
    return problems


def test_serve_serves_each_subscriptions_feed_by_the_atom_rules(made):
    base = made["server"].url.rsplit("/", 1)[0]
    url = f"{base}/-/feeds/all.atom"
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.headers["Content-Type"].startswith("application/atom+xml")
        document = response.read()
    assert atom_problems(document) == []
    feed = feedparser.parse(document)
    assert not feed.bozo, feed.bozo_exception
    assert [link.href for link in feed.feed.links if link.rel == "self"] == [url]
    covered = dict(made["conn"].execute(
        """select p.id, coalesce(r.duplicate_of, p.first_article_url) from digest_items d
           join projects p on p.id = d.project_id join articles r on r.url = p.first_article_url"""))
    assert len(feed.entries) == len(covered) >= 60
    # The reader opens the source article (read from the XML: feedparser rewrites file:/// links).
    alternate = {e.findtext(f"{ATOM}id"): e.find(f"{ATOM}link[@rel='alternate']").get("href")
                 for e in etree.fromstring(document).findall(f"{ATOM}entry")}
    for entry in feed.entries:
        rels = [link.rel for link in entry.links]
        assert sorted(rels) == ["alternate", "related"], entry.links
        project = entry.id.rsplit(":", 1)[1]
        assert alternate[entry.id] == covered[project]
        related = next(link.href for link in entry.links if link.rel == "related")
        assert related == f"{made['server'].url}/projects/{project}" and entry.author and entry.updated
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{base}/-/feeds/nobody.atom", timeout=30)
    assert missing.value.code == 404


def test_a_digests_feed_has_no_data_link_without_a_datasette_address_and_a_self_link_with_one(made, tmp_path):
    stored = feedparser.parse(made["atom"])
    assert atom_problems(made["atom"]) == [] and not stored.bozo
    assert not any(link.rel in ("self", "related") for link in [*stored.feed.get("links", []), *(
        link for e in stored.entries for link in e.links)])
    assert "127.0.0.1:8001" not in made["markdown"] and not made["html"].xpath("//a[text()='数据']")
    config = tmp_path / "yrdwatch.toml"
    # A subscription of its own: "all" covered every project already.
    config.write_text('[digest]\ndatasette_url = "https://data.example.org/"\n[[subscriptions]]\nname = "linked"\n',
                      encoding="utf-8")
    dry = invoke("--db", made["db"], "--config", config, "digest", "--dry-run", "--since", "3650d", "--format", "atom")
    feed = feedparser.parse(dry.stdout)
    assert len(feed.entries) >= 60, dry.output[-2000:]
    assert atom_problems(dry.stdout.encode("utf-8")) == [] and not feed.bozo
    assert [link.href for link in feed.feed.links if link.rel == "self"] == ["https://data.example.org/-/feeds/linked.atom"]
    related = {link.href for e in feed.entries for link in e.links if link.rel == "related"}
    assert len(related) == len(feed.entries) and all(h.startswith(f"https://data.example.org/{made['db'].stem}/projects/")
                                                      for h in related)
