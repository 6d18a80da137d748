"""Rank uncertainty and sensitivity (metrics.uncertainty): known answers on small inputs, then the demo database;
the survey sampling error moves a province's SIPAS points only."""
from __future__ import annotations

import csv
import json

import duckdb
import numpy as np
import pandas as pd
import pytest

from metrics import uncertainty as unc
from etl.load import load_file
from etl.survey_stats.store import refresh_batch
from tests.conftest import run_command
from ui.format import ordinal
from ui.i18n import t

QUIET = {"weight_range": 0.0, "alt_probability": 0.0}      # only the survey sampling error acts


@pytest.fixture(scope="module")
def con(demo_reader):
    return demo_reader


@pytest.fixture(scope="module")
def provinces(con) -> unc.RankUncertainty:
    """The default analysis of the demo provinces of 2024 (63 units, criterion scores, SIPAS respondents)."""
    return unc.analyse(con, "province", 2024, "demo")


def widths(table: pd.DataFrame) -> np.ndarray:
    return (table["rank_high"] - table["rank_low"]).to_numpy(dtype="float64")


def test_geometric_aggregation_reorders_an_unbalanced_unit_by_hand():
    # A scores 100 % and 50 % on two equal pillars, B 75 % and 75 %, C 60 % and 60 %: the official sum ties A and
    # B at 75 (both rank 1, C 3); the geometric mean gives A sqrt(0.5) = 70.71 < 75, so B 1, A 2, C 3.
    scores = np.array([[1.0, 0.5], [0.75, 0.75], [0.6, 0.6]])
    pillars = unc.Pillars(fixed=scores * 10, sampled=np.zeros((3, 2)), sampled_max=np.zeros(2),
                          weights=np.array([10.0, 10.0]), rse=np.full(3, np.nan), nominal=np.array([1, 1, 3]))
    always_geometric, _, shift = unc.simulate(pillars, unc.Settings(draws=200, weight_range=0.0, alt_probability=1.0))
    assert always_geometric[["rank_low", "rank_median", "rank_high"]].to_numpy().tolist() == [[2, 2, 2], [1, 1, 1],
                                                                                               [3, 3, 3]]
    assert shift == pytest.approx(1 / 3)        # A is one rank off its official rank in every draw
    official, _, shift = unc.simulate(pillars, unc.Settings(draws=200, weight_range=0.0, alt_probability=0.0))
    assert official["rank_median"].tolist() == [1, 1, 3] and shift == 0
    # Weights alone: A wins whenever the first pillar weighs more (half the draws), so its rank spans 1-2 and the
    # weights explain all of its rank variance; C never moves and has no index at all.
    weighted, shares, _ = unc.simulate(pillars, unc.Settings(draws=2000, weight_range=0.5, alt_probability=0.0))
    assert weighted["rank_low"].tolist() == [1, 1, 3] and weighted["rank_high"].tolist() == [2, 2, 3]
    assert weighted.loc[0, "share_weights"] == pytest.approx(1, abs=0.1)
    assert np.isnan(weighted.loc[2, "share_weights"])
    assert shares.set_index("source")["active"].to_dict() == {"sampling": False, "weights": True,
                                                              "aggregation": False}


def test_only_sampled_points_move_with_the_relative_error_and_stay_within_their_maximum():
    # One pillar of 10: 4 appraisal + 2 leaders' survey points are fixed, the SIPAS points (at most 4) sampled.
    pillars = unc.Pillars(fixed=np.array([[6.0], [6.0], [9.0]]), sampled=np.array([[3.5], [2.0], [0.0]]),
                          sampled_max=np.array([4.0]), weights=np.array([10.0]), rse=np.array([0.10, np.nan, 0.5]),
                          nominal=np.array([1, 2, 3]))
    inputs = {"sampling": np.array([[2.0, 5.0, 3.0], [-1.0, 5.0, -3.0]]), "weights": np.full((2, 1), 0.5),
              "aggregation": np.ones(2)}
    index = unc.simulated_index(pillars, inputs, unc.Settings(weight_range=0.25))
    # 3.5 x 1.2 = 4.2 is capped at the maximum 4; 3.5 x 0.9 = 3.15; the unit without an error never moves, nor
    # the one whose large error has no sampled points to act on (its 9 fixed points stay 9).
    np.testing.assert_allclose(index, [[100.0, 80.0, 90.0], [91.5, 80.0, 90.0]])
    assert unc.active_sources(pillars, unc.Settings())["sampling"]
    still = unc.Pillars(pillars.fixed, pillars.sampled, pillars.sampled_max, pillars.weights,
                        np.array([np.nan, np.nan, 0.5]), pillars.nominal)
    assert not unc.active_sources(still, unc.Settings())["sampling"]


def test_draws_without_perturbation_give_the_official_ranks(con):
    # Demo ministries have no SIPAS respondents: with weights and aggregation held, every draw is the official index.
    result = unc.analyse(con, "ministry", 2024, "demo", **QUIET)
    table = result.table
    assert result.ok and len(table) == 17 and set(table["sampling"]) == {"missing"}
    assert (table["rank_low"] == table["rank"]).all() and (table["rank_high"] == table["rank"]).all()
    assert result.mean_shift == 0 and not result.shares["active"].any()


def test_demo_provinces_intervals_contain_the_median_and_are_reproducible(con, provinces):
    table = provinces.table
    assert provinces.ok and provinces.basis == "fields" and provinces.pillars == [str(i) for i in range(1, 9)]
    assert len(table) == 63 and set(table["sampling"]) == {"respondents"} and provinces.sampling_source == "demo"
    assert table["rank"].tolist() == sorted(table["rank"].tolist())
    assert ((table["rank_low"] <= table["rank_median"]) & (table["rank_median"] <= table["rank_high"])).all()
    assert table["rank_low"].min() >= 1 and table["rank_high"].max() <= 63
    assert widths(table).max() > 0, "the SIPAS tenth of the points is sampled: some ranks must move"
    again = unc.analyse(con, "province", 2024, "demo")
    pd.testing.assert_frame_equal(again.table, table)
    pd.testing.assert_frame_equal(again.shares, provinces.shares)
    other = unc.analyse(con, "province", 2024, "demo", seed=7, draws=200)
    assert not other.table["share_weights"].equals(table["share_weights"])
    shares = provinces.shares.set_index("source")
    assert shares["active"].all() and ((shares["first_order"] >= 0) & (shares["first_order"] <= 1)).all()
    assert (shares["total"] >= shares["first_order"] - 0.05).all()


def test_intervals_widen_when_weights_vary_more(con):
    narrow = unc.analyse(con, "province", 2024, "demo", weight_range=0.1, alt_probability=0.0)
    wide = unc.analyse(con, "province", 2024, "demo", weight_range=0.5, alt_probability=0.0)
    assert widths(wide.table).mean() > widths(narrow.table).mean() + 0.5
    def weights_share(result):
        return result.shares.set_index("source").loc["weights", "first_order"]

    assert weights_share(wide) > weights_share(narrow)


_POINTS_SQL = """
SELECT s.unit_code AS code, sum(s.points) FILTER (WHERE c.survey_kind = 'sipas') AS sipas, sum(s.points) AS total
FROM par_score s JOIN batch b USING (batch_id) JOIN framework_criterion c USING (framework_id, criterion_code)
WHERE b.status = 'current' AND b.source = 'demo' AND s.level = 'province' AND s.year = 2024 AND s.stage = 'appraised'
GROUP BY 1 ORDER BY 1
"""


def test_only_the_sipas_criteria_of_a_province_are_sampled(con, provinces):
    # The 2024 set marks 8.3 and 8.4 (field 8, 10 points) SIPAS; the other 22 survey points are the survey of
    # leaders and managers, whose respondents are not SIPAS's: they stay fixed with the appraisal points.
    data = unc.load_dataset(con, "province", 2024, "demo")
    part = data.part
    assert (part.kind, part.items, part.max_points, part.survey_max) == ("sipas", ("8.3", "8.4"), 10, 32)
    points = con.execute(_POINTS_SQL).df()
    assert data.results["code"].tolist() == points["code"].tolist()
    sampled = data.pillars.sampled
    assert (sampled[:, :7] == 0).all() and data.pillars.sampled_max.tolist() == [0] * 7 + [10]
    np.testing.assert_allclose(sampled[:, 7], points["sipas"])
    np.testing.assert_allclose((data.pillars.fixed + sampled).sum(axis=1), points["total"])
    rows = provinces.table.set_index("code").loc[points["code"]]
    np.testing.assert_allclose(rows["sampling_points"], points["sipas"])
    assert (rows["sampling_points"] < 10).all() and (rows["sampling_points"] > 5).all()
    assert "sampled points: SIPAS only, criteria 8.3, 8.4 (10 of the 32 survey points)" in unc.summary_lines(
        provinces)[2]


FOUR_PART_HEADER = {"code": "Mã", "appraisal": "Appraisal score (61.5)",
                    "leaders_survey": "Survey of leaders and managers (22)", "sipas": "SIPAS (10)",
                    "socioeconomic": "Socio-economic impact (6.5)", "total": "Total"}


def _upload_results(path, codes: list[str]) -> pd.DataFrame:
    """A complete 2023 table in the four published parts and a 2022 table of appraisal and survey totals, every
    province of vn63, loaded as uploads; returns the parts."""
    rng = np.random.default_rng(3)
    n = len(codes)
    parts = pd.DataFrame({"code": codes, "appraisal": rng.uniform(50, 61, n),
                          "leaders_survey": rng.uniform(15, 21.5, n),
                          "sipas": rng.uniform(7, 9.8, n), "socioeconomic": rng.uniform(3, 6.4, n)}).round(2)
    four = path.parent / "ket_qua_2023.csv"
    published = parts.assign(total=parts.iloc[:, 1:].sum(axis=1).round(2)).rename(columns=FOUR_PART_HEADER)
    published.to_csv(four, index=False)
    totals = pd.DataFrame({"code": codes, "appraisal": (parts["appraisal"] + parts["socioeconomic"]).round(2),
                           "survey": (parts["leaders_survey"] + parts["sipas"]).round(2)})
    two = path.parent / "ket_qua_2022.csv"
    totals.assign(total=(totals["appraisal"] + totals["survey"]).round(2)).to_csv(two, index=False)
    load_file(path, "par-totals", four, options={"year": 2023, "level": "province"})
    load_file(path, "par-totals", two, options={"year": 2022, "level": "province"})
    return parts


def test_a_four_part_table_samples_its_sipas_part_and_a_table_of_totals_nothing(demo_db):
    connection = duckdb.connect(str(demo_db), read_only=True)
    codes = [r[0] for r in connection.execute("SELECT code FROM unit WHERE code_system = 'vn63' ORDER BY code")
             .fetchall()]
    connection.close()
    parts = _upload_results(demo_db, codes).set_index("code")
    stated = pd.DataFrame({"code_system": "vn63", "code": codes[:3], "survey_se": 0.4})
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        data = unc.load_dataset(con, "province", 2023, "upload", stated)
        four = unc.analyse(con, "province", 2023, "upload", survey_se=stated, draws=200)
        totals = unc.analyse(con, "province", 2022, "upload", survey_se=stated, draws=200)
    finally:
        con.close()
    assert (data.part.kind, data.part.items, data.part.basis) == ("sipas", ("sipas",), "component")
    # Appraisal and socio-economic parts make the appraisal pillar; the leaders' survey is fixed, SIPAS sampled.
    np.testing.assert_allclose(data.pillars.fixed[:, 0], parts["appraisal"] + parts["socioeconomic"])
    np.testing.assert_allclose(data.pillars.fixed[:, 1], parts["leaders_survey"])
    np.testing.assert_allclose(data.pillars.sampled[:, 1], parts["sipas"])
    assert data.pillars.weights.tolist() == [68, 32] and data.pillars.sampled_max.tolist() == [0, 10]
    rows = four.table.set_index("code")
    assert four.ok and four.basis == "components" and four.sampling_counts()["stated"] == 3
    assert rows.loc[codes[0], "sampling_rse"] == pytest.approx(0.4 / parts.loc[codes[0], "sipas"])
    assert rows.loc[codes[0], "sampling_points"] == pytest.approx(parts.loc[codes[0], "sipas"])
    assert rows.loc[codes[5], "sampling_points"] == 0 and rows.loc[codes[5], "sampling"] == "missing"
    # Totals alone do not tell the SIPAS points apart: nothing is sampled, stated errors included, and it says so.
    assert totals.ok and totals.sampled.kind == "none" and set(totals.table["sampling"]) == {"missing"}
    assert (totals.table["sampling_points"] == 0).all()
    assert totals.table["note"].str.contains("survey total only, not its SIPAS part").all()
    assert not totals.shares.set_index("source").loc["sampling", "active"]


def _grow_sipas_sample(path, year: int, times: int) -> None:
    """Every SIPAS respondent of `year` answers `times` times over (copies with new keys and ids): the same
    estimates from a sample `times` as large, so their standard errors shrink by about sqrt(times)."""
    con = duckdb.connect(str(path))
    top = con.execute("SELECT max(respondent_key) FROM survey_respondent").fetchall()[0][0]
    for copy in range(1, times):
        offset = copy * top
        con.execute("INSERT INTO survey_respondent SELECT * REPLACE (respondent_key + ? AS respondent_key, "
                    "respondent_id || ? AS respondent_id) FROM survey_respondent "
                    "WHERE survey = 'sipas' AND year = ? AND respondent_key <= ?", [offset, f"-x{copy}", year, top])
    # the copies carry their answers in their own rows; the batches' statistics follow, as after a load
    for (batch,) in con.execute("SELECT DISTINCT batch_id FROM survey_respondent WHERE survey = 'sipas' AND year = ?",
                                [year]).fetchall():
        refresh_batch(con, batch)
    con.close()


def test_intervals_narrow_when_the_survey_sample_grows(demo_db, con):
    before = unc.analyse(con, "province", 2024, "demo", **QUIET)
    _grow_sipas_sample(demo_db, 2024, 4)
    grown = duckdb.connect(str(demo_db), read_only=True)
    try:
        after = unc.analyse(grown, "province", 2024, "demo", **QUIET)
    finally:
        grown.close()
    ratio = after.table["sampling_rse"].to_numpy() / before.table["sampling_rse"].to_numpy()
    assert ratio == pytest.approx(np.full(63, 0.5), abs=0.01)        # 4 x the respondents: half the error
    assert widths(before.table).mean() > 1
    assert widths(after.table).mean() < 0.75 * widths(before.table).mean()
    assert (widths(after.table) <= widths(before.table)).mean() >= 0.9


def test_a_partial_published_table_gets_an_explanation_not_intervals(con):
    # The 2023 release lists some provinces only (how many depends on the published data shipped in data/).
    result = unc.analyse(con, "province", 2023, "published")
    assert result.status == "partial" and 0 < result.units_covered < result.units_total == 63
    assert len(result.table) >= result.units_covered and result.table["rank"].notna().any()   # stated ranks kept
    assert result.table["rank_low"].isna().all() and result.table["rank_high"].isna().all()
    assert result.table["note"].str.contains(f"{result.units_covered} of 63 units").all()
    assert unc.unit_rank_interval(con, "province", 2023, "published", "vn63", "22") is None
    assert unc.analyse(con, "province", 2019, "demo").status == "empty"


def test_a_complete_results_table_varies_its_components_and_uses_stated_errors(con):
    plain = unc.analyse(con, "ministry", 2023, "published")
    assert plain.ok and plain.basis == "components" and plain.pillars == ["appraisal", "survey"]
    assert set(plain.table["sampling"]) == {"missing"}
    stated = pd.DataFrame({"code_system": ["ministry-2021"] * 2, "code": ["BTP", "NHNN"], "survey_se": [0.8, 0.8]})
    with_se = unc.analyse(con, "ministry", 2023, "published", survey_se=stated)
    rows = with_se.table.set_index("code")
    assert rows.loc["BTP", "sampling"] == "stated" and rows.loc["BNV", "sampling"] == "missing"
    assert rows.loc["BTP", "sampling_rse"] == pytest.approx(0.8 / 28.10)    # ministries: no SIPAS, the survey moves
    assert rows.loc["BTP", "sampling_points"] == pytest.approx(28.10) and rows.loc["BNV", "sampling_points"] == 0
    assert with_se.sampled.kind == "survey" and with_se.sampled.items == ("survey",)
    assert with_se.shares.set_index("source").loc["sampling", "active"]
    with pytest.raises(ValueError, match="survey_se"):
        unc.analyse(con, "ministry", 2023, "published", survey_se=stated.assign(survey_se=-1))
    with pytest.raises(ValueError, match="weight range"):
        unc.analyse(con, "ministry", 2023, "published", weight_range=1.5)


def test_one_units_interval_and_its_sentence(con, provinces):
    interval = unc.unit_rank_interval(con, "province", 2024, "demo", "vn63", "01")
    row = provinces.table.set_index("code").loc["01"]
    assert (interval["rank"], interval["rank_low"], interval["rank_high"]) == (row["rank"], row["rank_low"],
                                                                              row["rank_high"])
    assert interval["coverage"] == 0.9 and interval["draws"] == 1000 and interval["sampling"] == "respondents"
    key, values = unc.sentence_values({"rank_low": 9, "rank_high": 16, "coverage": 0.9, "draws": 1000})
    assert t(key, "en", **values) == "between 9th and 16th in 90 % of draws"
    assert t(key, "vi", **values) == "từ hạng 9 đến hạng 16 trong 90 % số lần mô phỏng"
    key, values = unc.sentence_values({"rank_low": 3, "rank_high": 3, "coverage": 0.9, "draws": 1000})
    assert t(key, "en", **values) == "3rd in 90 % of draws"
    assert [ordinal(n, "en") for n in (1, 2, 11, 12, 13, 21, 22, 63)] == ["1st", "2nd", "11th", "12th", "13th",
                                                                         "21st", "22nd", "63rd"]
    assert ordinal(21, "vi") == "21"


def _ranking(db, *args):
    return run_command("metrics", "ranking", "--db", str(db), *args)


def test_cli_ranking_uncertainty_columns(demo_db_master, con, provinces, tmp_path):
    out = _ranking(demo_db_master, "--level", "province", "--year", "2024", "--source", "demo", "--uncertainty",
                   "--format", "csv")
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(out.stdout.splitlines()))
    assert len(rows) == 63
    assert {"rank_median", "rank_low", "rank_high", "sampling", "share_sampling", "share_weights",
            "share_aggregation"} <= set(rows[0])
    expected = provinces.table.set_index("code")
    for row in rows:
        assert (int(row["rank_low"]), int(row["rank_high"])) == tuple(expected.loc[row["code"], ["rank_low",
                                                                                               "rank_high"]])
    assert "1000 draws, seed 20251" in out.stderr and "first-order Sobol" in out.stderr
    partial = _ranking(demo_db_master, "--level", "province", "--year", "2023", "--source", "published",
                       "--uncertainty", "--format", "json")
    covered = unc.analyse(con, "province", 2023, "published").units_covered
    assert partial.returncode == 0 and f"no intervals (partial: {covered} of 63 units" in partial.stderr
    assert all(r["rank_low"] is None and r["rank_high"] is None for r in json.loads(partial.stdout))
    stated = tmp_path / "se.csv"
    stated.write_text("code_system,code,survey_se\nministry-2021,BTP,0.8\n", "utf-8")
    ministries = _ranking(demo_db_master, "--level", "ministry", "--year", "2023", "--uncertainty", "--survey-se",
                          str(stated), "--draws", "200", "--weight-range", "0.1", "--format", "json")
    assert ministries.returncode == 0, ministries.stderr
    assert {r["code"]: r["sampling"] for r in json.loads(ministries.stdout)}["BTP"] == "stated"
    assert "200 draws" in ministries.stderr and "U(0.9, 1.1)" in ministries.stderr
