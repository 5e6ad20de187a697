"""Cut what the main-text extractors leave behind on Chinese news pages.

trafilatura drops link lists marked up as ``<ul>``, but many templates write 相关阅读 / 更多资讯 /
最近更新 blocks, editor lines, share bars, comment boxes and tag lines as plain paragraphs, and
plain-text inputs have them inline. Those blocks sit at the end of the article and start with a
short heading line, so ``cut_boilerplate`` cuts from the first such heading line to the end — a
heading being a *short* line that starts with a marker, so that a real paragraph merely mentioning
"相关阅读" or "关键词" is kept. The site's legal footer (版权所有, ICP备, 未经许可不得转载,
特别声明：…) ends the article the same way; empty table rows and pagers go wherever they are.

Above the article, ``strip_header_furniture`` drops what templates print between the headline and
the first sentence: 来源/作者/发布时间 lines, bare datelines, breadcrumbs, share and font tools,
and the headline itself when the extractor repeated it.
"""
from __future__ import annotations

import re
import unicodedata

from yrdwatch.extract.normalize import to_simplified
from yrdwatch.extract.projects import ENUMERATOR

# Section headings that end an article on Chinese news templates (compared on Simplified text).
TAIL_MARKERS = (
    "相关阅读", "相关新闻", "相关报道", "相关链接", "相关文章", "相关稿件", "相关推荐", "延伸阅读", "推荐阅读",
    "更多资讯", "更多新闻", "更多阅读", "更多精彩", "最近更新", "最新更新", "为您推荐", "为你推荐",
    "您可能也感兴趣", "你可能也感兴趣", "猜你喜欢", "热门推荐", "热点推荐", "热门文章", "热点新闻",
    "每日推荐", "排行", "精彩推荐", "往期回顾", "栏目主编", "责任编辑", "责编", "文字编辑", "本文作者",
    "关键词", "关键字", "标签", "分享到", "上一篇", "下一篇", "打印本页", "关闭窗口", "【纠错】",
    # share bars, comment boxes and page tools under the article
    "分享让更多人看到", "分享至", "分享：", "一键分享", "扫一扫", "微信扫一扫", "扫描二维码", "点击右上角",
    "请使用浏览器分享", "热门评论", "最新评论", "最热评论", "网友评论", "我来说两句", "发表评论", "查看评论",
    "评论区", "页面功能", "打印本稿", "打印此文", "【打印】", "【关闭】", "【收藏】", "返回顶部", "返回首页",
    "返回页首", "点击排行", "更多内容", "新闻推荐", "标题导航", "今日推荐", "编辑推荐",
    # the production credits under an article ("编辑：王芳", "校对：李明 审核：张强"); with the colon only,
    # since "编辑"/"审核" alone may start a sentence of the article
    *(f"{role}{colon}" for role in ("编辑", "校对", "审核", "审校", "初审", "复审", "终审", "监制", "值班编辑")
      for colon in ("：", ":")),
)
_HEADING = re.compile(
    r"^\s*[【\[“\"「(（]?\s*(?:" + "|".join(re.escape(m) for m in TAIL_MARKERS) + r")\s*[】\]]?"
)
# Picture captions that are not text: "(资料图)", "(相关资料图)", "(资料图片仅供参考)", "图片来源：…".
_CAPTION = re.compile(r"^\s*[(（]?\s*(?:相关)?(?:资料图|图片来源|图源|视频来源)[^。]{0,20}[)）]?\s*$")
_SENTENCE_END = re.compile(r"[。！？!?]\s*$")
# A real heading line is short: the marker, maybe a colon and a name ("责任编辑：张三"); after a
# colon it may carry one headline ("上一篇：…"), never a sentence.
_MAX_HEADING_LEN = 24
_MAX_LABELLED_LEN = 64
# Below this much text, a marker is more likely navigation at the top than the article's end.
_MIN_BODY_BEFORE_CUT = 60
# The site's legal footer: copyright and licence lines, which end the article wherever they appear.
_FOOTER = re.compile(
    r"copyright|©\s*(?:19|20)\d{2}|all rights reserved|版权所有|icp备|icp证|公网安备|信息服务许可证|许可证编号"
    r"|违法和不良信息举报",
    re.I,
)
# A notice that starts with its label ("特别声明：以上内容为自媒体平台用户上传…。") may be a sentence.
# The same heading may carry the site's name and both words, alone or before its colon: "版权和免责申明",
# "某某网版权及免责声明：凡本网注明……" (申明 as some sites spell it).
_NOTICE = re.compile(
    r"^[“\"「【\[(（]?\s*(?:特别声明|免责声明|版权声明|声明\s*[:：]"
    r"|(?:[\u4e00-\u9fff]{1,12}?(?:网站|网|站|报|台|社|在线|新闻|客户端|平台))?"
    r"(?:版权|免责|侵权)(?:(?:和|及|与|、)(?:版权|免责))?(?:声明|申明)[】\]]?\s*(?:[:：]|$))")
# Weaker footer wording ("未经许可不得转载", "转载请联系…", "网站版权与免责声明："): trusted only on a
# short line, since a report may say the same inside a paragraph.
_FOOTER_SHORT = re.compile(
    r"(?:未经|没有).{0,12}(?:许可|授权|同意).{0,12}(?:转载|复制|摘编|镜像)|(?:禁止|严禁|谢绝|请勿|不得).{0,6}转载"
    r"|(?:转载|侵权).{0,20}(?:联系|致电|电话|邮箱)|^.{0,20}(?:版权|免责|侵权|著作权).{0,6}(?:声明|公告)\W*$"
)
_MAX_FOOTER_LEN = 200
_MAX_FOOTER_SHORT_LEN = 100
# A table row with nothing in its cells ("|  |  |", "|---|---|"), as trafilatura writes layout tables.
_EMPTY_ROW = re.compile(r"^[\s|:\-]*$")
# Pager lines: "第1页/共3页", "<< 上一页 | 下一页 >>", "[1] [2] [3]".
_PAGE_ITEM = r"(?:第\s*\d+\s*页|共\s*\d+\s*页|上一页|下一页|首页|尾页|末页|\d{1,3})"
# Same lines as with _PAGE_ITEM (any digit run splits into items of 1-3 digits), but a run is one
# item: splitting it every possible way backtracked exponentially on a long run of digits.
_PAGER_ITEM = _PAGE_ITEM.replace(r"|\d{1,3})", r"|\d+(?!\d))")
_PAGER = re.compile(r"^[\W_]*" + _PAGER_ITEM + r"(?:[\W_]*" + _PAGER_ITEM + r")*[\W_]*$")
_CELL_EDGES = " \t|"


# Lines of page furniture that may stand anywhere in the text (checked on Simplified text, so that
# Traditional pages match too), each pattern narrow enough that a paragraph using the same words,
# which has a sentence end or runs longer, is kept:
_DEBRIS_PATTERNS = (
        # view counters: "人气: 1024", "浏览次数 512", "阅读量：3万+", "点击数：", "访问量 12"
        r"^.{0,40}?(?:人气|浏览(?:次数|量|数)?|阅读(?:量|数|次数)|点击(?:数|量|率)|访问量)\s*(?:[:：]\s*[\d,.万+]*|[\d,.万+]+)\s*次?\s*$",
        # font-size controls: "字号变大| 字号变小", "小字号", "字号:大 中 小", "【字体：大 中 小】"
        r"^[\W_]*(?:[大中小]字号|字[号体]\s*(?:[:：]\s*)?(?:变大|变小|放大|缩小|默认|[大中小](?:[\W_]*[大中小])*))[\W_字号变大小放缩默认]*$",
        # app promotion: "下载某某新闻APP客户端,随时随地看新闻!" (a short line, no full stop: "打开手机APP即可办理。" is text)
        r"^[\W_]*(?:下载|打开|安装)[^。]{0,16}(?:客户端|APP|app|App)[^。]{0,24}$",
        # subscription promotion: "……【关注】某某订阅,……私信回复【项目】……", "长按识别二维码关注" (not
        # "关注公众号", which a story may tell its readers to do)
        r"私信回复|【关注】|点击(?:上方|下方)蓝字|长按识别二维码",
        # breadcrumbs: "某某网>>某某频道>>经济", "某某网 > 即时新闻 > 地方", "首页 > 新闻中心 > 正文"
        r"^[^\d。，,；;！？!?]{0,30}?(?:位置\s*[:：])?[^\d>»›＞。，,；;]{1,14}(?:\s*(?:>>|[>»›＞])\s*[^\d>»›＞。，,；;]{1,14}){1,6}\s*(?:>>|[>»›＞])?\s*$",
        # a repeat of the original headline: "原标题:《……》"
        r"^[\W_]*原标题\s*[:：][^。]{0,100}$",
        # photo-file debris of CMS captions: "……_fororder_图片1_副本", "IMG_2034.jpg"
        r"_fororder_|_副本\s*$|\.(?:jpe?g|png|gif|webp)\s*$",
        # picture captions: "项目效果图", "园区鸟瞰图"
        r"^[^。，,；;！？!?]{0,16}(?:效果图|示意图|鸟瞰图|规划图|航拍图|现场图)\s*[)）]?$",
        # photo credits: "签约仪式 摄影 某某某", "(某某日报记者 某某 摄)", "摄影：张三"
        # (the credit opens the line or follows a space: "影视拍摄基地开工" is a subheading)
        r"^(?:[^。，,；;！？!?]{0,20}\s)?(?:摄影|摄)\s*[:：/]?\s*[\u4e00-\u9fff·]{2,4}(?:\s+[\u4e00-\u9fff·]{2,4}){0,2}\s*$",
        r"^[(（][^。，,；;()（）]{0,24}(?:摄影?|供图)[)）]$",
        # credits after the name: "崔佳明 摄", "某某经开区供图", and caption labels "图说:", "图注:"
        r"^[\u4e00-\u9fff·]{2,4}(?:\s+[\u4e00-\u9fff·]{2,4}){0,2}\s+摄影?\s*$",
        r"^[\u4e00-\u9fff·]{2,12}供图\s*$",
        r"^图(?:说|注|片说明)\s*[:：]",
        # image placeholders left by markdown-style extraction: "![]()", "![图片](…)"
        r"^(?:!\[[^\]]{0,30}\]\([^)]{0,300}\)[\s|]*)+$",
        # a channel's own name as a line: "某某在线某某频道"
        r"^[\u4e00-\u9fff]{2,12}频道\s*$",
        # "您的位置: 首页 > 24H > 正文": a breadcrumb, whatever its items
        r"^(?:您的|你的|当前)?(?:所在)?位置\s*[:：]",
        # e-paper furniture: the masthead "某某日报 数字报纸", the page line "00003版:要闻", and the index
        # line "某某日报 要闻 00003 <headline> 2021-03-10 12345678 2 2021年03月10日 星期三"
        r"^[\u4e00-\u9fff]{2,10}[报刊]\s*(?:数字报纸?|数字报刊|电子版|电子报)\s*$",
        r"^(?:第\s*)?\d{1,5}\s*版\s*[:：]\s*[\u4e00-\u9fff]{1,10}\s*$",
        r"^[\u4e00-\u9fff]{2,10}[报刊]\s+[\u4e00-\u9fff]{1,8}\s+\d{1,5}\s+.{1,80}?(?:19|20)\d{2}-\d{1,2}-\d{1,2}\s+\d{4,}",
        # a bare dateline with the weekday: "2021年03月10日 星期三"
        r"^(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*(?:星期|周)[一二三四五六日天]\s*$",
        # a row of page tools only: "【打印】【关闭】", "收藏", "分享", "打印本页 关闭窗口"
        r"^(?:[\W_]*(?:打印|关闭|收藏|分享|转发|点赞|纠错|保存|复制链接|本页|窗口|此文|本文|返回|顶部))+[\W_]*$",
        # an industry site's own blurb closing its copies: "某某网是某某行业主流、权威的传播媒体。"
        r"^[\u4e00-\u9fff]{2,12}网是[^。]{0,30}(?:媒体|网站|门户|平台)",
        # a listed company's ticker widget: "股票代码 600016", "证券代码：000001.SZ 证券简称：某某股份"
        r"^(?:(?:股票|证券)(?:代码|简称)\s*[:：]?\s*[A-Za-z0-9.\u4e00-\u9fff]{2,12}\s*){1,2}$",
        # a site's name with its address, alone on a line: "某某招标网 www.example.com.cn"
        r"^[\u4e00-\u9fff]{2,16}[ \t\u3000]*(?:https?://|www\.)[A-Za-z0-9./_-]+\s*$",
        # a picture placeholder left where an image failed: "18SZ图片处理", "图片加载中..."
        r"^[A-Za-z0-9_]{0,12}\s*图片(?:处理|加载中|加载失败|正在加载中?)(?:\.{0,3}|…{0,2})\s*$",
)
# Tried once at the start of a line (match) and once through it (search), not every pattern at every
# position: on a page of running text this check would otherwise cost more than the rest of the cleaning.
_DEBRIS_LINE = re.compile("|".join(p[1:] for p in _DEBRIS_PATTERNS if p.startswith("^")))
_DEBRIS_INSIDE = re.compile("|".join(p for p in _DEBRIS_PATTERNS if not p.startswith("^")))
_MAX_DEBRIS_LEN = 120
# The reprint notice many sites print above or below the story, as long as a paragraph: "凡本网注明
# “来源：XX”的所有作品，版权均属于……", dropped wherever it stands.
_REPRINT_NOTICE = re.compile(r"^凡(?:本网|本站|注明|[^。]{0,60}(?:注明|稿件|作品|版权|转载))")
# A credit label left glued to the end of the last paragraph: "……(某某 某某)责任编辑:", and the
# photo credit closing a caption, whose words may be the story's ("……签约仪式。新华社记者 某某 摄").
_GLUED_CREDIT = re.compile(r"(?<=[。！？!?)）])\s*(?:责任编辑|编辑|责编)\s*[:：]\s*[\w·]{0,10}\s*$"
                           r"|(?<=[。\s])\s*(?:[\u4e00-\u9fff]{0,10}记者\s*)?[\u4e00-\u9fff·]{2,12}\s*(?:摄影?|供图)"
                           r"\s*(?:\(下同\))?\s*$")


def is_debris_line(line: str) -> bool:
    """A line of page furniture that may stand anywhere: a picture caption, counter, font tool, app or
    subscription promotion, breadcrumb, 原标题 line, photo file or credit, e-paper masthead or index line."""
    simple = to_simplified(line.strip(_CELL_EDGES + "\u3000"))
    return bool(_REPRINT_NOTICE.match(simple)) or 0 < len(simple) <= _MAX_DEBRIS_LEN and bool(
        _CAPTION.match(simple) or _DEBRIS_LINE.match(simple) or _DEBRIS_INSIDE.search(simple))


def _is_pager(line: str) -> bool:
    stripped = line.strip()
    if not stripped or len(stripped) > _MAX_LABELLED_LEN or stripped.startswith("|"):
        return False  # a table row of numbers is data
    return bool(_PAGER.match(stripped)) and ("页" in stripped or len(re.findall(_PAGE_ITEM, stripped)) >= 2)


def is_footer_line(line: str) -> bool:
    """A copyright, licence or reprint-notice line of the site's footer."""
    simple = to_simplified(line.strip(_CELL_EDGES))
    if not simple or len(simple) > _MAX_FOOTER_LEN:
        return False
    if _NOTICE.match(simple):
        return True
    if _SENTENCE_END.search(simple):
        return False  # a sentence that mentions copyright is the article's, not the footer
    return bool(_FOOTER.search(simple)) or (len(simple) <= _MAX_FOOTER_SHORT_LEN and bool(_FOOTER_SHORT.search(simple)))


def is_tail_heading(line: str) -> bool:
    simple = to_simplified(line.strip(_CELL_EDGES))
    match = _HEADING.match(simple)
    if not match or _SENTENCE_END.search(simple):
        return False
    labelled = simple[match.end():].lstrip()[:1] in (":", "：")
    return len(simple) <= (_MAX_LABELLED_LEN if labelled else _MAX_HEADING_LEN)


def _is_list_item(line: str) -> bool:
    """A bare headline in a text-written link list: short, no sentence end, often bulleted."""
    stripped = line.strip()
    return bool(stripped) and len(stripped) <= 40 and not _SENTENCE_END.search(stripped) and (
        stripped[0] in "-·•*●◆▪>" or len(stripped) <= 30
    )


# Page furniture printed between the headline and the first paragraph: "来源：… 作者：…",
# "发布时间：2023-06-21 09:19", "当前位置：首页 > 要闻", "【字体：大 中 小】", a bare "2022.01.20 16:31".
_META_LABEL = (
    r"(?:信息|文章|新闻|稿件)?来源|稿源|来自|出处|作者|撰稿|(?:责任|文字)?编辑|责编|记者|通讯员|摄影|"
    r"发布(?:者|人|时间|日期)?|发表(?:时间|日期)|更新(?:时间|日期)|时间|日期|点击(?:数|量)?|浏览(?:量|次数)?|"
    r"阅读(?:量|数)?|字号|字体|(?:当前|您的|您现在的|您所在的|所在)?位置"
)
_META_START = re.compile(r"^[【\[(（]?\s*(?:" + _META_LABEL + r")\s*[:：]")
_META_ANY = re.compile(r"(?:" + _META_LABEL + r")\s*[:：]")
_DATE_TIME = re.compile(
    r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}\s*[:：时]\s*\d{2}(?:\s*[:：分]\s*\d{2})?)?"
)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
# Sentence punctuation anywhere: a metadata line has none.
_PROSE = re.compile(r"[。！？；]")
# A sentence of the article: a full stop inside, or a sentence end (closing quotes and brackets
# allowed) at the close; a headline may have "！" inside ("突发！新疆地震").
_SENTENCE = re.compile(r"。|[。！？!?；…」”\"）)]\s*$")
# Share bars and page tools printed above the article ("点击右上角微信好友", "朋友圈", "字号：大 中 小").
_PAGE_TOOL = re.compile(r"分享|朋友圈|微信好友|微博|QQ空间|扫码|二维码|收藏|打印|字号|登录")
_MAX_PAGE_TOOL_LEN = 40
# A breadcrumb, whole or broken over lines: "首页 > 新闻", "快讯 >".
_BREADCRUMB = re.compile(r"^\W*首页\s*[>»›＞]|[>»›＞]\s*$")
_MAX_META_LEN = 80
# What a date line may carry besides the date: a short outlet name ("2005-07-18 13:03 千龙网").
_MAX_META_REST = 12


# How an item of a list starts ("1." "(二)" "三、", on full-width forms folded): a line of the story
# even without a full stop.
_ENUMERATED = re.compile(ENUMERATOR)
_MAX_EDGE_FURNITURE_LEN = 60


def is_prose_line(line: str) -> bool:
    """A line of the story: sentence punctuation, a clause (a comma in a long line), a long line (a
    truncated last paragraph), or an item of an enumeration."""
    simple = to_simplified(line.strip(_CELL_EDGES + "\u3000"))
    return bool(_PROSE.search(simple) or len(simple) > _MAX_EDGE_FURNITURE_LEN
                or (len(simple) > 25 and re.search(r"[,，]", simple))
                or _ENUMERATED.match(unicodedata.normalize("NFKC", simple)))


def trim_edge_furniture(text: str) -> str:
    """Drop the lines above the first and below the last line of the story that are no prose: menus,
    e-paper mastheads, link lists, tool bars and credits of a plain-text page. Each line is judged
    alone and only at the edges, so a heading inside the story ("【项目一览】") stays."""
    lines = text.split("\n")
    prose = [i for i, ln in enumerate(lines) if is_prose_line(ln)]
    if not prose:
        return text
    end = prose[-1] + 1
    if re.search(r"[:：]\s*$", lines[prose[-1]]):
        end = len(lines)  # "主要包括:" opens a list of short lines that is the story's
    return "\n".join(lines[prose[0]:end])


def is_sentence(line: str) -> bool:
    """A line that reads as running text rather than a heading, label or link."""
    return bool(_SENTENCE.search(line.strip()))


def is_meta_line(line: str) -> bool:
    """A dateline, a source/author/time line or a "当前位置：" line: not a sentence of the article."""
    simple = to_simplified(line.strip(_CELL_EDGES + "\u3000"))
    if not simple or len(simple) > _MAX_META_LEN or _PROSE.search(simple):
        return False
    if _META_START.match(simple) or len(_META_ANY.findall(simple)) >= 2:
        return True
    if not (date := _DATE_TIME.search(simple)):
        return False
    rest = _URL.sub("", simple[:date.start()] + simple[date.end():])
    # Latin words and numbers beside a date are ids, user names and counters ("家居 2021-03-10 abc123
    # 4567"): each counts as one character of what the line says besides the date.
    rest = re.sub(r"[A-Za-z0-9]+", "x", re.sub(r"[\W_]+", "", _META_ANY.sub("", rest)))
    return bool(_META_ANY.search(simple)) or len(rest) <= _MAX_META_REST


def _is_title_copy(line: str, title: str | None) -> bool:
    if not title:
        return False
    line, title = "".join(line.split()).strip(_CELL_EDGES), "".join(title.split())
    return bool(line) and line == title


def _is_page_tool(line: str) -> bool:
    simple = to_simplified(line.strip(_CELL_EDGES))
    return 0 < len(simple) <= _MAX_PAGE_TOOL_LEN and not _SENTENCE.search(simple) and bool(
        _PAGE_TOOL.search(simple) or _BREADCRUMB.search(simple))


# A site menu printed as a list above the article: three or more short bulleted items in a row.
_MENU_ITEM = re.compile(r"^\s*[-·•*●◆▪]\s*[^:：。，,]{1,20}$")
_MIN_MENU_ITEMS = 3


def _menu_lines(lines: list[str]) -> set[int]:
    """Indexes of the lines in runs of at least three bulleted short items (blank lines between allowed)."""
    found: set[int] = set()
    run: list[int] = []
    for i, line in enumerate(lines + [""]):
        if _MENU_ITEM.match(line):
            run.append(i)
        elif line.strip() or i == len(lines):
            if len(run) >= _MIN_MENU_ITEMS:
                found.update(run)
            run = []
    return found


def strip_header_furniture(text: str, title: str | None = None) -> str:
    """Drop metadata lines, site menus (and a repeat of the headline) above the first sentence of the article."""
    kept: list[str] = []
    in_header = True
    lines = (text or "").splitlines()
    menu = _menu_lines(lines)
    for i, line in enumerate(lines):
        if in_header:
            if _is_title_copy(line, title) or is_meta_line(line) or _is_page_tool(line) or i in menu:
                continue
            if is_sentence(line) or len(line.strip()) > _MAX_META_LEN:
                in_header = False
        kept.append(line)
    return "\n".join(kept).strip()


def cut_boilerplate(text: str) -> str:
    """Drop caption, furniture (``is_debris_line``), empty-row and pager lines, and everything from the
    first tail heading or footer line (or a trailing headline list) on."""
    lines = [_GLUED_CREDIT.sub("", ln) if "编" in ln or "摄" in ln or "供图" in ln else ln
             for ln in (text or "").splitlines()
             if not (ln and _EMPTY_ROW.match(ln)) and not _is_pager(ln)]
    kept: list[str] = []
    for line in lines:
        if is_tail_heading(line) or is_footer_line(line):
            if sum(len(k) for k in kept) >= _MIN_BODY_BEFORE_CUT:
                break
            continue  # a marker before the body is navigation: drop the line, keep reading
        if not is_debris_line(line):  # after the tail check: "【打印】【关闭】" still ends the article
            kept.append(line)
    # A run of three or more bare bulleted headlines at the very end is a link list without a heading.
    # Blank lines count as items too ("" is in any string): a tail of short non-sentence lines spaced
    # by blank lines ("记者:某某", "来源:某某新闻", "快乐分享") goes as well, which is how plain-text
    # crawls lose the credits and share words they carry under the story.
    end = len(kept)
    while end > 0 and (not kept[end - 1].strip() or _is_list_item(kept[end - 1])):
        end -= 1
    bulleted = [ln for ln in kept[end:] if ln.strip()[:1] in "-·•*●◆▪>"]
    if len(bulleted) >= 3:
        kept = kept[:end]
    return "\n".join(ln.rstrip() for ln in kept).strip()
