"""Extraction time against page size: is it linear?

    python benchmarks/extract_size_bench.py [--sizes 0.1 1 2 5] [--kinds text html]

Builds realistic articles of each size (in MB of UTF-8) by repeating the paragraphs of the bundled
sample stories (``yrdwatch.sample_sites.site.load_stories``: dates, 亿元 figures, 、-lists, project names),
one headline and dateline on top, as plain text and as an HTML page (one ``<p>`` per paragraph),
and times ``yrdwatch.extract.article.article_from_bytes`` on each once, after a warm-up on the smallest.

Prints seconds per page and, the figure to quote, the time per MB against the smallest size's
time per MB measured in the same run: linear time reads ~1× at every size; 10× at 5 MB means a
quadratic scan somewhere.
"""
from __future__ import annotations

import argparse
import html
import time

from yrdwatch.extract.article import article_from_bytes
from yrdwatch.sample_sites.site import load_stories

MB = 1_000_000


def paragraphs() -> list[str]:
    """The stories' sentence paragraphs: credit lines, 标签 lines and the like would end the body
    where they stand (that is what they do on a real page), so they are left out."""
    return [p for story in load_stories() for p in story.paragraphs if len(p) >= 30 and p.endswith("。")]


def plain_article(size: float, paras: list[str]) -> bytes:
    """A plain-text article of about ``size`` MB: headline, date and 来源 lines, then paragraphs."""
    head = "总投资约85亿元 苏州工业园区一批重大项目集中开工\n2023-02-28 11:20 来源：苏州工业园区管委会\n"
    out, total, i = [head], len(head.encode()), 0
    while total < size * MB:
        line = paras[i % len(paras)] + "\n"
        out.append(line)
        total += len(line.encode())
        i += 1
    return "".join(out).encode()


def html_article(size: float, paras: list[str]) -> bytes:
    """The same text as an article page: title, date line, one ``<p>`` per paragraph."""
    text = plain_article(size, paras).decode().splitlines()
    body = "\n".join(f"<p>{html.escape(line)}</p>" for line in text[2:])
    return (f"<!doctype html><html><head><meta charset=\"utf-8\"><title>{html.escape(text[0])}</title></head>"
            f"<body><div class=\"article\"><h1>{html.escape(text[0])}</h1><div class=\"info\">{html.escape(text[1])}"
            f"</div><div class=\"content\">{body}</div></div></body></html>").encode()


def timed(raw: bytes, content_type: str) -> float:
    start = time.perf_counter()
    article_from_bytes(raw, url="http://example.com/a.html", content_type=content_type)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=float, nargs="+", default=[0.1, 1, 2, 5])
    parser.add_argument("--kinds", nargs="+", choices=["text", "html"], default=["text", "html"])
    args = parser.parse_args()
    paras = paragraphs()
    makers = {"text": (plain_article, "text/plain"), "html": (html_article, "text/html")}
    for kind in args.kinds:
        make, content_type = makers[kind]
        timed(make(min(args.sizes), paras), content_type)  # warm-up: dictionaries, models, patterns
        base = None
        print(f"{kind:5} {'MB':>6} {'s':>8} {'s/MB':>8} {'× base s/MB':>12}")
        for size in sorted(args.sizes):
            raw = make(size, paras)
            seconds = timed(raw, content_type)
            per_mb = seconds / (len(raw) / MB)
            base = base or per_mb
            print(f"{kind:5} {len(raw) / MB:6.2f} {seconds:8.2f} {per_mb:8.2f} {per_mb / base:11.1f}×", flush=True)


if __name__ == "__main__":
    main()
