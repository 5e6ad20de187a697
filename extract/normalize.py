"""Text normalisation: what the page shows versus what analysis reads.

Stored and displayed text keeps the page's own script; every rule, the dedup signature and the
announcement extractor read ``analysis_text``: pinyin ruby removed, Traditional converted to
Simplified with OpenCC (``t2s``), full-width forms folded with NFKC.
"""
from __future__ import annotations

import operator
import re
import unicodedata
from functools import lru_cache

import opencc

# Pinyin ruby is an aggregator artefact: "發(fā)布" renders 發 with its reading. Real parentheses
# after a Chinese character hold Chinese ("綠地(蘇州)"), capitals ("(AI)") or digits, so we only
# remove a bracket whose whole content is one lower-case pinyin syllable, with or without a tone.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_TONE_BASE = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ", "aaaaeeeeiiiioooouuuuvvvvnnnm")
_SYLLABLE = re.compile(
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|er|in|un|vn|ia|ie|iu"
    r"|ua|uo|ui|ue|ve|a|o|e|i|u|v|ng|n|m)"
)
# A toned syllable is ruby after any character (mojibake can precede it: "?,F(xiàn)"); a toneless
# one ("(me)") only right after a Chinese character, so that "(a)" in "条款(a)" style lists survives.
_RUBY = re.compile(rf"(?<=\S)[(（]([a-zü{_TONED}]{{1,7}})[)）]")

# Decoding debris rather than text: U+FFFD, a "?" that stands for an undecodable byte (it is
# glued to stray Latin letters or punctuation, "儀式?,F場", "當?shù)仄髽I", where a real question
# mark is followed by the next sentence), and UTF-8 read as Latin-1 ("Ã©", "â€").
_MOJIBAKE = re.compile(
    r"\?[,;.:A-Za-z\u2460-\u24ff]\S{0,3}"
    r"|\ufffd+\S{0,2}"
    r"|[ÃÂâ][\u0080-\u00ff€™œ]+"
)


def _is_ruby(match: re.Match) -> bool:
    word = match.group(1)
    if _SYLLABLE.fullmatch(word.replace("ü", "v").translate(_TONE_BASE)) is None:
        return False
    before = match.string[match.start() - 1]
    return any(c in _TONED for c in word) or _cjk(before)


def strip_pinyin_ruby(text: str) -> str:
    """Remove inline pinyin annotations such as ``發(fā)布`` → ``發布``; keep real parentheses."""
    return _RUBY.sub(lambda m: "" if _is_ruby(m) else m.group(0), text)


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    # hk2s: t2s plus the Hong Kong variant forms (衞生, 綫) that Hong Kong reprints write and t2s keeps
    return opencc.OpenCC("hk2s")


# A page's text is converted for its script, then again for analysis: the second time is a lookup.
@lru_cache(maxsize=64)
def to_simplified(text: str) -> str:
    return _t2s().convert(text)


_CJK = re.compile("[\u3400-\u9fff\uf900-\ufaff]")


def _cjk(ch: str) -> bool:
    return _CJK.match(ch) is not None


def detect_script(text: str) -> str:
    """``traditional`` when a noticeable share of the Chinese characters change under t2s."""
    cjk = len(_CJK.findall(text))
    # t2s maps character for character, so the changed positions are the converted characters.
    changed = sum(map(operator.ne, text, to_simplified(text)))
    # Simplified text still has a few characters OpenCC maps (variants such as 於/着), so a
    # single changed character is not enough; real Traditional text changes 10–30 % of them.
    return "traditional" if cjk and changed >= 3 and changed / cjk >= 0.03 else "simplified"


def find_mojibake(text: str) -> list[str]:
    """Garbled spans left by a wrong decoding somewhere upstream, in order of appearance."""
    return [m.group(0) for m in _MOJIBAKE.finditer(text)]


def analysis_text(text: str) -> str:
    """The form every rule reads: no ruby, Simplified, full-width letters/digits/punctuation folded."""
    return unicodedata.normalize("NFKC", to_simplified(strip_pinyin_ruby(text)))
