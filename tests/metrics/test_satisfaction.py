"""metrics.satisfaction on small stores whose figures are computed by hand, and on the demo database."""
import io
import json
from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from scipy import stats as sps

from etl.survey_stats.store import put_answers
from metrics import satisfaction as sat
from metrics import stats
from tests.conftest import PROJECT, run_command

Z = 1.959963984540054
T2 = 4.302652729749464      # Student t, 97.5 % quantile, 2 degrees of freedom
LIKERT = ("likert", 1, 5)


# --- a tiny store, built by hand ---------------------------------------------------------------------------

def add_batch(con, source: str, kind: str = "survey", status: str = "current") -> int:
    return con.execute(
        "INSERT INTO batch (batch_id, kind, source, rows, status, loaded_at, loaded_by) "
        "VALUES (nextval('batch_id_seq'), ?, ?, 0, ?, ?, 'test') RETURNING batch_id",
        [kind, source, status, datetime(2025, 1, 1)]).fetchall()[0][0]


def add_instrument(con, instrument_id: str, survey: str, dims: list[tuple[str, str, list[tuple]]]) -> None:
    """dims: (dimension_code, part, [(item_code, (kind, min, max)), ...])."""
    batch = add_batch(con, "reference", "instrument")
    con.execute("INSERT INTO instrument VALUES (?, ?, 'test', 'T', 'T', NULL, 1, 5, 4, NULL, ?)",
                [instrument_id, survey, batch])
    position = 0
    for d_pos, (dim, part, items) in enumerate(dims, 1):
        con.execute("INSERT INTO instrument_dimension VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [instrument_id, dim, part, f"{dim} vi", f"{dim} en", d_pos, batch])
        for code, (kind, lo, hi) in items:
            position += 1
            con.execute("INSERT INTO instrument_item VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)",
                        [instrument_id, code, dim, kind, lo, hi, f"{code} vi", f"{code} en", position, batch])


def add_respondents(con, batch: int, survey: str, instrument: str, year: int, rows: list[dict]) -> None:
    """rows: unit ('vn63', '01'), answers {item: value}, optional weight, facility, school_level, group."""
    start = con.execute("SELECT coalesce(max(respondent_key), 0) FROM survey_respondent").fetchall()[0][0]
    answers = []
    for i, row in enumerate(rows, start + 1):
        system, code = row.get("unit", ("vn63", "01"))
        con.execute(
            "INSERT INTO survey_respondent (respondent_key, batch_id, survey, instrument_id, year, respondent_id, "
            "unit_system, unit_code, facility_id, school_level, respondent_group, weight) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [i, batch, survey, instrument, year, f"R{i}", system, code, row.get("facility"),
             row.get("school_level"), row.get("group"), row.get("weight")])
        answers += [{"respondent_key": i, "item_code": item, "value": value} for item, value in row["answers"].items()]
    # answers go into the respondents' compact columns, and the batch's statistics are computed, as a load does
    put_answers(con, batch, pd.DataFrame(answers, columns=["respondent_key", "item_code", "value"]))


HEALTH_DIMS = [("A", "section", [("A1", LIKERT), ("A2", LIKERT)]), ("E", "section", [("E1", LIKERT)]),
               ("expectations", "extra", [("G1", ("percent", 0, 200))]),
               ("return_intention", "extra", [("G2", LIKERT)])]


def health_rows(weights=(None, None, None, None)) -> list[dict]:
    """Province 01: four patients (0 = did not use); province 02: one patient answering 5 everywhere."""
    p1 = [dict(A1=5, A2=4, E1=0, G2=5, G1=100), dict(A1=3, A2=0, E1=2, G2=4, G1=80),
          dict(A1=4, A2=5, E1=5, G2=0, G1=120), dict(A1=0, A2=0, E1=0, G2=3, G1=90)]
    rows = [{"unit": ("vn63", "01"), "answers": a, "weight": w} for a, w in zip(p1, weights)]
    rows.append({"unit": ("vn63", "02"), "answers": dict(A1=5, A2=5, E1=5, G2=5, G1=100)})
    return rows


@pytest.fixture
def health_store(empty_store):
    add_instrument(empty_store, "h-test", "health", HEALTH_DIMS)
    add_respondents(empty_store, add_batch(empty_store, "upload"), "health", "h-test", 2024, health_rows())
    return empty_store


def row(table, code, set_code=sat.OVERALL):
    found = table[(table["code"] == code) & (table["set_code"] == set_code)]
    assert len(found) == 1, (code, set_code)
    return found.iloc[0]


# --- hand-computed figures ---------------------------------------------------------------------------------

def test_unweighted_unit_by_hand(health_store):
    """Province 01, headline items A1, A2, E1 (valid answers only; 0 left out everywhere):
    patient 1: 5, 4 -> x = 2 valid, y = 2 at 4-5, sum 9; patient 2: 3, 2 -> 2, 0, 5; patient 3: 4, 5, 5 -> 3, 3, 14;
    patient 4 has no valid headline answer and is not counted: n = 3 respondents, 7 answers.
    pct = 5/7 = 71.43 %, SE = sqrt(228)/49 (see test_stats), interval pct +- t(2) SE (Taylor, several items;
    no stratum, no psu, no hospital: a simple random sample of 3 respondents, df = 3 - 1 = 2; t = 4.3027),
    cut at 0 and 100 %;
    mean = 28/7 = 4.0, SE sqrt(3/7); all answers at 4-5: patients 1 and 3, 2/3; deff = 228 x 343 / 24010."""
    table = sat.satisfaction_table(health_store, "health", 2024, min_n=1)
    p1 = row(table, "01")
    assert (p1["n_respondents"], p1["n_answers"], p1["source"]) == (3, 7, "upload")
    se = 100 * np.sqrt(228) / 49
    assert p1["pct_satisfied"] == pytest.approx(500 / 7) and p1["pct_se"] == pytest.approx(se)
    assert 500 / 7 - T2 * se < 0 and p1["pct_ci_low"] == 0 and p1["pct_ci_high"] == 100
    assert (p1["design"], p1["df"], p1["n_psu"], p1["n_strata"]) == ("srs", 2, 3, 1)
    assert p1["ci_method"] == "taylor" and p1["deff"] == pytest.approx(228 * 343 / 24010)
    assert p1["mean_ci_low"] == pytest.approx(4.0 - T2 * np.sqrt(3 / 7))
    assert p1["mean_score"] == pytest.approx(4.0) and p1["mean_se"] == pytest.approx(np.sqrt(3 / 7))
    assert p1["pct_all_satisfied"] == pytest.approx(200 / 3)
    # Dimension A: answers 5, 4 | 3 | 4, 5 -> 4 of 5 at 4-5, patients 1-3 counted.
    a = row(table, "01", "A")
    assert a["pct_satisfied"] == pytest.approx(80) and a["n_respondents"] == 3 and a["mean_score"] == pytest.approx(4.2)
    # G2, one item without weights: Wilson. Valid answers 5, 4, 3 (patient 3 answered 0): 2 of 3.
    g2 = row(table, "01", "return_intention")
    low, high = stats.wilson_interval(2, 3)
    assert g2["ci_method"] == "wilson" and g2["pct_satisfied"] == pytest.approx(200 / 3)
    assert g2["pct_ci_low"] == pytest.approx(100 * low) and g2["pct_ci_high"] == pytest.approx(100 * high)
    # G1 is a percent item: mean (100 + 80 + 120 + 90)/4 = 97.5, no percent satisfied.
    g1 = row(table, "01", "expectations")
    assert g1["mean_score"] == pytest.approx(97.5) and np.isnan(g1["pct_satisfied"]) and g1["n_respondents"] == 4


def test_unit_with_all_answers_five_and_national_row(health_store):
    """Province 02: one patient, all 5. pct 100 %, mean 5; the Taylor variance is undefined for one respondent,
    so the interval is Wilson on 1 respondent: [1/(1 + z^2), 1] = [20.65 %, 100 %].
    National: patients with headline answers 1-3 of province 01 plus this one: 8 of 10 answers at 4-5 = 80 %,
    mean (28 + 15)/10 = 4.3; national rows have an empty code."""
    table = sat.satisfaction_table(health_store, "health", 2024, min_n=1)
    p2 = row(table, "02")
    assert p2["pct_satisfied"] == 100 and p2["mean_score"] == 5 and p2["pct_all_satisfied"] == 100
    assert p2["pct_ci_low"] == pytest.approx(100 / (1 + Z * Z)) and p2["pct_ci_high"] == 100
    national = row(table, "")
    assert (national["code_system"], national["row_level"], national["name_en"]) == ("", "national", "National")
    assert national["n_respondents"] == 4 and national["pct_satisfied"] == pytest.approx(80)
    assert national["mean_score"] == pytest.approx(4.3)
    assert table.iloc[0]["row_level"] == "national" and table.iloc[0]["set_kind"] == "overall"


def test_small_samples_are_suppressed_with_reason(health_store):
    table = sat.satisfaction_table(health_store, "health", 2024)
    p1 = row(table, "01")
    assert p1["flag"] == "suppressed" and p1["reason"] == "n_respondents 3 < 30" and p1["n_respondents"] == 3
    assert np.isnan(p1["pct_satisfied"]) and np.isnan(p1["pct_ci_low"]) and np.isnan(p1["mean_score"])
    shown = row(sat.satisfaction_table(health_store, "health", 2024, min_n=3), "01")
    # Shown from 3 respondents, but RSE = (sqrt(228)/49) / (5/7) = 43 %: flagged unreliable.
    assert shown["flag"] == "unreliable" and shown["reason"] == "RSE 43 % >= 30 %"


def test_weighted_unit_by_hand(empty_store):
    """Weights 1, 2, 1, 3 on province 01: pct = (2 + 0 + 3)/(2 + 4 + 3) = 5/9, SE = sqrt(912)/81 (test_stats).
    G2 with weights is Taylor, not Wilson: valid answers 5 (w 1), 4 (w 2), 3 (w 3): p = 3/6 = 0.5;
    w (y - p): 0.5, 1, -1.5; SE^2 = 3/2 x 3.5/36, SE = 0.381881; 0.5 - 1.96 SE < 0, so the interval is [0, 100]."""
    add_instrument(empty_store, "h-test", "health", HEALTH_DIMS)
    add_respondents(empty_store, add_batch(empty_store, "upload"), "health", "h-test", 2024,
                    health_rows(weights=(1.0, 2.0, 1.0, 3.0)))
    table = sat.satisfaction_table(empty_store, "health", 2024, min_n=1)
    p1 = row(table, "01")
    assert p1["weighted"] and p1["pct_satisfied"] == pytest.approx(500 / 9)
    assert p1["pct_se"] == pytest.approx(100 * np.sqrt(912) / 81)
    assert p1["mean_score"] == pytest.approx(33 / 9)
    g2 = row(table, "01", "return_intention")
    assert g2["ci_method"] == "taylor" and g2["pct_satisfied"] == pytest.approx(50)
    assert g2["pct_se"] == pytest.approx(100 * np.sqrt(1.5 * 3.5 / 36))
    assert (g2["pct_ci_low"], g2["pct_ci_high"]) == (0, 100)


def test_high_relative_standard_error_is_flagged(empty_store):
    """30 respondents answer G2 only, one of them at 4-5: p = 1/30, SE = 1/30 (test_stats): RSE 100 %."""
    add_instrument(empty_store, "h-test", "health", HEALTH_DIMS)
    rows = [{"answers": {"G2": 5 if i == 0 else 2, "A1": 0}} for i in range(30)]
    add_respondents(empty_store, add_batch(empty_store, "upload"), "health", "h-test", 2024, rows)
    g2 = row(sat.satisfaction_table(empty_store, "health", 2024), "01", "return_intention")
    assert g2["flag"] == "unreliable" and g2["reason"] == "RSE 100 % >= 30 %"
    assert g2["pct_satisfied"] == pytest.approx(100 / 30) and g2["rse"] == pytest.approx(1.0)


def test_item_table_and_likert_distribution(health_store):
    """A1 in province 01: valid answers 5, 3, 4 -> one third each at 3, 4, 5. Dimension A: 5, 4, 3, 4, 5 ->
    20 % at 3, 40 % at 4, 40 % at 5. G1 (percent) has no distribution."""
    items = sat.item_table(health_store, "health", 2024, min_n=1)
    a1 = items[(items["code"] == "01") & (items["item_code"] == "A1")].iloc[0]
    assert [a1[f"share_{k}"] for k in range(1, 6)] == pytest.approx([0, 0, 100 / 3, 100 / 3, 100 / 3])
    assert a1["ci_method"] == "wilson" and a1["n_respondents"] == 3 and a1["in_headline"]
    g1 = items[(items["code"] == "01") & (items["item_code"] == "G1")].iloc[0]
    assert np.isnan(g1["share_1"]) and g1["mean_score"] == pytest.approx(97.5) and not g1["in_headline"]
    dims = sat.likert_distribution(items, by="dimension")
    a = dims[(dims["code"] == "01") & (dims["dimension"] == "A")]
    assert a["share"].tolist() == pytest.approx([0, 0, 20, 40, 40]) and a["value"].tolist() == [1, 2, 3, 4, 5]
    overall = sat.likert_distribution(items, by="overall")
    assert overall.groupby("code")["share"].sum().tolist() == pytest.approx([100, 100, 100])


def test_health_indicators_follow_the_ministry_definitions(health_store):
    table = sat.health_indicators(health_store, 2024, min_n=1)
    p1 = table[table["code"] == "01"].iloc[0]
    assert p1["satisfaction_rate"] == pytest.approx(500 / 7) and p1["mean_score"] == pytest.approx(4.0)
    assert p1["comprehensive"] == pytest.approx(200 / 3) and p1["expectations_met"] == pytest.approx(97.5)
    assert p1["return_intention"] == pytest.approx(200 / 3)
    assert p1["section_A_mean"] == pytest.approx(4.2) and p1["section_E_mean"] == pytest.approx(3.5)


def test_sources_are_picked_per_year_and_never_mixed(health_store):
    """Upload wins by default; demo only when asked (or when no upload exists); a retired batch never counts."""
    demo = add_batch(health_store, "demo")
    add_respondents(health_store, demo, "health", "h-test", 2024, [{"answers": {"A1": 1, "A2": 1}}])
    assert sat.pick_survey_source(health_store, "health", 2024) == "upload"
    table = sat.satisfaction_table(health_store, "health", 2024, source="demo", min_n=1)
    assert set(table["source"]) == {"demo"} and row(table, "01")["pct_satisfied"] == 0
    assert row(table, "")["n_respondents"] == 1
    assert sat.pick_survey_source(health_store, "health", 2024, "published") is None
    assert sat.satisfaction_table(health_store, "health", 2024, source="published").empty
    health_store.execute("UPDATE batch SET status = 'retired' WHERE source = 'upload'")
    assert sat.pick_survey_source(health_store, "health", 2024) == "demo"
    assert sat.satisfaction_table(health_store, "health", 2023).empty


def test_facility_level_and_drill_down(empty_store):
    add_instrument(empty_store, "h-test", "health", HEALTH_DIMS)
    batch = add_batch(empty_store, "upload")
    empty_store.execute("INSERT INTO facility VALUES ('hospital', 'H1', 'Bệnh viện Một', 'vn63', '01', ?), "
                        "('hospital', 'H2', 'Bệnh viện Hai', 'vn63', '01', ?)", [batch, batch])
    rows = [{"facility": "H1", "answers": {"A1": 5}}, {"facility": "H1", "answers": {"A1": 4}},
            {"facility": "H2", "answers": {"A1": 2}}, {"unit": ("vn63", "02"), "facility": "H3", "answers": {"A1": 5}}]
    add_respondents(empty_store, batch, "health", "h-test", 2024, rows)
    table = sat.drill_down(empty_store, "health", 2024, "vn63:01", min_n=1)
    overall = table[table["set_code"] == sat.OVERALL]
    assert overall["code"].tolist() == ["01", "H1", "H2"]
    assert overall["row_level"].tolist() == ["province", "facility", "facility"]
    h1 = overall.iloc[1]
    assert (h1["code_system"], h1["name_vi"], h1["parent_code"]) == ("hospital", "Bệnh viện Một", "01")
    assert h1["pct_satisfied"] == 100
    assert overall.iloc[0]["pct_satisfied"] == pytest.approx(200 / 3)
    one = sat.satisfaction_table(empty_store, "health", 2024, unit="hospital:H2", min_n=1)
    assert set(one["code"]) == {"H2"}
    ranked = sat.rank_units(table)
    assert ranked["code"].tolist() == ["H1", "H2"] and ranked["rank"].tolist() == [1, 2]


def test_units_that_do_not_fit_the_survey_are_refused(health_store):
    with pytest.raises(ValueError, match="no schools"):
        sat.satisfaction_table(health_store, "health", 2024, unit="school:S1")
    with pytest.raises(ValueError, match="system:code"):
        sat.satisfaction_table(health_store, "health", 2024, unit="22")
    with pytest.raises(ValueError, match="not collected per hospital"):
        sat.satisfaction_table(health_store, "sipas", 2024, level="facility")


EDUCATION_DIMS = [("access", "dimension", [("TC1", LIKERT), ("TC2", LIKERT), ("TC3", LIKERT)]),
                  ("overall", "dimension", [("HL1", LIKERT)])]


def test_breakdown_has_every_cell_and_margin(empty_store):
    """Education by school level and group: 2 x 2 cells, their margins and the total; the pooled headline
    (dimension 'access') is apart from question HL1 (dimension code 'overall')."""
    add_instrument(empty_store, "education", "education", EDUCATION_DIMS)
    rows = []
    for level, group, n_sat in (("primary", "parent", 2), ("primary", "learner", 1), ("upper_secondary", "parent", 0),
                                ("upper_secondary", "learner", 3)):
        for i in range(3):
            value = 5 if i < n_sat else 2
            rows.append({"school_level": level, "group": group,
                         "answers": {"TC1": value, "TC2": value, "TC3": value, "HL1": 4}})
    add_respondents(empty_store, add_batch(empty_store, "upload"), "education", "education", 2024, rows)
    table = sat.education_breakdown(empty_store, 2024, min_n=1)
    head = table[table["set_code"] == sat.OVERALL]
    assert len(head) == 9 and set(head["row_level"]) == {"national"}
    total = head[head["school_level"].isna() & head["respondent_group"].isna()].iloc[0]
    assert total["n_respondents"] == 12 and total["pct_satisfied"] == pytest.approx(50)
    primary = head[(head["school_level"] == "primary") & head["respondent_group"].isna()].iloc[0]
    assert primary["n_respondents"] == 6 and primary["pct_satisfied"] == pytest.approx(50)
    cell = head[(head["school_level"] == "upper_secondary") & (head["respondent_group"] == "learner")].iloc[0]
    assert cell["pct_satisfied"] == 100
    hl1 = table[(table["set_code"] == "overall") & table["school_level"].isna() & table["respondent_group"].isna()]
    assert hl1.iloc[0]["pct_satisfied"] == 100 and hl1.iloc[0]["set_kind"] == "dimension"


def test_reliability_equals_alpha_on_the_answer_matrix(empty_store):
    """Cronbach's alpha from the database equals metrics.stats.cronbach_alpha on the same answers, with the
    respondent who answered 0 (not valid) left out listwise."""
    add_instrument(empty_store, "education", "education", EDUCATION_DIMS)
    matrix = np.array([[5, 4, 5], [3, 3, 4], [4, 4, 4], [2, 3, 2], [5, 5, 4], [1, 2, 2], [4, 5, 5], [3, 2, 3]])
    rows = [{"answers": {"TC1": int(a), "TC2": int(b), "TC3": int(c), "HL1": 4}} for a, b, c in matrix]
    rows.append({"answers": {"TC1": 5, "TC2": 0, "TC3": 1, "HL1": 4}})
    add_respondents(empty_store, add_batch(empty_store, "upload"), "education", "education", 2024, rows)
    table = sat.reliability(empty_store, "education", 2024)
    assert table["dimension_code"].tolist() == ["access"]          # HL1 alone has no alpha
    alpha, n, k = stats.cronbach_alpha(matrix)
    got = table.iloc[0]
    assert (got["n_respondents"], got["n_items"]) == (8, 3) and got["alpha"] == pytest.approx(alpha)
    assert (got["alpha_ci_low"], got["alpha_ci_high"]) == pytest.approx(stats.feldt_interval(alpha, n, k))


SIPAS_DIMS = [("policy_x", "policy", [("P1", LIKERT)]), ("s1", "service", [("S1", LIKERT)]),
              ("s2", "service", [("S2a", LIKERT), ("S2b", LIKERT)])]


def test_sipas_overall_two_ways_by_hand(empty_store):
    """The respondents of test_stats.test_mean_of_ratios_by_hand: element s1 answers 5 | 3 | 4, element s2
    answers (5, 2) | (4, 5) | (0, 0). Pooled overall = 5/7; plain mean of the elements = (2/3 + 3/4)/2 = 17/24,
    SE sqrt(171)/144 (the elements share respondents); 3 respondents, df 2, t = 4.3027."""
    add_instrument(empty_store, "sipas", "sipas", SIPAS_DIMS)
    rows = [{"answers": {"P1": 4, "S1": 5, "S2a": 5, "S2b": 2}}, {"answers": {"P1": 4, "S1": 3, "S2a": 4, "S2b": 5}},
            {"answers": {"P1": 2, "S1": 4, "S2a": 0, "S2b": 0}}]
    add_respondents(empty_store, add_batch(empty_store, "upload"), "sipas", "sipas", 2024, rows)
    view = sat.sipas_overview(empty_store, 2024, min_n=1)
    overall = view["overall"].set_index("method")
    assert overall.loc["pooled", "pct_satisfied"] == pytest.approx(500 / 7)
    assert overall.loc["mean_of_elements", "pct_satisfied"] == pytest.approx(100 * 17 / 24)
    se = 100 * np.sqrt(171) / 144
    assert overall.loc["mean_of_elements", "pct_ci_low"] == pytest.approx(100 * 17 / 24 - T2 * se)
    assert view["elements"]["set_code"].tolist() == ["s1", "s2"]
    assert view["policies"]["set_code"].tolist() == ["policy", "policy_x"]
    assert view["policies"].iloc[0]["pct_satisfied"] == pytest.approx(200 / 3)
    assert view["source"] == "upload"
    table = sat.satisfaction_table(empty_store, "sipas", 2024, min_n=1)
    national = row(table, "")
    assert national["pct_elements_mean"] == pytest.approx(100 * 17 / 24)
    assert national["elements_se"] == pytest.approx(se)
    assert np.isnan(row(table, "", "s1")["pct_elements_mean"])
    again = sat.sipas_overview(empty_store, 2024, table=table)["overall"]
    assert again["pct_satisfied"].tolist() == pytest.approx(view["overall"]["pct_satisfied"].tolist())


def test_compare_two_units_and_two_years(empty_store):
    add_instrument(empty_store, "sipas", "sipas", SIPAS_DIMS)
    upload = add_batch(empty_store, "upload")
    high = [{"unit": ("vn63", "01"), "answers": {"S1": 5, "S2a": 4, "S2b": 5}} for _ in range(40)]
    low = [{"unit": ("vn63", "02"), "answers": {"S1": 2, "S2a": 3, "S2b": 4 if i % 4 == 0 else 2}} for i in range(40)]
    add_respondents(empty_store, upload, "sipas", "sipas", 2024, high + low)
    result = sat.compare(empty_store, "sipas", (2024, "vn63:01"), (2024, "vn63:02"))
    assert result["source"] == "upload" and result["significant"] and result["marker"] == "*"
    assert result["difference"]["difference"] == pytest.approx(100 - 100 * 10 / 120)
    assert result["mann_whitney"]["significant"] and result["mann_whitney"]["n_a"] == 40
    same = sat.compare(empty_store, "sipas", (2024, "vn63:01"), (2024, "vn63:01"), item="S1")
    assert not same["significant"] and same["marker"] == ""
    add_respondents(empty_store, add_batch(empty_store, "demo"), "sipas", "sipas", 2023, high)
    with pytest.raises(ValueError, match="no source in common"):
        sat.compare(empty_store, "sipas", (2023, None), (2024, None))
    trend = sat.satisfaction_trend(empty_store, "sipas", unit="vn63:01")
    assert trend["year"].tolist() == [2023, 2024] and trend["source"].tolist() == ["demo", "upload"]
    assert np.isnan(trend["change"].iloc[1])          # different sources: no change shown


def test_trend_marks_significant_changes(empty_store):
    add_instrument(empty_store, "sipas", "sipas", SIPAS_DIMS)
    batch = add_batch(empty_store, "upload")
    for year, n_sat in ((2022, 20), (2023, 22), (2024, 38)):
        rows = [{"answers": {"S1": 5 if i < n_sat else 2}} for i in range(40)]
        add_respondents(empty_store, batch, "sipas", "sipas", year, rows)
    trend = sat.satisfaction_trend(empty_store, "sipas")
    assert trend["pct_satisfied"].tolist() == pytest.approx([50, 55, 95])
    assert trend["change"].tolist()[1:] == pytest.approx([5, 40])
    assert trend["change_significant"].tolist() == [False, False, True]


def test_distance_to_target(empty_store):
    add_instrument(empty_store, "education", "education", EDUCATION_DIMS)
    rows = [{"unit": ("vn63", "01"), "answers": {"TC1": 5}} for _ in range(40)]
    rows += [{"unit": ("vn63", "02"), "answers": {"TC1": 5 if i < 20 else 2}} for i in range(40)]
    rows += [{"unit": ("vn63", "03"), "answers": {"TC1": 5 if i < 34 else 2}} for i in range(40)]
    add_respondents(empty_store, add_batch(empty_store, "upload"), "education", "education", 2024, rows)
    table = sat.satisfaction_table(empty_store, "education", 2024)
    targets = pd.DataFrame([{"target_id": "t", "survey": "education", "set_code": "", "metric": "pct_satisfied",
                             "value": 85.0, "deadline_year": 2025, "source_ref": "Decision X"}])
    out = sat.distance_to_target(table, targets).set_index("code")
    assert out.loc["01", "status"] == "met" and out.loc["01", "distance"] == pytest.approx(15)
    assert out.loc["02", "status"] == "not met" and out.loc["02", "distance"] == pytest.approx(-35)
    # 34 of 40 = 85 %, Wilson interval 71-93 % holds the target.
    assert out.loc["03", "status"] == "within interval" and out.loc["03", "distance"] == pytest.approx(0)
    # National: 94 of 120 = 78.3 %, Taylor SE sqrt(p(1-p)/119) = 3.78 points, upper bound 85.7 %.
    assert out.loc["", "status"] == "within interval" and out.loc["", "target_source"] == "Decision X"


def test_targets_are_data_with_their_source():
    targets = sat.load_targets()
    moet = targets[targets["target_id"] == "moet-2034-2025"].iloc[0]
    assert (moet["survey"], moet["value"], moet["deadline_year"]) == ("education", 85.0, 2025)
    assert "2034/QĐ-BGDĐT" in moet["source_ref"] and moet["source_url"].startswith("https://")
    assert (targets["source_ref"] != "").all()
    readme = (PROJECT / "data" / "targets" / "README.md").read_text(encoding="utf-8")
    assert "2034/QĐ-BGDĐT" in readme


def test_item_codes_from_users_never_reach_sql_text(empty_store):
    """A hostile item code is a parameter: stored as an item of a 2025 form, it comes back as data (the one
    respondent who answered it, score 5), and every table is still there."""
    hostile = "A1'; DROP TABLE batch; --"
    add_instrument(empty_store, "h-x", "health", [("A", "section", [(hostile, LIKERT), ("A2", LIKERT)])])
    add_respondents(empty_store, add_batch(empty_store, "upload"), "health", "h-x", 2025,
                    [{"answers": {hostile: 5, "A2": 1}}, {"answers": {"A2": 4}}])
    result = sat._scores(empty_store, "health", 2025, "upload", None, ["A"], hostile)
    assert result.to_dict("records") == [{"score": 5.0, "respondents": 1}]
    items = sat.item_table(empty_store, "health", 2025, level="national", min_n=1)
    assert items.loc[items["item_code"] == hostile, "pct_satisfied"].tolist() == [100]
    assert empty_store.execute("SELECT count(*) FROM batch").fetchall()[0][0] == 2
    assert empty_store.execute("SELECT count(*) FROM survey_answer").fetchall()[0][0] == 3


# --- the demo database --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo(demo_reader):
    return demo_reader


def test_province_figures_equal_a_per_respondent_computation(demo):
    """The SQL moments against pandas and metrics.stats.ratio_estimate on the raw answers of one province."""
    raw = demo.execute(
        """SELECT r.respondent_key, a.value, d.part FROM survey_respondent r JOIN batch b USING (batch_id)
        JOIN survey_answer a USING (respondent_key)
        JOIN instrument_item i ON i.instrument_id = r.instrument_id AND i.item_code = a.item_code
        JOIN instrument_dimension d ON d.instrument_id = i.instrument_id AND d.dimension_code = i.dimension_code
        WHERE b.status = 'current' AND r.survey = 'sipas' AND r.year = 2024 AND r.unit_code = '22'""").df()
    service = raw[(raw["part"] == "service") & raw["value"].between(1, 5)]
    per = service.groupby("respondent_key")["value"].agg(x="size", y=lambda v: (v >= 4).sum(), v="sum")
    pct, se = stats.ratio_estimate(per["y"], per["x"])
    mean, mean_se = stats.ratio_estimate(per["v"], per["x"])
    got = row(sat.satisfaction_table(demo, "sipas", 2024), "22")
    assert got["pct_satisfied"] == pytest.approx(100 * pct) and got["pct_se"] == pytest.approx(100 * se)
    assert got["mean_score"] == pytest.approx(mean) and got["mean_se"] == pytest.approx(mean_se)
    assert got["n_respondents"] == len(per) == 600 and got["source"] == "demo"


def test_health_zero_answers_are_left_out_on_the_demo(demo):
    zeros = demo.execute("SELECT count(*) FROM survey_answer a JOIN survey_respondent r USING (respondent_key) "
                         "WHERE r.survey = 'health' AND r.year = 2024 AND a.value = 0").fetchall()[0][0]
    items = sat.item_table(demo, "health", 2024, level="national")
    likert = items[items["item_kind"] == "likert"]
    valid = demo.execute("SELECT count(*) FROM survey_answer a JOIN survey_respondent r USING (respondent_key) "
                         "JOIN instrument_item i ON i.instrument_id = r.instrument_id AND i.item_code = a.item_code "
                         "WHERE r.survey = 'health' AND r.year = 2024 AND i.item_kind = 'likert' "
                         "AND a.value BETWEEN 1 AND 5").fetchall()[0][0]
    assert zeros > 0 and likert["n_respondents"].sum() == valid


def test_sipas_overview_shows_published_figures_beside(demo):
    view = sat.sipas_overview(demo, 2023)
    assert view["source"] == "demo" and len(view["elements"]) == 5 and len(view["policies"]) == 4
    assert view["overall"]["method"].tolist() == ["pooled", "mean_of_elements"]
    mean = view["overall"].set_index("method").loc["mean_of_elements", "pct_satisfied"]
    assert mean == pytest.approx(view["elements"]["pct_satisfied"].mean())
    published = view["published_national"]
    assert set(published["source"]) == {"published"}
    assert published.loc[published["metric"] == "SIPAS national average", "value_num"].iloc[0] == 82.66
    province = sat.sipas_overview(demo, 2023, unit="vn63:22")
    assert province["published_unit"]["sipas_pct"].tolist() == [90.61]


def test_sipas_against_the_par_index(demo):
    result = sat.sipas_vs_par(demo, 2023)
    assert (result["sipas_source"], result["par_source"]) == ("demo", "demo")   # synthetic only with synthetic
    points = result["points"]
    assert len(points) == 63 and result["n"] == 63
    usable = points[(points["flag"] != "suppressed") & points["par_index"].notna()]
    pearson = sps.pearsonr(usable["pct_satisfied"].astype(float), usable["par_index"].astype(float))
    spearman = sps.spearmanr(usable["pct_satisfied"].astype(float), usable["par_index"].astype(float))
    assert result["pearson_r"] == pytest.approx(pearson.statistic, abs=1e-12)
    assert result["pearson_p"] == pytest.approx(pearson.pvalue, rel=1e-9)
    assert result["spearman_rho"] == pytest.approx(spearman.statistic, abs=1e-12)
    with pytest.raises(ValueError, match="not compared"):
        sat.sipas_vs_par(demo, 2023, par_source="published")


def test_page_helpers_on_the_demo(demo):
    table = sat.satisfaction_table(demo, "sipas", 2024)
    ranked = sat.rank_units(table)
    assert len(ranked) == 63 and ranked["rank"].iloc[0] == 1
    assert (ranked["rank_low"] <= ranked["rank"]).all() and (ranked["rank"] <= ranked["rank_high"]).all()
    assert ranked["pct_satisfied"].is_monotonic_decreasing
    extremes = sat.extreme_items(sat.item_table(demo, "sipas", 2024, level="national"), 3)
    assert extremes["end"].tolist() == ["weakest"] * 3 + ["strongest"] * 3
    weakest, strongest = extremes.iloc[0]["pct_satisfied"], extremes.iloc[3]["pct_satisfied"]
    assert weakest < strongest
    education = sat.distance_to_target(sat.satisfaction_table(demo, "education", 2024))
    assert len(education) == 64 and set(education["status"]) <= {"met", "not met", "within interval", "suppressed"}
    trend = sat.satisfaction_trend(demo, "sipas")
    assert trend["year"].tolist() == [2021, 2022, 2023, 2024, 2025]


# --- command line -------------------------------------------------------------------------------------------

def metrics_cli(*args):
    return run_command("metrics", "satisfaction", *args)


def test_cli_sipas_by_unit_csv(demo_db_master):
    out = metrics_cli("--survey", "sipas", "--year", "2023", "--by", "unit", "--db", str(demo_db_master),
                      "--format", "csv")
    assert out.returncode == 0, out.stderr
    frame = pd.read_csv(io.StringIO(out.stdout), dtype={"code": str}, keep_default_na=False)
    assert list(frame.columns[:11]) == ["code_system", "code", "name", "dimension", "item", "n_respondents",
                                        "pct_satisfied", "pct_ci_low", "pct_ci_high", "mean_score", "flag"]
    assert len(frame) == 64 and frame.iloc[0]["code"] == "" and frame.iloc[0]["name"] == "Toàn quốc"
    assert (frame["dimension"] == "").all() and set(frame["source"]) == {"demo"}
    quang_ninh = frame[frame["code"] == "22"].iloc[0]
    assert quang_ninh["published_pct"] == "90.61" and quang_ninh["pct_elements_mean"] != ""


def test_cli_health_province_lists_its_hospitals(demo_db_master):
    out = metrics_cli("--survey", "health", "--year", "2024", "--by", "dimension", "--unit", "vn63:22",
                      "--db", str(demo_db_master), "--format", "json")
    rows = json.loads(out.stdout)
    assert {(r["code_system"], r["code"]) for r in rows} == {("vn63", "22"), ("hospital", "BV-vn63-22-1"),
                                                           ("hospital", "BV-vn63-22-2")}
    # The Ministry of Health reports each form: rows per form, and the pooled margin labelled 'pooled'.
    assert {r["form"] for r in rows} == {"pooled", "health-inpatient", "health-outpatient"}
    for form in ("pooled", "health-inpatient", "health-outpatient"):
        per_unit = [r["dimension"] for r in rows if r["code"] == "22" and r["form"] == form]
        assert per_unit == ["", "A", "B", "C", "D", "E", "expectations", "return_intention"]


def test_cli_items_and_errors(demo_db_master):
    out = metrics_cli("--survey", "education", "--year", "2024", "--by", "item", "--unit", "school:TR-vn63-22-1",
                      "--db", str(demo_db_master), "--format", "json")
    rows = json.loads(out.stdout)
    assert len(rows) == 25 and all(r["item"] and r["dimension"] for r in rows)
    assert {r["code"] for r in rows} == {"TR-vn63-22-1"}
    bad = metrics_cli("--survey", "sipas", "--year", "2024", "--unit", "hospital:X", "--db", str(demo_db_master))
    assert bad.returncode == 2 and "sipas has no hospitals" in bad.stderr
    none = metrics_cli("--survey", "sipas", "--year", "2019", "--db", str(demo_db_master))
    assert none.returncode == 0 and "No sipas answers for 2019" in none.stderr


def test_readme_documents_the_command():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    assert "python -m metrics satisfaction --survey sipas\\|health\\|education" in readme
