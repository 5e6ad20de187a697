"""What the CLI prints: the extract contract's JSON, run summaries as JSON lines or a table,
sources and their checks.

Tables are tabulate's, which measures Chinese text by its display width (two columns a
character) when ``wcwidth`` is installed, a dependency for that reason."""
from __future__ import annotations

import json
from dataclasses import asdict

from tabulate import tabulate

from yrdwatch.extract.models import Article

RUN_KEYS = ("source", "status", "requests", "article_pages", "new_articles", "updated_articles", "duplicates",
            "announcements", "errors", "skipped", "not_articles")


def contract_record(input_path: str, article: Article | None, error: str | None = None) -> dict:
    """One line of ``yrdwatch extract --json`` (``../shared/contract/extract-output.md``)."""
    if article is None:
        return {"input": input_path, "title": None, "published_at": None, "outlet": None, "script": None,
                "text": None, "is_announcement": False, "announcements": [], "error": error}
    page = article.page
    record = {
        "input": input_path, "title": page.title, "published_at": page.published_at, "outlet": page.outlet,
        "script": page.script, "text": page.text, "is_announcement": article.is_announcement,
        "announcements": [_announcement_dict(a) for a in article.announcements],
    }
    if page.mojibake:
        record["mojibake"] = page.mojibake
    return record


def _announcement_dict(announcement) -> dict:
    data = asdict(announcement)
    if data.get("currency") is None:
        data.pop("currency", None)
    for project in data["projects"]:
        if project.get("currency") is None:
            project.pop("currency", None)
    return data


def json_line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False)


def run_json(run: dict) -> str:
    record = {"source": run["source"], "status": run["status"], **{key: run.get(key) or 0 for key in RUN_KEYS[2:]}}
    record.update(run_id=run["id"], started_at=run["started_at"], finished_at=run["finished_at"],
                  error_details=run.get("error_details", []))
    return json_line(record)


def runs_table(runs: list[dict]) -> str:
    rows = [[run["source"], run["status"], *(run.get(key) or 0 for key in RUN_KEYS[2:])] for run in runs]
    if len(runs) > 1:
        rows.append(["total", ""] + [sum(r[i] for r in rows) for i in range(2, len(RUN_KEYS))])
    headers = ["source", "status", "requests", "article pages", "new", "updated", "duplicates",
               "announcements", "errors", "skipped", "not articles"]
    return tabulate(rows, headers=headers, tablefmt="simple")


def errors_table(runs: list[dict]) -> str:
    rows = [[run["source"], e["url"], e["stage"], e["reason"]] for run in runs for e in run.get("error_details", [])]
    return tabulate(rows, headers=["source", "url", "stage", "reason"], tablefmt="simple") if rows else ""


def sources_table(sources: list) -> str:
    rows = [[s.name, s.kind, s.outlet, s.region, s.schedule, "yes" if s.verified else "no", s.start_urls[0]]
            for s in sources]
    return tabulate(rows, headers=["name", "kind", "outlet", "region", "schedule", "verified", "first start URL"])


def check_report(report: dict) -> str:
    """``yrdwatch sources --check``: each step of one source and the verdict."""
    steps = tabulate([[s["step"], s["status"], s["detail"]] for s in report["steps"]], tablefmt="plain")
    where = f"{report['seeds_file']}:{report['line']}"
    if not report["passed"]:
        verdict = f"FAILED at {report['reason']}"
    elif report["verified"]:
        verdict = f"passed (marked verified in {where})"
    else:
        verdict = (f"passed. Read the article above; if it is right, mark the source verified: "
                   f"`verified = true` in its [[sources]] table ({where})")
    return f"{report['source']} ({report['kind']}, {where})\n" + "\n".join("  " + line for line in steps.splitlines()) + \
        f"\n  verdict: {verdict}\n"


def sources_status_table(rows: list[dict]) -> str:
    """``yrdwatch status``'s sources: times in Beijing time, as every time a person reads."""
    from yrdwatch.extract.dates import local_time

    def cell(key, value):
        return local_time(value) if key in ("last_run", "next_run") else "" if value is None else value

    return tabulate([[cell(key, value) for key, value in row.items()] for row in rows],
                    headers=["source", "last run (Beijing)", "status", "s", "pages", "new", "dup", "ann", "err",
                             "next run (Beijing)", "warning"])
