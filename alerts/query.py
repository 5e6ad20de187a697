"""The new projects a subscription's next digest covers, and what the digest shows of each.

"New" is a project's first sighting (``projects.first_seen``, see ``db/projects.py``): reprints of a
story join the project their first report made and never make a new one. A subscription's digest
takes every project that matches its filters, was first seen since its start (or ``--since``) and
that none of its earlier digests covered (``digest_items``). Keying on "not yet covered" rather than
on "first seen after the last digest" means a crawl that commits after a digest ran, with first_seen
stamps older than that digest, still has its projects in the next one: none missed, none repeated.
"""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from yrdwatch.alerts.outbox import rows
from yrdwatch.extract.decode import clean_characters
from yrdwatch.extract.money import CURRENCY_NAMES
from yrdwatch.extract.normalize import to_simplified

UNPLACED = "未注明城市"
UNCLASSIFIED = "其他行业"
SAFE_SCHEMES = ("http://", "https://", "file://")
# Two sums within 1 % of each other are the same figure, rounded (约260亿 = 200亿 + 60亿).
_SAME_SUM = 0.01
def printable(value):
    """A stored value as a digest may show it: strings without the characters no format can
    carry (a page stored before they were stripped at reading must not stop every digest)."""
    if isinstance(value, str):
        return clean_characters(value)
    if isinstance(value, list):
        return [printable(v) for v in value]
    if isinstance(value, dict):
        return {k: printable(v) for k, v in value.items()}
    return value


def candidates(conn, subscription: str, since: str) -> list[dict]:
    """Projects first seen at or after ``since`` (UTC ISO) that no digest of ``subscription`` covered,
    each with its mentions (the announcements and articles naming it), oldest first."""
    return with_mentions(conn, rows(conn.execute(
        """select p.* from projects p
           where p.first_seen >= ?
             and not exists (select 1 from digest_items d where d.subscription = ? and d.project_id = p.id)
           order by p.first_seen, p.id""", [since, subscription])))


def progress_candidates(conn, subscription: str, since: str) -> list[dict]:
    """Progress: a known project's stage first reported at or after ``since`` (a 开工 of a project
    signed months ago), where known means first seen before ``since`` or shown as new by a digest of
    ``subscription`` before this stage was reported (a project new in this digest is not also
    progress); each stage once per subscription (``digest_progress``). One row per stage, with
    ``stage``, ``stage_date``, ``stage_urls`` and the stages known before it."""
    stages = rows(conn.execute(
        """select s.project_id, s.stage, s.date as stage_date, s.article_urls as stage_urls, s.first_reported
           from project_stages s
           join projects p on p.id = s.project_id
           where s.first_reported >= :since and s.first_reported > p.first_seen
             and ((p.first_seen < :since
                   and not exists (select 1 from digest_items d where d.subscription = :sub and d.project_id = p.id))
                  or exists (select 1 from digest_items d join digests g on g.id = d.digest_id
                             where d.subscription = :sub and d.project_id = p.id and g.created_at < s.first_reported))
             and not exists (select 1 from digest_progress d where d.subscription = :sub
                             and d.project_id = s.project_id and d.stage = s.stage)
           order by s.first_reported, s.project_id""", {"since": since, "sub": subscription}))
    projects = {p["id"]: p for p in with_mentions(conn, rows(conn.execute(
        f"select * from projects where id in ({','.join('?' * len(stages))})", [s["project_id"] for s in stages])))}
    found = []
    for stage in stages:
        if stage["project_id"] in projects:
            earlier = [r[0] for r in conn.execute(
                "select stage from project_stages where project_id = ? and first_reported < ? order by date",
                [stage["project_id"], stage.pop("first_reported")])]
            found.append({**projects[stage["project_id"]], **stage, "earlier_stages": earlier,
                          "stage_urls": json.loads(stage["stage_urls"])})
    return found


def with_mentions(conn, projects: list[dict]) -> list[dict]:
    """The projects, each with its mentions; those no report names any more left out."""
    mentions = defaultdict(list)
    ids = [p["id"] for p in projects]
    for start in range(0, len(ids), 500):  # SQLite caps the number of bound parameters
        chunk = ids[start:start + 500]
        cursor = conn.execute(
            f"""select m.project_id, m.outlet, m.article_url, a.event_type, a.event_date, a.industries, a.parties,
                       a.total_investment_cny, a.investment_qualifier, r.title, r.duplicate_of
                from project_mentions m
                join announcements a on a.id = m.announcement_id
                join articles r on r.url = m.article_url
                where m.project_id in ({','.join('?' * len(chunk))})
                order by r.first_seen, m.rowid""", chunk)
        for mention in rows(cursor):
            mentions[mention["project_id"]].append(mention)
    # A project whose every mention was reprocessed away is no longer reported by anyone.
    return [{**p, "mentions": mentions[p["id"]]} for p in projects if mentions[p["id"]]]


def describe(project: dict, datasette_url: str, db_path: str | Path) -> dict:
    """What a digest shows of one project (stored as JSON in ``digest_items.item``)."""
    mentions = project["mentions"]
    first = next((m for m in mentions if m["article_url"] == project["first_article_url"]), mentions[0])
    amount = project["investment_cny"]
    # The announcement's 约/超 belongs to its total; it describes the project when that total is the project's.
    qualifier = first["investment_qualifier"] if amount and amount == first["total_investment_cny"] else None
    industries = list(dict.fromkeys(i for m in mentions for i in json.loads(m["industries"] or "[]")))
    outlets = {m["outlet"] for m in mentions if m["outlet"]}
    batch = first["total_investment_cny"] if not amount and first["total_investment_cny"] else None
    admin = "".join(dict.fromkeys(p for p in (project["province"], project["city"], project["district"]) if p))
    park = project["park"] if project["park"] != project["district"] else None
    return {
        "id": project["id"], "name": project["name"],
        "province": project["province"], "city": project["city"], "district": project["district"],
        "park": project["park"],
        "place": " ".join(p for p in (admin, park) if p),
        "investment_cny": amount, "currency": project["currency"], "qualifier": qualifier,
        "amount": money(amount, qualifier, project["currency"]),
        "batch_amount": money(batch, first["investment_qualifier"], None) if batch else None,
        "event_type": first["event_type"], "event_date": first["event_date"],
        "event_types": sorted({m["event_type"] for m in mentions}),
        "industries": industries,
        "parties": json.loads(first["parties"] or "[]"),
        "outlet": first["outlet"],
        # The original of the story that first named the project, not the reprint we may have met first.
        "article_url": safe_url(first["duplicate_of"] or first["article_url"]),
        "article_title": first["title"],
        "titles": list(dict.fromkeys(m["title"] for m in mentions if m["title"])),
        "other_outlets": len(outlets - {first["outlet"]}),
        "first_seen": project["first_seen"],
        "datasette_url": datasette_row(datasette_url, db_path, project["id"]),
    }


def matches(item: dict, subscription) -> bool:
    """Whether a described project passes the subscription's filters: any of the listed places
    (a prefix is enough: 无锡 finds 无锡市), and every other kind of filter that is set."""
    places = [(item["province"], subscription.provinces), (item["city"], subscription.cities),
              (item["district"], subscription.districts), (item["park"], subscription.parks)]
    if any(wanted for _, wanted in places) and not any(
            value and any(value.startswith(w) for w in wanted) for value, wanted in places):
        return False
    if subscription.industries and not set(item["industries"]) & set(subscription.industries):
        return False
    if subscription.event_types and not set(item["event_types"]) & set(subscription.event_types):
        return False
    if subscription.keywords:
        text = to_simplified(" ".join([item["name"], item["place"], *item["parties"], *item["industries"],
                                       *item["titles"]]))
        if not any(k in text for k in subscription.keywords):
            return False
    yuan = item["investment_cny"] if not item["currency"] else None  # a foreign figure is not a yuan amount
    if yuan is None:
        return subscription.include_undisclosed
    return subscription.min_investment is None or yuan >= subscription.min_investment


def new_projects(conn, subscription, since: str, datasette_url: str, db_path) -> list[dict]:
    """The subscription's next digest, in reading order (see ``arrange``): the new projects
    (``kind`` "new", first sighting), then the progress of known ones (``kind`` "progress": a
    project's next stage, with ``stage``, ``stage_date``, ``stage_url`` and ``earlier_stages``)."""
    described = [printable(describe(p, datasette_url, db_path)) for p in candidates(conn, subscription.name, since)]
    chosen = [item for item in described if matches(item, subscription)]
    for item in chosen:
        wanted = [i for i in item["industries"] if i in subscription.industries]
        item["industry"] = (wanted or item["industries"] or [UNCLASSIFIED])[0]
        item["kind"] = "new"
    mark_batch_totals(chosen)
    progress = []
    for project in progress_candidates(conn, subscription.name, since):
        item = printable({**describe(project, datasette_url, db_path), "kind": "progress", "stage": project["stage"],
                          "stage_date": project["stage_date"], "earlier_stages": project["earlier_stages"],
                          "stage_url": safe_url(project["stage_urls"][0] if project["stage_urls"] else None)})
        if matches(item, subscription):
            progress.append(item)
    return [item for city in arrange(chosen) for group in city["industries"] for item in group["items"]] + progress


def yuan(item: dict) -> int:
    """The project's amount in yuan, 0 when undisclosed or stated in a foreign currency only."""
    return 0 if item["currency"] else (item["investment_cny"] or 0)


def mark_batch_totals(items: list[dict]) -> None:
    """Set ``sums_others`` on a project whose amount is the sum of the other amounts its story
    lists (an umbrella "示范区项目" of 260亿 beside its parts of 200亿 and 60亿): it stays in the
    digest, but counting it in the totals would count that money twice."""
    by_story = defaultdict(list)
    for item in items:
        if yuan(item):
            by_story[item["article_url"]].append(item)
    for story in by_story.values():
        for item in story:
            others = sum(yuan(i) for i in story if i is not item)
            item["sums_others"] = len(story) >= 3 and abs(others - yuan(item)) <= _SAME_SUM * yuan(item)
            if item["sums_others"]:
                item["amount"] += "（同批所列项目之和）"


def counted(item: dict) -> int:
    """What the project adds to the totals: its yuan amount, unless it is the sum of others listed."""
    return 0 if item.get("sums_others") else yuan(item)


def arrange(items: list[dict]) -> list[dict]:
    """Cities, then industries within a city, each largest total first; projects largest first
    (undisclosed amounts last)."""
    cities = defaultdict(lambda: defaultdict(list))
    for item in items:
        cities[item["city"] or item["province"] or UNPLACED][item["industry"]].append(item)
    arranged = []
    for city, groups in cities.items():
        industries = [{"industry": name, "items": sorted(group, key=lambda i: (-yuan(i), i["investment_cny"] is None,
                                                                              i["first_seen"], i["name"])),
                       "total": sum(map(counted, group))} for name, group in groups.items()]
        industries.sort(key=lambda g: (-g["total"], -len(g["items"]), g["industry"]))
        arranged.append({"city": city, "industries": industries, "total": sum(g["total"] for g in industries),
                         "count": sum(len(g["items"]) for g in industries)})
    arranged.sort(key=lambda c: (c["city"] == UNPLACED, -c["total"], -c["count"], c["city"]))
    return arranged


def totals(items: list[dict]) -> dict:
    disclosed = [i for i in items if yuan(i)]
    total = sum(map(counted, items))
    return {"projects": len(items), "investment_cny": total, "disclosed": len(disclosed),
            "investment": money(total, None, None) if disclosed else "未披露"}


def money(cny: int | None, qualifier: str | None, currency: str | None) -> str:
    """12亿元, 约8.3亿元, 5200万元, 4000万美元; "未披露" when no amount was stated."""
    if not cny:
        return "未披露"
    unit = CURRENCY_NAMES.get(currency, currency or "元")
    if cny >= 100_000_000:
        figure = f"{cny / 100_000_000:.2f}".rstrip("0").rstrip(".") + "亿"
    else:
        figure = f"{cny / 10_000:.2f}".rstrip("0").rstrip(".") + "万"
    return f"{qualifier or ''}{figure}{unit}"


def safe_url(url: str | None) -> str | None:
    """Only web and file links reach a digest (no javascript: or data: from a scraped page)."""
    return url if url and url.lower().startswith(SAFE_SCHEMES) else None


def datasette_row(base: str, db_path: str | Path, row_id: str) -> str:
    """The project's row page in Datasette: /<database>/projects/<id>, names tilde-encoded as Datasette does."""
    from datasette.utils import tilde_encode

    return f"{base.rstrip('/')}/{tilde_encode(Path(db_path).stem)}/projects/{tilde_encode(row_id)}"
