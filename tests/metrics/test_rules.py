"""The leader rule engine on hand-built cases: every kind, values exactly at thresholds, missing data."""
from pathlib import Path

import pytest

from etl.rules import RuleError, parse_rule_set
from metrics.rules import evaluate_rule, propose

DEFAULT = parse_rule_set((Path(__file__).parents[2] / "data/rules/default.yaml").read_text("utf-8"))
QUANG_NGAI = parse_rule_set((Path(__file__).parents[2] / "data/rules/quang-ngai-2018.yaml").read_text("utf-8"))
FULL = {"level": "province", "index": 85.0, "rank": 10, "units_ranked": 63, "group": "B", "delta_rank": 2, "delta_index": 1.0,
        "sipas_pct": 82.0, "plan_status": "on_time"}


@pytest.mark.parametrize("index, level", [(80.0, "excellent"), (79.999, "excellent"), (79.99, "good"),
                                          (70.0, "good"), (69.99, "completed"), (50.0, "completed"),
                                          (49.99, "not_completed"), (0.0, "not_completed")])
def test_quang_ngai_bands_are_inclusive_at_two_decimals(index, level):
    # 79.999 is published as 80.00, so it reaches the 80 band.
    assert propose(QUANG_NGAI, {"index": index})["proposed_level"] == level


def rule(kind, **fields):
    return {"id": kind, "kind": kind, **fields}


def test_group_ceiling():
    r = rule("group_ceiling", groups={"C": "good"})
    assert evaluate_rule(r, {"group": "C"})["level"] == "good"
    assert evaluate_rule(r, {"group": "B"})["result"] == "pass"
    assert evaluate_rule(r, {"group": None})["result"] == "not_assessable"


def test_bottom_n_exactly_at_the_edge():
    r = rule("bottom_n", n=3, max_level="good")
    assert evaluate_rule(r, {"rank": 61, "units_ranked": 63})["result"] == "ceiling"   # 61, 62, 63 are the last 3
    assert evaluate_rule(r, {"rank": 60, "units_ranked": 63})["result"] == "pass"
    assert evaluate_rule(r, {"rank": None, "units_ranked": 63})["result"] == "not_assessable"


def test_rank_fall_at_the_thresholds_and_without_a_previous_year():
    r = rule("rank_fall", min_ranks=10, min_points=3, max_level="good")
    assert evaluate_rule(r, {"delta_rank": -10, "delta_index": 0.5})["result"] == "ceiling"   # exactly 10 ranks
    assert evaluate_rule(r, {"delta_rank": -9, "delta_index": -3.0})["result"] == "ceiling"   # exactly 3 points
    assert evaluate_rule(r, {"delta_rank": -9, "delta_index": -2.99})["result"] == "pass"
    assert evaluate_rule(r, {"delta_rank": None, "delta_index": None})["result"] == "not_assessable"
    # Across the 2025 reorganisation ranks do not compare, but points still can.
    assert evaluate_rule(r, {"delta_rank": None, "delta_index": -4.0})["result"] == "ceiling"
    flag = rule("rank_fall", min_ranks=5, flag=True)
    assert evaluate_rule(flag, {"delta_rank": -6})["result"] == "flag"


def test_satisfaction_and_plan_rules():
    low = rule("satisfaction_below", survey="sipas", threshold=75, max_level="completed")
    assert evaluate_rule(low, {"sipas_pct": 74.99})["level"] == "completed"
    assert evaluate_rule(low, {"sipas_pct": 75.0})["result"] == "pass"
    assert evaluate_rule(low, {"sipas_pct": None})["result"] == "not_assessable"
    plan = rule("plan_late", max_level="good")
    assert evaluate_rule(plan, {"plan_status": "missing"})["level"] == "good"
    assert evaluate_rule(plan, {"plan_status": "late"})["level"] == "good"
    assert evaluate_rule(plan, {"plan_status": "on_time"})["result"] == "pass"
    assert evaluate_rule(plan, {"plan_status": None})["result"] == "not_assessable"


def test_the_most_restrictive_outcome_wins_when_rules_disagree():
    facts = {**FULL, "index": 91.0, "group": "A", "rank": 62, "plan_status": "late"}
    result = propose(DEFAULT, facts)
    # Bands say excellent; bottom-3 and the late plan cap at good.
    assert result["proposed_level"] == "good" and not result["provisional"]
    assert any(r.startswith("bottom-3") for r in result["reasons"]) and any(r.startswith("plan") for r in result["reasons"])
    worse = propose(DEFAULT, {**facts, "group": "D"})
    assert worse["proposed_level"] == "completed"


def test_missing_data_makes_the_proposal_provisional_never_a_pass():
    result = propose(DEFAULT, {**FULL, "sipas_pct": None, "plan_status": None})
    assert result["proposed_level"] == "excellent" and result["provisional"]
    assert sorted(m.split(":")[0] for m in result["missing"]) == ["plan", "sipas"]
    assert propose(DEFAULT, {})["proposed_level"] is None


def test_flags_are_listed_not_applied():
    result = propose(DEFAULT, {**FULL, "sipas_pct": 60.0})
    assert result["proposed_level"] == "excellent" and result["flags"] == ["SIPAS 60.00 % < 75 %"]


@pytest.mark.parametrize("text, fragment", [
    ("name: x\n", "missing 'title_vi'"),
    ("name: Bad Name\ntitle_vi: a\ntitle_en: a\nscope: {levels: [province], first_year: 2020}\nrules: []\n", "'name'"),
    ("name: ok\ntitle_vi: a\ntitle_en: a\nscope: {levels: [province], first_year: 2020}\n"
     "rules:\n  - {id: b, kind: index_band, bands: [{min: 70, level: good}, {min: 80, level: excellent}]}\n",
     "strictly down"),
    ("name: ok\ntitle_vi: a\ntitle_en: a\nscope: {levels: [province], first_year: 2020}\n"
     "rules:\n  - {id: b, kind: index_band, bands: [{min: 80, level: great}]}\n", "level"),
    ("name: ok\ntitle_vi: a\ntitle_en: a\nscope: {levels: [province], first_year: 2020}\n"
     "rules:\n  - {id: b, kind: bottom_n, n: 3, max_level: good}\n", "index_band"),
    ("name: ok\ntitle_vi: a\ntitle_en: a\nscope: {levels: [province], first_year: 2020}\n"
     "rules:\n  - {id: b, kind: index_band, bands: [{min: 80, level: good}]}\n  - {id: c, kind: plan_late}\n",
     "max_level"),
    ("name: [unclosed\n", "line 2"),
])
def test_rule_files_are_validated_with_clear_errors(text, fragment):
    with pytest.raises(RuleError) as caught:
        parse_rule_set(text, "my_rules.yaml")
    assert fragment in str(caught.value) and caught.value.message("vi")


def test_shipped_rule_sets_are_stored_and_proposals_run(demo_db_master):
    import duckdb
    from metrics.leaders import leader_proposals, rule_sets
    con = duckdb.connect(str(demo_db_master), read_only=True)
    assert set(rule_sets(con)["name"]) == {"default", "quang-ngai-2018"}
    proposals, source = leader_proposals(con, "ministry", 2023, "quang-ngai-2018")
    con.close()
    assert source == "published" and len(proposals) == 17
    levels = dict(zip(proposals["code"], proposals["proposed_level"]))
    assert levels["BTP"] == "excellent" and levels["BCT"] == "good"      # 89.95 and 78.03


def test_a_rule_limited_to_provinces_does_not_make_ministries_provisional():
    ministry = {**FULL, "level": "ministry", "sipas_pct": None}
    assert not propose(DEFAULT, ministry)["provisional"]
    assert propose(DEFAULT, {**ministry, "level": "province"})["provisional"]


def test_heads_of_a_province_s_own_departments(demo_db, tmp_path):
    import duckdb
    from etl.load import load_file
    from metrics.leaders import leader_proposals, local_scopes
    con = duckdb.connect(str(demo_db), read_only=True)
    criteria = con.execute("SELECT criterion_code, max_points FROM framework_criterion "
                           "WHERE framework_id = 'par-local-2021' ORDER BY position").fetchall()
    con.close()
    lines = ["Mã,Đơn vị," + ",".join(c for c, _m in criteria)]
    for code, name, share in (("SNV", "Sở Nội vụ", 0.9), ("STP", "Sở Tư pháp", 0.75), ("SYT", "Sở Y tế", 0.45)):
        lines.append(f"{code},{name}," + ",".join(str(round(m * share, 2)) for _c, m in criteria))
    path = tmp_path / "so.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    load_file(demo_db, "par-scores", path,
              options={"year": 2025, "level": "department", "parent": "vn34:22", "create_units": True})
    con = duckdb.connect(str(demo_db), read_only=True)
    scopes = local_scopes(con)
    assert scopes["code_system"].tolist() == ["vn34-22-department"]
    proposals, source = leader_proposals(con, "department", 2025, "quang-ngai-2018", system="vn34-22-department")
    con.close()
    levels = dict(zip(proposals["code"], proposals["proposed_level"]))
    assert source == "upload" and levels == {"SNV": "excellent", "STP": "good", "SYT": "not_completed"}
