"""Series across the 2025 reorganisation, on hand-built data."""
import pandas as pd
import pytest

from etl.batches import batch_transaction
from etl.survey_stats.store import put_answers
from metrics.trend import trend

# Totals for 2024 (vn63) and 2025 (vn34), loaded as an upload: index = total (maximum 100 points).
VALUES_2024 = {"35": 80.0, "36": 84.0, "37": 88.0, "22": 91.0, "72": 85.0, "80": 87.0}
VALUES_2025 = {"37": 86.5, "22": 92.0, "80": 86.0}


@pytest.fixture
def store(writable_store):
    for year, system, values in ((2024, "vn63", VALUES_2024), (2025, "vn34", VALUES_2025)):
        frame = pd.DataFrame([{"year": year, "level": "province", "stage": "appraised", "unit_system": system,
                               "unit_code": code, "total": value, "index_pct": value} for code, value in values.items()])
        with batch_transaction(writable_store, kind="par-totals", source="upload",
                               dataset_key=f"par:{year}:province:appraised:upload") as writer:
            writer.insert("par_total", frame)
    return writable_store


def row(frame, code, year):
    return frame[(frame["code"] == code) & (frame["year"] == year)].iloc[0]


def test_three_way_merger_with_equal_weights(store):
    series = trend(store, "vn34", 2024, 2025, source="upload")
    ninh_binh = row(series, "37", 2024)        # Hà Nam 35 + Nam Định 36 + Ninh Bình 37
    assert ninh_binh["status"] == "reconstructed" and ninh_binh["from_units"] == "vn63:35; vn63:36; vn63:37"
    assert ninh_binh["value"] == pytest.approx((80 + 84 + 88) / 3)
    assert row(series, "37", 2025)[["value", "status"]].tolist() == [86.5, "observed"]


def test_three_way_merger_with_population_weights(store):
    series = trend(store, "vn34", 2024, 2024, weighting="population", source="upload")
    assert pd.isna(row(series, "37", 2024)["value"])
    assert "no population loaded" in row(series, "37", 2024)["note"]       # no figure invented
    population = pd.DataFrame([{"unit_system": "vn63", "unit_code": c, "year": 2024, "population": p}
                               for c, p in (("35", 1_000_000), ("36", 2_000_000), ("37", 1_000_000))])
    with batch_transaction(store, kind="population", source="upload") as writer:
        writer.insert("population", population)
    series = trend(store, "vn34", 2024, 2024, weighting="population", source="upload")
    assert row(series, "37", 2024)["value"] == pytest.approx((80 * 1 + 84 * 2 + 88 * 1) / 4)


def test_an_unmerged_province_has_the_same_series_in_both_systems(store):
    new = trend(store, "vn34", 2024, 2025, source="upload")
    old = trend(store, "vn63", 2024, 2025, source="upload")
    assert row(new, "22", 2024)[["value", "status", "from_units"]].tolist() == [91.0, "observed", "vn63:22"]
    assert row(old, "22", 2025)[["value", "status", "from_units"]].tolist() == [92.0, "successor", "vn34:22"]
    assert [row(new, "22", y)["value"] for y in (2024, 2025)] == [row(old, "22", y)["value"] for y in (2024, 2025)]


def test_code_80_is_never_mixed(store):
    new = trend(store, "vn34", 2024, 2025, source="upload")
    old = trend(store, "vn63", 2024, 2025, source="upload")
    tay_ninh_2024 = row(new, "80", 2024)      # vn34:80 Tây Ninh = Tây Ninh (vn63:72) + Long An (vn63:80)
    assert tay_ninh_2024["name"] == "Tây Ninh" and tay_ninh_2024["value"] == pytest.approx((85 + 87) / 2)
    long_an_2025 = row(old, "80", 2025)       # vn63:80 Long An in 2025: its successor Tây Ninh's value, labelled
    assert long_an_2025["name"] == "Long An" and long_an_2025["status"] == "successor"
    assert long_an_2025["from_units"] == "vn34:80" and long_an_2025["value"] == 86.0
    assert row(old, "80", 2024)["value"] == 87.0 and row(old, "72", 2025)["from_units"] == "vn34:80"


def test_a_missing_predecessor_is_said_not_averaged_away(store):
    series = trend(store, "vn34", 2024, 2024, source="upload")
    lao_cai = row(series, "15", 2024)          # Lào Cai (10) + Yên Bái (15): neither loaded
    assert pd.isna(lao_cai["value"]) and "no value for vn63:10, vn63:15" in lao_cai["note"]
    store.execute("DELETE FROM par_total WHERE unit_code = '36' AND year = 2024")
    series = trend(store, "vn34", 2024, 2024, source="upload")
    ninh_binh = row(series, "37", 2024)
    assert pd.isna(ninh_binh["value"]) and ninh_binh["note"] == "no value for vn63:36 in 2024: not reconstructed"


def test_a_rank_among_a_few_loaded_units_is_not_shown(store):
    # Six of 63 provinces loaded for 2024 and three of 34 for 2025: no rank is a rank among all units.
    ranks = trend(store, "vn34", 2024, 2025, measure="rank", source="upload")
    assert ranks["value"].isna().all()
    assert row(ranks, "22", 2024)["note"] == "rank not published: 6 of 63 units have a value"
    assert row(ranks, "22", 2025)["coverage"] == "3/34"


def test_a_reconstructed_rank_ranks_the_reconstructed_index(writable_store):
    # Every province has a value (the whole field): 2024 vn63 codes get 60 + position / 2, and 2025 vn34 likewise.
    for year, system in ((2024, "vn63"), (2025, "vn34")):
        codes = [c for (c,) in writable_store.execute(
            "SELECT code FROM unit WHERE code_system = ? AND assessed ORDER BY code", [system]).fetchall()]
        values = {c: 60 + i / 2 for i, c in enumerate(codes)}
        values.update(VALUES_2024 if year == 2024 else VALUES_2025)
        frame = pd.DataFrame([{"year": year, "level": "province", "stage": "appraised", "unit_system": system,
                               "unit_code": c, "total": v, "index_pct": v} for c, v in values.items()])
        with batch_transaction(writable_store, kind="par-totals", source="upload",
                               dataset_key=f"par:{year}:province:appraised:upload") as writer:
            writer.insert("par_total", frame)
    ranks = trend(writable_store, "vn34", 2024, 2024, measure="rank", source="upload").set_index("code")["value"]
    series = trend(writable_store, "vn34", 2024, 2024, source="upload").set_index("code")["value"]
    # Quảng Ninh (22) observed 91, Tây Ninh (80) = mean of 72 and 80 = 86: ranked among the 34 reconstructed values.
    expected = series.rank(method="min", ascending=False)
    assert ranks["22"] == expected["22"] and ranks["80"] == expected["80"]
    assert str(ranks.dtype) == "Int64" and ranks.notna().all() and ranks.max() <= 34
    old = trend(writable_store, "vn63", 2025, 2025, measure="rank", source="upload").set_index("code")["value"]
    own_2025 = trend(writable_store, "vn34", 2025, 2025, measure="rank", source="upload").set_index("code")["value"]
    assert old["80"] == own_2025["80"] and old["72"] == own_2025["80"]   # the successor's own rank among the 34


# SIPAS 2024 as an upload, every respondent giving one answer to all 19 service items (C15-C33), so each
# province's % satisfied is its share of respondents answering 5. Unequal sizes among Ninh Bình's predecessors.
SERVICE_ITEMS = [f"C{i}" for i in range(15, 34)]
SIPAS_2024 = {"35": (40, 20), "36": (80, 60), "37": (120, 108)}   # code: (respondents, of whom satisfied)


@pytest.fixture
def sipas_store(writable_store):
    respondents, answers = [], []
    key = 0
    for code, (n, satisfied) in SIPAS_2024.items():
        for i in range(n):
            key += 1
            respondents.append({"respondent_key": key, "survey": "sipas", "instrument_id": "sipas", "year": 2024,
                                "respondent_id": f"{code}-{i}", "unit_system": "vn63", "unit_code": code})
            answers += [{"respondent_key": key, "item_code": item, "value": 5 if i < satisfied else 2}
                        for item in SERVICE_ITEMS]
    with batch_transaction(writable_store, kind="sipas", source="upload",
                           dataset_key="sipas:2024:upload") as writer:
        writer.insert("survey_respondent", pd.DataFrame(respondents))
        put_answers(writable_store, writer.batch_id, pd.DataFrame(answers))
    return writable_store


def test_respondent_weighting_weights_predecessors_by_their_respondents(sipas_store):
    """Hà Nam 20/40 = 50 %, Nam Định 60/80 = 75 %, Ninh Bình 108/120 = 90 %.
    Respondent-weighted: (40 x 50 + 80 x 75 + 120 x 90) / 240 = 18800 / 240 = 78.33 (= 188/240 satisfied);
    equal weights: (50 + 75 + 90) / 3 = 71.67."""
    weighted = row(trend(sipas_store, "vn34", 2024, 2024, measure="sipas", weighting="respondents", source="upload"),
                   "37", 2024)
    equal = row(trend(sipas_store, "vn34", 2024, 2024, measure="sipas", weighting="equal", source="upload"), "37", 2024)
    assert weighted["status"] == "reconstructed" and weighted["from_units"] == "vn63:35; vn63:36; vn63:37"
    assert weighted["value"] == pytest.approx(78.33, abs=0.005)
    assert equal["value"] == pytest.approx(71.67, abs=0.005)
    assert abs(weighted["value"] - equal["value"]) > 6
    assert "respondents-weighted mean of 3 predecessors" in weighted["note"]


def test_satisfaction_series_carry_intervals_and_reconstructions_combine_them(demo_db_master):
    import duckdb
    from metrics.satisfaction import OVERALL, satisfaction_table
    from metrics.trend import change_table
    con = duckdb.connect(str(demo_db_master), read_only=True)
    series = trend(con, "vn34", 2024, 2025, measure="sipas", weighting="respondents")
    own = satisfaction_table(con, "sipas", 2024, level="province")
    con.close()
    own = own[(own["row_level"] == "province") & (own["set_code"] == OVERALL)].set_index("code")
    ninh_binh = row(series, "37", 2024)      # Hà Nam, Nam Định, Ninh Bình: 600 respondents each (the
    # weighting itself is checked with unequal sizes in test_respondent_weighting_weights_predecessors_by_...)
    parts = own.loc[["35", "36", "37"]]
    assert ninh_binh["value"] == pytest.approx(parts["pct_satisfied"].mean(), abs=0.01)
    assert ninh_binh["se"] == pytest.approx((parts["pct_se"] ** 2).sum() ** 0.5 / 3)
    quang_ninh = row(series, "22", 2024)
    assert quang_ninh["ci_low"] == pytest.approx(own.loc["22", "pct_ci_low"], abs=0.02)
    changes = change_table(series, 2024, 2025)
    assert changes["p_value"].notna().all() and changes["significant"].dtype == bool
