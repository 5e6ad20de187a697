"""Pages are judged by what they hold, whatever their URL: a table of real-shaped pages, one file
each in tests/pagekinds/ named <expected kind>-<what it is>.html, including articles that look like
lists (a short signing with a list of its projects, a short story under a dated 推荐阅读 box, a photo
story). The real article pages of ../shared must all stay articles."""
from __future__ import annotations

from pathlib import Path

import pytest

from yrdwatch.extract.article import article_from_bytes
from yrdwatch.extract.page import NotAnArticle, read_html
from yrdwatch.extract.pagekind import KINDS, PAGE_CUES, PageSigns, judge

PAGES = sorted((Path(__file__).parent / "pagekinds").glob("*.html"))
REAL_HTML = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real-html"


def test_the_table_has_every_kind_and_articles_that_look_like_lists():
    kinds = {page.name.split("-")[0] for page in PAGES}
    assert kinds >= {"article", "hub", "profile", "gallery", "tag", "search", "listing"}
    assert sum(page.name.startswith("article-") for page in PAGES) >= 3


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_each_page_is_judged_by_its_content(page):
    expected = page.name.split("-")[0]
    if expected == "article":
        read = read_html(page.read_bytes(), url="https://www.example.gov.cn/any/url.html")
        assert read.title and read.published_at and read.text
        return
    with pytest.raises(NotAnArticle) as caught:
        read_html(page.read_bytes(), url="https://www.example.gov.cn/art/2024/6/1/art_1_2.html")
    assert caught.value.verdict.kind == expected, caught.value
    assert str(caught.value).startswith(f"not an article: {KINDS[expected]} (")


def test_the_whole_path_refuses_a_non_article_with_its_reason():
    with pytest.raises(NotAnArticle, match="a person's profile"):
        article_from_bytes((Path(__file__).parent / "pagekinds" / "profile-leader.html").read_bytes())


@pytest.mark.parametrize("name,phrase", [(n, p) for n, v in PAGE_CUES.items() for p in v.matches])
def test_page_cue_matches(name, phrase):
    assert PAGE_CUES[name].pattern.search(phrase)


@pytest.mark.parametrize("name,phrase", [(n, p) for n, v in PAGE_CUES.items() for p in v.ignores])
def test_page_cue_ignores(name, phrase):
    assert not PAGE_CUES[name].pattern.search(phrase)


def _signs(**counts) -> PageSigns:
    base = dict(rows=0, dated_rows=0, dated_link_chars=0, sentences=0, prose_chars=0, images=0, profile_lines=0,
                cues=frozenset())
    return PageSigns(**{**base, **counts})


@pytest.mark.parametrize("signs,date,kind", [
    (_signs(rows=6, dated_rows=6, dated_link_chars=120, sentences=2, prose_chars=90), "2024-01-01", "listing"),
    (_signs(rows=6, dated_rows=6, dated_link_chars=120, sentences=4, prose_chars=400), "2024-01-01", "article"),
    (_signs(rows=20, sentences=1, prose_chars=40), None, "listing"),
    (_signs(rows=20, sentences=5, prose_chars=600), "2024-01-01", "article"),  # a story in a portal's furniture
    (_signs(rows=4, sentences=1, cues=frozenset({"hub"})), None, "hub"),
    (_signs(images=6, sentences=1, prose_chars=30), "2024-01-01", "gallery"),
    (_signs(images=4, sentences=2, prose_chars=150), "2024-01-01", "article"),  # a photo story
    (_signs(profile_lines=5, sentences=2), None, "profile"),
    (_signs(profile_lines=5, sentences=8, prose_chars=900), "2024-01-01", "article"),  # an appointment notice
])
def test_the_rules_on_counted_signs(signs, date, kind):
    assert judge(signs, date).kind == kind


@pytest.mark.skipif(not REAL_HTML.is_dir(), reason="../shared/fixtures/real-html is not beside the checkout")
def test_no_real_article_page_is_judged_a_non_article():
    judged = []
    for path in sorted(REAL_HTML.glob("*.html")):
        try:
            read_html(path.read_bytes())
        except NotAnArticle as err:
            judged.append(f"{path.name}: {err}")
        except ValueError:
            pass  # pages without main text are another test's matter
    assert not judged
