"""Loading one file of one kind: read, validate against the store opened read-only, then take the write lock only
to write it, all or nothing."""
from __future__ import annotations

import dataclasses
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

import duckdb

from etl import limits as work_limits
from etl import migrations
from etl import snapshots
from etl.access import Actor
from etl.batches import DatasetExists, batch_transaction, file_sha256
from etl.db import StoreError, check_database_file, default_wait, first_row, open_for_reading, open_store
from etl.limits import DEFAULT_LIMITS, Limits
from etl.loaders import PLANNED_KINDS, registry
from etl.problems import LoadRejected, LoadResult, Problem
from etl.readers import ReadProblem, read_table
from etl.releases import ReleasedBatch, refuse_if_released
from etl.tabular import Sheet

DEFAULT_MAX_BYTES = DEFAULT_LIMITS.max_file_bytes
# Work folders are named by the process that made them, so a later start can tell a dead load's leftovers
# (a killed process runs no `finally`) from a running one's: par-load-<pid>-<random>.
WORK_PREFIX = "par-load-"
LEGACY_WORK_AGE = 24 * 3600  # folders of older versions (no pid in the name) go once a day old
# Rows written beside the data that do not count as the batch's rows (units a load creates, field indices).
UNCOUNTED_TABLES = {"unit", "unit_name", "par_field_index", "par_component"}
# Kinds staged inside DuckDB (surveys): stagings against a store that changed before the write lock was taken,
# after which the load is refused (each staging is checked again; a store busy with loads makes this rare).
STAGING_ATTEMPTS = 3


class KindNotAvailable(Exception):
    """The kind is named by the command line but its loader is not part of this version."""


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # another user's live process, or not a pid we can ask about: leave it
    return True


def remove_stale_work_dirs(root: str | Path | None = None) -> list[Path]:
    """Remove par-load-<pid>-* folders (ours, in the temp folder) whose process is gone; returns what went.

    Called when etl.load is imported (the app, the command line) so a killed load's copies do not pile up."""
    root = Path(root or tempfile.gettempdir())
    removed = []
    try:
        entries = list(root.iterdir())
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(WORK_PREFIX):
            continue
        try:
            info = entry.lstat()
            if not entry.is_dir() or entry.is_symlink() or info.st_uid != os.getuid():
                continue
            pid_text = entry.name[len(WORK_PREFIX):].split("-", 1)[0]
            if pid_text.isdigit() and "-" in entry.name[len(WORK_PREFIX):]:
                stale = not _pid_alive(int(pid_text))
            else:  # a folder of a version before pids were in the name
                stale = time.time() - info.st_mtime > LEGACY_WORK_AGE
        except OSError:
            continue
        if stale:
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def _from_read_problem(exc: ReadProblem) -> Problem:
    return Problem(exc.file, exc.row, exc.column, exc.value, exc.message_en, exc.message_vi)


def load_file(
    db_path: Path,
    kind: str,
    path: Path,
    *,
    display_name: str | None = None,
    source: str = "upload",
    user: str | None = None,
    options: dict | None = None,
    max_bytes: int | None = None,
    wait_seconds: float | None = None,
    progress: Callable[[float, str], None] | None = None,
    actor: Actor | None = None,
    limits: Limits | None = None,
) -> LoadResult:
    """Load `path` as `kind`. Raises LoadRejected (nothing written) with every problem found,
    OptionError for options that do not fit the kind, KindNotAvailable for an unknown kind.
    `progress(fraction, step)` hears how a large load advances (kinds staged in the database only).
    `actor` is who loads (default: the local command-line user); a viewer is refused before any work.
    `limits` bound the work the file may make (etl.limits; default DEFAULT_LIMITS); `max_bytes` overrides
    their file size limit. The file is read and checked against them before the database is opened to write."""
    if actor is not None:
        actor.require("load")
    specs = registry()
    if kind not in specs:
        if kind in PLANNED_KINDS:
            raise KindNotAvailable(f"loading '{kind}' ({PLANNED_KINDS[kind]}) is not available in this version yet")
        raise KindNotAvailable(f"unknown kind '{kind}'; choose one of: {', '.join(sorted(specs))}")
    spec = specs[kind]
    options = spec.check_options(dict(options or {}))
    name = display_name or Path(path).name
    limits = limits or DEFAULT_LIMITS
    if max_bytes is not None:
        limits = dataclasses.replace(limits, max_file_bytes=max_bytes)
    with work_limits.scope(limits):
        if spec.stage is not None:
            return _load_in_database(db_path, spec, Path(path), name, source=source, user=user, actor=actor,
                                     options=options, max_bytes=limits.max_file_bytes, wait_seconds=wait_seconds,
                                     progress=progress)
        return _load_table(db_path, spec, Path(path), name, source=source, user=user, actor=actor, options=options,
                           wait_seconds=wait_seconds)


def store_state(con: duckdb.DuckDBPyConnection) -> tuple | None:
    """What every check against the store rests on, in one row: a load, replacement, removal, build or restore
    committed since changes it. Compared between the checks (read-only) and the write (under the write lock)."""
    return first_row(con, "SELECT count(*), max(batch_id), max(loaded_at), max(changed_at) FROM batch")


def _load_table(db_path: Path, spec, path: Path, name: str, *, source: str, user: str | None, actor: Actor | None,
                options: dict, wait_seconds: float | None) -> LoadResult:
    """A kind read whole by etl.readers (all limits checked there), matched and validated on a read-only
    connection, then written under the write connection.

    The write connection re-checks only when the store changed in between (another load or removal committed):
    then the validation runs again on it, against what is there now; otherwise it only inserts."""
    kind = spec.kind
    expected = [alias for column in spec.columns for alias in column.aliases[:1]]
    try:
        table = read_table(path, display_name=name, expected_headers=expected, sheet=options.get("sheet"))
    except ReadProblem as exc:
        raise LoadRejected([_from_read_problem(exc)]) from exc
    digest = file_sha256(Path(path))
    with open_for_reading(db_path, wait_seconds=wait_seconds) as con:
        state = store_state(con)
        frames, problems = _validate_table(con, spec, table, name, options, digest)
    with open_store(db_path, read_only=False, wait_seconds=wait_seconds) as con:
        if store_state(con) != state:
            frames, problems = _validate_table(con, spec, table, name, options, digest)
        key = spec.dataset_key({**options, "source": source})
        try:
            with batch_transaction(con, kind=kind, source=source, file_name=name, sha256=digest, user=user, actor=actor,
                                   dataset_key=key, replace=bool(options.get("replace"))) as writer:
                for table_name, frame in frames.items():
                    writer.insert(table_name, frame, count=table_name not in UNCOUNTED_TABLES)
        except DatasetExists as exc:
            raise LoadRejected([Problem(
                name, None, None, None,
                f"{exc.dataset_key} is already loaded as batch {exc.batch_id}; load with --replace to replace it "
                "(the earlier batch is kept and comes back if you remove the new one)",
                f"{exc.dataset_key} đã có (lô {exc.batch_id}); nạp với --replace để thay thế "
                "(lô cũ được giữ lại và trở lại nếu gỡ lô mới)")]) from exc
        except ReleasedBatch as exc:
            raise _released(name, exc) from exc
        return LoadResult(writer.batch_id, kind, writer.rows, name, [p for p in problems if p.severity == "warning"],
                          writer.replaced_batch_id)


def _validate_table(con: duckdb.DuckDBPyConnection, spec, table, name: str, options: dict,
                    digest: str) -> tuple[dict, list[Problem]]:
    """The header rule, the same-file check and the kind's own validation (lookups only: `con` may be read-only);
    the frames to insert and every problem, or LoadRejected."""
    sheet = Sheet(table, name, spec.columns, spec.dynamic(con, options) if spec.dynamic else None)
    header_errors = [p for p in sheet.problems if p.severity == "error"]
    if header_errors:
        # Report every problem in one pass: check what can still be checked despite the header, but do not
        # repeat a missing column's problem on every row. A loader that cannot go on without the column
        # (it returns early or fails) leaves the header problems alone.
        try:
            _, row_problems = spec.validate(con, sheet, options)
        except (KeyError, ValueError, TypeError, IndexError):
            row_problems = []
        broken = {p.column for p in header_errors}
        raise LoadRejected(sheet.problems + [p for p in row_problems
                                             if p.column not in broken and p.row != sheet.table.header_row])
    same = first_row(con, "SELECT batch_id FROM batch WHERE kind = ? AND sha256 = ? AND status = 'current'",
                     [spec.kind, digest])
    if same:
        raise LoadRejected([Problem(
            name, None, None, None,
            f"this file was already loaded as batch {same[0]}; remove that batch first to load it again",
            f"tệp này đã được nạp (lô {same[0]}); hãy gỡ lô đó trước nếu muốn nạp lại")])
    frames, problems = spec.validate(con, sheet, options)
    problems = sheet.problems + problems
    if any(p.severity == "error" for p in problems):
        raise LoadRejected(problems)
    return frames, problems


def _busy(exc: Exception) -> bool:
    """Another holder of the store (the same rule as opening it: etl.db)."""
    from etl.db import _is_lock_error   # local import: the same check, not a copy

    return _is_lock_error(exc)


def _attach_store(con: duckdb.DuckDBPyConnection, db_path: Path, *, read_only: bool,
                  wait_seconds: float | None) -> None:
    """ATTACH the store as `store` and make it the default database, waiting (as etl.db.connect does) while
    another process holds it."""
    wait_seconds = default_wait() if wait_seconds is None else wait_seconds
    deadline = time.monotonic() + wait_seconds
    delay = 0.05
    literal = "'" + str(db_path).replace("'", "''") + "'"
    mode = "READ_ONLY" if read_only else "READ_WRITE"
    while True:
        try:
            con.execute(f"ATTACH {literal} AS store ({mode})")
            break
        except duckdb.Error as exc:
            if _busy(exc) and time.monotonic() < deadline:
                time.sleep(delay)
                delay = min(delay * 2, 0.5)
                continue
            if _busy(exc):
                raise StoreError("busy", f"Database {db_path} is busy: another process is writing to it. "
                                         "Try again in a moment.", db_path) from exc
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StoreError("unopenable", f"Cannot open {db_path}: {first}", db_path) from exc
    con.execute("USE store")
    migrations.check_readable(con, db_path)


# DuckDB's memory limit while its reader reads a file into a table, under the default load limit. Measured on a
# 1,000,000-respondent SIPAS file (92 MB): the read took 2.3 s in a load under 256 MB and 1.3 s under 1 GB (on its own:
# 2.7-3.1 s under 256-512 MB, 1.5-1.9 s from 640 MB up), with the same peak memory (the process's, 225-290 MB either
# way, and the whole load's, 439-462 MB); the later steps keep the lower limit, under which the write holds less.
READ_MEMORY = "1GB"


def staging_memory() -> tuple[str, str | None]:
    """DuckDB's memory limits while a load stages, types, checks and writes a file: (the load's, the reader's).

    The load's: PAR_LOAD_MEMORY (e.g. '1GB'), else 256 MB; past it DuckDB spills to the load's work folder, so a
    million-row file stays within a small machine's memory beside the app (measured: a 1,000,000-respondent SIPAS
    load peaks at about 450 MB in all, Python and its libraries included; at 300 MB it reached 500 MB, with no time
    gained). The reader's (etl.loaders.survey_read, while DuckDB reads the file): READ_MEMORY under the default,
    which made the read faster without a higher peak; None when PAR_LOAD_MEMORY is set, which holds for it too."""
    raw = os.environ.get("PAR_LOAD_MEMORY", "").strip()
    if raw and not re.fullmatch(r"\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)", raw, flags=re.IGNORECASE):
        raise StoreError("config", f"PAR_LOAD_MEMORY must be a size such as 300MB or 1GB, not {raw!r}")
    return (raw, None) if raw else ("256MB", READ_MEMORY)


@contextmanager
def staging_connection(db_path: Path, workdir: Path, wait_seconds: float | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB (spilling to `workdir`) with the store's current snapshot (etl.snapshots; the store
    itself when it has none) attached READ_ONLY as its default database: a loader reads, types and checks a file
    here, in temp tables, without waiting for another load's write, while every reader goes on reading. DuckDB
    refuses any write to the store through it until `take_write_lock`."""
    with open_for_reading(db_path, wait_seconds=wait_seconds):
        pass  # the store is a database of this schema (an older one is upgraded first)
    spill = workdir / "spill"
    spill.mkdir(exist_ok=True)
    load_memory, read_memory = staging_memory()
    con = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False, "temp_directory": str(spill),
                                             "memory_limit": load_memory})
    # The limits survey_read's reader switches between (its _reader_memory), kept with the connection.
    con.execute("SET VARIABLE par_load_memory = ?", [load_memory])
    con.execute("SET VARIABLE par_read_memory = ?", [read_memory])
    pin, lease = snapshots.hold(db_path)
    try:
        try:
            _attach_store(con, pin.path, read_only=True, wait_seconds=wait_seconds)
        except StoreError as exc:
            if pin.generation is None:
                raise
            raise snapshots.as_database(exc, pin) from exc.__cause__
        yield con
    finally:
        con.close()
        if lease is not None:
            lease.release()


def take_write_lock(con: duckdb.DuckDBPyConnection, db_path: Path, wait_seconds: float | None,
                    lock: snapshots.WriteLock) -> None:
    """Attach the store of a staging connection again, for writing: from here on this process holds the etl writer
    lock (`lock`, let go after the staging connection closes, which publishes the snapshot) and DuckDB's own.
    The connection's temp tables (what was staged) stay."""
    con.execute("USE memory")
    con.execute("DETACH store")
    check_database_file(db_path, read_only=False)
    lock.acquire(wait_seconds)
    _attach_store(con, db_path, read_only=False, wait_seconds=wait_seconds)


def _load_in_database(db_path: Path, spec, path: Path, name: str, *, source: str, user: str | None,
                      actor: Actor | None, options: dict,
                      max_bytes: int, wait_seconds: float | None, progress) -> LoadResult:
    """A kind staged and checked inside DuckDB (surveys), then written in one batch transaction.

    Without the write lock, in a work folder that goes with this call (and, if the process is killed, at the next
    start): the limits (etl.limits) over the whole file and the transcoding to UTF-8; then the loader's read,
    typing and every check, on a staging connection with the store attached read-only (`staging_connection`).
    Then the same connection attaches the store for writing: if a load or removal committed in between, the
    file is staged again against the store as it is now (up to STAGING_ATTEMPTS times); otherwise the staged rows
    are inserted in one batch transaction, which is all that runs under the lock."""
    from etl.loaders.survey_read import ReadRejected, prescan

    digest = file_sha256(path)
    with tempfile.TemporaryDirectory(prefix=f"{WORK_PREFIX}{os.getpid()}-") as work:
        workdir = Path(work)
        try:
            prescan(path, name, workdir, max_bytes=max_bytes)
        except ReadProblem as exc:
            raise LoadRejected([_from_read_problem(exc)]) from exc
        except ReadRejected as exc:
            raise LoadRejected(exc.problems) from exc
        # Readers must have a snapshot before this load takes the store: a store that has none yet (copied in,
        # never opened by a page) would otherwise be read directly, and wait while the load writes.
        snapshots.refresh(db_path)
        for _attempt in range(STAGING_ATTEMPTS):
            # The writer lock is entered first so it is let go last: the snapshot is copied from a closed store.
            with snapshots.WriteLock(db_path) as lock, staging_connection(db_path, workdir, wait_seconds) as con:
                state = store_state(con)
                if options.get("replace_batch") is not None:    # refused before the file is read, and again below
                    try:
                        refuse_if_released(con, options["replace_batch"], "replace")
                    except ReleasedBatch as exc:
                        raise _released(name, exc) from exc
                staged = spec.stage(con, path, name, options, sha256=digest, source=source, max_bytes=max_bytes,
                                    workdir=workdir, progress=progress)
                take_write_lock(con, db_path, wait_seconds, lock)
                if store_state(con) != state:
                    continue  # checked against a store that has changed since: check again, without the lock
                try:
                    with batch_transaction(con, kind=spec.kind, source=source, file_name=name, sha256=digest,
                                           user=user, actor=actor,
                                           dataset_key=spec.dataset_key({**options, "source": source}),
                                           note=staged.note) as writer:
                        staged.write(writer)
                except ReleasedBatch as exc:
                    raise _released(name, exc) from exc
                return staged.finish(writer)
    raise LoadRejected([Problem(
        name, None, None, None,
        f"the database changed {STAGING_ATTEMPTS} times while this file was being checked (other loads or removals); "
        "nothing was written: load it again in a moment",
        f"cơ sở dữ liệu đã thay đổi {STAGING_ATTEMPTS} lần trong khi kiểm tra tệp này (có lô khác được nạp hoặc gỡ); "
        "chưa ghi gì: hãy nạp lại sau ít phút")])


def _released(name: str, exc: ReleasedBatch) -> LoadRejected:
    """A load refused because it would replace a released batch (etl.releases), as a problem report."""
    return LoadRejected([Problem(name, None, None, None, str(exc), exc.message_vi)])


remove_stale_work_dirs()
