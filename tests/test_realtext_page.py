"""Plain-text pages as real crawls deliver them: dates under a menu or in an e-paper footer, datelines
that name the publisher, furniture lines kept in the text (all strings invented)."""
import pytest

from extract.boilerplate import cut_boilerplate, is_debris_line, strip_header_furniture
from extract.page import find_outlet, read_text

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
