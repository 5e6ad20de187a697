"""announcements_from_text on made-up but realistic paragraphs, and on the labelled seeds."""
import json
from pathlib import Path

import pytest

from yrdwatch.extract.announce import announcements_from_text
from yrdwatch.extract.normalize import analysis_text

SHARED = Path(__file__).resolve().parents[2] / "shared"


def extract(text, published_at=None, title=None):
    return announcements_from_text(analysis_text(text), title=analysis_text(title) if title else None,
                                   published_at=published_at)


def names(announcements):
    return [p.name for a in announcements for p in a.projects]


# (text, title, published_at, fields of the headline announcement, names of all projects).
# "industries" lists labels that must be among the headline's.
HEADLINES = [
    pytest.param(
        "5月18日，总投资50亿元的合肥长鑫二期12英寸晶圆项目在合肥经济技术开发区开工。"
        "该项目由合肥产投集团与长鑫存储技术有限公司共同投资建设，达产后年产值超100亿元。", None, "2023-05-19",
        # A development zone with its own statistical code is the county-level unit it sits in.
        {"event_type": "开工", "event_date": "2023-05-18", "province": "安徽省", "city": "合肥市",
         "district": None, "park": "合肥经济技术开发区", "total_investment_cny": 5_000_000_000,
         "investment_qualifier": None, "parties": ["合肥产投集团", "长鑫存储技术有限公司"], "industries": ["集成电路"]},
        ["合肥长鑫二期12英寸晶圆项目"], id="output-value-is-no-investment"),
    pytest.param(
        "近日，总投资2.5亿美元的日本东丽高性能纤维项目在宁波北仑区正式投产。项目达产后预计年销售收入15亿元。",
        None, "2023-09-15",
        {"event_type": "投产", "event_date": "2023-09", "province": "浙江省", "city": "宁波市", "district": "北仑区",
         "total_investment_cny": 250_000_000, "currency": "USD"},
        ["日本东丽高性能纤维项目"], id="dollars-kept"),
    pytest.param(
        "6月28日，位于上海市浦东新区张江科学城的张江人工智能创新中心项目顺利竣工。"
        "项目总投资约18亿元，总建筑面积12万平方米，将吸引200家人工智能企业入驻。", None, "2023-06-29",
        {"event_type": "竣工", "event_date": "2023-06-28", "province": "上海市", "city": "上海市",
         "district": "浦东新区", "park": "张江科学城", "total_investment_cny": 1_800_000_000,
         "investment_qualifier": "约"},
        ["张江人工智能创新中心项目"], id="completion-in-pudong"),
    pytest.param(
        "3月10日，苏州工业园区举行重大项目集中签约仪式，现场签约项目32个，总投资超过300亿元，"
        "涵盖生物医药、纳米技术应用、人工智能等领域。签约项目包括信达生物全球研发中心、"
        "三星半导体封测扩产项目、微软苏州研发中心三期等。", None, "2023-03-11",
        {"event_type": "签约", "event_date": "2023-03-10", "project_count": 32, "province": "江苏省",
         "city": "苏州市", "park": "苏州工业园区", "total_investment_cny": 30_000_000_000,
         "investment_qualifier": "超"},
        ["信达生物全球研发中心", "三星半导体封测扩产项目", "微软苏州研发中心三期"], id="ceremony-count-and-list"),
    pytest.param(
        "昨天上午，美国康宁公司投资1.5亿美元（约合人民币10.5亿元）的康宁合肥光纤预制棒项目"
        "在合肥高新区正式投产。", None, "2024-01-05",
        {"event_type": "投产", "event_date": "2024-01-04", "total_investment_cny": 1_050_000_000, "currency": None},
        ["康宁合肥光纤预制棒项目"], id="yesterday-and-stated-rate"),
    pytest.param(
        "6月15日，寧德時代與溧陽市人民政府簽署投資協議，寧德時代將在溧陽投資建設"
        "江蘇時代動力及儲能鋰離子電池研發與生產項目（四期），項目總投資120億元。", None, "2023-06-16",
        {"event_type": "签约", "event_date": "2023-06-15", "province": "江苏省", "city": "常州市",
         "district": "溧阳市", "total_investment_cny": 12_000_000_000, "parties": ["宁德时代", "溧阳市人民政府"]},
        ["江苏时代动力及储能锂离子电池研发与生产项目(四期)"], id="traditional-company-and-government"),
    pytest.param(
        "近日，安徽恒膜新材料有限公司高性能锂电隔膜项目在芜湖经开区正式投产。该项目总投资约30亿元，"
        "分两期建设，此次投产的一期项目投资约12亿元，年产隔膜8亿平方米。", None, "2024-05-10",
        # the zone as written after its city; the whole project's total, not the phase just finished;
        # the company in front of the project is its owner, not part of its name
        {"event_type": "投产", "province": "安徽省", "city": "芜湖市", "district": None,
         "total_investment_cny": 3_000_000_000, "investment_qualifier": "约", "parties": ["安徽恒膜新材料有限公司"]},
        ["高性能锂电隔膜项目"], id="zone-phase-and-owner"),
    pytest.param(
        "11月2日，浙江光屹新能源科技有限公司光伏背板智能制造项目在秀洲高新区竣工。"
        "项目总投资9亿元，从开工建设到竣工仅用时10个月。", "嘉兴秀洲一光伏背板项目竣工", "2023-11-03",
        # "从开工…到竣工" is a stretch of time, not a second event; the headline's short name
        # gives way to the one the story writes out
        {"event_type": "竣工", "event_date": "2023-11-02", "province": "浙江省", "city": "嘉兴市",
         "district": "秀洲区", "total_investment_cny": 900_000_000},
        ["光伏背板智能制造项目"], id="time-span-and-headline-name"),
    pytest.param(
        "7月3日，远航海上风电装备项目在盐城经开区开工。这是今年以来全区开工的最大单体项目。"
        "项目总投资逾20亿元，计划明年二季度建成投产。", None, "2023-07-04",
        # "明年二季度" is a schedule, not a reporting period that makes the sentence a statistic
        {"event_type": "开工", "event_date": "2023-07-03", "total_investment_cny": 2_000_000_000,
         "investment_qualifier": "逾"},
        ["远航海上风电装备项目"], id="schedule-is-no-statistic"),
    pytest.param(
        "记者从嘉定工业区获悉，一批智能制造项目日前正式开工。4月12日上午，上海锐驰汽车科技有限公司"
        "线控底盘生产基地项目在嘉定工业区开工建设，项目总投资18亿元。", None, "2024-04-15",
        {"event_type": "开工", "event_date": "2024-04-12", "province": "上海市", "district": "嘉定区",
         "total_investment_cny": 1_800_000_000},
        ["线控底盘生产基地项目"], id="calendar-date-over-vague-one"),
    pytest.param(
        "6月2日，太仓高新区管委会与香港恒达控股有限公司签署投资协议，恒达精密轴承项目正式落户太仓高新区。"
        "太仓是德企之乡，恒达此前已在太仓设有一家工厂。", None, "2023-06-03",
        # a county's short name said as the site is the site; the investor's home is not
        {"event_type": "签约", "province": "江苏省", "city": "苏州市", "district": "太仓市"},
        ["恒达精密轴承项目"], id="county-short-name-over-investors-home"),
    pytest.param(
        "3月6日，海宁市重大产业项目集中签约活动举行，共签约项目10个，总投资约85亿元，其中来自上海的项目6个。"
        "海宁毗邻上海，近年来主动承接上海产业外溢，与上海多所高校共建研究院。", None, "2024-03-07",
        # where partners and capital come from is not where the projects are
        {"event_type": "签约", "province": "浙江省", "city": "嘉兴市", "district": "海宁市", "project_count": 10},
        [], id="origin-is-not-site"),
]


@pytest.mark.parametrize("text, title, published_at, fields, project_names", HEADLINES)
def test_headline(text, title, published_at, fields, project_names):
    anns = extract(text, published_at=published_at, title=title)
    head = anns[0]
    for key, value in fields.items():
        if key == "industries":
            assert set(value) <= set(head.industries)
        else:
            assert getattr(head, key) == value, key
    assert names(anns) == project_names


def test_time_span_is_one_event():
    anns = extract("11月2日，某精密部件项目在秀洲高新区竣工。项目总投资9亿元，从开工建设到竣工仅用时10个月。",
                   published_at="2023-11-03")
    assert [a.event_type for a in anns] == ["竣工"]


def test_two_events_in_one_ceremony():
    anns = extract("1月3日上午，上海临港新片区举行2023年重大项目集中签约暨开工仪式，43个项目集中签约，"
                   "总投资约520亿元；32个项目集中开工，总投资超过300亿元。", published_at="2023-01-04")
    assert [(a.event_type, a.project_count, a.total_investment_cny) for a in anns] == [
        ("签约", 43, 52_000_000_000), ("开工", 32, 30_000_000_000)]
    assert anns[1].event_date == "2023-01-03"


def test_project_built_by_the_signers_is_the_signings():
    anns = extract("5月10日，定远县人民政府与安徽铜冠新材料集团有限公司签署投资协议，双方将在定远经济开发区共同建设"
                   "高端铜箔产业园项目。", published_at="2023-05-11")
    assert [(a.event_type, a.event_date) for a in anns] == [("签约", "2023-05-10")]
    assert names(anns) == ["高端铜箔产业园项目"]


def test_story_total_beats_the_rounded_headline():
    anns = extract("4月2日，锡山经济技术开发区举行重大项目签约仪式，现场签约项目6个，总投资52.8亿元。",
                   title="锡山经开区6个项目集中签约 总投资超50亿元", published_at="2023-04-03")
    assert (anns[0].total_investment_cny, anns[0].investment_qualifier) == (5_280_000_000, None)


def test_semicolon_list_gives_each_project_its_investment():
    anns = extract("3月5日，广德经济开发区举行签约仪式，3个项目集中签约，总投资9亿元。签约的3个项目分别为：精密模具项目，"
                   "总投资4亿元；工业传感器项目，总投资3亿元；智能仓储项目，总投资2亿元。", published_at="2024-03-06")
    assert [(p.name, p.investment_cny) for p in anns[0].projects] == [
        ("精密模具项目", 400_000_000), ("工业传感器项目", 300_000_000), ("智能仓储项目", 200_000_000)]


def test_listed_project_takes_the_investment_stated_later():
    anns = extract("6月1日，江宁开发区举行集中开工活动。开工项目主要有甲醇燃料电池项目、特种玻璃项目等。"
                   "其中，甲醇燃料电池项目总投资12亿元，建成后年产值30亿元。", published_at="2023-06-02")
    assert [(p.name, p.investment_cny) for p in anns[0].projects] == [
        ("甲醇燃料电池项目", 1_200_000_000), ("特种玻璃项目", None)]


def test_sectors_counts_and_moving_in_are_no_names():
    anns = extract("9月9日，海安经济技术开发区举行签约仪式，汽车电子、精密制造等领域5个项目集中签约，总投资18亿元。"
                   "仪式上，海安光电研究院、长三角检测认证中心2个平台揭牌，8家企业签约入驻孵化中心。",
                   published_at="2023-09-10")
    assert names(anns) == ["海安光电研究院", "长三角检测认证中心"]


def test_enumerated_projects_and_a_park_named_after_its_county():
    anns = extract("6月3日，全椒经济开发区举行项目签约仪式，2个项目集中签约，总投资9亿元。一是汽车线束项目，总投资5亿元，"
                   "主要生产新能源汽车高压线束；二是精密轴承项目，总投资4亿元。", published_at="2024-06-04")
    assert anns[0].park == "全椒经济开发区"
    assert [(p.name, p.investment_cny) for p in anns[0].projects] == [
        ("汽车线束项目", 500_000_000), ("精密轴承项目", 400_000_000)]


def test_built_and_started_and_cumulative_statistics():
    anns = extract("3月8日，位于太仓高新区的江苏某精工有限公司精密齿轮项目建成投产。太仓已累计引进德资企业500余家，"
                   "总投资超60亿美元。", published_at="2024-03-09")
    assert [(a.event_type, a.total_investment_cny) for a in anns] == [("投产", None)]
    assert names(anns) == ["精密齿轮项目"]


def test_a_stage_of_the_works_is_no_completion():
    assert extract("目前，项目二期主体工程已全面完工，设备安装完成六成，预计年底投产。该项目总投资30亿元。",
                   published_at="2023-09-01") == []


def test_project_table_rows_are_projects_with_the_header_unit():
    text = ("11月2日，某高新区四季度重大项目集中开工，此次集中开工项目4个，总投资30.5亿元。\n"
            "| 序号 | 项目名称 | 建设单位 | 总投资(亿元) |\n|---|---|---|---|\n"
            "| 1 | 年产10万吨负极材料项目 | 某新材料有限公司 | 18 |\n"
            "| 2 | 精密结构件项目 | 某精密制造有限公司 | 12.5 |\n"
            "项目全部达产后，预计新增年销售收入80亿元。")
    anns = extract(text, published_at="2023-11-03")
    assert [(p.name, p.investment_cny) for p in anns[0].projects] == [
        ("年产10万吨负极材料项目", 1_800_000_000), ("精密结构件项目", 1_250_000_000)]
    assert anns[0].total_investment_cny == 3_050_000_000 and anns[0].project_count == 4


def test_numbered_lines_and_a_list_in_a_sentence_of_its_own():
    text = ("3月4日，某经开区一季度重大项目集中签约，共签约项目6个，总投资约40亿元。本次签约的部分项目如下：\n"
            "1. 年产3GWh储能电池项目，由某储能科技有限公司投资建设，计划总投资12亿元；\n"
            "2. 碳纤维复合材料项目，计划总投资6.5亿元，达产后年产值约20亿元。\n"
            "(二)研发平台项目2个，总投资3亿元，分别为某智能装备研究院项目和某新材料中试基地项目。")
    anns = extract(text, published_at="2024-03-05")
    assert [(p.name, p.investment_cny) for p in anns[0].projects] == [
        ("年产3GWh储能电池项目", 1_200_000_000), ("碳纤维复合材料项目", 650_000_000),
        ("某智能装备研究院项目", None), ("某新材料中试基地项目", None)]


def test_each_listed_project_keeps_the_investment_written_before_it():
    text = ("30日，某开发区秋季重大项目集中开工，20个项目总投资达到160亿元。其中，总投资20亿元的金甲储能、"
            "投资10亿元的乙锂电池正极材料项目，规模体量大；总投资6亿元的丙电子、总投资4.5亿元的丁医药经营等项目"
            "前景广阔。同时开工的还有戊智能装备项目、己精密模具项目等。")
    anns = extract(text, published_at="2023-10-31")
    assert [(p.name, p.investment_cny) for p in anns[0].projects] == [
        ("金甲储能", 2_000_000_000), ("乙锂电池正极材料项目", 1_000_000_000), ("丙电子", 600_000_000),
        ("丁医药经营", 450_000_000), ("戊智能装备项目", None), ("己精密模具项目", None)]


def test_sentence_about_these_projects_gives_the_ceremonys_count_and_total():
    anns = extract("6月8日上午，某市某区举行第二季度招商引资项目集中开工仪式。据了解，这些项目共计15个，"
                   "总投资127.5亿元，10亿元以上项目2个。", published_at="2022-06-09")
    assert (anns[0].project_count, anns[0].total_investment_cny, names(anns)) == (15, 12_750_000_000, [])


def test_batch_names_and_zones_are_no_projects_and_a_batch_total_is_no_projects():
    anns = extract("5月8日，2019某某菜花旅游节重大项目集中开工仪式在通州湾示范区举行，此次开工项目12个，"
                   "总投资46.1亿元，其中某某纺织产业园项目集中开工。", published_at="2019-05-09")
    assert [(p.name, p.investment_cny) for p in anns[0].projects] == [("某某纺织产业园项目", None)]


def test_last_friday_and_an_officials_name_that_spells_a_county():
    anns = extract("上周五，泰兴经济开发区与某电子有限公司签约，总投资5亿元的某电子元件项目落户泰兴。"
                   "政法委书记徐闻仲出席签约仪式。", published_at="2024-05-13")
    assert (anns[0].event_date, anns[0].city, anns[0].district) == ("2024-05-10", "泰州市", "泰兴市")


def test_a_figure_before_a_counted_batch_is_the_batchs_and_kaijungong_is_a_start_first():
    anns = extract("5月8日，某市重大项目集中开竣工活动举行，投资136.6亿元的宏达新材、晶盛二期等21个产业项目"
                   "集中开工。", published_at="2023-05-09", title="某市举行重大项目集中开竣工活动")
    assert anns[0].event_type == "开工"
    assert [(p.name, p.investment_cny) for p in anns[0].projects if p.name == "宏达新材"] == [("宏达新材", None)]


@pytest.mark.parametrize("text", [
    # economic statistics
    "今年1-6月，长三角三省一市实现地区生产总值14.6万亿元，同比增长5.8%。其中，江苏新开工亿元以上项目"
    "1850个，完成投资8200亿元；浙江省重大项目完成投资超5000亿元，安徽省新签约项目总投资3000亿元。",
    # a meeting and a framework agreement, a fund
    "长三角地区主要领导座谈会在合肥召开。会议强调，要加快建设长三角生态绿色一体化发展示范区，共建世界级产业集群。"
    "会上，三省一市签署了《长三角地区共同推进数字经济发展合作协议》，并发布了总规模1000亿元的产业投资基金。",
    # tourism
    "五一假期，长三角各大景区迎来客流高峰。上海迪士尼乐园接待游客超过10万人次，苏州园林门票收入达1.2亿元；"
    "黄山风景区开园首日接待游客3万人次。",
    # hospitals
    "“红房子医院”青浦分院竣工，将于6月启用；吴江区中医医院新院正式启用，新院总投资12亿元，设置床位800张。",
    "复旦大学附属华山医院临港院区正式开业，总投资20亿元，设置床位600张。",
    # a forum's framework agreements
    "长三角一体化发展高层论坛在芜湖举行。论坛期间，三省一市签署了《长三角地区加快推进产业链供应链协同合作协议》"
    "等12项合作协议。",
    # an anniversary
    "位于苏州工业园区的三星半导体工厂投产20年来，累计产值超过3000亿元。",
    # health services and a park award
    "今年以来，合肥市家庭医生签约服务覆盖率达到45%。苏州工业园区获评国家级绿色工业园区，园区规上工业总产值达6000亿元。",
    # policy
    "嘉兴市出台《关于支持长三角产业园区高质量发展的若干政策》，对新落户的总投资10亿元以上制造业项目，"
    "最高给予1亿元奖励；对项目开工建设给予用地保障。",
    # plans, not events
    "记者从南京市江北新区获悉，总投资100亿元的某芯片厂扩产项目近日获批，预计明年一季度开工建设。",
    # a tally of progress
    "目前，已开工项目36个，已投产项目23个。",
    # a period's aggregate
    "1到10月，该县已新增签约过亿元项目113个，计划总投资541.05亿元。",
    # a progress report: a rate, and a statistic that goes on after ";"
    "截至10月底，全省647个重大项目中已有48个项目开工建设，开工率达32.4%。",
    "截至目前，新增签约项目共14个，协议总投资52亿元；12个签约落地类项目中6个已落地。",
    # a past event mentioned in passing, and a stray headline line from a link list
    "苏州工业园区一家企业负责人表示，公司去年投产的新生产线运行良好，今年营收有望突破10亿元。\n"
    "浙江宁波：总投资50亿元的新材料项目开工",
])
def test_regional_news_that_announces_nothing(text):
    assert extract(text, published_at="2023-07-20") == []


def _seed_cases():
    labels = SHARED / "seeds" / "labels"
    return sorted(labels.glob("*.json")) if labels.is_dir() else []


@pytest.mark.skipif(not _seed_cases(), reason="shared seed articles not available")
@pytest.mark.parametrize("label_path", _seed_cases(), ids=lambda p: p.stem)
def test_seed_headline(label_path):
    gold = json.loads(label_path.read_text(encoding="utf-8"))
    raw = (SHARED / "seeds" / "articles" / f"{label_path.stem}.txt").read_text(encoding="utf-8")
    anns = extract(raw, published_at=gold["published_at"])
    assert bool(anns) == gold["is_announcement"]
    head = anns[0]
    assert head.event_type == gold["event_type"]
    for key in ("province", "city", "district", "total_investment_cny", "project_count"):
        if gold.get(key) is not None:
            assert getattr(head, key) == gold[key], key
    if gold["published_at"] and gold.get("event_date"):
        assert head.event_date.startswith(gold["event_date"])


def test_works_started_is_a_groundbreaking():
    anns = extract("日前，巢湖经开区智能制造产业园三期项目建设正式启动，项目总投资12亿元。", published_at="2022-04-20")
    assert (anns[0].event_type, anns[0].event_date, anns[0].total_investment_cny) == ("开工", "2022-04", 1_200_000_000)
    assert extract("会议要求，要确保项目建设早日启动。", published_at="2022-04-20") == []


def test_the_project_is_not_its_own_park_and_a_zone_drops_its_rank():
    anns = extract("3月2日，总投资30亿元的苏大天宫科技园项目在滁州开工。", published_at="2023-03-03")
    assert anns[0].park is None
    anns = extract("5月6日，浙能智慧能源科技产业园项目在国家级长兴经济技术开发区开工，总投资50亿元。",
                   published_at="2023-05-07")
    assert anns[0].park == "长兴经济技术开发区"


def test_lists_closed_by_a_count_of_projects_after_any_event_word():
    anns = extract("5月20日，某区集中开工江松科技光伏自动化设备二期、三联生物医药等项目10个，总投资45亿元；"
                   "集中竣工深南电路W2、格林美等项目8个。", published_at="2023-05-21")
    assert [(a.event_type, [p.name for p in a.projects], a.project_count) for a in anns] == [
        ("开工", ["江松科技光伏自动化设备二期", "三联生物医药"], 10), ("竣工", ["深南电路W2", "格林美"], 8)]
    anns = extract("3月8日，洁云健康生活用品等10个项目集中签约。", published_at="2023-03-09")
    assert names(anns) == ["洁云健康生活用品"]


def test_projects_qualified_by_the_event_word():
    anns = extract("昨天开工的贝得康IVD全产业链科技园项目和运佳黄浦生物医药项目，总投资10亿元。", published_at="2023-05-21")
    assert names(anns) == ["贝得康IVD全产业链科技园项目", "运佳黄浦生物医药项目"]
    assert extract("在舟山，已经投产的某石化新增140万吨乙烯项目，当年新增产值超200亿元。", published_at="2023-05-21") == []


def test_planned_investment_is_a_figure_not_a_plan_and_yiji_joins_list_items():
    anns = extract("日前，某公司计划投资8亿元的动力电芯项目等8个总投资59亿元的项目在某经济开发区集中签约。",
                   published_at="2023-11-20")
    assert anns and anns[0].event_type == "签约" and anns[0].total_investment_cny == 5_900_000_000
    anns = extract("5月21日，某区重点项目集中开工。此次参加活动的项目分别为尼霍夫电线电缆设备、依漫生物灭菌以及宙斯生物"
                   "检测试剂等3个项目，总投资合计3.87亿元。", published_at="2019-05-22")
    assert names(anns) == ["尼霍夫电线电缆设备", "依漫生物灭菌", "宙斯生物检测试剂"]
    assert anns[0].total_investment_cny == 387_000_000


def test_a_quarter_that_names_the_batch_and_a_total_told_beside_a_settling():
    anns = extract("4月22日上午，二季度某县24个重大产业项目开工，计划投资170.5亿元。", published_at="2022-04-22",
                   title="二季度某县24个重大产业项目开工")
    assert (anns[0].event_type, anns[0].project_count, anns[0].total_investment_cny) == ("开工", 24, 17_050_000_000)
    anns = extract("9月23日，某数字经济产业园项目开工仪式在某经济开发区举行。该项目落地某经济开发区，总用地面积107亩，"
                   "总投资10亿元。", published_at="2022-09-24")
    assert anns[0].total_investment_cny == 1_000_000_000
    anns = extract("7月10日，中来衢州光伏产业园项目作为衢州分会场重大项目正式开工建设。", published_at="2017-07-11")
    assert names(anns) == ["中来衢州光伏产业园项目"]


def test_names_after_a_settling_and_descriptions_that_are_no_names():
    anns = extract("3月5日，某市依托汽摩配产业平台，落地宝尔特智能充电枪总成项目，总投资5亿元。", published_at="2023-03-06")
    assert names(anns) == ["宝尔特智能充电枪总成项目"]
    anns = extract("9月23日，某产业园项目开工，这是该园区启动开工建设的首个项目。双方还成立专门的投资管理公司。",
                   published_at="2022-09-24")
    assert "首个项目" not in names(anns) and "专门的投资管理公司" not in names(anns)


def test_counted_lists_anywhere_and_states_that_are_no_events():
    anns = extract("3月27日上午，某市重大项目集中开工仪式举行。某区选取了启程德瑞、柒尚钢索、嘉密机械等16个项目"
                   "集中开工。市领导对汉能高端装备研发制造基地项目、昊方机电汽车塑胶配建项目等8个开工项目进行汇报。",
                   published_at="2019-03-28")
    assert names(anns) == ["启程德瑞", "柒尚钢索", "嘉密机械", "汉能高端装备研发制造基地项目", "昊方机电汽车塑胶配建项目"]
    for text in ("某药业药品生产基地项目总投资10.5亿元，目前已竣工试生产。", "某汽车结构件生产项目已经投产。",
                 "今年以来，全县新签约、新开工、新竣工亿元以上项目145个、92个、56个。"):
        assert extract(text, published_at="2023-07-20") == [], text


def test_the_event_scan_finds_what_the_plain_alternation_finds():
    import re
    from yrdwatch.extract.announce import EVENT, EVENT_ALTERNATION
    plain = re.compile(EVENT_ALTERNATION)
    labelled = Path(__file__).parent / "labelled" / "articles"
    texts = [analysis_text(p.read_text(encoding="utf-8")) for p in sorted(labelled.glob("*.txt"))]
    texts.append("签约 签订协议 签署合同 开工 开竣工 奠基 动工 开建 破土 启动建设 施工正式启动 建设全面启动 投产 试生产 "
                 "试产 投入生产 投运 竣工 完工 落成 建成投用 揭牌 挂牌成立 开园 开业 开馆 落户 落地 签订 签下 协议签署 "
                 "合同签署 备忘录签署 建成通车 全线通车 正式通车 顺利通车 实现通车 集中入驻 集体入驻")
    for text in texts:
        assert [m.span() for m in EVENT.finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_the_subset_after_qizhong_and_events_told_as_nouns():
    anns = extract("11月1日，本次大会共招引项目64个，计划总投资710亿元，其中现场集中签约32个、计划总投资超400亿元。",
                   published_at="2024-11-02")
    assert (anns[0].total_investment_cny, anns[0].investment_qualifier) == (40_000_000_000, "超")
    anns = extract("6月30日，228国道庵东至梨洲段工程的开工，标志着当地交通建设进入新阶段。", published_at="2021-07-01")
    assert names(anns) == ["228国道庵东至梨洲段工程"]
    anns = extract("3月2日，某京东智能物流示范基地项目投资额突破百亿元，当天正式开工。", published_at="2021-03-03")
    assert names(anns) == ["某京东智能物流示范基地项目"]


def test_counted_companies_projects_named_after_their_count_and_fragments_that_are_no_names():
    anns = extract("3月1日，某区集中签约6家企业重点项目，总投资58亿元，其中50亿元以上项目1个，为奥星新能源电池负极材料"
                   "研发总部及生产基地项目。", published_at="2023-03-02")
    assert anns[0].project_count == 6
    assert names(anns) == ["奥星新能源电池负极材料研发总部及生产基地项目"]
    anns = extract("5月6日，某区举行项目集中签约，市领导共同为项目揭牌，签约的还有建筑科技类项目、金融基金类项目。",
                   published_at="2023-05-07")
    assert names(anns) == []
    assert extract("截至目前，63个重大项目已全部开工。", published_at="2023-07-20") == []


def test_the_storys_count_before_the_headlines():
    anns = extract("6月1日，某区举行重大项目集中签约仪式，现场签约项目26个，总投资120亿元。", published_at="2023-06-02",
                   title="某区50个重大项目集中签约开工")
    assert anns[0].project_count == 26
