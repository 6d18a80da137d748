"""The optimised scoring, ranking and rankings table (issue #16) give exactly the figures of the straightforward
computation they replaced (tests/metrics/ranking_reference.py): on the demo store's score sheets and published
partial tables, and on a partial score sheet upload with a tie and an incomplete sheet. Frames are compared
column for column, dtypes included, floats exactly; only the order of tied rows (arbitrary before, by code now)
is normalised."""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from etl import par_totals
from metrics import par_index, ranking
from metrics.rounding import difference, hundredths, round_series
from tests.metrics import ranking_reference as reference


def _in_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows by rank, then index descending, then code: how the optimised results order ties."""
    keyed = frame.assign(_neg_index=-frame["index"])
    keyed = keyed.sort_values(["rank", "_neg_index", "code_system", "code"], na_position="last", kind="stable")
    return keyed.drop(columns="_neg_index").reset_index(drop=True)


def assert_same(expected: pd.DataFrame, got: pd.DataFrame, what: str) -> None:
    pd.testing.assert_frame_equal(_in_order(expected), _in_order(got), check_exact=True, obj=what)


def assert_same_fields(expected: pd.DataFrame, got: pd.DataFrame, what: str) -> None:
    by_unit = ["code", "field_code"]
    pd.testing.assert_frame_equal(expected.sort_values(by_unit).reset_index(drop=True),
                                  got.sort_values(by_unit).reset_index(drop=True), check_exact=True, obj=what)


def compare_dataset(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str, lang: str = "vi") -> None:
    """year_change holds the unit_results of the year, and of the year before; the rankings table adds the
    field indices."""
    what = f"{level} {year} {source}"
    change = reference.year_change(con, level, year, source)
    fields = reference.field_indices(con, level, year, source)
    assert_same(change, par_index.year_change(con, level, year, source), f"year_change {what}")
    assert_same_fields(fields, ranking.field_indices(con, level, year, source), f"field_indices {what}")
    assert_same(reference.ranking_table(con, level, year, source, lang, change, fields),
                ranking.ranking_table(con, level, year, source, lang), f"ranking_table {what} {lang}")
    # The optimised order is the rank's, ties in code order.
    results = par_index.unit_results(con, level, year, source)
    pd.testing.assert_frame_equal(results, _in_order(results), obj=f"order of unit_results {what}")


# Score sheets (2022: a new framework; 2025: across the reorganisation) and published tables (partial, with
# stated ranks and changes; complete without ranks), of both levels.
DEMO_DATASETS = [("province", 2022, "demo"), ("province", 2024, "demo"), ("province", 2025, "demo"),
                 ("province", 2023, "published"), ("province", 2024, "published"), ("ministry", 2022, "demo"),
                 ("ministry", 2025, "demo"), ("ministry", 2022, "published"), ("ministry", 2023, "published")]


def test_demo_store_scores_and_published_tables_give_the_same_figures(demo_reader):
    available = {(level, int(year), source) for level in ("province", "ministry")
                 for year, source in par_index.available_datasets(demo_reader, level)[["year", "source"]].itertuples(
                     index=False)}
    assert set(DEMO_DATASETS) <= available
    for n, (level, year, source) in enumerate(DEMO_DATASETS):
        compare_dataset(demo_reader, level, year, source, "vi" if n % 2 else "en")
    # A province's results restricted to its code system; a year without data; self-assessed field indices.
    system = par_index.system_for_year("province", 2024)
    assert_same(reference.unit_results(demo_reader, "province", 2024, "demo", system),
                par_index.unit_results(demo_reader, "province", 2024, "demo", system), "unit_results with system")
    assert_same(reference.year_change(demo_reader, "province", 2030, "demo"),
                par_index.year_change(demo_reader, "province", 2030, "demo"), "year_change without data")
    assert_same_fields(reference.field_indices(demo_reader, "province", 2024, "demo", "self"),
                       ranking.field_indices(demo_reader, "province", 2024, "demo", "self"), "self-assessed fields")
    partial = par_index.unit_results(demo_reader, "province", 2024, "published")
    assert partial["rank"].notna().sum() < len(partial) < 63      # ranks as published, none computed


@pytest.fixture(scope="module")
def partial_scores(demo_db_master) -> duckdb.DuckDBPyConnection:
    """The demo store in memory, with 2024 province scores for 40 of 63 provinces (a partial upload), and in
    2023 a tie (Hà Giang scored as Hà Nội) and an incomplete score sheet (Cao Bằng missing three criteria)."""
    con = duckdb.connect(":memory:")
    con.execute("ATTACH ? AS demo (READ_ONLY)", [str(demo_db_master)])
    con.execute("COPY FROM DATABASE demo TO memory")
    con.execute("DETACH demo")
    con.execute("DELETE FROM par_score WHERE level = 'province' AND year = 2024 AND unit_code IN "
                "(SELECT code FROM unit WHERE code_system = 'vn63' ORDER BY code LIMIT 23)")
    con.execute("""UPDATE par_score s SET points = h.points FROM par_score h
                   WHERE s.level = 'province' AND s.year = 2023 AND s.unit_code = '02' AND h.level = 'province'
                     AND h.year = 2023 AND h.unit_code = '01' AND h.stage = s.stage
                     AND h.criterion_code = s.criterion_code""")
    con.execute("""DELETE FROM par_score WHERE level = 'province' AND year = 2023 AND unit_code = '04'
                   AND criterion_code IN (SELECT criterion_code FROM par_score WHERE level = 'province'
                                          AND year = 2023 AND unit_code = '04' ORDER BY criterion_code LIMIT 3)""")
    par_totals.refresh(con)      # the points were changed outside etl's writer: sum them again, as it would
    yield con
    con.close()


def test_partial_upload_ties_and_incomplete_sheets_give_the_same_figures(partial_scores):
    for year in (2023, 2024, 2025):       # complete with a tie; partial; merged from a partial year
        compare_dataset(partial_scores, "province", year, "demo", "en")
    results = par_index.unit_results(partial_scores, "province", 2023, "demo").set_index("code")
    assert results.loc["01", "rank"] == results.loc["02", "rank"]        # the tie shares a rank
    assert not results.loc["04", "complete"]
    partial = par_index.unit_results(partial_scores, "province", 2024, "demo")
    assert len(partial) == 40 and partial["rank"].isna().all() and set(partial["rank_basis"]) == {"not published"}


def test_vectorised_rounding_equals_decimal_rounding():
    rng = np.random.default_rng(16)
    values = np.concatenate([
        rng.uniform(-120, 120, 4000),                                  # arbitrary floats
        np.round(rng.uniform(0, 100, 2000), 2),                         # published 2-decimal values
        (rng.integers(0, 20000, 2000) + 0.5) / 100,                     # half-cent ties: 79.995, 86.425, ...
        -(rng.integers(0, 20000, 500) + 0.5) / 100,
        [0.0, -0.0, -0.004, 0.004, -0.005, 0.005, 1e6 + 0.005, 123456789.125, 2.675, 1.005, np.nan],
    ])
    series = pd.Series(values)
    expected = round_series(series)
    got = par_index.round_hundredths(series)
    pd.testing.assert_series_equal(expected, got, check_exact=True)
    assert np.array_equal(np.signbit(expected.to_numpy()), np.signbit(got.to_numpy()))   # -0.0 stays -0.0
    keys, present = par_index.hundredths_keys(series)
    assert list(keys[present]) == list(hundredths(series).dropna()) and list(present) == list(series.notna())
    shifted = pd.Series(np.roll(values, 1))
    changes = par_index._differences(series, shifted)
    by_decimal = [difference(a, b) for a, b in zip(series, shifted)]
    assert np.array_equal(np.array([np.nan if d is None else d for d in by_decimal]), changes, equal_nan=True)
    assert np.array_equal(np.signbit(changes), np.signbit([np.nan if d is None else d for d in by_decimal]))
    bands = pd.DataFrame({"group_code": ["A", "B", "C", "D"], "min_index": [90.0, 80.0, 70.0, 0.0]})
    pd.testing.assert_series_equal(reference.rank_with_ties(series), par_index.rank_with_ties(series))
    pd.testing.assert_series_equal(reference.assign_group(series, bands), par_index.assign_group(series, bands))


@pytest.mark.parametrize("level, source", [("province", "demo"), ("province", "published"), ("ministry", "demo")])
def test_every_year_at_once_gives_each_year_s_own_frames(demo_reader, level, source):
    """results_by_year, year_changes and ranking_tables (one scoring query for every year) give, year by year,
    the frames of unit_results, year_change and ranking_table, across the 2025 reorganisation and a year without
    data; a year whose year before has no data compares with nothing (but what its release states)."""
    datasets = par_index.available_datasets(demo_reader, level)
    years = sorted({int(y) for y in datasets.loc[datasets["source"] == source, "year"]}) + [2031]
    assert len(years) >= 3
    results = par_index.results_by_year(demo_reader, level, years, source)
    changes = par_index.year_changes(demo_reader, level, years, source)
    tables = ranking.ranking_tables(demo_reader, level, years, source, "en")
    assert sorted(results) == sorted(changes) == sorted(tables) == years
    for year in years:
        pd.testing.assert_frame_equal(results[year], par_index.unit_results(demo_reader, level, year, source),
                                      check_exact=True, obj=f"results_by_year {level} {year} {source}")
        pd.testing.assert_frame_equal(changes[year], par_index.year_change(demo_reader, level, year, source),
                                      check_exact=True, obj=f"year_changes {level} {year} {source}")
        pd.testing.assert_frame_equal(tables[year], ranking.ranking_table(demo_reader, level, year, source, "en"),
                                      check_exact=True, obj=f"ranking_tables {level} {year} {source}")
    assert results[2031].empty and tables[2031].empty
    first = changes[years[0]]      # nothing before it: only a change the release itself states
    assert (first["delta_index"].isna() | (first["change_basis"] == "published")).all()
