"""Cut what trafilatura leaves behind on Chinese news pages.

trafilatura drops link lists marked up as ``<ul>``, but many templates write 相关阅读 / 更多资讯 /
最近更新 blocks, editor lines and tag lines as plain paragraphs, and plain-text inputs have them
inline. Those blocks sit at the end of the article and start with a short heading line, so we cut
from the first such heading line to the end — a heading being a *short* line that starts with a
marker, so that a real paragraph merely mentioning "相关阅读" or "关键词" is kept.
"""
from __future__ import annotations

import re

from extract.normalize import to_simplified

# Section headings that end an article on Chinese news templates (compared on Simplified text).
TAIL_MARKERS = (
    "相关阅读", "相关新闻", "相关链接", "相关文章", "相关稿件", "相关推荐", "延伸阅读", "推荐阅读",
    "更多资讯", "更多新闻", "更多阅读", "更多精彩", "最近更新", "最新更新", "为您推荐", "为你推荐",
    "您可能也感兴趣", "你可能也感兴趣", "猜你喜欢", "热门推荐", "热点推荐", "热门文章", "热点新闻",
    "每日推荐", "排行", "精彩推荐", "往期回顾", "栏目主编", "责任编辑", "责编", "文字编辑", "本文作者",
    "关键词", "关键字", "标签", "分享到", "上一篇", "下一篇", "打印本页", "关闭窗口", "【纠错】",
)
_HEADING = re.compile(
    r"^\s*[【\[]?\s*(?:" + "|".join(re.escape(m) for m in TAIL_MARKERS) + r")\s*[】\]]?"
)
# Picture captions that are not text: "(资料图)", "(资料图片仅供参考)", "图片来源：…".
_CAPTION = re.compile(r"^\s*[(（]?\s*(?:资料图|图片来源|图源|视频来源)[^。]{0,20}[)）]?\s*$")
_SENTENCE_END = re.compile(r"[。！？!?]\s*$")
# A real heading line is short: the marker, maybe a colon and a name ("责任编辑：张三"); after a
# colon it may carry one headline ("上一篇：…"), never a sentence.
_MAX_HEADING_LEN = 24
_MAX_LABELLED_LEN = 64
# Below this much text, a marker is more likely navigation at the top than the article's end.
_MIN_BODY_BEFORE_CUT = 60


def is_tail_heading(line: str) -> bool:
    simple = to_simplified(line.strip())
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


def cut_boilerplate(text: str) -> str:
    """Drop caption lines and everything from the first tail heading (or trailing headline list) on."""
    lines = [ln for ln in (text or "").splitlines() if not _CAPTION.match(ln)]
    kept: list[str] = []
    for line in lines:
        if is_tail_heading(line):
            if sum(len(k) for k in kept) >= _MIN_BODY_BEFORE_CUT:
                break
            continue  # a marker before the body is navigation: drop the line, keep reading
        kept.append(line)
    # A run of three or more bare bulleted headlines at the very end is a link list without a heading.
    end = len(kept)
    while end > 0 and (not kept[end - 1].strip() or _is_list_item(kept[end - 1])):
        end -= 1
    bulleted = [ln for ln in kept[end:] if ln.strip()[:1] in "-·•*●◆▪>"]
    if len(bulleted) >= 3:
        kept = kept[:end]
    return "\n".join(ln.rstrip() for ln in kept).strip()
