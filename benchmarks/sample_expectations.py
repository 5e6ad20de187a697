"""How the headline announcement of each bundled sample article compares with its ``expect`` line.

    python benchmarks/sample_expectations.py [--quiet]

Every article under ``sample_sites/content/articles`` carries, in its header, the facts a reader
takes from it. The articles go through the real page path (rendered into their outlet's template,
served bytes, ``article_from_bytes``), and the first announcement is compared field by field:
strings and numbers exactly (money within 1%), ``event_date`` by prefix. The lists (projects,
industries, parties) are scored per expected item: a project is found when any announcement names
it the way ``../shared/tools/score_extract.py`` matches names. Prints the hit rate of each field
and every miss; ``tests/test_sample_expectations.py`` holds some of the rates as floors.
"""
from __future__ import annotations

import argparse
import unicodedata
import sys
from dataclasses import dataclass, field
from pathlib import Path

from yrdwatch.extract.article import article_from_bytes
from yrdwatch.sample_sites.site import SampleSites

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benchmarks/ is no package
from labelled_score import same_name  # noqa: E402  the labelled set's test for two spellings of one project

# The fields compared, in the order they are printed; `is_announcement` is the article's own.
FIELDS = ("is_announcement", "event_type", "event_date", "province", "city", "district", "park",
          "total_investment_cny", "investment_qualifier", "project_count")
LISTS = ("projects", "industries", "parties")


@dataclass
class Tally:
    hits: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.hits / self.total if self.total else 1.0

    def add(self, ok: bool, miss: str) -> None:
        self.total += 1
        self.hits += ok
        if not ok:
            self.misses.append(miss)


def matches(key: str, got, want) -> bool:
    if key == "event_date":
        return bool(got) and str(got).startswith(str(want))
    if key == "total_investment_cny" and got is not None and want is not None:
        return abs(got - want) <= 0.01 * max(abs(want), 1)
    return got == want


def compare(base: str = "http://127.0.0.1:8765") -> dict[str, Tally]:
    """Per-field tallies over every sample article that has an ``expect`` line."""
    site = SampleSites(base)
    tallies = {key: Tally() for key in FIELDS + LISTS}
    for story in site.stories:
        if not story.expect:
            continue
        resource = site.resources[story.path]
        article = article_from_bytes(resource.body, url=story.path, content_type=resource.content_type)
        head = article.announcements[0] if article.announcements else None
        for key in FIELDS:
            if key not in story.expect:
                continue
            got = article.is_announcement if key == "is_announcement" else getattr(head, key, None)
            want = story.expect[key]
            tallies[key].add(matches(key, got, want), f"{story.id}: {got!r} != {want!r}")
        for want in story.expect.get("projects") or []:
            found = any(same_name(p.name, want["name"]) for a in article.announcements for p in a.projects)
            tallies["projects"].add(found, f"{story.id}: {want['name']!r} missing")
        for key in ("industries", "parties"):
            for want in story.expect.get(key) or []:
                # NFKC as the extractor's analysis text: "（苏州）" is written "(苏州)"
                found = head is not None and unicodedata.normalize("NFKC", want) in getattr(head, key)
                tallies[key].add(found, f"{story.id}: {want!r} missing")
    return tallies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quiet", action="store_true", help="rates only, no misses")
    args = parser.parse_args()
    for key, tally in compare().items():
        if not tally.total:
            continue
        print(f"{key:22s} {tally.hits:3d}/{tally.total:<3d} {tally.rate:5.2f}")
        if not args.quiet:
            for miss in tally.misses:
                print(f"{'':24s}- {miss}")


if __name__ == "__main__":
    main()
