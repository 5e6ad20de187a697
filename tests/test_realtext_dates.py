"""Dates as real plain-text crawls write them (invented strings in the shapes the held-out pages showed)."""
import pytest

from yrdwatch.extract.dates import date_in_text, dateline_date, named_year, parse_date, parse_header_date

NO_PAGE_DATE = (None, None, None)


@pytest.mark.parametrize("text", ["2021年1-12月，全县新开工项目120个", "2023年1-6月份", "2020-3-9月", "2019年1-12 月"])
def test_a_month_range_is_no_date(text):
    assert parse_date(text) is None


@pytest.mark.parametrize("text, iso", [
    ("2021 / 11/05", "2021-11-05"),
    ("2021/11/05 08:30", "2021-11-05T08:30:00"),
    ("2021年11月5日 星期五", "2021-11-05"),
])
def test_dates_with_spacing_still_read(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize("text, iso", [
    ("资讯\n2021\n11/05\n08:30\n", "2021-11-05T08:30:00"),   # a widget printing year, day and time apart
    ("2021\n11-05", "2021-11-05"),
    ("05.11.2021  08:30", "2021-11-05T08:30:00"),            # a whole line written day first
])
def test_header_dates_in_pieces_or_day_first(text, iso):
    assert parse_header_date(text) == iso


def test_day_first_only_as_a_whole_line():
    assert parse_header_date("第1.2.2021期") is None


@pytest.mark.parametrize("text, iso", [
    ("3月9日上午，某县举行2021年第一季度重大项目集中开工仪式", "2021-03-09"),
    ("4月2日，某区举行2020某某新城项目集中签约仪式", "2020-04-02"),
    ("9月1日上午，某镇举行2018中国•某某葡萄节重点项目集中开工仪式，20个项目开工", "2018-09-01"),
    ("某社某地3月3日电 (记者 某某)2022年“开门红”项目集中签约大会3日在某地举行", "2022-03-03"),
    ("12日上午，某片区2022年三月份重点项目开工", "2022-03-12"),
])
def test_a_page_without_a_date_takes_the_year_of_the_events_own_name(text, iso):
    assert date_in_text(text, NO_PAGE_DATE) == (True, iso, True)


@pytest.mark.parametrize("text", [
    "5月6日，某项目签约，计划2024年建成投产",          # a plan's year
    "5月6日，总投资2019万元的某项目开工仪式举行",        # an amount
    "5月6日，第2020号地块项目开工",                    # a number
    "5月6日，某区举行2021年度表彰大会",                 # the year an award covers
])
def test_no_year_is_guessed_from_an_unrelated_number(text):
    assert named_year(text) is None
    assert date_in_text(text, NO_PAGE_DATE) == (True, None, True)


def test_the_pages_date_still_wins_over_a_named_year():
    assert date_in_text("3月9日，某县举行2020年重大项目集中开工仪式", (2021, 3, 10))[1] == "2021-03-09"


def test_a_scheduled_date_is_not_the_events():
    assert date_in_text("项目计划于2027年6月竣工", (2025, 1, 3)) == (False, None, False)
    assert date_in_text("项目将于2027年6月投产，3月9日举行开工仪式", (2025, 3, 10))[1] == "2025-03-09"


def test_first_working_day_of_a_year():
    assert date_in_text("2023年的首个工作日，某区重大项目集中开工", NO_PAGE_DATE) == (True, "2023-01", True)


@pytest.mark.parametrize("text, ref, iso", [
    ("2020年5月6日讯,4月28日上午,某市2020年二季度重点项目集中开工仪式在某园区举行", NO_PAGE_DATE, "2020-04-28"),
    ("2020年5月6日讯,4月28日上午,某市重点项目集中开工", (2020, 5, 6), "2020-04-28"),
    ("某某网5月6日电 (记者 某某)某区重点项目集中签约活动6日举行", (2020, 5, 7), "2020-05-06"),
    ("某地12月30日电 某项目日前签约", (2021, 1, 2), "2020-12-30"),       # the dateline, of last year
    ("2020年5月6日讯,某项目将于6月8日开工", NO_PAGE_DATE, "2020-05-06"),   # a plan is no event's date
    ("2020年5月6日讯,某项目5月9日开工", NO_PAGE_DATE, "2020-05-06"),       # a day after the dateline is none
])
def test_a_datelines_date_is_the_reports_and_a_day_named_besides_is_the_events(text, ref, iso):
    assert date_in_text(text, ref) == (True, iso, True)


def test_an_earlier_event_in_a_ji_zhihou_clause_is_not_dated_as_this_one():
    text = "继3月2日12个重大项目集中开工之后,4日上午,某市举行重大项目集中签约仪式"
    assert date_in_text(text, (2023, 3, 8)) == (True, "2023-03-04", True)
    assert date_in_text("继今年4月某区首批项目集中开工后,今天上午,第二批项目集中签约", NO_PAGE_DATE)[1] is None
    # the clause alone still dates its own event; 继续 is no such clause
    assert date_in_text("继3月2日12个重大项目集中开工之后", (2023, 3, 8))[1] == "2023-03-02"
    assert date_in_text("某区继续推进项目建设,3月2日集中开工", (2023, 3, 8))[1] == "2023-03-02"


@pytest.mark.parametrize("line, iso", [
    ("2020年5月6日讯,4月28日上午,某市重点项目集中开工。", "2020-05-06"),
    ("某某日报2020年5月6日讯 (记者 某某)某市重点项目集中开工。", "2020-05-06"),
    ("某地2020年5月6日电 某市重点项目集中开工。", "2020-05-06"),
])
def test_dateline_date(line, iso):
    assert dateline_date(line) == iso


@pytest.mark.parametrize("line", [
    "2020年5月6日,某市重点项目集中开工。",        # a date opening a sentence is the event's
    "2020年5月6日通讯员某某报道",
    "据了解,2020年5月6日讯息显示",
    "5月6日讯,某市重点项目集中开工。",            # no year: no page date
])
def test_no_dateline_date(line):
    assert dateline_date(line) is None


def test_the_year_of_a_completion_or_production_batch_dates_an_undated_page():
    assert date_in_text("3月8日，某区2020年一季度集中竣工项目活动举行", (None, None, None)) == (True, "2020-03-08", True)
    assert date_in_text("3月8日，某项目计划2020年竣工", (None, None, None)) == (True, None, True)
