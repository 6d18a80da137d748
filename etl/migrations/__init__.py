"""Versioned schema migrations: numbered SQL files applied in order, recorded in schema_version.

A migration that must move data in ways SQL alone cannot (answers into a new layout, statistics computed by
etl code) has a module step_NNN.py beside its SQL file; its `after(con)` runs in the same transaction."""
from __future__ import annotations

import functools
import re
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

import duckdb

_FILE_PATTERN = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


def available() -> list[tuple[int, str, str]]:
    """(version, description, sql) for every migration file shipped, in order."""
    return list(_shipped())


@functools.lru_cache(maxsize=1)
def _shipped() -> tuple[tuple[int, str, str], ...]:
    # The files ship with the program and do not change while it runs: read once per process, not per connection.
    found = []
    for entry in resources.files(__package__).iterdir():
        match = _FILE_PATTERN.match(entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2).replace("_", " "), entry.read_text("utf-8")))
    return tuple(sorted(found))


def latest_version() -> int:
    return available()[-1][0]


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """0 for an empty database, else the highest applied version."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchall()[0][0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()[0][0]


def check_readable(con: duckdb.DuckDBPyConnection, path: Path | None = None) -> None:
    """Refuse a database this code cannot read: from a newer schema, or never built."""
    from etl.db import StoreError  # local import: db imports this module

    version = current_version(con)
    if version > latest_version():
        raise StoreError(
            "too_new",
            f"Database {path} has schema version {version}, newer than this program "
            f"(version {latest_version()}). Update the program.",
            path,
        )
    if version == 0:
        raise StoreError("empty", f"Database {path} is empty. Run: python -m etl build", path)
    done = {row[0] for row in con.execute("SELECT version FROM schema_version").fetchall()}
    if any(number not in done for number, _d, _s in available()):
        # A read-only connection cannot migrate; the next write (any etl command) will.
        raise StoreError(
            "old",
            f"Database {path} has schema version {version}; run any etl command (e.g. python -m etl batches) "
            "to upgrade it.",
            path,
        )


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply every migration newer than the database, each in its own transaction. Returns those applied."""
    from etl.db import StoreError, transaction

    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version "
        "(version INTEGER PRIMARY KEY, description VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    version = current_version(con)
    if version > latest_version():
        raise StoreError("too_new", f"Database schema version {version} is newer than this program.")
    # Apply every shipped migration not yet recorded, in order, even one numbered below the highest
    # applied (migrations written in parallel can land out of order).
    done = {row[0] for row in con.execute("SELECT version FROM schema_version").fetchall()}
    applied = []
    for number, description, sql in available():
        if number in done:
            continue
        with transaction(con):
            con.execute(sql)
            run_step(number, con)
            con.execute(
                "INSERT INTO schema_version VALUES (?, ?, ?)",
                [number, description, datetime.now(timezone.utc).replace(tzinfo=None)],
            )
        applied.append(number)
    return applied


def run_step(number: int, con: duckdb.DuckDBPyConnection) -> None:
    """Run step_NNN.after(con) when that module exists."""
    import importlib

    try:
        module = importlib.import_module(f"{__package__}.step_{number:03d}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__package__}.step_{number:03d}":
            raise
        return
    module.after(con)
