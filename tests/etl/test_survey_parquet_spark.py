"""The survey Parquet dataset and the statistics step on Spark (issue #16, "past one machine").

One demo store copy, one dataset (`etl export-parquet --year 2024`), one local Spark session for the module: the
steps' SQL run unchanged on PySpark and on DuckDB over the same Parquet files give the same statistics, and those
are the store's own (loaded back into the store through its writer)."""
from __future__ import annotations

import json
import math
import os
import shutil
import sys

import duckdb
import numpy as np
import pandas as pd
import pytest

from etl.cli import main
from etl.survey_stats.parquet import (MANIFEST, PARTITIONS, TABLES, export_dataset, read_manifest, run_on_duckdb,
                                      sql_literal)
from etl.survey_stats.plan import make_plan
from etl.survey_stats.spark import run_on_spark, store_outputs
from etl.survey_stats.sql import CELL_KEYS, OUTPUTS
from etl.survey_stats.store import STAT_TABLES, batch_slots

YEAR = 2024
SURVEYS = ("sipas", "health")          # health 2024 has two forms (inpatient, outpatient)
# The columns each output adds to the cell keys to name a row (the rest are statistics).
OUTPUT_KEYS = {"ss_set_stats": ("set_no",), "ss_pair_stats": ("dim_a", "dim_b"), "ss_value_stats": ("slot", "value"),
               "ss_score_stats": ("set_no", "score"), "ss_reliability_stats": ("dim", "slot")}
STORE_KEYS = {"survey_stat_set": ("set_kind", "set_code"), "survey_stat_pair": ("dim_a", "dim_b"),
              "survey_stat_value": ("item_code", "value"), "survey_stat_score": ("set_kind", "set_code", "score"),
              "survey_stat_reliability": ("instrument_id", "dimension_code", "item_code")}
STORE_CELL_KEYS = tuple(k for k in CELL_KEYS if k not in ("instrument_id",))   # the reliability rows carry it
# PySpark 4.3 checks the pandas version when it hands Arrow data over; the outputs are compared, not trusted.
pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")


@pytest.fixture(scope="module")
def store(demo_db_master, tmp_path_factory):
    path = tmp_path_factory.mktemp("parquet_store") / "par.duckdb"
    shutil.copy(demo_db_master, path)
    return path


@pytest.fixture(scope="module")
def cases(store) -> dict[str, tuple[int, object]]:
    """survey -> (its current 2024 batch, the plan made from the store for that batch's slot layout)."""
    con = duckdb.connect(str(store), read_only=True)
    try:
        out = {}
        for survey in SURVEYS:
            (batch,), = con.execute("SELECT DISTINCT r.batch_id FROM survey_respondent r JOIN batch b USING (batch_id) "
                                    "WHERE b.status = 'current' AND r.survey = ? AND r.year = ?",
                                    [survey, YEAR]).fetchall()
            out[survey] = (batch, make_plan(con, survey, batch_slots(con, batch)))
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def dataset(store, tmp_path_factory):
    """The 2024 survey data and statistics, written by the command line."""
    folder = tmp_path_factory.mktemp("parquet") / "survey dataset"
    assert main(["export-parquet", str(folder), "--year", str(YEAR), "--db", str(store), "--lang", "en"]) == 0
    return folder


@pytest.fixture(scope="module")
def spark():
    """One local Spark session for the module (about 10 s to start)."""
    from pyspark.sql import SparkSession

    saved = {k: os.environ.get(k) for k in ("PYSPARK_PYTHON", "SPARK_LOCAL_IP")}
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"      # local mode: no warning about the host name's address
    # A short-lived JVM on 2 cores: C1 compiler only and one GC thread (a third less CPU); one shuffle partition
    # (the data are a few thousand rows per step); no whole-stage code generation (compiling Java for every stage of
    # the steps' wide plans took longer than running them on these rows: 43 s against 30 s; the results are the
    # same SQL's either way).
    session = (SparkSession.builder.master("local[2]").appName("par-survey-stats-test")
               .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", "1").config("spark.sql.codegen.wholeStage", "false")
               .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="module")
def outputs(spark, dataset, cases) -> dict[str, dict[str, dict[str, pd.DataFrame]]]:
    """engine -> survey -> the statistics step's outputs over the dataset's 2024 respondents. (The Spark session
    is asked for first: its JVM starts while another worker may still be building the shared demo database.)"""
    mem = duckdb.connect()
    try:
        return {
            "duckdb": {s: run_on_duckdb(mem, dataset, plan, s, YEAR) for s, (_b, plan) in cases.items()},
            "spark": {s: run_on_spark(spark, str(dataset), plan, s, YEAR) for s, (_b, plan) in cases.items()},
        }
    finally:
        mem.close()


def _by_cell(outputs: dict[str, pd.DataFrame], name: str) -> pd.DataFrame:
    """An output with its cell number g replaced by the cell's keys (each engine numbers cells its own way:
    they order NULLs differently), in key order."""
    cells = outputs["ss_cells"][["g", *CELL_KEYS]]
    frame = outputs[name]
    if name != "ss_cells":
        frame = frame.merge(cells, on="g", how="left", validate="many_to_one")
        assert frame["batch_id"].notna().all(), f"{name}: a row of no cell"
    keys = [*CELL_KEYS, *OUTPUT_KEYS.get(name, ())]
    return _sorted(frame.drop(columns="g"), keys)


def _sorted(frame: pd.DataFrame, keys) -> pd.DataFrame:
    frame = frame[[*keys, *sorted(c for c in frame.columns if c not in keys)]]
    assert not frame.duplicated(subset=list(keys)).any(), "keys do not name one row"
    return frame.sort_values(list(keys), na_position="last", kind="stable").reset_index(drop=True)


def assert_same(left: pd.DataFrame, right: pd.DataFrame, what: str) -> None:
    """Same rows, same columns; whole numbers and codes equal, floats within a relative 1e-9."""
    assert list(left.columns) == list(right.columns), what
    assert len(left) == len(right), f"{what}: {len(left)} rows against {len(right)}"
    assert len(left) > 0, f"{what}: no rows to compare"
    for name in left.columns:
        a, b = left[name], right[name]
        if pd.api.types.is_float_dtype(a.dtype) or pd.api.types.is_float_dtype(b.dtype):
            np.testing.assert_allclose(a.to_numpy(dtype=float), b.to_numpy(dtype=float), rtol=1e-9, atol=0,
                                       equal_nan=True, err_msg=f"{what}.{name}")
        else:
            plain = [[None if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA else
                      (int(v) if isinstance(v, (bool, np.bool_, np.integer)) else v) for v in s.astype(object)]
                     for s in (a, b)]
            assert plain[0] == plain[1], f"{what}.{name} differs"


@pytest.mark.parametrize("survey", SURVEYS)
def test_spark_runs_the_same_sql_to_the_same_numbers(outputs, cases, survey):
    duck, spark = outputs["duckdb"][survey], outputs["spark"][survey]
    plan = cases[survey][1]
    expected = [n for n in OUTPUTS if n != "ss_pair_stats" or len(plan.pairs) > 1]
    assert sorted(duck) == sorted(spark) == sorted(expected)
    assert int(duck["ss_cells"]["respondents"].sum()) > 1000
    for name in expected:
        assert_same(_by_cell(spark, name), _by_cell(duck, name), f"{survey} {name}")


def _store_rows(con: duckdb.DuckDBPyConnection, table: str, batch: int) -> pd.DataFrame:
    """A survey_stat_* table's rows of `batch`, each with its cell's keys instead of g."""
    if table == "survey_stat_cell":
        frame = con.execute("SELECT * EXCLUDE (g) FROM survey_stat_cell WHERE batch_id = ?", [batch]).fetchdf()
        return _sorted(frame, CELL_KEYS)
    cell_keys = CELL_KEYS if table != "survey_stat_reliability" else STORE_CELL_KEYS
    keys = ", ".join(f"c.{k}" for k in cell_keys)
    frame = con.execute(f"SELECT {keys}, t.* EXCLUDE (batch_id, g) FROM {table} t JOIN survey_stat_cell c "
                        "ON c.batch_id = t.batch_id AND c.g = t.g WHERE t.batch_id = ?", [batch]).fetchdf()
    return _sorted(frame, [*cell_keys, *STORE_KEYS[table]])


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
def test_outputs_load_into_the_store_as_its_own_statistics(store, cases, outputs, engine):
    """DuckDB's outputs over the Parquet files, and Spark's, written through the store's writer in place of the
    batch's statistics, are exactly the rows the load computed (rolled back afterwards)."""
    con = duckdb.connect(str(store))
    try:
        for survey, (batch, plan) in cases.items():
            before = {t: _store_rows(con, t, batch) for t in STAT_TABLES}
            con.execute("BEGIN TRANSACTION")
            try:
                assert store_outputs(con, plan, outputs[engine][survey]) == [batch]
                for table in STAT_TABLES:
                    if table == "survey_stat_pair" and len(plan.pairs) < 2:
                        assert before[table].empty and _store_rows(con, table, batch).empty
                        continue
                    assert_same(_store_rows(con, table, batch), before[table], f"{engine} {survey} {table}")
            finally:
                con.execute("ROLLBACK")
    finally:
        con.close()


def test_dataset_layout_and_manifest(dataset, store, cases):
    manifest = read_manifest(dataset)
    con = duckdb.connect(str(store), read_only=True)
    try:
        current = con.execute("SELECT DISTINCT r.batch_id, b.source FROM survey_respondent r JOIN batch b "
                              "USING (batch_id) WHERE b.status = 'current' AND r.year = ? ORDER BY 1",
                              [YEAR]).fetchall()
        assert [(b["batch_id"], b["source"]) for b in manifest["batches"]] == current
        assert all(b["status"] == "current" and b["years"] == [YEAR] for b in manifest["batches"])
        assert manifest["partitioning"] == list(PARTITIONS) and manifest["year"] == YEAR
        for table in TABLES:
            assert manifest["tables"][table] > 0 and (dataset / table).is_dir(), table
            glob = sql_literal(dataset / table / "**" / "*.parquet")
            read = f"read_parquet({glob}, hive_partitioning = true)"
            parts = con.execute(f"SELECT DISTINCT survey, year, batch FROM {read} ORDER BY 3").fetchall()
            stored = [b for b, _s in current] if table in ("respondents", "slots") else [
                r[0] for r in con.execute(f"SELECT DISTINCT batch_id FROM {table} WHERE batch_id IN "
                                          "(SELECT unnest($ids)) ORDER BY 1", {"ids": [b for b, _s in current]})
                .fetchall()]
            assert [p[2] for p in parts] == stored and {p[1] for p in parts} == {YEAR}, table
            assert con.execute(f"SELECT count(*) FROM {read}").fetchall()[0][0] == manifest["tables"][table]
        for survey, (batch, _plan) in cases.items():   # the statistics files hold the store's rows
            on_disk = sql_literal(dataset / "survey_stat_set" / "**" / "*.parquet")
            n = con.execute(f"SELECT count(*) FROM read_parquet({on_disk}, hive_partitioning = true) WHERE batch = ?",
                            [batch]).fetchall()[0][0]
            assert n == con.execute("SELECT count(*) FROM survey_stat_set WHERE batch_id = ?", [batch]).fetchall()[0][0]
            files = sorted((dataset / "respondents" / f"survey={survey}" / f"year={YEAR}" / f"batch={batch}").iterdir())
            assert [f.suffix for f in files] == [".parquet"]
            columns = [c for c, *_ in con.execute(f"DESCRIBE SELECT * FROM read_parquet({sql_literal(files[0])}, "
                                                      "hive_partitioning = false)")
                       .fetchall()]
            assert "batch_id" in columns and "a64" in columns and not set(columns) & {"survey", "year", "batch"}
    finally:
        con.close()


def test_export_refuses_a_folder_in_use_and_an_empty_selection(dataset, store, tmp_path, capsys):
    before = sorted(p.relative_to(dataset) for p in dataset.rglob("*"))
    assert main(["export-parquet", str(dataset), "--db", str(store), "--lang", "vi"]) == 1
    assert "đã có dữ liệu" in capsys.readouterr().err
    assert sorted(p.relative_to(dataset) for p in dataset.rglob("*")) == before
    target = tmp_path / "none"
    assert main(["export-parquet", str(target), "--survey", "education", "--year", "1999", "--db", str(store),
                 "--lang", "en"]) == 1
    assert "No current survey batch of education 1999; nothing was written." in capsys.readouterr().err
    assert not target.exists()
    odd = tmp_path / "it's; DROP TABLE batch; --"      # a quote in the folder reaches DuckDB as a literal
    con = duckdb.connect(str(store), read_only=True)
    try:
        manifest = export_dataset(con, odd, survey="health", year=YEAR)
        respondents = con.execute("SELECT count(*) FROM survey_respondent r JOIN batch b USING (batch_id) WHERE "
                                  "b.status = 'current' AND r.survey = 'health' AND r.year = ?", [YEAR]).fetchall()
    finally:
        con.close()
    assert manifest["tables"]["respondents"] == respondents[0][0] > 0
    assert json.loads((odd / MANIFEST).read_text("utf-8"))["survey"] == "health"
    # health has no pair statistics: an empty table leaves no folder (no file to take its columns from)
    assert manifest["tables"]["survey_stat_pair"] == 0
    assert sorted(p.name for p in odd.iterdir() if p.is_dir()) == sorted(t for t in TABLES if t != "survey_stat_pair")

