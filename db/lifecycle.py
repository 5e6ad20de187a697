"""Projects through their stages, as ``yrdwatch projects`` lists them, and a person's overrides.

A project's stages come from the ``project_stages`` view (one row per project and event type);
its aliases are the names its reports gave it; its uncertain links are the ``project_links`` the
evidence could not decide (``db/projects.py``), in either direction. Overrides are written here and
take effect when the articles involved are stored again (``yrdwatch projects --merge/--split`` does
so at once for the articles of the two; ``yrdwatch reprocess`` for every article).
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

from yrdwatch.extract.normalize import to_simplified

YI = 100_000_000
PLACE_COLUMNS = ("province", "city", "district", "park")


class OverrideError(ValueError):
    """An override that names an unknown project or the same one twice."""


def _yi(amount: int | None) -> float | None:
    return round(amount / YI, 4) if amount else None


def list_projects(conn, since: str | None = None, place: str | None = None) -> list[dict]:
    """Projects with at least one report, each with its stages in date order, oldest project
    first; ``since``: only projects with a stage dated on or after it (YYYY-MM-DD; undated: reported);
    ``place``: only projects whose province, city, district or park starts with it (either script)."""
    where, params = ["p.mentions > 0"], []
    if place:
        wanted = to_simplified(place.strip())
        where.append("(" + " or ".join(f"p.{c} like ? || '%'" for c in PLACE_COLUMNS) + ")")
        params += [wanted] * len(PLACE_COLUMNS)
    if since:
        where.append("exists (select 1 from project_stages s where s.project_id = p.id "
                     "and coalesce(s.date, substr(s.first_reported, 1, 10)) >= ?)")
        params.append(since)
    columns = ["id", "name", *PLACE_COLUMNS, "first_seen"]
    projects = [dict(zip(columns, row)) for row in conn.execute(
        f"select p.id, p.name, {', '.join('p.' + c for c in PLACE_COLUMNS)}, p.first_seen from projects p "
        f"where {' and '.join(where)} order by p.first_seen, p.id", params)]
    for project in projects:
        pid = project["id"]
        project["aliases"] = [n for (n,) in conn.execute(
            "select distinct name from project_mentions where project_id = ? and name is not null and name != ? "
            "order by rowid", [pid, project["name"]])]
        project["stages"] = [
            {"stage": stage, "date": day, "amount": _yi(amount), "unit": "亿" + ("元" if not currency else ""),
             "currency": currency or "CNY", "reports": reports, "article_urls": json.loads(urls),
             "mention_keys": [k for (k,) in conn.execute(
                 "select distinct m.mention_key from project_mentions m join announcements a on a.id = m.announcement_id "
                 "where m.project_id = ? and a.event_type = ?", [pid, stage])]}
            for stage, day, amount, currency, reports, urls in conn.execute(
                "select stage, date, investment_cny, currency, reports, article_urls from project_stages "
                "where project_id = ? order by date, stage", [pid])]
        project["uncertain"] = uncertain_links(conn, pid)
    return projects


def uncertain_links(conn, project_id: str) -> list[dict]:
    """The projects the evidence found possibly the same as this one, without merging them."""
    found = {}
    for other, name, conf, key_a, key_b in conn.execute(
            """select m.project_id, p.name, l.confidence, l.mention_key, l.project_id from project_links l
               join project_mentions m on m.mention_key = l.mention_key and m.announcement_id = l.announcement_id
               join projects p on p.id = m.project_id
               where l.status = 'uncertain' and l.project_id = ?
               union all
               select l.project_id, p.name, l.confidence, l.mention_key, l.project_id from project_links l
               join project_mentions m on m.mention_key = l.mention_key and m.announcement_id = l.announcement_id
               join projects p on p.id = l.project_id
               where l.status = 'uncertain' and m.project_id = ?""", [project_id, project_id]):
        if other != project_id and (other not in found or found[other]["confidence"] < conf):
            found[other] = {"project_id": other, "name": name, "confidence": conf, "mention_key": key_a}
    return sorted(found.values(), key=lambda link: -link["confidence"])


def resolve(conn, ref: str) -> str:
    """A project id or mention key as given on the command line, checked to exist."""
    if conn.execute("select 1 from projects where id = ? union all select 1 from project_mentions where mention_key = ?",
                    [ref, ref]).fetchone() is None:
        raise OverrideError(f"{ref}: no project or mention has this id (see `yrdwatch projects --json`)")
    return ref


def add_override(store, a: str, b: str, action: str) -> list[str]:
    """Record that ``a`` joins ``b``'s project ('merge') or that the two are apart ('split'); returns the URLs of
    the articles that report either, which must be stored again for it to take effect."""
    conn = store.db.conn
    a, b = resolve(conn, a), resolve(conn, b)
    if a == b:
        raise OverrideError(f"{a}: the two ids are the same")
    stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")

    def record() -> None:  # the newest word on a pair replaces any earlier one, in either order
        conn.execute("delete from project_overrides where (a = ? and b = ?) or (a = ? and b = ?)", [a, b, b, a])
        conn.execute("insert into project_overrides (a, b, action, created_at) values (?, ?, ?, ?)", [a, b, action, stamp])

    store.write(record)
    return [url for (url,) in conn.execute(
        """select distinct m.article_url from project_mentions m left join articles r on r.url = m.article_url
           where m.project_id in (?, ?) or m.mention_key in (?, ?)
              or m.project_id in (select project_id from project_mentions where mention_key in (?, ?))
           order by r.published_at, r.rowid""", [a, b, a, b, a, b])]
