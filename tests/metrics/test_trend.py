"""Series across the 2025 reorganisation, on hand-built data."""
import pandas as pd
import pytest

from etl.batches import batch_transaction
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


def test_a_reconstructed_rank_ranks_the_reconstructed_index(store):
    ranks = trend(store, "vn34", 2024, 2024, measure="rank", source="upload").set_index("code")["value"]
    # Reconstructed/observed 2024 values: 22 -> 91, 80 -> 86, 37 -> 84 (others missing).
    assert (ranks["22"], ranks["80"], ranks["37"]) == (1, 2, 3)
    old = trend(store, "vn63", 2025, 2025, measure="rank", source="upload").set_index("code")["value"]
    assert (old["80"], old["72"], old["22"]) == (3, 3, 1)     # the successor's own rank among the 34


def test_satisfaction_series_carry_intervals_and_reconstructions_combine_them(demo_db_master):
    import duckdb
    from metrics.satisfaction import OVERALL, satisfaction_table
    from metrics.trend import change_table
    con = duckdb.connect(str(demo_db_master), read_only=True)
    series = trend(con, "vn34", 2024, 2025, measure="sipas", weighting="respondents")
    own = satisfaction_table(con, "sipas", 2024, level="province")
    con.close()
    own = own[(own["row_level"] == "province") & (own["set_code"] == OVERALL)].set_index("code")
    ninh_binh = row(series, "37", 2024)      # Hà Nam, Nam Định, Ninh Bình: 600 respondents each
    parts = own.loc[["35", "36", "37"]]
    assert ninh_binh["value"] == pytest.approx(parts["pct_satisfied"].mean(), abs=0.01)
    assert ninh_binh["se"] == pytest.approx((parts["pct_se"] ** 2).sum() ** 0.5 / 3)
    quang_ninh = row(series, "22", 2024)
    assert quang_ninh["ci_low"] == pytest.approx(own.loc["22", "pct_ci_low"], abs=0.02)
    changes = change_table(series, 2024, 2025)
    assert changes["p_value"].notna().all() and changes["significant"].dtype == bool
