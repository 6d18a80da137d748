"""Honest numbers on partial data: requested sources honoured, coverage respected, ranks of results tables,
exact half-up rounding. Each test is one case of the issue, run as a user would, with the published answer."""
from __future__ import annotations

import csv
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from etl.load import load_file
from metrics.leaders import leader_proposals
from metrics.overview import build_overview
from metrics.par_index import SourceUnavailable, assign_group, bands, pick_source, rank_with_ties, unit_results
from metrics.ranking import ranking_table
from metrics.rounding import difference, exact_mean, hundredths, round_half_up
from metrics.rules import evaluate_rule
from metrics.trend import trend
from tests.conftest import PROJECT, run_command

REFERENCE = PROJECT / "data" / "reference"


def metrics_cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    return run_command("metrics", *args, "--db", str(db))


# --- exact rounding -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [(79.995, 80.0), (49.995, 50.0), (89.995, 90.0), (83.105, 83.11),
                                             (86.425, 86.43), (94.58000000000001, 94.58), (0.005, 0.01)])
def test_half_cent_values_round_half_up_on_their_decimal_value(value, expected):
    assert round_half_up(value) == expected


def test_groups_and_ties_use_exact_hundredths(reference_store):
    index = pd.Series([89.995, 89.994, 86.425, 86.43, 79.995])
    assert list(hundredths(index)) == [9000, 8999, 8643, 8643, 8000]
    # 86.425 and 86.43 are the same published value: they tie, and the next rank skips.
    assert list(rank_with_ties(index)) == [1, 2, 3, 3, 5]
    groups = assign_group(index, bands(reference_store, "par-province-2022"))
    assert list(groups) == ["A", "B", "B", "B", "B"]


def test_means_and_changes_are_exact():
    # 86.42 and 86.43: the float mean is 86.42499999999999...; the decimal mean 86.425 rounds up.
    assert exact_mean([86.42, 86.43]) == 86.43
    assert exact_mean([80.0, 90.0], weights=[1, 3]) == 87.5
    assert exact_mean([80.0, None]) is None
    assert difference(96.17, 91.87) == 4.30


def test_leader_bands_compare_exactly():
    bands_rule = {"id": "band", "kind": "index_band", "bands": [
        {"min": 80, "level": "excellent"}, {"min": 70, "level": "good"}, {"min": 50, "level": "completed"},
        {"min": 0, "level": "not_completed"}]}
    assert evaluate_rule(bands_rule, {"index": 79.995})["level"] == "excellent"
    assert evaluate_rule(bands_rule, {"index": 49.995})["level"] == "completed"
    assert evaluate_rule(bands_rule, {"index": 49.994})["level"] == "not_completed"


# --- sources are honoured -------------------------------------------------------------------------------------

def test_a_requested_source_is_never_swapped(reference_store, demo_db):
    datasets = pd.DataFrame({"year": [2024, 2024], "source": ["demo", "upload"]})
    assert pick_source(datasets, 2024, "published") is None
    assert pick_source(datasets, 2024) == "upload"
    result = metrics_cli(demo_db, "ranking", "--level", "ministry", "--year", "2024", "--source", "published")
    assert result.returncode == 1
    assert "no published data for ministry 2024" in result.stderr
    assert "sources with data: demo" in result.stderr
    assert result.stdout == ""


def test_overview_raises_for_a_missing_source(reference_store):
    with pytest.raises(SourceUnavailable) as raised:
        build_overview(reference_store, "ministry", 2024, "published")
    assert raised.value.available == []


def test_a_published_series_holds_only_published_points(demo_db):
    result = metrics_cli(demo_db, "trend", "--level", "province", "--system", "vn34", "--from", "2023", "--to",
                         "2025", "--source", "published", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(result.stdout.splitlines()))
    assert {r["source"] for r in rows if r["value"]} == {"published"}
    assert {r["source"] for r in rows if r["year"] == "2025"} == {""}
    assert all(r["note"] == "no published data for 2025" for r in rows if r["year"] == "2025")
    hanoi = {r["year"]: r["value"] for r in rows if r["code"] == "01"}
    assert hanoi == {"2023": "91.43", "2024": "92.57", "2025": ""}


def test_published_sipas_is_the_published_value(demo_db):
    result = metrics_cli(demo_db, "trend", "--level", "province", "--system", "vn63", "--from", "2023", "--to",
                         "2023", "--measure", "sipas", "--source", "published", "--format", "csv")
    assert result.returncode == 0, result.stderr
    quang_ninh = [r for r in csv.DictReader(result.stdout.splitlines()) if r["code"] == "22"]
    assert quang_ninh[0]["value"] == "90.61" and quang_ninh[0]["source"] == "published"


def test_automatic_series_names_each_points_source(demo_db):
    result = metrics_cli(demo_db, "trend", "--level", "province", "--system", "vn34", "--from", "2023", "--to",
                         "2025", "--format", "csv")
    rows = list(csv.DictReader(result.stdout.splitlines()))
    by_year = {(r["code"], r["year"]): r["source"] for r in rows}
    assert by_year[("01", "2023")] == "published" and by_year[("01", "2025")] == "demo"
    assert "2024: published, 5/63 units with a value" in result.stderr


# --- ranks of results tables ----------------------------------------------------------------------------------

def _ministry_table_without_ranks(tmp_path: Path) -> Path:
    """The 2023 ministry table in its published shape: unit, appraisal, survey, total; no rank column."""
    published = pd.read_csv(REFERENCE / "par_index_ministries_2023.csv", dtype=str)
    frame = pd.DataFrame({"Bộ, cơ quan ngang bộ": published["ministry"],
                          "Điểm thẩm định": published["diem_tham_dinh"],
                          "Điểm điều tra XHH": published["diem_dieu_tra_xhh"],
                          "Tổng điểm đạt được": published["tong_diem"]})
    path = tmp_path / "bxh_bo_2023.csv"
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    return path


def test_a_complete_table_without_ranks_gets_the_published_ranks(demo_db, tmp_path):
    import duckdb
    load_file(demo_db, "par-totals", _ministry_table_without_ranks(tmp_path),
              options={"year": 2023, "level": "ministry"}, user="analyst")
    con = duckdb.connect(str(demo_db), read_only=True)
    results = unit_results(con, "ministry", 2023, "upload")
    proposals, _ = leader_proposals(con, "ministry", 2023, "default", "upload")
    con.close()
    assert not any("no rank" in m for m in proposals["missing"])
    published = pd.read_csv(REFERENCE / "par_index_ministries_2023.csv", dtype=str)
    expected = dict(zip(published["ministry_en"], published["rank"].astype(int)))
    assert len(results) == 17 and set(results["rank_basis"]) == {"computed"}
    assert dict(zip(results["name_en"], results["rank"])) == expected
    assert dict(zip(results["name_en"], results["group"]))["Ministry of Health"] == "C"   # 79.80
    assert dict(zip(results["name_en"], results["group"]))["Ministry of Justice"] == "B"  # 89.95


def test_a_partial_table_keeps_its_stated_ranks_and_computes_none(reference_store):
    results = unit_results(reference_store, "province", 2024, "published")
    ranks = dict(zip(results["name_vi"], results["rank"]))
    assert ranks["Hải Phòng"] == 1 and ranks["Đồng Nai"] == 8 and ranks["Cao Bằng"] == 63
    assert pd.isna(ranks["Bình Thuận"])
    assert dict(zip(results["name_vi"], results["rank_basis"]))["Bình Thuận"] == "not published"
    assert set(results["units_total"]) == {63}


def test_a_one_province_score_upload_is_not_ranked(demo_db):
    import duckdb

    from etl import par_totals
    con = duckdb.connect(str(demo_db))
    con.execute("UPDATE batch SET status = 'removed' WHERE source = 'demo' AND kind = 'par-scores'")
    con.execute("UPDATE batch SET source = 'upload', status = 'current' WHERE batch_id = "
                "(SELECT min(batch_id) FROM batch WHERE kind = 'par-scores')")
    con.execute("DELETE FROM par_score WHERE batch_id = (SELECT min(batch_id) FROM batch WHERE kind = 'par-scores') "
                "AND unit_code <> '22'")
    par_totals.refresh(con)      # the points were changed outside etl's writer: sum them again, as it would
    year = con.execute("SELECT any_value(year) FROM par_score WHERE batch_id = "
                       "(SELECT min(batch_id) FROM batch WHERE kind = 'par-scores')").fetchall()[0][0]
    results = unit_results(con, "province", year, "upload")
    con.close()
    assert len(results) == 1 and pd.isna(results["rank"].iloc[0])
    assert results["rank_basis"].iloc[0] == "not published"


def test_rank_rules_say_the_rank_is_not_published(demo_db):
    import duckdb
    con = duckdb.connect(str(demo_db), read_only=True)
    proposals, source = leader_proposals(con, "province", 2024, "default", "published")
    con.close()
    assert source == "published"
    thuan = proposals[proposals["name"] == "Bình Thuận"].iloc[0]
    assert "rank not published: the table lists 5 of 63 units" in thuan["missing"]
    assert "thứ hạng chưa được công bố" in thuan["missing_vi"]


# --- coverage ------------------------------------------------------------------------------------------------

def test_partial_published_year_shows_the_releases_own_facts(reference_store):
    view = build_overview(reference_store, "province", 2024, "published")
    assert (view.units_with_value, view.units_total) == (5, 63)
    assert view.riser["name_vi"] == "Bình Thuận" and view.riser["delta_index"] == 6.39
    assert view.movers_basis == "published" and view.faller is None
    assert list(view.top["name_vi"]) == ["Hải Phòng", "Bà Rịa - Vũng Tàu", "Hà Nội"]
    assert list(view.bottom["name_vi"]) == ["Cao Bằng"]           # Đồng Nai (8th of 63) is not a laggard
    counts = dict(zip(view.groups["group_code"], view.groups["units"]))
    assert (counts["A"], counts["B"], view.groups_basis) == (13, 50, "published")
    assert "average PAR Index (%)" in set(view.release_facts["metric"])


def test_published_changes_are_read(reference_store):
    view = build_overview(reference_store, "ministry", 2023, "published")
    assert view.complete and view.ranks_basis == "computed"
    assert (view.riser["name_en"], view.riser["delta_index"]) == ("Ministry of Foreign Affairs", 5.83)
    assert (view.faller["name_en"], view.faller["delta_index"]) == ("Ministry of Planning and Investment", -5.31)
    table = ranking_table(reference_store, "province", 2024, "published")
    hanoi = table[table["code"] == "01"].iloc[0]
    assert (hanoi["delta_index"], hanoi["change_basis"]) == (1.32, "published")


def test_group_counts_a_release_does_not_state_are_unknown(reference_store):
    view = build_overview(reference_store, "province", 2023, "published")
    counts = dict(zip(view.groups["group_code"], view.groups["units"]))
    assert counts["A"] == 7 and pd.isna(counts["B"])


def test_rank_series_on_partial_data_uses_only_stated_ranks(reference_store):
    series = trend(reference_store, "vn63", 2024, 2024, "rank", source="published")
    ranks = dict(zip(series["code"], series["value"]))
    assert ranks["31"] == 1 and ranks["75"] == 8           # Hải Phòng, Đồng Nai as stated
    assert pd.isna(ranks["60"])                              # Bình Thuận: no rank was published
    assert str(series["value"].dtype) == "Int64"
    merged = trend(reference_store, "vn34", 2024, 2024, "rank", source="published")
    assert merged["value"].dropna().max() <= 63
    hanoi = merged[merged["code"] == "01"].iloc[0]
    assert hanoi["value"] == 3 and hanoi["note"] == "rank as the release states it, among 63 (vn63)"
    assert merged.loc[merged["status"] == "reconstructed", "value"].isna().all()


def test_cli_prints_the_pages_numbers(demo_db):
    result = metrics_cli(demo_db, "ranking", "--level", "province", "--year", "2024", "--source", "demo",
                         "--format", "csv")
    rows = list(csv.DictReader(result.stdout.splitlines()))
    assert len(rows) == 63
    assert all(r["rank"].isdigit() for r in rows)
    assert all(len(r["index"].split(".")[1]) == 2 for r in rows)
    partial = metrics_cli(demo_db, "ranking", "--level", "province", "--year", "2024", "--source", "published")
    assert "5 of 63 units have a value" in partial.stderr


def test_leader_facts_take_sipas_from_the_same_source(demo_db):
    import duckdb
    con = duckdb.connect(str(demo_db), read_only=True)
    published, _ = leader_proposals(con, "province", 2023, "default", "published")
    demo, _ = leader_proposals(con, "province", 2023, "default", "demo")
    con.close()
    quang_ninh = published[published["code"] == "22"].iloc[0]
    assert quang_ninh["sipas_pct"] == 90.61 and quang_ninh["sipas_source"] == "published"
    assert set(demo["sipas_source"].dropna()) == {"demo"}
