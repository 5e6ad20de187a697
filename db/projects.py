"""One row per real-world project, merged across reports, outlets, scripts and stages.

A mention joins an existing project when the folded names are equal, the places do not contradict
each other (a report naming only the city agrees with one naming the district) and, where both
state one, the investments are within 20 % (a reprint, a rewrite). Otherwise the project's other
reports are weighed as evidence (``db/evidence.py``): a groundbreaking months after a signing,
from another outlet, with the name written differently, joins the signing's project when the
confidence reaches the merge threshold; between the two thresholds it starts a project of its own
and the link is recorded as *uncertain* (``project_links``), never merged silently. A person's
word beats the evidence: ``project_overrides`` (``yrdwatch projects --merge A B``: A joins B;
``--split A B``) forces a pair together or apart, and is applied whenever the mentions are stored again (``reprocess``).

Every mention has a natural key, the id it would give a project of its own (folded name, place,
amount); a project's id is its first mention's key. Overrides name these keys, so they outlive
any re-linking. ``first_seen`` is a project's first sighting, the notion of "new" that digests use.
"""
from __future__ import annotations

import hashlib
import json
import re

from yrdwatch.db import evidence
from yrdwatch.extract.models import Announcement, Project

# Quotes, brackets, separators and 的 vary between reports of one project ("苏州三峡“水管家”项目" /
# "苏州三峡水管家项目"), and so does a trailing 项目/工程.
_NAME_NOISE = re.compile(r"[\s\"'“”‘’「」『』《》〈〉()（）\[\]【】·•・,，、.。&＆]+|的")
_GENERIC_SUFFIX = re.compile(r"(?:项目|工程)$")
PLACE_FIELDS = ("province", "city", "district")
INVESTMENT_TOLERANCE = 0.2
# Projects of the mention's city (or province) compared by evidence, most recently reported first.
CANDIDATES = 500


def fold_project_name(name: str) -> str:
    """The name two reports of one project share: Simplified input, punctuation and suffix folded."""
    return _GENERIC_SUFFIX.sub("", _NAME_NOISE.sub("", name)) or name


def places_agree(a: dict, b: dict) -> bool:
    """No level of the place hierarchy is stated differently by the two."""
    return all(not a.get(f) or not b.get(f) or a[f] == b[f] for f in PLACE_FIELDS)


def investments_agree(a: int | None, b: int | None) -> bool:
    return a is None or b is None or abs(a - b) <= INVESTMENT_TOLERANCE * max(a, b)


def mention_key(project: Project, ann: Announcement) -> str:
    """The id a project first reported by this mention gets."""
    identity = "|".join([fold_project_name(project.name), *(getattr(ann, f) or "" for f in PLACE_FIELDS),
                         str(project.investment_cny or "")])
    return hashlib.sha1(identity.encode("utf-8")).hexdigest()[:16]


def override(db, key: str, other_keys: set[str]) -> str | None:
    """'merge' or 'split' when a person said so for ``key`` and one of ``other_keys``."""
    if not other_keys:
        return None
    marks = ",".join("?" * len(other_keys))
    row = db.conn.execute(
        f"select action from project_overrides where (a = ? and b in ({marks})) or (b = ? and a in ({marks})) "
        "order by rowid desc limit 1", [key, *other_keys, key, *other_keys]).fetchone()
    return row[0] if row else None


def _report(project: Project, ann: Announcement, published_at: str | None) -> evidence.Report:
    amount = [(project.investment_cny, project.currency)] if project.investment_cny else []
    return evidence.Report([project.name], ann.province, ann.city, ann.district, ann.park, list(ann.parties), amount,
                           [(ann.event_type, ann.event_date or (published_at or "")[:10] or None)])


def known_reports(db, project_ids: list[str]) -> dict[str, tuple[list[evidence.Report], set[str]]]:
    """Each project's stored mentions as the evidence sees them (one report each: a project is as
    close to a new mention as its closest report), with the natural keys of its mentions."""
    found: dict[str, tuple[list[evidence.Report], set[str]]] = {}
    for start in range(0, len(project_ids), 500):
        chunk = project_ids[start:start + 500]
        for row in db.query(
                f"""select m.project_id, coalesce(m.name, p.name) as name, m.mention_key, m.investment_cny,
                           m.currency, a.province, a.city, a.district, a.park, a.event_type,
                           coalesce(a.event_date, substr(r.published_at, 1, 10)) as day, a.parties
                    from projects p join project_mentions m on m.project_id = p.id
                    join announcements a on a.id = m.announcement_id left join articles r on r.url = m.article_url
                    where p.id in ({','.join('?' * len(chunk))})""", chunk):
            reports, keys = found.setdefault(row["project_id"], ([], {row["project_id"]}))
            keys.add(row["mention_key"] or row["project_id"])
            amounts = [(row["investment_cny"], row["currency"])] if row["investment_cny"] else []
            reports.append(evidence.Report([row["name"]], row["province"], row["city"], row["district"], row["park"],
                                           json.loads(row["parties"] or "[]"), amounts, [(row["event_type"], row["day"])]))
    return found


def _candidates(db, key: str, ann: Announcement, article_url: str) -> list[str]:
    """Projects of the mention's city (or, without one, province) reported by other articles,
    and those a person merged with this mention."""
    ids = []
    if ann.city or ann.province:
        ids = [r[0] for r in db.conn.execute(
            """select p.id from projects p
               where (p.city = :city or (p.city is null and p.province = :province)
                      or (:city is null and p.province = :province))
                 and p.mentions > 0
                 and not exists (select 1 from project_mentions m where m.project_id = p.id and m.article_url = :url)
               order by p.last_seen desc limit :limit""",
            {"city": ann.city, "province": ann.province, "url": article_url, "limit": CANDIDATES})]
    forced = [r[0] for r in db.conn.execute(
        """select distinct coalesce(m.project_id, p.id) from project_overrides o
           left join project_mentions m on m.mention_key = o.b left join projects p on p.id = o.b
           where o.action = 'merge' and o.a = ?""", [key])]
    return list(dict.fromkeys(i for i in ids + forced if i))


def _link(db, project: Project, ann: Announcement, key: str, announcement_id: str, article_url: str,
          published_at: str | None, stamp: str) -> str | None:
    """The project the evidence (or a person) joins this mention to; uncertain links are recorded."""
    ids = _candidates(db, key, ann, article_url)
    if not ids:
        return None
    ours = _report(project, ann, published_at)
    scored = []
    for project_id, (reports, keys) in known_reports(db, ids).items():
        conf, features = max(((evidence.confidence(f), f) for f in (evidence.evidence(r, ours) for r in reports)),
                             key=lambda scored: scored[0])
        status = evidence.verdict(conf)
        decided = override(db, key, keys)
        if decided == "merge":
            conf, status = 1.0, "forced"
        elif decided == "split":
            status = "kept apart" if status else None
        if status:
            scored.append((conf, project_id, status, features))
    scored.sort(key=lambda s: -s[0])
    joined = next((s for s in scored if s[2] in ("merged", "forced")), None)
    for conf, project_id, status, features in scored[:3] if not joined else [joined]:
        db.conn.execute(
            "insert or replace into project_links (announcement_id, mention_key, project_id, confidence, status, "
            "evidence, created_at) values (?, ?, ?, ?, ?, ?, ?)",
            [announcement_id, key, project_id, round(conf, 4), status,
             json.dumps({k: round(v, 3) for k, v in features.items() if v}, ensure_ascii=False), stamp])
    return joined[1] if joined else None


def find_or_create(db, project: Project, ann: Announcement, stamp: str, article_url: str,
                   announcement_id: str, published_at: str | None = None) -> tuple[str, str]:
    """(project id, mention key): the project this mention names, created when none matches."""
    name, investment, currency = project.name, project.investment_cny, project.currency
    folded = fold_project_name(name)
    key = mention_key(project, ann)
    place = {f: getattr(ann, f) for f in PLACE_FIELDS}
    joined = None
    if db.conn.execute("select 1 from project_overrides where action = 'merge' and a = ?", [key]).fetchone():
        # A person's merge comes before a same-named project (the one a split made, say).
        joined = _link(db, project, ann, key, announcement_id, article_url, published_at, stamp)
    for row in [] if joined else db.query("select * from projects where name_key = ? order by first_seen", [folded]):
        if places_agree(row, place) and investments_agree(row["investment_cny"], investment) \
                and override(db, key, {row["id"]}) != "split":
            joined = row["id"]
            break
    joined = joined or _link(db, project, ann, key, announcement_id, article_url, published_at, stamp)
    if joined:
        # Fill in what this report adds (a district, a park, an amount) without overwriting.
        db.conn.execute(
            "update projects set last_seen = ?, province = coalesce(province, ?), city = coalesce(city, ?), "
            "district = coalesce(district, ?), park = coalesce(park, ?), investment_cny = coalesce(investment_cny, ?), "
            "currency = coalesce(currency, ?) where id = ?",
            [stamp, ann.province, ann.city, ann.district, ann.park, investment, currency, joined])
        return joined, key
    db["projects"].insert(
        {"id": key, "name": name, "name_key": folded, **place, "park": ann.park,
         "investment_cny": investment, "currency": currency, "first_seen": stamp, "last_seen": stamp,
         "first_article_url": article_url, "mentions": 0},
        pk="id", ignore=True,
    )
    return key, key
