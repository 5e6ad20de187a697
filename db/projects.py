"""One row per real-world project, merged across reports, outlets and scripts.

Reports of one project written in different words are not near-duplicate articles, yet they name
the same project. A mention joins an existing project when the folded names are equal, the places
do not contradict each other (a report naming only the city agrees with one naming the district)
and, where both state one, the investments are within 20 %. Otherwise it starts a new project:
``first_seen`` is then its first sighting, the notion of "new" that alert digests use.
"""
from __future__ import annotations

import hashlib
import re

from extract.models import Announcement, Project

# Quotes, brackets, separators and 的 vary between reports of one project ("苏州三峡“水管家”项目" /
# "苏州三峡水管家项目"), and so does a trailing 项目/工程.
_NAME_NOISE = re.compile(r"[\s\"'“”‘’「」『』《》〈〉()（）\[\]【】·•・,，、.。&＆]+|的")
_GENERIC_SUFFIX = re.compile(r"(?:项目|工程)$")
PLACE_FIELDS = ("province", "city", "district")
INVESTMENT_TOLERANCE = 0.2


def fold_project_name(name: str) -> str:
    """The name two reports of one project share: Simplified input, punctuation and suffix folded."""
    return _GENERIC_SUFFIX.sub("", _NAME_NOISE.sub("", name)) or name


def places_agree(a: dict, b: dict) -> bool:
    """No level of the place hierarchy is stated differently by the two."""
    return all(not a.get(f) or not b.get(f) or a[f] == b[f] for f in PLACE_FIELDS)


def investments_agree(a: int | None, b: int | None) -> bool:
    return a is None or b is None or abs(a - b) <= INVESTMENT_TOLERANCE * max(a, b)


def find_or_create(db, project: Project, ann: Announcement, stamp: str, article_url: str) -> str:
    """The id of the project this mention names, created when no known project matches."""
    name, investment, currency = project.name, project.investment_cny, project.currency
    folded = fold_project_name(name)
    place = {f: getattr(ann, f) for f in PLACE_FIELDS}
    for row in db.query("select * from projects where name_key = ? order by first_seen", [folded]):
        if places_agree(row, place) and investments_agree(row["investment_cny"], investment):
            # Fill in what this report adds (a district, a park, an amount) without overwriting.
            db.conn.execute(
                "update projects set last_seen = ?, province = coalesce(province, ?), city = coalesce(city, ?), "
                "district = coalesce(district, ?), park = coalesce(park, ?), investment_cny = coalesce(investment_cny, ?), "
                "currency = coalesce(currency, ?) where id = ?",
                [stamp, ann.province, ann.city, ann.district, ann.park, investment, currency, row["id"]])
            return row["id"]
    identity = "|".join([folded, *(place[f] or "" for f in PLACE_FIELDS), str(investment or "")])
    project_id = hashlib.sha1(identity.encode("utf-8")).hexdigest()[:16]
    db["projects"].insert(
        {"id": project_id, "name": name, "name_key": folded, **place, "park": ann.park,
         "investment_cny": investment, "currency": currency, "first_seen": stamp, "last_seen": stamp,
         "first_article_url": article_url, "mentions": 0},
        pk="id", ignore=True,
    )
    return project_id
