"""Backups: a consistent snapshot of every table (Parquet per table, plus the schema) and its restore.

No path a user gives becomes SQL: files are written with pyarrow and read back with read_parquet(?).
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from etl.db import new_database_file, open_store

MANIFEST = "schema.json"


def backup(db_path: Path, folder: Path) -> Path:
    """Write every table of the database to `folder` (new or empty): one Parquet file per table and
    schema.json with the CREATE statements, the sequences' next values and the schema version.

    All tables are read in one transaction, so the snapshot is consistent with itself.
    """
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(f"{folder} is not empty; choose a new folder for the backup")
    folder.mkdir(parents=True, exist_ok=True)
    with open_store(db_path, read_only=False) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            tables = con.execute("SELECT table_name, sql FROM duckdb_tables() WHERE schema_name = 'main' "
                                 "ORDER BY table_name").fetchall()
            sequences = con.execute("SELECT sequence_name, sql FROM duckdb_sequences() WHERE schema_name = 'main'").fetchall()
            manifest = {"tables": [], "sequences": []}
            for name, sql in tables:
                data = con.sql(f'SELECT * FROM "{name}"').to_arrow_table()
                pq.write_table(data, folder / f"{name}.parquet")
                manifest["tables"].append({"name": name, "sql": sql, "rows": data.num_rows})
            for name, _sql in sequences:
                # The next value a sequence would hand out, read without consuming it.
                next_value = con.execute("SELECT coalesce(last_value, start_value - increment_by) + increment_by "
                                         "FROM duckdb_sequences() WHERE sequence_name = ?", [name]).fetchall()[0][0]
                manifest["sequences"].append({"name": name, "start": int(next_value)})
            manifest["schema_version"] = con.execute("SELECT max(version) FROM schema_version").fetchall()[0][0]
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            shutil.rmtree(folder, ignore_errors=True)
            raise
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
    return folder


def restore(folder: Path, db_path: Path) -> Path:
    """Rebuild a database file from a backup folder into a new file (restoring never overwrites data:
    move the old file away first). Built beside the target and moved into place when complete."""
    folder, db_path = Path(folder), Path(db_path)
    manifest_path = folder / MANIFEST
    if not manifest_path.exists():
        raise FileNotFoundError(f"{folder} is not a backup (no {MANIFEST})")
    if db_path.exists():
        raise FileExistsError(f"{db_path} exists; restore into a new file, then swap")
    manifest = json.loads(manifest_path.read_text("utf-8"))
    with new_database_file(db_path, migrate=False) as con:
        con.execute("BEGIN TRANSACTION")
        for sequence in manifest["sequences"]:
            if not sequence["name"].replace("_", "").isalnum():
                raise ValueError(f"unexpected sequence name {sequence['name']!r} in {MANIFEST}")
            con.execute(f'CREATE SEQUENCE "{sequence["name"]}" START {int(sequence["start"])}')
        for table in manifest["tables"]:
            if not table["name"].replace("_", "").isalnum() or not table["sql"].upper().startswith("CREATE TABLE"):
                raise ValueError(f"unexpected table entry {table['name']!r} in {MANIFEST}")
            con.execute(table["sql"])
            con.execute(f'INSERT INTO "{table["name"]}" SELECT * FROM read_parquet(?)',
                        [str(folder / f"{table['name']}.parquet")])
        con.execute("COMMIT")
    return db_path
