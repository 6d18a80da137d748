"""Backups: a consistent snapshot of every table (Parquet per table, plus a manifest) and its restore.

A backup holds data, never code. Restoring builds the schema from this program's own migrations (etl/migrations)
up to the backup's schema version, then checks the backup against that schema (the same tables and sequences; per
table a regular Parquet file in the folder, with the same column names and types in the same order) before any
data is read. SQL text in the manifest is never executed. A backup that differs is refused with one line, and
nothing is written. Paths are passed to DuckDB as parameters (read_parquet(?)), never pasted into SQL.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Callable

import duckdb
import pyarrow.parquet as pq

from etl import migrations
from etl.db import new_database_file, open_store, transaction

MANIFEST = "schema.json"
FORMAT = 2       # 1: tables carried their CREATE statement ("sql"); 2: their columns (name, type) instead
_TABLE_KEYS = {"name", "rows", "columns", "sql"}
_SEQUENCE_KEYS = {"name", "start"}
_MANIFEST_KEYS = {"format", "schema_version", "tables", "sequences"}
_MAX_SEQUENCE = 2**62


class BackupRefused(ValueError):
    """The folder is not a backup this program restores as it is; the message is one line saying why."""


def backup(db_path: Path, folder: Path) -> Path:
    """Write every table of the database to `folder` (new or empty): one Parquet file per table and
    schema.json with each table's columns and row count, the sequences' next values and the schema version.

    All tables are read in one transaction, so the snapshot is consistent with itself.
    """
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(f"{folder} is not empty; choose a new folder for the backup")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with open_store(db_path, read_only=False) as con, transaction(con, db_path):
            tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
                                                "ORDER BY table_name").fetchall()]
            sequences = [r[0] for r in con.execute("SELECT sequence_name FROM duckdb_sequences() "
                                                   "WHERE schema_name = 'main' ORDER BY 1").fetchall()]
            manifest = {"format": FORMAT, "tables": [], "sequences": []}
            for name in tables:
                data = con.sql(f'SELECT * FROM "{name}"').to_arrow_table()
                pq.write_table(data, folder / f"{name}.parquet")
                columns = [[c, str(t)] for c, t, *_ in con.execute(f'DESCRIBE "{name}"').fetchall()]
                manifest["tables"].append({"name": name, "columns": columns, "rows": data.num_rows})
            for name in sequences:
                # The next value a sequence would hand out, read without consuming it.
                next_value = con.execute("SELECT coalesce(last_value, start_value - increment_by) + increment_by "
                                         "FROM duckdb_sequences() WHERE sequence_name = ?", [name]).fetchall()[0][0]
                manifest["sequences"].append({"name": name, "start": int(next_value)})
            manifest["schema_version"] = con.execute("SELECT max(version) FROM schema_version").fetchall()[0][0]
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
    return folder


# --- restore ---------------------------------------------------------------------------------------------------

def _refuse(folder: Path, reason: str) -> BackupRefused:
    return BackupRefused(f"Refused to restore {folder}: {reason}; nothing was written")


def _apply_migrations(con: duckdb.DuckDBPyConnection, version: int) -> list[int]:
    """This program's schema at `version`: every shipped migration numbered up to it, as etl.migrations applies
    them (schema_version itself is created here and left empty: its rows come from the backup)."""
    con.execute("CREATE TABLE IF NOT EXISTS schema_version "
                "(version INTEGER PRIMARY KEY, description VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)")
    applied = []
    for number, _description, sql in migrations.available():
        if number <= version:
            con.execute(sql)
            migrations.run_step(number, con)
            applied.append(number)
    return applied


def _expected_schema(version: int) -> tuple[dict[str, list[tuple[str, str]]], dict[str, str], set[str], list[int]]:
    """({table: [(column, type)]}, {table: CREATE sql}, {sequence}, versions) of a fresh database at `version`."""
    con = duckdb.connect(":memory:")
    try:
        versions = _apply_migrations(con, version)
        tables = {name: [] for (name,) in con.execute("SELECT table_name FROM duckdb_tables() "
                                                       "WHERE schema_name = 'main'").fetchall()}
        for name in tables:
            tables[name] = [(c, str(t)) for c, t, *_ in con.execute(f'DESCRIBE "{name}"').fetchall()]
        sql = dict(con.execute("SELECT table_name, sql FROM duckdb_tables() WHERE schema_name = 'main'").fetchall())
        sequences = {name for (name,) in con.execute("SELECT sequence_name FROM duckdb_sequences() "
                                                      "WHERE schema_name = 'main'").fetchall()}
    finally:
        con.close()
    return tables, sql, sequences, versions


def _read_manifest(folder: Path) -> dict:
    manifest_path = folder / MANIFEST
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder")
    if not manifest_path.exists() and not manifest_path.is_symlink():
        raise FileNotFoundError(f"{folder} is not a backup (no {MANIFEST})")
    if manifest_path.is_symlink() or not manifest_path.is_file():
        raise _refuse(folder, f"{MANIFEST} is a link or not a regular file")
    try:
        manifest = json.loads(manifest_path.read_text("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _refuse(folder, f"{MANIFEST} is not valid JSON ({exc.__class__.__name__})") from exc
    if not isinstance(manifest, dict):
        raise _refuse(folder, f"{MANIFEST} is not an object")
    extra = set(manifest) - _MANIFEST_KEYS
    if extra:
        raise _refuse(folder, f"{MANIFEST} has unexpected keys {sorted(extra)}")
    if not isinstance(manifest.get("tables"), list) or not isinstance(manifest.get("sequences"), list):
        raise _refuse(folder, f"{MANIFEST} lacks its list of tables or of sequences")
    version = manifest.get("schema_version")
    if type(version) is not int:
        raise _refuse(folder, f"{MANIFEST} has no whole-number schema_version")
    shipped = [number for number, _d, _s in migrations.available()]
    if version > shipped[-1]:
        raise _refuse(folder, f"the backup has schema version {version}, newer than this program "
                              f"({shipped[-1]}); update the program")
    if version not in shipped:
        raise _refuse(folder, f"schema version {version} is not one of this program's migrations")
    return manifest


def _check(folder: Path, manifest: dict) -> tuple[dict[str, list[tuple[str, str]]], dict[str, int], list[int]]:
    """Every check that needs no data read; returns (tables, sequence starts, versions the schema has)."""
    tables, table_sql, sequences, versions = _expected_schema(manifest["schema_version"])
    listed: dict[str, dict] = {}
    for entry in manifest["tables"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise _refuse(folder, "a table entry without a name")
        name = entry["name"]
        if set(entry) - _TABLE_KEYS:
            raise _refuse(folder, f"table {name!r} has unexpected keys {sorted(set(entry) - _TABLE_KEYS)}")
        if name not in tables:
            raise _refuse(folder, f"table {name!r} is not part of schema version {manifest['schema_version']}")
        if name in listed:
            raise _refuse(folder, f"table {name!r} is listed twice")
        if "sql" in entry and entry["sql"] != table_sql[name]:
            # Older backups carried each CREATE statement; it is never run, and must be this program's own.
            raise _refuse(folder, f"table {name!r} carries SQL in {MANIFEST} that is not this program's schema")
        listed[name] = entry
    missing = sorted(set(tables) - set(listed))
    if missing:
        raise _refuse(folder, f"tables missing from the backup: {', '.join(missing)}")

    allowed_files = {MANIFEST} | {f"{name}.parquet" for name in tables}
    for item in folder.iterdir():
        if item.name not in allowed_files:
            raise _refuse(folder, f"unexpected file {item.name!r} in the backup folder")
    real_folder = folder.resolve()
    for name, expected in tables.items():
        path = folder / f"{name}.parquet"
        if path.is_symlink() or not path.is_file() or path.resolve().parent != real_folder:
            raise _refuse(folder, f"{path.name} is missing, a link or not a regular file inside the folder")
        try:
            parquet = pq.ParquetFile(path)           # the footer only: names, types, row count
            schema = parquet.schema_arrow
            rows = parquet.metadata.num_rows
        except Exception as exc:                     # pyarrow raises several kinds for a damaged file
            raise _refuse(folder, f"{path.name} is not a readable Parquet file") from exc
        found = _duckdb_types(schema)
        if [c for c, _t in found] != [c for c, _t in expected]:
            raise _refuse(folder, f"{path.name} has columns {[c for c, _t in found]}, expected "
                                  f"{[c for c, _t in expected]}")
        for (column, got), (_c, want) in zip(found, expected):
            if got != want:
                raise _refuse(folder, f"{path.name}: column {column!r} is {got}, expected {want}")
        if "columns" in listed[name] and [tuple(c) for c in listed[name]["columns"]
                                          if isinstance(c, (list, tuple))] != expected:
            raise _refuse(folder, f"table {name!r}: the columns in {MANIFEST} differ from this program's schema")
        if "rows" in listed[name] and listed[name]["rows"] != rows:
            raise _refuse(folder, f"{path.name} holds {rows} rows, {MANIFEST} says {listed[name]['rows']!r}")

    starts: dict[str, int] = {}
    for entry in manifest["sequences"]:
        if not isinstance(entry, dict) or set(entry) != _SEQUENCE_KEYS:
            raise _refuse(folder, f"a sequence entry must have exactly {sorted(_SEQUENCE_KEYS)}")
        name, start = entry["name"], entry["start"]
        if name not in sequences or name in starts:
            raise _refuse(folder, f"unexpected sequence {name!r}")
        if type(start) is not int or not 1 <= start <= _MAX_SEQUENCE:
            raise _refuse(folder, f"sequence {name!r} has an invalid start {start!r}")
        starts[name] = start
    if set(starts) != sequences:
        raise _refuse(folder, f"sequences missing from the backup: {', '.join(sorted(sequences - set(starts)))}")
    return tables, starts, versions


def _duckdb_types(schema) -> list[tuple[str, str]]:
    """(column, DuckDB type) of an Arrow schema, as DuckDB would read the Parquet file: no data involved."""
    con = duckdb.connect(":memory:")
    try:
        empty = schema.empty_table()
        relation = con.from_arrow(empty)
        return [(c, str(t)) for c, t in zip(relation.columns, relation.types)]
    finally:
        con.close()


def restore(folder: Path, db_path: Path, *, vet: Callable[[Path], None] | None = None) -> Path:
    """Rebuild a database file from a backup folder into a new file (restoring never overwrites data:
    move the old file away first). Built beside the target and moved into place when complete.

    Raises BackupRefused (a ValueError, one line) for a backup that is not exactly what this program writes.
    `vet(folder)` runs once the folder is checked, before anything is written, and may refuse by raising (the
    command line's etl.release_guard.RestoreGuard: a backup lacking releases of the store it is to replace).
    """
    folder, db_path = Path(folder), Path(db_path)
    manifest = _read_manifest(folder)
    if db_path.exists():
        raise FileExistsError(f"{db_path} exists; restore into a new file, then swap")
    tables, starts, versions = _check(folder, manifest)
    if vet is not None:
        vet(folder)
    with new_database_file(db_path, migrate=False) as con:
        with transaction(con, db_path):
            _apply_migrations(con, manifest["schema_version"])
            for name in tables:
                # The identifier is this program's own table name; the path is a parameter.
                con.execute(f'INSERT INTO "{name}" SELECT * FROM read_parquet(?)', [str(folder / f"{name}.parquet")])
            for name, start in starts.items():
                con.execute(f'DROP SEQUENCE "{name}"')
                con.execute(f'CREATE SEQUENCE "{name}" START {int(start)}')
            recorded = sorted(r[0] for r in con.execute("SELECT version FROM schema_version").fetchall())
            if recorded != versions:
                raise _refuse(folder, f"schema_version.parquet lists versions {recorded}, the schema has {versions}")
    return db_path
