"""A project followed through its stages: the evidence between two reports, and the CLI end to end
(two outlets' reports of one project become one project with two stages; another phase stays
another project; a person's split survives `reprocess`)."""
import json
import time

import pytest

from yrdwatch.db.evidence import Report, confidence, evidence, verdict


def report(name, stage, day, *, city="上海市", district=None, park=None, parties=(), amount=None, currency=None):
    return Report([name], "上海市" if city == "上海市" else "江苏省", city, district, park, list(parties),
                  [(amount, currency)] if amount else [], [(stage, day)])


SIGNING = report("特斯拉储能超级工厂项目", "签约", "2023-04-21", park="临港新片区",
                 parties=["特斯拉(上海)有限公司", "临港新片区管委会"], amount=1_450_000_000)

# (later report, features expected against SIGNING): every feature not named is expected to be 0.
# years_apart is years / 3, capped at 1; party_in_name: 特斯拉, a party of the signing, named in the later name.
EVIDENCE_TABLE = [
    # another outlet, 13 months later, the city written into the name, the park in full
    (report("特斯拉上海储能超级工厂", "开工", "2024-05-23", park="中国(上海)自由贸易试验区临港新片区", amount=1_450_000_000),
     {"name_core_equal": 1, "name_contained": 1, "name_similarity": 1, "place_detail_agree": 1, "party_in_name": 1,
      "amount_agree": 1, "years_apart": 0.363}),
    # the company's second plant phase: a later phase on one side only
    (report("特斯拉上海超级工厂二期项目", "签约", "2024-06-10", amount=6_500_000_000),
     {"name_contained": 1, "name_similarity": 0.8, "later_phase_one_side": 1, "party_in_name": 1,
      "amount_conflict": 1, "same_stage_apart": 1, "same_stage_other_amount": 1, "years_apart": 0.38}),
    # the same words in another city: a veto
    (report("特斯拉储能超级工厂项目", "开工", "2024-05-23", city="苏州市"),
     {"name_core_equal": 1, "name_contained": 1, "name_similarity": 1, "place_conflict": 1, "party_in_name": 1,
      "years_apart": 0.363}),
    # a production start dated before the signing: stages out of order
    (report("特斯拉储能超级工厂", "投产", "2022-01-10"),
     {"name_core_equal": 1, "name_contained": 1, "name_similarity": 1, "party_in_name": 1, "stages_out_of_order": 1,
      "years_apart": 0.426}),
    # the same event rewritten a few days later by a reprint site
    (report("储能超级工厂", "签约", "2023-04-23", parties=["特斯拉(上海)有限公司"]),
     {"name_core_equal": 1, "name_contained": 1, "name_similarity": 1, "party_overlap": 1, "same_event": 1,
      "years_apart": 0.002}),
    # a US-dollar figure is never compared with yuan
    (report("特斯拉储能超级工厂", "投产", "2025-02-11", amount=200_000_000, currency="USD"),
     {"name_core_equal": 1, "name_contained": 1, "name_similarity": 1, "party_in_name": 1, "years_apart": 0.605}),
]


@pytest.mark.parametrize("later, expected", EVIDENCE_TABLE, ids=[r.names[0] + r.stages[0][0] for r, _ in EVIDENCE_TABLE])
def test_evidence_table(later, expected):
    features = evidence(SIGNING, later)
    assert {k: round(v, 3) for k, v in features.items() if v} == expected


def test_vetoes_decide_whatever_the_weights():
    other_city = evidence(SIGNING, EVIDENCE_TABLE[2][0])
    assert confidence(other_city) == 0.0 and verdict(confidence(other_city)) is None
    phase_two = report("特斯拉储能超级工厂二期", "开工", "2024-05-23")
    phase_one = report("特斯拉储能超级工厂一期", "签约", "2023-04-21")
    assert confidence(evidence(phase_one, phase_two)) == 0.0
    assert verdict(confidence(evidence(SIGNING, EVIDENCE_TABLE[0][0]))) == "merged"


# Real-shaped pages from three outlets (paraphrased from the reports of 2023-2024).
SIGNED = """特斯拉储能超级工厂项目签约落户临港新片区

2023-04-21 来源：新民晚报

4月21日，特斯拉储能超级工厂项目签约仪式在上海临港新片区举行。特斯拉（上海）有限公司与临港新片区管委会签署协议，\
项目总投资约14.5亿元，规划年产超大型商用储能电池1万台，储能规模近40GWh。项目计划于2023年三季度开工，2024年二季度投产。
"""
STARTED = """特斯拉上海储能超级工厂在临港正式开工

2024-05-23 来源：解放日报

5月23日，特斯拉上海储能超级工厂在中国(上海)自由贸易试验区临港新片区正式开工建设。总投资14.5亿元，\
初期规划年产商用储能电池1万台，预计2025年一季度实现量产。
"""
PHASE_TWO = """特斯拉上海超级工厂二期项目签约

2024-06-10 来源：第一财经

6月10日，特斯拉上海超级工厂二期项目在上海临港新片区签约，特斯拉（上海）有限公司将投资65亿元扩建整车产能，新增年产电动汽车50万辆。
"""


def listed(run_cli) -> list[dict]:
    result = run_cli("projects", "--json")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]


def test_two_outlets_one_project_two_stages_and_a_split_that_survives_reprocess(tmp_path, run_cli):
    paths = []
    for name, text in (("signed.txt", SIGNED), ("started.txt", STARTED), ("phase2.txt", PHASE_TWO)):
        paths.append(tmp_path / name)
        paths[-1].write_text(text, encoding="utf-8")
    assert run_cli("ingest", *paths).exit_code == 0

    projects = {p["name"]: p for p in listed(run_cli)}
    tesla = projects["特斯拉储能超级工厂项目"]
    assert [(s["stage"], s["date"], s["amount"], s["article_urls"]) for s in tesla["stages"]] == [
        ("签约", "2023-04-21", 14.5, [paths[0].as_uri()]), ("开工", "2024-05-23", 14.5, [paths[1].as_uri()])]
    assert tesla["aliases"] == ["特斯拉上海储能超级工厂"] and tesla["park"] == "中国(上海)自由贸易试验区临港新片区"
    assert "特斯拉上海超级工厂二期项目" in projects  # another phase: another project
    assert not any(link["project_id"] == tesla["id"] for link in projects["特斯拉上海超级工厂二期项目"]["uncertain"]
                   if link["confidence"] >= 0.8)

    text = run_cli("projects", "--place", "上海").output
    assert "签约  2023-04-21  14.5亿元" in text and "开工  2024-05-23  14.5亿元" in text
    assert run_cli("projects", "--place", "苏州").output == ""
    assert [p["id"] for p in listed_since(run_cli, "2024-06-01")] == [projects["特斯拉上海超级工厂二期项目"]["id"]]

    started_key = tesla["stages"][1]["mention_keys"][0]
    result = run_cli("projects", "--split", tesla["id"], started_key)
    assert result.exit_code == 0 and "recorded; 2 article(s) stored again" in result.output
    for _ in range(2):  # as split, and still so after reprocess
        projects = {p["name"]: p for p in listed(run_cli)}
        assert [s["stage"] for s in projects["特斯拉储能超级工厂项目"]["stages"]] == ["签约"]
        assert [s["stage"] for s in projects["特斯拉上海储能超级工厂"]["stages"]] == ["开工"]
        assert run_cli("reprocess").exit_code == 0

    result = run_cli("projects", "--merge", started_key, tesla["id"])
    assert result.exit_code == 0
    assert [s["stage"] for s in {p["name"]: p for p in listed(run_cli)}["特斯拉储能超级工厂项目"]["stages"]] == ["签约", "开工"]


def listed_since(run_cli, day):
    result = run_cli("projects", "--json", "--since", day)
    return [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]


def test_bad_override_and_since_are_refused(run_cli, tmp_path):
    result = run_cli("projects", "--split", "nosuchid", "other")
    assert result.exit_code != 0 and "nosuchid: no project or mention has this id" in result.output
    result = run_cli("projects", "--since", "yesterday")
    assert result.exit_code != 0 and "'yesterday' is not a date" in result.output


def test_digest_tells_progress_from_new_projects(tmp_path, run_cli):
    signed, started = tmp_path / "signed.txt", tmp_path / "started.txt"
    signed.write_text(SIGNED, encoding="utf-8")
    started.write_text(STARTED, encoding="utf-8")
    assert run_cli("ingest", signed).exit_code == 0
    first = run_cli("digest", "--subscription", "all")
    assert "digest #1: 1 new project" in first.output
    time.sleep(1.1)  # stamps are to the second: the start is reported after the digest
    assert run_cli("ingest", started).exit_code == 0
    preview = run_cli("digest", "--subscription", "all", "--dry-run").output
    assert "## 项目进展｜1 个已知项目进入新阶段" in preview
    section = preview.split("项目进展")[1]
    assert "特斯拉储能超级工厂项目" in section and "开工 2024" in section and "（此前：签约）" in section
    assert "**0** 个新项目" in preview  # progress is not new money
    second = run_cli("digest", "--subscription", "all", "--out", tmp_path / "out")
    assert second.exit_code == 0 and "digest #2: 0 new projects, 1 known project at a new stage" in second.output
    assert "项目进展" in next((tmp_path / "out").glob("*.html")).read_text(encoding="utf-8")
    assert "no new projects and no progress" in run_cli("digest", "--subscription", "all").output  # each stage once
