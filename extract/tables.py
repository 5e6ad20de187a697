"""Project tables written out as sentences, so that the sentence rules read them like prose.

Government sites list the projects of a 集中开工 or 集中签约 in a table (序号 | 项目名称 | 建设单位 |
总投资(亿元)). The page reader keeps a table as ``| a | b |`` lines (trafilatura and
``maintext.html_to_text`` alike); a plain-text copy keeps its columns apart with tabs or spaces.
A table whose header has a project-name column becomes one sentence per row, the unit of a money
column's header written into each figure:

    | 1 | 年产20万吨锂电池正极材料项目 | 江苏容川新能源材料有限公司 | 45 |
    → 年产20万吨锂电池正极材料项目,建设单位江苏容川新能源材料有限公司,总投资45亿元。

Hand-written because it is knowledge of how these project lists are laid out, not generic table
parsing (the rows are already cells; what they mean is the part no library knows).
"""
from __future__ import annotations

import re

_NAME_COLUMN = re.compile(r"^(?:项目名称|项目|名称|项目名)$")
_SEQUENCE_COLUMN = re.compile(r"^(?:序号|编号|序|No\.?)$", re.I)
# "总投资(亿元)", "计划总投资(万元)", "投资额", "协议投资(亿元)": a money column and its unit.
_MONEY_COLUMN = re.compile(r"^(?P<word>[^()]*?(?:总投资|投资总额|投资额|计划投资|协议投资|签约金额|投资))"
                           r"(?:\((?P<unit>亿元|万元|亿|万|亿美元|万美元)\))?$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_RULE = re.compile(r"^\|?(?:\s*:?-{3,}:?\s*\|)+\s*$")  # "|---|---|"


def _cells(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        return [cell.strip() for cell in line.strip("|").split("|")]
    return line.split()  # Chinese cells hold no spaces: any run of white space separates two


def _header(cells: list[str]) -> dict | None:
    """Column roles of a project table's header row, or None if the row is not one."""
    names = [i for i, c in enumerate(cells) if _NAME_COLUMN.match(c)]
    money = [i for i, c in enumerate(cells) if _MONEY_COLUMN.match(c)]
    if len(cells) < 2 or len(names) != 1 or not (money or any(_SEQUENCE_COLUMN.match(c) for c in cells)):
        return None
    return {"cells": cells, "name": names[0], "money": money[0] if money else None}


def _sentence(header: dict, row: list[str]) -> str:
    parts = [row[header["name"]]]
    for i, (title, cell) in enumerate(zip(header["cells"], row)):
        if i == header["name"] or not cell or _SEQUENCE_COLUMN.match(title):
            continue
        if i == header["money"]:
            m = _MONEY_COLUMN.match(title)
            unit = m["unit"] or ""
            if _NUMBER.match(cell) and not unit:
                continue  # a bare number of unknown unit is no figure
            parts.append(f"{m['word']}{cell}{unit if _NUMBER.match(cell) else ''}")
        else:
            parts.append(f"{title}{cell}")
    return ",".join(parts) + "。"


def tables_as_sentences(text: str) -> str:
    """``text`` with the rows of each project table replaced by sentences (header and rule lines
    dropped); every other line as it was."""
    out: list[str] = []
    header = None
    for line in text.split("\n"):
        if header is not None:
            if _RULE.match(line.strip()):
                continue
            row = _cells(line)
            if len(row) == len(header["cells"]) and row[header["name"]]:
                out.append(_sentence(header, row))
                continue
            header = None
        header = _header(_cells(line)) if "名称" in line or "项目" in line else None
        if header is None:
            out.append(line)
    return "\n".join(out)
