"""Opening the DuckDB store: short-lived connections. Readers open the store's current snapshot (etl.snapshots) and
never wait for a writer; writers hold the etl writer lock, waiting briefly when another writes, and publish a new
snapshot when done.

The file is checked before DuckDB sees it (DuckDB's header, not a SQLite file, a CSV or a picture; not a folder
or an empty file; readable, and writable when opened for writing), so a wrong --db is one line, not a traceback.
Only a build or a restore creates a database file; opening never does.
"""
from __future__ import annotations

import math
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
        # missing | busy | too_new | empty | old | not_duckdb | folder | unreadable | unwritable | config | write_failed
        self.code = code
        self.path = path


# A DuckDB file starts with an 8-byte checksum, then the magic "DUCK" (DuckDB's storage format, all versions).
_DUCKDB_MAGIC = b"DUCK"
_DUCKDB_MAGIC_OFFSET = 8
_SQLITE_MAGIC = b"SQLite format 3\x00"
# Never fetch an extension from the internet because of a file's content (a SQLite file made DuckDB try).
_CONFIG = {"autoinstall_known_extensions": False}
# A build or restore waits this long (at least) for a running write before moving its new file into place.
REPLACE_WAIT_SECONDS = 60.0


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def check_database_file(path: Path, *, read_only: bool, create: bool = False) -> None:
    """Refuse, with a StoreError of one line, a path DuckDB should not be asked to open.

    A missing file is refused unless `create` (build, restore and tests of the schema create; reading never does).
    """
    path = Path(path)
    if path.is_dir():
        raise StoreError("folder", f"{path} is a folder, not a database file", path)
    if not path.exists():
        if not create or read_only:
            raise StoreError("missing", f"Database {path} does not exist. Run: python -m etl build", path)
        parent = path.parent if str(path.parent) else Path(".")
        if not parent.is_dir():
            raise StoreError("missing", f"Cannot create {path}: the folder {parent} does not exist", path)
        if not os.access(parent, os.W_OK | os.X_OK):
            raise StoreError("unwritable", f"Cannot create {path}: the folder {parent} is read-only", path)
        return
    if not path.is_file():
        raise StoreError("not_duckdb", f"{path} is not a regular file, not a database", path)
    try:
        with open(path, "rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        raise StoreError("unreadable", f"Cannot read {path}: {exc.strerror or _first_line(exc)}", path) from exc
    if not header:
        raise StoreError("not_duckdb", f"{path} is an empty file, not a DuckDB database", path)
    if header.startswith(_SQLITE_MAGIC):
        raise StoreError("not_duckdb", f"{path} is a SQLite database, not a DuckDB database", path)
    if header[_DUCKDB_MAGIC_OFFSET:_DUCKDB_MAGIC_OFFSET + len(_DUCKDB_MAGIC)] != _DUCKDB_MAGIC:
        raise StoreError("not_duckdb", f"{path} is not a DuckDB database (a CSV, a picture or another kind of "
                                       "file?)", path)
    if not read_only:
        parent = path.parent if str(path.parent) else Path(".")
        if not os.access(path, os.W_OK) or not os.access(parent, os.W_OK | os.X_OK):
            # DuckDB writes a .wal file beside the database, so the folder must be writable too.
            raise StoreError("unwritable", f"Cannot write to {path}: the file or its folder is read-only", path)


def _is_lock_error(exc: Exception) -> bool:
    """Another holder of the file: another process's lock, or (within this process, e.g. the app's upload while
    another session writes) a connection opened read-write where we want read-only, or the reverse."""
    text = str(exc).lower()
    return ("lock" in text or "conflicting" in text or "being used" in text
            or "different configuration than existing connections" in text)


def default_wait(fallback: float = 10.0) -> float:
    """Seconds to wait for a busy database: PAR_DB_WAIT, else `fallback` (10 for the command line; the app
    passes its own, shorter, default)."""
    raw = os.environ.get("PAR_DB_WAIT", "").strip()
    if not raw:
        return fallback
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not math.isfinite(value) or value < 0:
        raise StoreError("config", f"PAR_DB_WAIT must be a number of seconds (0 or more), not {raw!r}")
    return value


def connect(path: Path, *, read_only: bool, wait_seconds: float | None = None,
            create: bool = True) -> duckdb.DuckDBPyConnection:
    """Open the database, retrying while another process holds it (DuckDB allows one writer process).

    Read-only opens never create the file; writable opens apply migrations, and create a missing file only when
    `create` (open_store, what commands and pages use, never creates).
    """
    path = Path(path)
    wait_seconds = default_wait() if wait_seconds is None else wait_seconds
    check_database_file(path, read_only=read_only, create=create)
    deadline = time.monotonic() + wait_seconds
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only, config=_CONFIG)
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
                raise StoreError("unopenable", f"Cannot open {path}: {_first_line(exc)}", path) from exc
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
        except duckdb.Error as exc:      # a damaged file, a DuckDB format this version cannot read, ...
            raise StoreError("unopenable", f"Cannot open {path}: {_first_line(exc)}", path) from exc
    try:
        if read_only:
            _check_readable_once(con, path)
        else:
            migrations.migrate(con)
    except Exception:
        con.close()
        raise
    return con


# Files found readable, by identity: a snapshot never changes, so its schema is checked on its first open only (two
# catalog queries on every page's every connection otherwise); a store written since has another identity.
_READABLE: set[tuple] = set()


def _check_readable_once(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """`migrations.check_readable`, skipped for a file already found readable by this process as it is now."""
    try:
        stat = path.stat()
        key = (str(path.resolve()), stat.st_ino, stat.st_mtime_ns, stat.st_size, migrations.latest_version())
    except OSError:
        key = None
    if key is not None and key in _READABLE:
        return
    migrations.check_readable(con, path)
    if key is not None:
        if len(_READABLE) > 1000:       # a long-running server sees many snapshots come and go
            _READABLE.clear()
        _READABLE.add(key)


@contextmanager
def _reading(path: Path, wait_seconds: float | None, *, upgrade: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the store's current snapshot (etl.snapshots), held until it closes. With
    `upgrade`, a store of an older schema is first migrated (a write, which publishes a snapshot of it)."""
    from etl import snapshots  # local import: snapshots builds on this module

    try:
        con, lease = snapshots.open_reader(path, wait_seconds)
    except StoreError as exc:
        if not upgrade or exc.code != "old":
            raise
        with open_store(path, read_only=False, wait_seconds=wait_seconds):
            pass  # migrates; letting go publishes a snapshot of the new schema
        con, lease = snapshots.open_reader(path, wait_seconds)
    try:
        yield con
    finally:
        con.close()
        if lease is not None:
            lease.release()


@contextmanager
def open_store(path: Path, *, read_only: bool, wait_seconds: float | None = None,
               create: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Context manager around `connect` that always closes, so the file is never held between operations.

    Reading opens the store's current snapshot (etl.snapshots), so it never waits for a writer. Writing holds the
    etl writer lock (writers wait for writers) and, once the connection is closed, publishes a new snapshot.
    Never creates a database unless asked: `etl batches --db typo.duckdb` says the file does not exist.
    """
    if read_only:
        with _reading(path, wait_seconds) as con:
            yield con
        return
    from etl import snapshots

    check_database_file(path, read_only=False, create=create)   # before the lock's folder is made beside it
    with snapshots.writing(path, wait_seconds):
        con = connect(path, read_only=False, wait_seconds=wait_seconds, create=create)
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
    to write), so readers never refuse a database this program can read. Reads the current snapshot, like
    `open_store`."""
    with _reading(path, wait_seconds, upgrade=True) as con:
        yield con


@contextmanager
def new_database_file(target: Path, *, migrate: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a new database file built beside `target` and moved into place only when the
    block finishes without error, so readers see the old file or the complete new one, never a half."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(target.name + ".building")
    leftovers = (temp, temp.with_name(temp.name + ".wal"))
    for leftover in leftovers:
        leftover.unlink(missing_ok=True)
    con = connect(temp, read_only=False, create=True) if migrate else duckdb.connect(str(temp), config=_CONFIG)
    try:
        yield con
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        for leftover in leftovers:
            leftover.unlink(missing_ok=True)
        raise
    con.close()
    from etl import snapshots

    try:
        # Under the writer lock, so no load writes into the file being replaced; letting go publishes the new one.
        with snapshots.writing(target, max(default_wait(), REPLACE_WAIT_SECONDS)):
            os.replace(temp, target)
            target.with_name(target.name + ".wal").unlink(missing_ok=True)
    except BaseException:
        for leftover in leftovers:
            leftover.unlink(missing_ok=True)
        raise


def _rollback_quietly(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back if a transaction is still open. A failed COMMIT (a full disk, say) has already ended it, and
    DuckDB then answers ROLLBACK with "no transaction is active": that must not hide the real error."""
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection, path: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN ... COMMIT around the block; on any error everything is rolled back and the original error raised.

    A COMMIT that fails (no space left on the device, a read-only file system) becomes StoreError("write_failed")
    carrying DuckDB's own first line, never the follow-up "cannot rollback - no transaction is active".
    """
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        _rollback_quietly(con)
        raise
    try:
        con.execute("COMMIT")
    except duckdb.Error as exc:
        _rollback_quietly(con)
        where = f" to {path}" if path else ""
        raise StoreError("write_failed", f"Nothing was saved{where}: {_first_line(exc)}", path) from exc
