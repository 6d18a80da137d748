"""Criterion points summed once per batch, unit and field (par_field_total, etl/par_totals.py): written with every
batch of points, gone with the batch, filled by migration 014 for stores loaded before, and always the sums of
the points (worked out here in pandas, not with the product's SQL)."""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from etl.batches import remove_batch
from etl.db import open_store
from etl.load import load_file
from etl.migrations import migrate
from tests.etl.test_load_par import full_sheet, write_scores

KEYS = ["batch_id", "year", "level", "stage", "framework_id", "unit_system", "unit_code", "field_code"]


def expected_totals(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The field totals from the points, in pandas: points in ten-thousandths summed per component."""
    points = con.execute("SELECT * FROM par_score").df()
    criteria = con.execute("SELECT framework_id, criterion_code, field_code, component FROM framework_criterion").df()
    rows = points.merge(criteria, on=["framework_id", "criterion_code"], how="inner")
    rows["e4"] = np.rint(rows["points"].to_numpy() * 10000).astype("int64")
    rows["appraisal_e4"] = rows["e4"].where(rows["component"] == "appraisal", 0)
    rows["survey_e4"] = rows["e4"].where(rows["component"] == "survey", 0)
    sums = rows.groupby(KEYS, as_index=False).agg(appraisal_e4=("appraisal_e4", "sum"),
                                                   survey_e4=("survey_e4", "sum"), total_e4=("e4", "sum"),
                                                   scored=("e4", "size"))
    return _sorted(sums)


def stored_totals(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return _sorted(con.execute(f"SELECT {', '.join(KEYS)}, appraisal_e4, survey_e4, total_e4, scored "
                               "FROM par_field_total").df())


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.astype({k: "int64" for k in ("batch_id", "year", "appraisal_e4", "survey_e4", "total_e4", "scored")})
    frame = frame.astype({k: "object" for k in KEYS if k not in ("batch_id", "year")})
    return frame.sort_values(KEYS).reset_index(drop=True)


def test_the_demo_store_holds_the_sums_of_its_points(demo_reader):
    stored = stored_totals(demo_reader)
    assert len(stored) > 1000 and stored["stage"].nunique() == 2
    pd.testing.assert_frame_equal(stored, expected_totals(demo_reader))


def test_a_loaded_sheet_adds_its_sums_and_removing_it_takes_them(demo_db, tmp_path):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        rows = full_sheet(con, "par-ministry-2022", ["Bộ Tư pháp", "Bộ Y tế"], 0.9)
    loaded = load_file(demo_db, "par-scores", write_scores(tmp_path, rows), options={"year": 2023, "level": "ministry"})
    with open_store(demo_db, read_only=False) as con:
        mine = stored_totals(con).query("batch_id == @loaded.batch_id")
        assert set(mine["unit_code"]) == {"BTP", "BYT"} and (mine["year"] == 2023).all()
        pd.testing.assert_frame_equal(stored_totals(con), expected_totals(con))
        remove_batch(con, loaded.batch_id)
        assert stored_totals(con).query("batch_id == @loaded.batch_id").empty
        pd.testing.assert_frame_equal(stored_totals(con), expected_totals(con))


def test_migration_014_fills_a_store_loaded_before_it(demo_db):
    with duckdb.connect(str(demo_db)) as con:
        expected = expected_totals(con)
        con.execute("DROP TABLE par_field_total")          # the store as schema 013 left it
        con.execute("DELETE FROM schema_version WHERE version = 14")
        assert migrate(con) == [14]
        pd.testing.assert_frame_equal(stored_totals(con), expected)
