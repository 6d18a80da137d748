"""Design-based variances (strata, clusters, weights) against samplics' TaylorEstimator and against a table
worked by hand; the country-against-province test; coverage of partial data; health per form."""
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from etl.survey_stats.store import put_answers, refresh_batch
from metrics import satisfaction as sat
from metrics import stats, survey_design
from tests.metrics.test_satisfaction import LIKERT, add_batch, add_instrument

with warnings.catch_warnings():        # samplics announces it is archived; it is only the oracle here
    warnings.simplefilter("ignore")
    from samplics.estimation import TaylorEstimator
    from samplics.utils.types import PopParam, SinglePSUEst

REL = 1e-9


def samplics_ratio(y, x, w, stratum=None, psu=None, param=PopParam.ratio):
    est = TaylorEstimator(param)
    kwargs = {"y": np.asarray(y, dtype=float), "samp_weight": np.asarray(w, dtype=float)}
    if param == PopParam.ratio:
        kwargs["x"] = np.asarray(x, dtype=float)
    if stratum is not None:
        kwargs["stratum"] = np.asarray(stratum, dtype=str)
    if psu is not None:
        kwargs["psu"] = np.asarray(psu, dtype=str)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.estimate(**kwargs, single_psu=SinglePSUEst.certainty)
    return float(est.point_est), float(est.stderror), int(est.degree_of_freedom)


def random_design(seed: int, n: int = 400):
    """Several strata, unequal clusters, weights, and one stratum holding a single PSU."""
    rng = np.random.default_rng(seed)
    stratum = rng.choice(["s1", "s2", "s3", "s4"], n, p=[0.4, 0.3, 0.2, 0.1])
    sizes = {"s1": 7, "s2": 4, "s3": 9, "s4": 2}
    psu = np.array([f"{s}-{int(rng.integers(0, sizes[s]) ** 1.5)}" for s in stratum])     # unequal clusters
    stratum = np.append(stratum, ["lonely"] * 11)
    psu = np.append(psu, ["lonely-1"] * 11)
    m = len(stratum)
    x = rng.integers(1, 8, m).astype(float)
    y = np.array([rng.binomial(int(v), 0.3 + 0.5 * (hash(p) % 7) / 7) for v, p in zip(x, psu)], dtype=float)
    w = rng.uniform(0.2, 4.0, m)
    return y, x, w, stratum, psu


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("design", ["srs", "cluster", "stratified", "stratified cluster"])
def test_ratio_matches_samplics_on_random_designs(seed, design):
    y, x, w, stratum, psu = random_design(seed)
    s = stratum if "stratified" in design else None
    c = psu if "cluster" in design else None
    est, se, df = samplics_ratio(y, x, w, s, c)
    got = survey_design.ratio_estimate(y, x, w, s, c)
    assert got["design"] == design
    assert got["estimate"] == pytest.approx(est, rel=REL)
    assert got["se"] == pytest.approx(se, rel=REL)
    assert got["df"] == df
    t = sps.t.ppf(0.975, df)
    assert got["ci_low"] == pytest.approx(est - t * se, rel=REL)


@pytest.mark.parametrize("seed", [4, 5])
def test_mean_matches_samplics(seed):
    """A mean is the ratio with x = 1 (samplics' PopParam.mean)."""
    y, _, w, stratum, psu = random_design(seed)
    est, se, df = samplics_ratio(y, None, w, stratum, psu, PopParam.mean)
    got = survey_design.ratio_estimate(y, np.ones_like(y), w, stratum, psu)
    assert (got["estimate"], got["se"], got["df"]) == (pytest.approx(est, rel=REL), pytest.approx(se, rel=REL), df)


def test_ratio_matches_samplics_on_hand_made_data():
    y = [2, 1, 0, 3, 1, 2, 1, 0]
    x = [2, 2, 2, 3, 1, 2, 1, 1]
    w = [1.0, 2.0, 1.5, 1.0, 0.5, 1.0, 3.0, 1.0]
    stratum = ["A", "A", "A", "B", "B", "B", "C", "C"]      # C: one PSU (certainty: its respondents)
    psu = ["a1", "a1", "a2", "b1", "b2", "b2", "c1", "c1"]
    est, se, df = samplics_ratio(y, x, w, stratum, psu)
    got = survey_design.ratio_estimate(y, x, w, stratum, psu)
    assert got["se"] == pytest.approx(se, rel=REL) and got["df"] == df == 3 and got["n_psu"] == 6


def test_single_psu_rule_by_hand():
    """One cluster alone in its stratum: its respondents become the PSUs, so a single hospital is a simple
    random sample of its patients (the SE of metrics.stats.ratio_estimate, df = respondents - 1)."""
    y, x = [2, 0, 3], [2, 2, 3]
    got = survey_design.ratio_estimate(y, x, psu=["H1"] * 3)
    assert got["design"] == "srs" and got["df"] == 2
    assert got["se"] == pytest.approx(np.sqrt(228) / 49)        # test_stats.test_ratio_estimator_unweighted_by_hand


# --- a table worked by hand, through the database ----------------------------------------------------------

SIPAS_DIMS = [("s1", "service", [("S1", LIKERT), ("S2", LIKERT), ("S3", LIKERT)])]


def insert(con, batch, survey, instrument, year, rows):
    """rows: dicts with answers and optional unit, stratum, psu, facility, weight."""
    start = con.execute("SELECT coalesce(max(respondent_key), 0) FROM survey_respondent").fetchall()[0][0]
    answers = []
    for i, row in enumerate(rows, start + 1):
        system, code = row.get("unit", ("vn63", "01"))
        con.execute(
            "INSERT INTO survey_respondent (respondent_key, batch_id, survey, instrument_id, year, respondent_id, "
            "unit_system, unit_code, facility_id, weight, stratum, psu) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [i, batch, survey, instrument, year, f"R{i}", system, code, row.get("facility"), row.get("weight"),
             row.get("stratum"), row.get("psu")])
        answers += [{"respondent_key": i, "item_code": item, "value": value} for item, value in row["answers"].items()]
    put_answers(con, batch, pd.DataFrame(answers, columns=["respondent_key", "item_code", "value"]))


def answers(values):
    return dict(zip(("S1", "S2", "S3"), values))


HAND = [  # (stratum, psu, answers): per respondent y = answers at 4-5, x = valid answers
    ("A", "a1", (5, 4)), ("A", "a1", (5, 2)),     # y, x = (2, 2), (1, 2)  -> PSU a1: Y = 3, X = 4
    ("A", "a2", (1, 2)),                          # (0, 2)                 -> PSU a2: Y = 0, X = 2
    ("B", "b1", (5, 5, 5)),                       # (3, 3)                 -> PSU b1: Y = 3, X = 3
    ("B", "b2", (4,)), ("B", "b2", (4, 5)),       # (1, 1), (2, 2)         -> PSU b2: Y = 3, X = 3
]


def test_stratified_cluster_table_by_hand(empty_store):
    """Y = 9, X = 12: p = 3/4. Residual PSU totals Y - p X: a1 3 - 3 = 0, a2 0 - 1.5 = -1.5, b1 and b2
    3 - 2.25 = 0.75. Stratum A: mean -0.75, deviations +-0.75, squares 1.125, times n_h/(n_h - 1) = 2: 2.25.
    Stratum B: both 0.75, no deviation: 0. v = 2.25 / X^2 = 2.25/144 = 1/64, SE = 1/8 = 12.5 points.
    df = 4 PSUs - 2 strata = 2, t = 4.3027: interval 75 +- 53.78 -> [21.22, 100] (cut at 100).
    Were the 6 respondents a simple random sample: residuals 0.5, -0.5, -1.5, 0.75, 0.25, 0.5, squares 3.625,
    v = 6/5 x 3.625/144, SE = 17.38 points, df 5."""
    add_instrument(empty_store, "sipas", "sipas", SIPAS_DIMS)
    insert(empty_store, add_batch(empty_store, "upload"), "sipas", "sipas", 2024,
           [{"stratum": s, "psu": p, "answers": answers(a)} for s, p, a in HAND])
    national = sat.satisfaction_table(empty_store, "sipas", 2024, level="national", min_n=1).iloc[0]
    assert (national["design"], national["df"], national["n_psu"], national["n_strata"]) == \
        ("stratified cluster", 2, 4, 2)
    assert national["pct_satisfied"] == pytest.approx(75) and national["pct_se"] == pytest.approx(12.5)
    assert national["pct_ci_low"] == pytest.approx(75 - 4.302652729749464 * 12.5) and national["pct_ci_high"] == 100
    empty_store.execute("UPDATE survey_respondent SET stratum = NULL, psu = NULL")
    for (batch,) in empty_store.execute("SELECT DISTINCT batch_id FROM survey_respondent").fetchall():
        refresh_batch(empty_store, batch)     # figures read the statistics kept per batch, as a load leaves them
    srs = sat.satisfaction_table(empty_store, "sipas", 2024, level="national", min_n=1).iloc[0]
    assert (srs["design"], srs["df"]) == ("srs", 5)
    assert srs["pct_se"] == pytest.approx(100 * np.sqrt(6 / 5 * 3.625 / 144))


def test_table_matches_samplics_on_random_store(empty_store):
    """The production path (SQL sums per stratum and PSU, then metrics.survey_design) against samplics on
    the respondents' own y and x, for the country and for one province, pct and mean, with a stratum
    holding one PSU, unequal clusters and weights."""
    add_instrument(empty_store, "sipas", "sipas", SIPAS_DIMS)
    rng = np.random.default_rng(7)
    rows = []
    for i in range(240):
        province = "01" if i < 150 else "02"
        stratum = f"{province}-{'u' if i % 3 else 'r'}" if i < 234 else "02-lonely"
        psu = f"{stratum}-{int(rng.integers(0, 5) ** 2)}" if i < 234 else "02-lonely-1"     # one PSU, 6 people
        k = int(rng.integers(1, 4))
        values = [int(v) for v in rng.integers(0, 6, k)]     # 0 = no opinion, left out
        if all(v == 0 for v in values):
            values[0] = 3
        rows.append({"unit": ("vn63", province), "stratum": stratum, "psu": psu, "weight": float(rng.uniform(0.5, 3)),
                     "answers": answers(values)})
    insert(empty_store, add_batch(empty_store, "upload"), "sipas", "sipas", 2024, rows)
    table = sat.satisfaction_table(empty_store, "sipas", 2024, min_n=1)
    frame = pd.DataFrame([{"province": r["unit"][1], "stratum": r["stratum"], "psu": r["psu"], "w": r["weight"],
                           "x": sum(1 for v in r["answers"].values() if v > 0),
                           "y": sum(1 for v in r["answers"].values() if v >= 4),
                           "v": sum(r["answers"].values())} for r in rows])
    for code, part in (("", frame), ("01", frame[frame["province"] == "01"])):
        got = table[(table["code"] == code) & (table["set_code"] == sat.OVERALL)].iloc[0]
        est, se, df = samplics_ratio(part["y"], part["x"], part["w"], part["stratum"], part["psu"])
        assert got["pct_satisfied"] == pytest.approx(100 * est, rel=REL)
        assert got["pct_se"] == pytest.approx(100 * se, rel=REL) and got["df"] == df
        assert got["design"] == "stratified cluster"
        mean, mean_se, _ = samplics_ratio(part["v"], part["x"], part["w"], part["stratum"], part["psu"])
        assert got["mean_score"] == pytest.approx(mean, rel=REL) and got["mean_se"] == pytest.approx(mean_se, rel=REL)
        t = sps.t.ppf(0.975, df)
        assert got["mean_ci_high"] == pytest.approx(mean + t * mean_se, rel=REL)
        srs_var = est * (1 - est) / got["n_answers"]
        assert got["deff"] == pytest.approx(se * se / srs_var, rel=REL)


def test_health_defaults_to_hospitals_as_clusters(empty_store):
    """No psu: the hospital is the cluster (design 'cluster', df = hospitals - 1); one hospital alone is a
    simple random sample of its patients (single-PSU rule)."""
    add_instrument(empty_store, "h-test", "health", [("A", "section", [("A1", LIKERT), ("A2", LIKERT)])])
    rng = np.random.default_rng(3)
    rows = [{"facility": f"H{h}", "answers": {"A1": int(rng.integers(1 + h % 3, 6)), "A2": int(rng.integers(1, 6))}}
            for h in range(5) for _ in range(8 + 3 * h)]
    insert(empty_store, add_batch(empty_store, "upload"), "health", "h-test", 2024, rows)
    table = sat.satisfaction_table(empty_store, "health", 2024, level="facility", unit=None, min_n=1)
    national = table[(table["row_level"] == "national") & (table["set_code"] == sat.OVERALL)].iloc[0]
    frame = pd.DataFrame([{"h": r["facility"], "y": sum(v >= 4 for v in r["answers"].values()), "x": 2} for r in rows])
    est, se, df = samplics_ratio(frame["y"], frame["x"], np.ones(len(frame)), psu=frame["h"])
    assert (national["design"], national["df"]) == ("cluster", 4) and df == 4
    assert national["pct_se"] == pytest.approx(100 * se, rel=REL)
    h0 = table[(table["code"] == "H0") & (table["set_code"] == sat.OVERALL)].iloc[0]
    part = frame[frame["h"] == "H0"]
    assert (h0["design"], h0["df"]) == ("srs", 7)
    assert h0["pct_se"] == pytest.approx(100 * stats.ratio_estimate(part["y"], part["x"])[1], rel=REL)


# --- a unit against the country ----------------------------------------------------------------------------

def test_province_against_country_is_tested_against_the_rest(empty_store):
    """Province 01: 54 of 60 satisfied (90 %); province 02: 45 of 60 (75 %); the country 82.5 %.
    The naive test treats 01 and the country as independent, though the country holds 01: z = 7.5 /
    sqrt(se01^2 + se_country^2) = 1.43, p = 0.15. The right test is 01 against the rest (here 02): z = 15 /
    sqrt(se01^2 + se02^2) = 2.19, p = 0.03 - significant where the naive test is not."""
    add_instrument(empty_store, "sipas", "sipas", SIPAS_DIMS)
    rows = [{"unit": ("vn63", "01"), "answers": {"S1": 5 if i < 54 else 2}} for i in range(60)]
    rows += [{"unit": ("vn63", "02"), "answers": {"S1": 5 if i < 45 else 2}} for i in range(60)]
    insert(empty_store, add_batch(empty_store, "upload"), "sipas", "sipas", 2024, rows)
    result = sat.compare(empty_store, "sipas", (2024, "vn63:01"), (2024, None))
    assert result["tested_against"] == "rest" and result["rest"]["n_respondents"] == 60
    assert result["difference"]["difference"] == pytest.approx(90 - 82.5)
    se01, se02 = 100 * np.sqrt(0.09 / 59), 100 * np.sqrt(0.1875 / 59)
    se_country = 100 * np.sqrt(0.825 * 0.175 / 119)
    assert result["a"]["pct_se"] == pytest.approx(se01) and result["b"]["pct_se"] == pytest.approx(se_country)
    right = 2 * sps.t.sf(15 / np.hypot(se01, se02), 59)
    naive = stats.difference_test(90, se01, 82.5, se_country, df=59)
    assert result["difference"]["p_value"] == pytest.approx(right)
    assert result["significant"] and not naive["significant"] and naive["p_value"] > 0.1
    # The other way round, and two provinces (independent samples: no rest).
    assert sat.compare(empty_store, "sipas", (2024, None), (2024, "vn63:01"))["tested_against"] == "rest"
    assert sat.compare(empty_store, "sipas", (2024, "vn63:01"), (2024, "vn63:02"))["tested_against"] == "other side"


# --- coverage ----------------------------------------------------------------------------------------------

def test_one_province_upload_is_not_called_national(writable_store):
    """50 SIPAS respondents from one province in 2026 (vn34): the total row covers 1 of 34 provinces."""
    con = writable_store
    code = con.execute("SELECT min(code) FROM unit WHERE code_system = 'vn34'").fetchall()[0][0]
    items = [r[0] for r in con.execute("SELECT item_code FROM instrument_item WHERE instrument_id = 'sipas' "
                                       "AND item_kind = 'likert'").fetchall()]
    insert(con, add_batch(con, "upload"), "sipas", "sipas", 2026,
           [{"unit": ("vn34", code), "answers": {item: 4 + i % 2 for item in items}} for i in range(50)])
    table = sat.satisfaction_table(con, "sipas", 2026)
    total = table[(table["row_level"] == "national") & (table["set_code"] == sat.OVERALL)].iloc[0]
    assert (total["units_covered"], total["units_total"], total["coverage_complete"]) == (1, 34, False)
    assert (total["name_vi"], total["name_en"]) == ("1/34 tỉnh", "1 of 34 provinces")
    province = table[(table["row_level"] == "province")]
    assert province["units_covered"].isna().all()


def test_complete_coverage_keeps_the_national_name(demo_db_master):
    import duckdb
    con = duckdb.connect(str(demo_db_master), read_only=True)
    try:
        total = sat.satisfaction_table(con, "sipas", 2024, level="national").iloc[0]
    finally:
        con.close()
    assert (total["units_covered"], total["units_total"], total["name_vi"]) == (63, 63, "Toàn quốc")


# --- health per form ---------------------------------------------------------------------------------------

def test_health_indicators_per_form_and_pooled(empty_store):
    """Inpatient: 30 patients, A1 5 and A2 4 for 24 of them, A1 2 and A2 2 for 6: rate 48/60 = 80 %.
    Outpatient: 30 patients, A1 4 for 15, A1 1 for 15: 50 %. Pooled: (48 + 15) / (60 + 30) = 70 %."""
    dims = [("A", "section", [("A1", LIKERT), ("A2", LIKERT)])]
    add_instrument(empty_store, "health-inpatient", "health", dims)
    add_instrument(empty_store, "health-outpatient", "health", [("A", "section", [("A1", LIKERT)])])
    batch = add_batch(empty_store, "upload")
    insert(empty_store, batch, "health", "health-inpatient", 2024,
           [{"answers": {"A1": 5, "A2": 4} if i < 24 else {"A1": 2, "A2": 2}} for i in range(30)])
    insert(empty_store, batch, "health", "health-outpatient", 2024,
           [{"answers": {"A1": 4 if i < 15 else 1}} for i in range(30)])
    table = sat.health_indicators(empty_store, 2024, level="national").set_index("form")
    assert table.index.tolist() == ["health-inpatient", "health-outpatient", "pooled"]
    assert table.loc["health-inpatient", "satisfaction_rate"] == pytest.approx(80)
    assert table.loc["health-outpatient", "satisfaction_rate"] == pytest.approx(50)
    assert table.loc["pooled", "satisfaction_rate"] == pytest.approx(70)
    assert table["pooled"].tolist() == [False, False, True]
    assert table.loc["pooled", "form_vi"].startswith("Gộp") and "pooled" in table.loc["pooled", "form_en"]
    assert table.loc["health-inpatient", "n_respondents"] == 30
    pooled_table = sat.satisfaction_table(empty_store, "health", 2024, level="national", min_n=1)
    assert set(pooled_table["forms"]) == {"pooled"}
