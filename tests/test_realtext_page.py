"""Plain-text pages as real crawls deliver them: dates under a menu or in an e-paper footer, datelines
that name the publisher, furniture lines kept in the text (all strings invented)."""
import pytest

from yrdwatch.extract.boilerplate import cut_boilerplate, is_debris_line, strip_header_furniture
from yrdwatch.extract.page import find_outlet, read_text

STORY = ("3月9日上午，某县举行重大项目集中开工仪式，共有8个项目集中开工，总投资约46亿元。\n"
         "此次开工项目涵盖新材料、智能装备等领域，建成后将进一步壮大先进制造业集群。")


def test_labelled_date_below_a_site_menu():
    menu = "\n".join(f"- 栏目{n}" for n in "一二三四五六七八九十")
    page = read_text(f"某县8个重大项目集中开工\n导航\n当前位置:首页 > 新闻中心 >\n{menu}\n"
                     f"来源:某某网 日期:2021-03-10 点击:次\n{STORY}")
    assert page.published_at == "2021-03-10"
    assert page.outlet == "某某网"
    assert "栏目" not in page.text and "当前位置" not in page.text


def test_e_paper_masthead_and_footer():
    page = read_text("某县8个重大项目集中开工\n某某日报 数字报纸\n\n00003版:要闻\n\n"
                     f"  本报某县3月9日电 (记者 某某) {STORY}\n\n"
                     "某某日报 要闻 00003 某县8个重大项目集中开工 2021-03-10 12345678 2 2021年03月10日 星期三")
    assert page.published_at == "2021-03-10"
    assert page.outlet == "某某日报"
    for debris in ("数字报纸", "00003版", "12345678"):
        assert debris not in page.text
    assert page.text.startswith("本报某县3月9日电")


def test_a_date_of_the_story_is_no_page_date():
    assert read_text("某县8个重大项目集中开工\n" + STORY.replace("3月9日", "2021年3月9日")).published_at is None
    assert read_text("2021年1-12月，全县新开工亿元项目120个。\n" + STORY).published_at is None


def test_comment_timestamps_are_no_page_date():
    page = read_text(STORY + "\n发表评论\n2024-05-31 18:36:38回复\n(表情)\n2024-05-31 18:40:01回复")
    assert page.published_at is None and "回复" not in page.text


@pytest.mark.parametrize("header, iso", [
    ("资讯\n2021\n03/10\n09:15", "2021-03-10T09:15:00"),
    ("\n10.03.2021  09:15\n", "2021-03-10T09:15:00"),
    ("人民网\n人民网>>某某频道>>经济\n\n2021年03月10日09:15 | 来源:某某发布\n小字号\n", "2021-03-10T09:15:00"),
])
def test_header_dates_in_the_shapes_crawls_print(header, iso):
    page = read_text(f"某县重大项目集中开工，先睹为快!\n{header}\n{STORY}")
    assert page.title == "某县重大项目集中开工，先睹为快!"
    assert page.published_at == iso
    assert "频道" not in page.text and "小字号" not in page.text


@pytest.mark.parametrize("text, outlet", [
    ("某某网讯:" + STORY, "某某网"),
    ("【某某商报网讯】通讯员 某某 报道:" + STORY, "某某商报网"),
    ("某某晚报讯 " + STORY, "某某晚报"),
    ("中新社某地3月9日电 (记者 某某)" + STORY, "中新社"),
    ("新华社某地3月9日电 " + STORY, "新华社"),
    ("据某某晨报消息 " + STORY, "某某晨报"),
    ("据某某日报报道，" + STORY, "某某日报"),
    ("本报讯 " + STORY, None),
    ("本网讯 (记者某某)" + STORY, None),
    ("本报某县3月9日电 " + STORY, None),
    ("平台电商企业纷纷入驻。" + STORY, None),
])
def test_datelines_and_credits_that_name_the_publisher(text, outlet):
    assert find_outlet(text) == outlet


@pytest.mark.parametrize("line, outlet", [
    ("来源:某某建设管理有限公司发表时间:2021-03-10", "某某建设管理有限公司"),
    ("来源:某某日报发布日期:2021-03-10", "某某日报"),
    ("2021-03-10 15:24:48 某某建设集团有限公司 浏览次数 2167", "某某建设集团有限公司"),
    (" http://www.example.com    发表日期:2021-03-10 14:20:20  某某钢铁", "某某钢铁"),
])
def test_outlet_beside_a_date_or_glued_to_a_label(line, outlet):
    page = read_text(f"某县8个重大项目集中开工\n\n{line}\n\n{STORY}")
    assert page.outlet == outlet
    assert page.published_at[:10] == "2021-03-10"
    assert page.text.startswith("3月9日上午")


def test_source_line_in_the_footer():
    page = read_text(STORY + "\n\n记者:某某\n\n来源:某某新闻\n\n某ICP备12345678号-1\n\n版权所有 某某传媒 2002-2025")
    assert page.outlet == "某某新闻"


def test_a_caption_line_is_no_title():
    page = read_text("(相关资料图)\n某某网讯:" + STORY)
    assert page.title is None and page.outlet == "某某网" and "资料图" not in page.text


def test_traditional_page_furniture():
    page = read_text("某縣重大項目集中開工\n某某網>>某某頻道>>經濟\n2021年03月10日09:15 | 來源:某某發佈\n小字號\n\n"
                     "原標題:某縣八個重大項目集中開工 總投資約46億元\n\n"
                     "3月9日上午，某縣舉行重大項目集中開工儀式，共有8個項目集中開工，總投資約46億元。\n"
                     "開工現場_fororder_圖片1_副本\n奠基儀式 攝影 某某某\n"
                     "此次開工項目涵蓋新材料、智能裝備等領域，建成後將進一步壯大先進製造業集群。")
    assert page.published_at == "2021-03-10T09:15:00"
    for debris in ("頻道", "小字號", "原標題", "fororder", "攝影"):
        assert debris not in page.text
    assert "建成後將進一步壯大" in page.text


@pytest.mark.parametrize("line", [
    "人气: 2074", "浏览次数 2167", "阅读量：3.2万", "字号变大| 字号变小", "字号:大 中 小", "【字体：大 中 小】",
    "下载某某新闻APP客户端,随时随地看新闻!", "首页 > 新闻中心 > 正文", "某某网 > 即时新闻 > 地方",
    "原标题:《某县重大项目开工》", "园区全景_fororder_图片2_副本", "IMG_0012.jpg", "签约仪式 摄影 某某某",
    "(某某日报记者 某某 摄)", "点赞 转发 收藏", "收藏", "项目效果图",
    "某某网是某某行业主流、权威的传播媒体。某某网的新闻资讯被各大搜索引擎收录。",
    "99%的用户【关注】某某订阅,都成功了!私信回复【项目】掌握最新信息。",
    "某某 摄", "某某经开区供图", "图说:某某研究院总部研发基地", "![]()", "![]() |", "某某在线某某频道",
    "股票代码 600016", "证券代码：000001.SZ 证券简称：某某股份", "某某项目招标网 www.example.com.cn",
    "某某网 http://www.example.com/", "18SZ图片处理", "图片加载中...",
])
def test_furniture_lines(line):
    assert is_debris_line(line)
    assert cut_boilerplate(STORY + "\n" + line + "\n" + STORY) == STORY + "\n" + STORY


@pytest.mark.parametrize("line", [
    "项目人气很旺，开放当天浏览次数超过1万次。",
    "园区负责人介绍，下载量已超过百万，相关客户端将在年内上线。",
    "摄影爱好者纷纷来到现场拍摄。",
    "总投资超182亿元",
    "打造全球领先的光伏产品超级制造中心",
    "据介绍，原标题中提到的三个项目均已开工。",
    "分享经济产业园开园",
    "温度>30度时暂停作业。",
    "园区将建设影视拍摄基地",
    "某某股份(股票代码600016)将在某县投资建设新材料项目。",
    "股票代码为600016的某公司将在此投资建设新项目。",
    "企业可登录www.example.com.cn查询项目申报指南。",
    "某某图片处理技术研发中心项目签约",
    "图片处理软件产业园开工",
])
def test_paragraphs_that_mention_furniture_words_are_kept(line):
    assert not is_debris_line(line)
    assert cut_boilerplate(STORY + "\n" + line) == STORY + "\n" + line


def test_a_credit_label_glued_to_the_last_paragraph():
    assert cut_boilerplate(STORY + "(某某 某某)责任编辑:") == STORY + "(某某 某某)"


def test_a_caption_keeps_its_words_but_not_its_photo_credit():
    assert cut_boilerplate(STORY + "\n2月17日，某项目现场。新华社记者 某某 摄\n集中开工现场。某某经开区供图") == (
        STORY + "\n2月17日，某项目现场。\n集中开工现场。")


def test_a_reprint_notice_goes_wherever_it_stands_and_the_story_stays():
    notice = "凡某某晨报、某某网记者署名文字、图片,版权均属于某某晨报所有。任何媒体不得转载。" * 3
    assert cut_boilerplate(STORY + "\n" + notice) == STORY
    assert cut_boilerplate("您的位置: 首页 > 24H > 正文\n" + notice + "\n" + STORY) == STORY


def test_a_site_menu_above_the_story_is_dropped_but_a_list_in_it_is_kept():
    listed = "\n- 新材料\n- 智能装备\n- 生物医药"
    text = "- 首页\n- 要闻\n- 园区\n- 政策\n" + STORY + listed
    assert strip_header_furniture(text) == STORY + listed


def test_a_source_cited_deep_in_the_story_is_no_dateline():
    text = STORY * 4 + "\n据某某社消息，某公司表示交货将延迟。"
    assert find_outlet(text) is None


@pytest.mark.parametrize("line", [
    "二、提升景区人气", "影视拍摄基地开工", "打开手机APP即可办理相关业务。", "市民可关注公众号获取最新信息。",
])
def test_subheadings_and_sentences_near_furniture_words_are_kept(line):
    assert not is_debris_line(line)


@pytest.mark.parametrize("text, outlet", [
    ("某某台湾网1月4日某县消息 日前," + STORY, "某某台湾网"),          # name, date, place, 消息
    ("某某在线10月18日讯(某某在线记者 某某)近日," + STORY, "某某在线"),  # name, date, 讯
    ("某某日报2021年3月9日讯 " + STORY, "某某日报"),
    ("某某网3月9日某地电 " + STORY, "某某网"),
    ("某某晚报·某某新闻记者 某某 通讯员 某某 某某\n\n" + STORY, "某某晚报"),  # a byline: the brand before ·
    ("某某新闻Knews记者 某某\n\n" + STORY, "某某新闻Knews"),
    ("某某日报记者 某某某\n" + STORY, "某某日报"),
    ("本报记者 某某\n" + STORY, None),
    ("某报融媒记者 某某 某某\n" + STORY, None),                      # no outlet's name before 记者
    ("某某社记者 某某 摄\n" + STORY, None),                          # a photo credit
    ("某某网3月9日上午,某县举行重大项目集中开工仪式。", None),           # no 讯/电/消息 after the date
])
def test_datelines_with_the_date_after_the_name_and_bylines(text, outlet):
    assert find_outlet(text) == outlet


@pytest.mark.parametrize("line", [
    "发布时间:2021-03-10 09:15 来源: sp20210310",   # a mirror's code
    "来源:网络整理 责任编辑: 某某",
    "来源:网络",
    "作者:Admin 来源:互联网 发布时间:2021-03-10",
    "来源:XXX",
    "来源:综合",
])
def test_a_source_label_that_names_no_publisher(line):
    assert find_outlet(line) is None
    assert read_text(f"某县8个重大项目集中开工\n\n{line}\n\n{STORY}").outlet is None


def test_a_refused_source_leaves_the_dateline_to_name_the_outlet():
    page = read_text(f"某县8个重大项目集中开工\n\n发布时间:2021-03-10 01:16:26 来源: sp20210310\n\n"
                     f"   某某网 某县3月9日电(某某){STORY}")
    assert page.outlet == "某某网" and page.published_at == "2021-03-10T01:16:26"


def test_a_hosting_sites_label_gives_way_to_the_storys_credit():
    page = read_text("某县8个重大项目集中开工\n来源:\n某某招标网 www.example.com.cn\n作者:\n"
                     f"{STORY} (来源:某某日报)\n|\n")
    assert page.outlet == "某某日报"
    assert "www.example.com.cn" not in page.text
    page = read_text(f"某县8个重大项目集中开工\n来源:\n某某招标网 www.example.com.cn\n作者:\n{STORY}")
    assert page.outlet == "某某招标网"


def test_the_source_of_a_reposted_story():
    page = read_text(f"本文转自:某某日报\n某县8个重大项目集中开工\n{STORY}")
    assert page.outlet == "某某日报"


def test_a_date_line_under_a_headline_closed_by_a_quote_or_a_slogan():
    page = read_text("某地13个项目签约落户\n您当前的位置 :某某在线 > 新闻 > 正文\n\n某县重大项目跑出“加速度”\n\n字体:\n"
                     f"—2021—\n03/10\n08:09:11\n2021-03-10 08:09:11 来源:某某在线-某某日报 记者 某某\n\n{STORY}")
    assert page.published_at == "2021-03-10T08:09:11" and page.outlet == "某某在线-某某日报"
    page = read_text(f"某地项目入选名单_某某网\n\n某某网\n\n新闻门户\n真实温暖丰富的网上某地!\n\n某地项目入选名单\n\n"
                     f"2021-03-10 12:16:44\n\n{STORY}")
    assert page.published_at == "2021-03-10T12:16:44"
    page = read_text(f"某县重大项目集中开工\n\n某区:重点项目建设按下发展“加速键”\n\n发布日期:2021-03-10  浏览次数:\n{STORY}")
    assert page.published_at == "2021-03-10"


def test_a_full_dateline_dates_a_page_that_prints_no_other_date():
    page = read_text("2019年4月1日讯,3月27日上午,某市重点项目集中开工仪式在某园区隆重举行。\n" + STORY)
    assert page.published_at == "2019-04-01"
    assert read_text("4月1日讯,3月27日上午,某市重点项目集中开工仪式在某园区隆重举行。\n" + STORY).published_at is None


def test_a_sentence_broken_over_short_lines_is_one_line_again():
    page = read_text("某县首批项目开工\n1月17日上午,\n某县2021年首批\n重大产业项目集中开工活动\n"
                     "暨某某纺织品项目开工仪式\n在某经济开发区举行。\n某某要求——\n要牢固树立发展理念;\n" + STORY)
    assert page.text.startswith("1月17日上午,某县2021年首批重大产业项目集中开工活动暨某某纺织品项目开工仪式在某经济开发区举行。\n"
                                "某某要求——\n要牢固树立发展理念;")


@pytest.mark.parametrize("text", [
    "一、项目概况,\n\n某项目位于某县。",                   # a blank line ends the run
    "主要包括:\n新材料,\n智能装备\n生物医药",               # no sentence end within reach
    STORY.replace("。\n", ",\n", 1),                     # a long line is a paragraph, not a broken one
])
def test_lines_that_are_no_broken_sentence_stay_apart(text):
    assert read_text("某县首批项目开工\n" + text).text == text.strip()


@pytest.mark.parametrize("heading", [
    "版权和免责申明", "版权及免责声明", "某某网版权及免责声明", "【免责声明】",
    "某某在线版权及免责声明:凡本网注明“来源:XXX(非某某在线)”的作品,均转载自其它媒体,转载目的在于传递更多信息",
])
def test_a_copyright_and_disclaimer_heading_starts_the_tail(heading):
    notice = "凡注有某某在线或电头为某某在线的稿件,均为某某在线独家版权所有,未经许可不得转载或镜像;"
    assert cut_boilerplate(STORY + "\n\n" + heading + "\n\n" + notice) == STORY
    assert read_text("某县8个重大项目集中开工\n" + STORY + "\n" + heading).outlet is None


@pytest.mark.parametrize("line", [
    "某公司发布版权声明称,项目相关专利均已授权。",
    "园区设立版权服务中心,为企业提供登记服务。",
    "某县版权产业园项目开工",
])
def test_paragraphs_about_copyright_are_kept(line):
    assert cut_boilerplate(STORY + "\n" + line) == STORY + "\n" + line


def test_an_empty_source_label_names_nobody():
    assert find_outlet("来源:   分类: 某某资讯") is None
