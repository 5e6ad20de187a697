"""What a downloaded article page must look like before it is read: text, not binary bytes.

The decoder in ``extract.decode`` falls back to GB18030, which maps nearly any byte string to
characters, so 200 KB of random bytes would come out as an "article" of noise. Text in any
encoding a Chinese news page uses (UTF-8, GB18030/GBK, Big5) never contains C0 control bytes
other than tab, line feed, form feed, carriage return and ESC (ISO-2022), while random or binary
data has one in nine of them. A pure function, so that a crawl and ``ingest`` judge alike.
"""
from __future__ import annotations

SAMPLE = 64 * 1024  # bytes looked at: enough to tell, cheap on a 5 MB page
MAX_CONTROL_SHARE = 0.01  # above this share of control bytes a page is binary
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\x0c\r\x1b")
_KEEP_ONLY_CONTROL = bytes.maketrans(b"", b"")


def binary_reason(body: bytes) -> str | None:
    """Why ``body`` is not a text page, or None when it may be one."""
    sample = body[:SAMPLE]
    if not sample:
        return None
    controls = len(sample) - len(sample.translate(_KEEP_ONLY_CONTROL, _CONTROL))
    if controls > MAX_CONTROL_SHARE * len(sample):
        return "binary content, not an HTML page"  # the words extract.page uses for what it catches
    return None
