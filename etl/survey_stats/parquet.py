"""The store's survey data and statistics as a hive-partitioned Parquet dataset (issue #16, "past one machine").

Layout (every table partitioned the same way, so one survey-year is one set of folders a cluster reads alone):

    FOLDER/manifest.json
    FOLDER/respondents/survey=S/year=Y/batch=B/data_0.parquet   survey_respondent, answers in a01..a64
    FOLDER/slots/survey=S/year=Y/batch=B/...                     survey_slot: which item each answer column holds
    FOLDER/survey_stat_cell/survey=S/year=Y/batch=B/...          and every other survey_stat_* table

The partition columns (survey, year, batch) are in the folder names only; each file keeps batch_id, so a reader
without hive partitioning still has it. Rows of the statistics tables go under the year of their cell. Only current
batches are written. The folder is the user's: it goes to DuckDB as a quoted literal (COPY TO takes no parameter
there), never as SQL text; a folder that exists and is not empty is refused.
"""
from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from etl.survey_stats.plan import SLOT_COLUMNS, StatsPlan
from etl.survey_stats.sql import OUTPUTS, steps
from etl.survey_stats.store import STAT_TABLES, drop_steps, run_steps

FORMAT = "par-survey-parquet"
SCHEMA_VERSION = 1
MANIFEST = "manifest.json"
PARTITIONS = ("survey", "year", "batch")
# The input relation of etl.survey_stats.sql.steps, in its order.
SOURCE_COLUMNS = ("batch_id", "survey", "year", "instrument_id", "unit_system", "unit_code", "facility_id",
                  "school_level", "respondent_group", "stratum", "psu", "weight", *SLOT_COLUMNS)
# Partition values as the store types them (DuckDB would otherwise guess BIGINT from the folder names).
HIVE_TYPES = {"year": "INTEGER", "batch": "INTEGER"}
_GLOB = "*?[]{}"

# The (batch, survey, year) parts written: current survey batches, optionally one survey and/or one year.
_PARTS = """
SELECT DISTINCT r.batch_id, r.survey, r.year
FROM survey_respondent r JOIN batch b ON b.batch_id = r.batch_id
WHERE b.status = 'current' AND ($survey IS NULL OR r.survey = $survey) AND ($year IS NULL OR r.year = $year)"""
# table -> query over the store (parts: the CTE above), each row with its survey, year and batch.
_QUERIES = {
    "respondents": "SELECT r.*, r.batch_id AS batch FROM survey_respondent r "
                   "JOIN parts p ON p.batch_id = r.batch_id AND p.survey = r.survey AND p.year = r.year",
    "slots": "SELECT s.*, p.survey, p.year, s.batch_id AS batch FROM survey_slot s "
             "JOIN parts p ON p.batch_id = s.batch_id",
    "survey_stat_cell": "SELECT c.*, c.batch_id AS batch FROM survey_stat_cell c "
                        "JOIN parts p ON p.batch_id = c.batch_id AND p.survey = c.survey AND p.year = c.year",
}
for _table in STAT_TABLES[1:]:
    _QUERIES[_table] = (f"SELECT t.*, c.survey, c.year, t.batch_id AS batch FROM {_table} t "
                        "JOIN survey_stat_cell c ON c.batch_id = t.batch_id AND c.g = t.g "
                        "JOIN parts p ON p.batch_id = c.batch_id AND p.survey = c.survey AND p.year = c.year")
TABLES = tuple(_QUERIES)


class NothingToExport(ValueError):
    """No current survey batch matches the survey and year asked for."""


def sql_literal(path: Path) -> str:
    """`path` as a single-quoted SQL string literal (quotes doubled): for COPY TO, which takes no parameter."""
    text = str(path)
    if "\x00" in text:
        raise ValueError("a path cannot hold a NUL character")
    return "'" + text.replace("'", "''") + "'"


def _prepare(folder: Path) -> bool:
    """Make `folder` ready to write; True when it was created here. Refuses a folder that holds anything."""
    if folder.exists() or folder.is_symlink():
        if not folder.is_dir():
            raise FileExistsError(f"{folder} exists and is not a folder")
        if any(folder.iterdir()):
            raise FileExistsError(f"{folder} is not empty; choose a new folder for the dataset")
        return False
    folder.mkdir(parents=True)
    return True


def export_dataset(con: duckdb.DuckDBPyConnection, folder: Path, *, survey: str | None = None,
                   year: int | None = None) -> dict:
    """Write the current survey batches (optionally one survey and/or one year) to `folder` as a hive-partitioned
    Parquet dataset (see the module docstring); returns the manifest also written to folder/manifest.json.

    Reads in one transaction, so the tables agree with each other. Raises NothingToExport when no current batch
    matches (nothing is written), FileExistsError for a folder that is not empty."""
    folder = Path(folder).resolve()   # absolute: DuckDB never reads a prefix such as s3:// into a local path
    params = {"survey": survey, "year": None if year is None else int(year)}
    con.execute("BEGIN TRANSACTION")
    try:
        parts = con.execute(f"{_PARTS} ORDER BY 1, 3", params).fetchall()
        if not parts:
            raise NothingToExport(_nothing(survey, year))
        created = _prepare(folder)
        try:
            rows = {table: _copy(con, query, folder / table, params) for table, query in _QUERIES.items()}
            manifest = _manifest(con, parts, rows, survey, year)
            (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
        except BaseException:
            _undo(folder, created)
            raise
    finally:
        con.execute("ROLLBACK")   # only read: nothing to keep
    return manifest


def _copy(con: duckdb.DuckDBPyConnection, query: str, target: Path, params: dict) -> int:
    """One table's rows under `target`, partitioned; the number of rows. An empty table leaves no folder (a
    reader would find no file to take its columns from): its 0 rows are in the manifest."""
    rows = con.execute(f"COPY (WITH parts AS ({_PARTS}) {query}) TO {sql_literal(target)} "
                       f"(FORMAT parquet, PARTITION_BY ({', '.join(PARTITIONS)}))", params).fetchall()[0][0]
    if not rows:
        shutil.rmtree(target, ignore_errors=True)
    return int(rows)


def _undo(folder: Path, created: bool) -> None:
    """What a failed export wrote goes: the folder it made, or what it put in the empty folder it was given."""
    if created:
        shutil.rmtree(folder, ignore_errors=True)
        return
    for child in folder.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def _nothing(survey: str | None, year: int | None) -> str:
    scope = " ".join(str(v) for v in (survey, year) if v is not None)
    return f"no current survey batch{' of ' + scope if scope else ''} in the store: nothing was written"


def _manifest(con: duckdb.DuckDBPyConnection, parts: list[tuple], rows: dict[str, int], survey: str | None,
              year: int | None) -> dict:
    ids = sorted({p[0] for p in parts})
    placeholders = ", ".join("?" for _ in ids)
    info = con.execute(f"SELECT batch_id, kind, source, status, file_name, sha256, loaded_at FROM batch "
                       f"WHERE batch_id IN ({placeholders}) ORDER BY batch_id", ids).fetchall()
    batches = []
    for batch_id, kind, source, status, file_name, sha256, loaded_at in info:
        mine = [p for p in parts if p[0] == batch_id]
        batches.append({"batch_id": batch_id, "survey": mine[0][1], "years": sorted(p[2] for p in mine),
                        "kind": kind, "source": source, "status": status, "file_name": file_name,
                        "sha256": sha256, "loaded_at": loaded_at.isoformat() if loaded_at else None})
    store_version = con.execute("SELECT max(version) FROM schema_version").fetchall()[0][0]
    return {"format": FORMAT, "schema_version": SCHEMA_VERSION, "store_schema_version": store_version,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "partitioning": list(PARTITIONS), "survey": survey, "year": year, "tables": rows, "batches": batches}


def read_manifest(folder: Path) -> dict:
    """The manifest of a dataset written by `export_dataset`; ValueError when it is not one."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise FileNotFoundError(f"{folder} is not a survey Parquet dataset (no {MANIFEST})")
    manifest = json.loads(path.read_text("utf-8"))
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ValueError(f"{path} is not the manifest of a survey Parquet dataset")
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise ValueError(f"{path}: dataset schema version {manifest.get('schema_version')!r}, this program reads "
                         f"{SCHEMA_VERSION}")
    return manifest


def duckdb_source(con: duckdb.DuckDBPyConnection, folder: Path, name: str, survey: str, year: int,
                  batch: int | None = None) -> None:
    """A temp view `name` (chosen by code) of the dataset's respondents of one survey-year (and batch), with the
    columns etl.survey_stats.sql.steps reads: the statistics step on DuckDB over the Parquet dataset."""
    if not name.isidentifier():
        raise ValueError(f"{name!r} is not a plain identifier")
    root = Path(folder).resolve() / "respondents"
    if any(c in str(root) for c in _GLOB):
        raise ValueError(f"{folder}: DuckDB would read {_GLOB} in a folder name as a file pattern; move or "
                         "rename the dataset")
    columns = ", ".join(SOURCE_COLUMNS)
    types = ", ".join(f"'{k}': {v}" for k, v in HIVE_TYPES.items())
    rel = con.sql(f"""SELECT {columns}
                      FROM read_parquet($pattern, hive_partitioning = true, hive_types = {{{types}}})
                      WHERE survey = $survey AND year = $year AND ($batch IS NULL OR batch = $batch)""",
                  params={"pattern": str(root / "**" / "*.parquet"), "survey": survey, "year": int(year),
                          "batch": None if batch is None else int(batch)})
    rel.create_view(name, replace=True)


def run_on_duckdb(con: duckdb.DuckDBPyConnection, folder: Path, plan: StatsPlan, survey: str, year: int,
                  batch: int | None = None) -> dict[str, pd.DataFrame]:
    """The statistics of one survey-year (and batch) of the dataset on DuckDB, as `etl.survey_stats.spark.
    run_on_spark` computes them on Spark: the same steps over the same files; returns the outputs as pandas
    frames. `con`: any DuckDB connection (an in-memory one will do: the steps need no store)."""
    duckdb_source(con, folder, "ss_source", survey, year, batch)
    names = [step.name for step in steps(plan, "ss_source")]
    try:
        run_steps(con, plan, "ss_source")
        return {name: con.execute(f"SELECT * FROM {name}").fetchdf() for name in OUTPUTS if name in names}
    finally:
        drop_steps(con, names)
        con.execute("DROP VIEW IF EXISTS ss_source")
