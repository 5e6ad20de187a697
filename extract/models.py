"""The dataclasses the extractor hands out: a read page, its announcements and their projects.

Everything here is plain data so that the crawler, the database layer and the CLI can all pass it
around (and turn it into JSON with ``dataclasses.asdict``) without knowing how it was made.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Page:
    """One article page after boilerplate removal.

    ``text`` keeps the page's own script (Traditional stays Traditional) with pinyin ruby removed;
    analysis always runs on ``yrdwatch.extract.normalize.analysis_text(page.text)`` instead.
    """

    title: str | None
    published_at: str | None  # "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS"
    outlet: str | None
    text: str
    script: str  # "simplified" | "traditional"
    encoding: str | None = None  # how the bytes were decoded (None for text input)
    mojibake: list[str] = field(default_factory=list)  # garbled spans found in the text, kept visible
    url: str | None = None


@dataclass
class Project:
    name: str  # Simplified, as written in the article
    investment_cny: int | None = None
    currency: str | None = None  # ISO code when the figure is in a foreign currency with no stated rate


@dataclass
class Announcement:
    """One reported event about new projects (a signing, a groundbreaking, an opening, ...)."""

    event_type: str  # 签约 | 开工 | 投产 | 竣工 | 揭牌 | 开园 | other
    event_date: str | None = None  # "YYYY-MM-DD" or "YYYY-MM"
    province: str | None = None
    city: str | None = None
    district: str | None = None
    park: str | None = None
    total_investment_cny: int | None = None
    investment_qualifier: str | None = None  # 约 | 近 | 超 | 逾
    currency: str | None = None
    project_count: int | None = None
    projects: list[Project] = field(default_factory=list)
    industries: list[str] = field(default_factory=list)
    parties: list[str] = field(default_factory=list)


@dataclass
class Article:
    """A page together with what the extractor found in it: the unit the pipeline stores."""

    page: Page
    analysis_text: str  # Simplified, no ruby, full-width forms folded: what dedup and rules read
    announcements: list[Announcement] = field(default_factory=list)

    @property
    def is_announcement(self) -> bool:
        return bool(self.announcements)
