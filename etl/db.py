"""Opening the DuckDB store: short-lived connections, waiting briefly when another process writes."""
from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

from etl import migrations


class StoreError(Exception):
    """A problem with the database file itself; `code` selects the message shown to users."""

    def __init__(self, code: str, message: str, path: Path | None = None):
        super().__init__(message)
        self.code = code  # missing | busy | too_new | empty
        self.path = path


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text or "conflicting" in text or "being used" in text


def default_wait() -> float:
    """Seconds to wait for a busy database: PAR_DB_WAIT, else 10."""
    return float(os.environ.get("PAR_DB_WAIT", "10"))


def connect(path: Path, *, read_only: bool, wait_seconds: float | None = None) -> duckdb.DuckDBPyConnection:
    """Open the database, retrying while another process holds it (DuckDB allows one writer process).

    Read-only opens never create the file; writable opens create it and apply migrations.
    """
    path = Path(path)
    wait_seconds = default_wait() if wait_seconds is None else wait_seconds
    if read_only and not path.exists():
        raise StoreError("missing", f"Database {path} does not exist. Run: python -m etl build", path)
    deadline = time.monotonic() + wait_seconds
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.IOException as exc:
            if not _is_lock_error(exc) or time.monotonic() >= deadline:
                if _is_lock_error(exc):
                    raise StoreError(
                        "busy",
                        f"Database {path} is busy: another process is writing to it. "
                        "Try again in a moment.",
                        path,
                    ) from exc
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
    try:
        if read_only:
            migrations.check_readable(con, path)
        else:
            migrations.migrate(con)
    except Exception:
        con.close()
        raise
    return con


@contextmanager
def open_store(path: Path, *, read_only: bool, wait_seconds: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Context manager around `connect` that always closes, so the file is never held between operations."""
    con = connect(path, read_only=read_only, wait_seconds=wait_seconds)
    try:
        yield con
    finally:
        con.close()


def first_row(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple | None:
    """The first row of a query, or None, always reading the result to the end.

    DuckDB 2 refuses new work on a connection while a result is only partly fetched.
    """
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


@contextmanager
def open_for_reading(path: Path, wait_seconds: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection; a database from an older schema is first upgraded (migrations are etl's
    to write), so readers never refuse a database this program can read."""
    try:
        con = connect(path, read_only=True, wait_seconds=wait_seconds)
    except StoreError as exc:
        if exc.code != "old":
            raise
        connect(path, read_only=False, wait_seconds=wait_seconds).close()
        con = connect(path, read_only=True, wait_seconds=wait_seconds)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def new_database_file(target: Path, *, migrate: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a new database file built beside `target` and moved into place only when the
    block finishes without error, so readers see the old file or the complete new one, never a half."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(target.name + ".building")
    for leftover in (temp, temp.with_name(temp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    con = connect(temp, read_only=False) if migrate else duckdb.connect(str(temp))
    try:
        yield con
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        temp.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(temp, target)
    target.with_name(target.name + ".wal").unlink(missing_ok=True)
