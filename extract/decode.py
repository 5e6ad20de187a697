"""Bytes → text for Chinese web pages, trusting the bytes over what the page declares.

Chinese sites routinely declare ``gb2312`` while serving UTF-8, serve GBK with no charset at all,
or use GBK characters outside GB2312. So the declared charset is only a candidate: it is checked
by a strict decode, GB2312/GBK are widened to GB18030 (their superset), and charset-normalizer
decides only when neither UTF-8 nor the declaration survives a strict decode.
"""
from __future__ import annotations

import codecs
import html
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([a-zA-Z0-9_\-]+)", re.I)
# Declared names that mean "some GB encoding": all are decoded as GB18030, which contains them.
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "x-gbk", "gb_2312-80", "euc-cn", "hz-gb-2312"}


# File signatures of what servers send as text/html by mistake (images, PDFs, archives, icons).
_BINARY_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"PK\x03\x04", b"\x1f\x8b", b"Rar!", b"\x00\x00\x01\x00")
# Text in any encoding a Chinese page uses (UTF-8, GB18030, Big5, ISO-2022 with its ESC) has no C0
# control bytes but these; random or binary data has one byte in nine of them. The GB18030 fallback
# of the decoder reads nearly any bytes as characters, so this is what tells noise from a page.
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\x0c\r\x1b")
_BINARY_SAMPLE = 64 * 1024  # bytes looked at: enough to tell, cheap on a 5 MB page
_MAX_CONTROL_SHARE = 0.01


# Characters no page means to show, which break whatever reads the text later (one ESC from a
# 来源 line stopped every digest that quoted it): C0 and C1 controls but tab, newline and carriage
# return, Unicode non-characters and lone surrogates. A vertical tab or form feed separates words.
_NONCHARACTERS = [*range(0xFDD0, 0xFDF0), *(plane << 16 | low for plane in range(17) for low in (0xFFFE, 0xFFFF))]
_UNWANTED = {c: None for c in (*range(0x20), 0x7F, *range(0x80, 0xA0), *range(0xD800, 0xE000), *_NONCHARACTERS)
             if c not in (0x09, 0x0A, 0x0D)} | {0x0B: " ", 0x0C: " "}


def _ranges(codes) -> str:
    """The code points ``codes`` as the inside of a regex character class, in runs ("\\x00-\\x08...")."""
    runs = []
    for c in sorted(codes):
        if runs and runs[-1][1] == c - 1:
            runs[-1][1] = c
        else:
            runs.append([c, c])
    return "".join(re.escape(chr(a)) + (f"-{re.escape(chr(b))}" if b > a else "") for a, b in runs)


# str.translate looks every character of a page up in the table (a tenth of reading a real page);
# a pattern finds the rare unwanted ones in one scan. Every character beyond the BMP is a candidate
# (rare on Chinese pages, the table decides): a class listing the non-characters of all 16 planes
# is checked range by range and is slower than the translation.
_UNWANTED_CHAR = re.compile(f"[{_ranges(c for c in _UNWANTED if c <= 0xFFFF)}\U00010000-\U0010FFFF]")


def _unwanted_replacement(m: re.Match) -> str:
    char = m[0]
    return _UNWANTED.get(ord(char), char) or ""


# A numeric character reference the HTML parser would turn into one of them ("&#27;", "&#xFFFE;").
_CHAR_REF = re.compile(r"&#(?:[xX]0*(?P<hex>[0-9a-fA-F]{1,8})(?![0-9a-fA-F])|0*(?P<dec>[0-9]{1,8})(?![0-9]));?")


def _clean_reference(m: re.Match) -> str:
    code = int(m["hex"], 16) if m["hex"] else int(m["dec"])
    if code > 0x10FFFF:
        return m.group(0)  # the parser makes it U+FFFD
    char = html.unescape(f"&#{code};") if 0x80 <= code < 0xA0 else chr(code)  # &#150; is cp1252's "–" in HTML5
    clean = char.translate(_UNWANTED)
    return m.group(0) if clean == char else clean


def clean_characters(text: str) -> str:
    """``text`` without control characters, non-characters and references to them (tab and
    newlines kept); every page is read through this, so stored and analysed text are both clean."""
    return _UNWANTED_CHAR.sub(_unwanted_replacement, _CHAR_REF.sub(_clean_reference, text))


def looks_binary(raw: bytes) -> bool:
    """Not text in any encoding: a known file signature, a NUL byte near the start, or more than 1 %
    control bytes in the first 64 KB."""
    sample = raw[:_BINARY_SAMPLE]
    return sample.startswith(_BINARY_MAGIC) or b"\x00" in sample[:2048] or (
        len(sample) - len(sample.translate(None, _CONTROL)) > _MAX_CONTROL_SHARE * len(sample))


def _canonical(name: str | None) -> str | None:
    if not name:
        return None
    try:
        name = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    return "gb18030" if name in _GB_FAMILY or name.startswith("gb") else name


def declared_charsets(raw: bytes, content_type: str | None = None) -> list[str]:
    """Charsets named by the HTTP header and by ``<meta>``, in that order, canonical names."""
    found = []
    if content_type and (m := _HEADER_CHARSET.search(content_type)):
        found.append(m.group(1))
    found += [m.group(1).decode("ascii", "ignore") for m in _META_CHARSET.finditer(raw[:8192])]
    names = [_canonical(n) for n in found]
    return list(dict.fromkeys(n for n in names if n))


def _strict(raw: bytes, encoding: str) -> str | None:
    """Decode without replacement; a multi-byte character cut off at the very end (a truncated
    download) is dropped rather than failing the whole page."""
    try:
        return raw.decode(encoding)
    except LookupError:
        return None
    except UnicodeDecodeError as err:
        if err.start >= len(raw) - 3 and err.start > 0:
            return _strict(raw[: err.start], encoding)
        return None


def decode_html(raw: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode page bytes; returns ``(text, encoding_used)``. Never raises on bad bytes.

    Order: a BOM; UTF-8 if the bytes are valid UTF-8 (GBK text with Chinese in it essentially
    never is, so this also unmasks pages that lie about gb2312); each declared charset that
    decodes strictly; UTF-8 if only a few bytes are broken; GB18030; charset-normalizer's best
    guess; UTF-8 with replacement characters.
    """
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom) and (text := _strict(raw, enc)) is not None:
            return text, enc
    if (text := _strict(raw, "utf-8")) is not None:
        return text, "utf-8"
    for enc in declared_charsets(raw, content_type):
        if (text := _strict(raw, enc)) is not None:
            return text, enc
    # GB18030 decodes almost any byte string, so a UTF-8 page with one bad byte would come out as
    # GB mojibake: a page that is UTF-8 but for a few stray bytes stays UTF-8 (with U+FFFD).
    lenient = raw.decode("utf-8", errors="replace")
    if lenient.count("\ufffd") <= max(1, len(lenient) // 500):
        return lenient, "utf-8"
    if (text := _strict(raw, "gb18030")) is not None:
        return text, "gb18030"
    best = from_bytes(raw).best()
    if best is not None:
        return str(best), best.encoding
    return raw.decode("utf-8", errors="replace"), "utf-8"
