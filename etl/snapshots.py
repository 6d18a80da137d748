"""Snapshots of the store: readers open an immutable copy, so a reader never waits for a writer.

Beside the database `par.duckdb`, the folder `par.duckdb.snapshots/` holds:

- `<generation>.duckdb`: a complete copy of the store as a committed write left it (generations are publish times in
  nanoseconds, so they sort by age);
- `CURRENT`: JSON naming the generation readers open and the stamp of the database it copies (`stamp`);
- `write.lock`: held (flock LOCK_EX) by every etl write path for its write and the publish that follows.

Every etl write (etl.db.open_store(read_only=False), etl.db.new_database_file, a load's write lock) holds the writer
lock (`WriteLock`). When the outermost holder lets go, with its DuckDB connection closed, the database is copied to a
new generation while a read-only DuckDB connection keeps any other process from writing, and CURRENT is replaced in
one rename (`publish`). Readers resolve CURRENT once (`resolve`; the app once per script run) and hold a shared flock
on the snapshot file while they have it open (`Lease`); `cleanup` removes superseded snapshots no reader holds once
GRACE_SECONDS have passed since a newer one was published.

The database itself is read, as before snapshots, when it has none (an older database, a file copied without its
folder) or when it changed since its snapshot while no etl writer runs (someone wrote outside etl).

The shared flock is taken on the snapshot file itself. On Linux flock and DuckDB's fcntl locks are independent; closing
our descriptor drops this process's fcntl locks on that file, which is harmless because nothing ever writes a snapshot.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Self

import duckdb

from etl import db as store_db
from etl.db import StoreError

GRACE_SECONDS = 60.0        # a superseded snapshot stays this long (a page resolves once, then opens it per figure)
PUBLISH_GUARD_SECONDS = 2.0  # how long a publish waits for another process to stop writing the database
HEADER_BYTES = 3 * 4096     # DuckDB's file header and its two database headers: every checkpoint rewrites one
POINTER = "CURRENT"
LOCK_FILE = "write.lock"
SUFFIX = ".duckdb"
TEMP_SUFFIX = ".tmp"
_log = logging.getLogger(__name__)
_thread = threading.local()  # .locks {lock path: [fd, depth]}, .published {folder: generation}


class SnapshotGone(Exception):
    """The snapshot a reader resolved was removed before it was opened: resolve again."""


def snapshot_dir(db: Path) -> Path:
    """The folder of `db`'s snapshots: `<db>.snapshots` beside the database file (links followed)."""
    real = Path(os.path.realpath(db))
    return real.with_name(real.name + ".snapshots")


def stamp(db: Path) -> tuple | None:
    """What identifies the database's content on disk: file identity, size, mtime, a hash of DuckDB's headers (which
    every checkpoint rewrites, whatever the clock's resolution) and the write-ahead log. None without a file."""
    db = Path(db)
    try:
        with open(db, "rb") as fh:
            info = os.fstat(fh.fileno())
            head = fh.read(HEADER_BYTES)
    except OSError:
        return None
    try:
        wal_info = os.stat(db.with_name(db.name + ".wal"))
        wal = (wal_info.st_size, wal_info.st_mtime_ns)
    except OSError:
        wal = None
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns,
            hashlib.blake2b(head, digest_size=16).hexdigest(), wal)


def _freeze(value):
    return tuple(_freeze(v) for v in value) if isinstance(value, list) else value


@dataclass(frozen=True)
class Pointer:
    """CURRENT: the generation readers open and the stamp of the database when it was copied."""
    generation: str
    stamp: tuple


def current(db: Path) -> Pointer | None:
    """The snapshot readers of `db` open now, or None when there is none (or CURRENT cannot be read)."""
    try:
        doc = json.loads((snapshot_dir(db) / POINTER).read_text("utf-8"))
        generation = str(doc["generation"])
        if not generation.isdigit():       # it becomes a file name
            return None
        return Pointer(generation, _freeze(doc["stamp"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


@dataclass(frozen=True)
class Pin:
    """What one reader reads: a snapshot generation, or (generation None) the database file itself."""
    db: Path
    generation: str | None
    stamp: tuple | None

    @property
    def path(self) -> Path:
        """The file to open read-only."""
        if self.generation is None:
            return self.db
        return snapshot_dir(self.db) / f"{self.generation}{SUFFIX}"


def writer_active(db: Path) -> bool:
    """Whether an etl writer holds `db`'s writer lock now (this thread included)."""
    try:
        fd = os.open(snapshot_dir(db) / LOCK_FILE, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)        # also lets go of the shared lock if it was granted
    return False


def resolve(db: Path) -> Pin:
    """What a reader of `db` should read now: the current snapshot when it copies the database, or while an etl
    writer runs (the snapshot is then the last committed state); otherwise the database itself."""
    db = Path(db)
    for _ in range(3):
        pointer = current(db)
        if pointer is None:
            break
        now = stamp(db)
        if now is None:
            break                       # no database there: the caller says so
        if pointer.stamp == now or writer_active(db):
            return Pin(db, pointer.generation, pointer.stamp)
        if current(db) == pointer:      # no writer, no newer snapshot: the database was written outside etl
            break
    return Pin(db, None, stamp(db))


class Lease:
    """A shared flock on a snapshot file, held while a reader has it open, so `cleanup` leaves the file alone."""

    def __init__(self, fd: int):
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def lease(pin: Pin) -> Lease | None:
    """Hold the snapshot `pin` names (None for the database itself); SnapshotGone if it was removed meanwhile."""
    if pin.generation is None:
        return None
    try:
        fd = os.open(pin.path, os.O_RDONLY)
    except OSError as exc:
        raise SnapshotGone(str(pin.path)) from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)      # `cleanup` holds LOCK_EX only for the unlink
        if os.fstat(fd).st_nlink == 0:      # unlinked between our open and our lock
            raise SnapshotGone(str(pin.path))
    except BaseException:
        os.close(fd)
        raise
    return Lease(fd)


def hold(db: Path) -> tuple[Pin, Lease | None]:
    """Resolve what readers of `db` read now and hold it: a snapshot with its lease, or the database (no lease)."""
    db = Path(db)
    for _ in range(3):
        pin = resolve(db)
        try:
            return pin, lease(pin)
        except SnapshotGone:
            continue
    return Pin(db, None, stamp(db)), None


def as_database(exc: StoreError, pin: Pin) -> StoreError:
    """A StoreError met opening a snapshot, told about the database (users know the database, not its copies)."""
    return StoreError(exc.code, str(exc).replace(str(pin.path), str(pin.db)), pin.db)


_UNUSABLE = ("missing", "unreadable", "not_duckdb", "unopenable", "folder")  # a damaged copy: read the database


def _connect_pinned(pin: Pin, held: Lease | None, wait_seconds: float | None) -> duckdb.DuckDBPyConnection:
    try:
        return store_db.connect(pin.path, read_only=True, wait_seconds=wait_seconds, create=False)
    except StoreError as exc:
        if held is not None:
            held.release()
        if pin.generation is None:
            raise
        if exc.code in _UNUSABLE:
            _log.warning("snapshot %s cannot be read (%s); reading the database itself", pin.path, exc)
            raise SnapshotGone(str(pin.path)) from exc
        raise as_database(exc, pin) from exc.__cause__


def open_reader(db: Path, wait_seconds: float | None = None) -> tuple[duckdb.DuckDBPyConnection, Lease | None]:
    """A read-only connection to what readers of `db` read now, and the lease to let go of after closing it.

    A wrong path is refused as etl.db.connect refuses it, whatever the snapshot folder holds. The database itself is
    read only without a usable snapshot; if a writer took it in the meantime, its snapshot is read instead."""
    db = Path(db)
    store_db.check_database_file(db, read_only=True)
    pin, held = hold(db)
    if pin.generation is not None:
        try:
            return _connect_pinned(pin, held, wait_seconds), held
        except SnapshotGone:
            pass                        # a damaged copy: the database itself is read
    try:
        return store_db.connect(db, read_only=True, wait_seconds=wait_seconds), None
    except StoreError as exc:
        if exc.code != "busy":
            raise
        pin, held = hold(db)            # busy: an etl writer may have started after we resolved
        if pin.generation is None:
            raise
        try:
            return _connect_pinned(pin, held, wait_seconds), held
        except SnapshotGone:
            raise exc                   # the busy error, with DuckDB's own words as its cause


@contextmanager
def reading(pin: Pin, wait_seconds: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to exactly what `pin` names (the app's cached figures: the key is the pin);
    SnapshotGone if that snapshot was removed."""
    held = lease(pin)
    con = _connect_pinned(pin, held, wait_seconds)
    try:
        yield con
    finally:
        con.close()
        if held is not None:
            held.release()


# --- writing ------------------------------------------------------------------------------------------------------

def _locks() -> dict:
    if not hasattr(_thread, "locks"):
        _thread.locks = {}
    return _thread.locks


def _published() -> dict:
    if not hasattr(_thread, "published"):
        _thread.published = {}
    return _thread.published


def published_here(db: Path) -> str | None:
    """The latest generation of `db` this thread published (the app moves a page on to what it wrote itself)."""
    return _published().get(str(snapshot_dir(db)))


class WriteLock:
    """The etl writer lock of one database: writers wait for writers (PAR_DB_WAIT), readers never wait for it.

    `with WriteLock(db) as lock:` holds nothing until `lock.acquire()`; leaving the block lets go. Reentrant within a
    thread (a write path that calls another). The outermost holder, on letting go, publishes a snapshot if the
    database changed (`publish`) and removes the snapshots no reader needs (`cleanup`): call it after closing the
    connection that wrote."""

    def __init__(self, db: Path, *, guard_seconds: float = PUBLISH_GUARD_SECONDS):
        self.db = Path(db)
        self.guard_seconds = guard_seconds
        self._key = str(snapshot_dir(self.db) / LOCK_FILE)
        self._held = False

    def acquire(self, wait_seconds: float | None = None) -> None:
        if self._held:
            return
        locks = _locks()
        if self._key in locks:
            locks[self._key][1] += 1
            self._held = True
            return
        wait_seconds = store_db.default_wait() if wait_seconds is None else wait_seconds
        path = Path(self._key)
        try:
            path.parent.mkdir(exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError("unwritable", f"Cannot write to {self.db}: {exc.strerror or exc}", self.db) from exc
        deadline = time.monotonic() + wait_seconds
        delay = 0.05
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                left = deadline - time.monotonic()
                if left <= 0:
                    os.close(fd)
                    raise StoreError("busy", f"Database {self.db} is busy: another process is writing to it. "
                                             "Try again in a moment.", self.db) from None
                time.sleep(min(delay, left))
                delay = min(delay * 2, 0.5)
        locks[self._key] = [fd, 1]
        self._held = True

    def release(self) -> None:
        if not self._held:
            return
        self._held = False
        locks = _locks()
        entry = locks[self._key]
        entry[1] -= 1
        if entry[1]:
            return
        try:
            try:
                publish(self.db, guard_seconds=self.guard_seconds)
            except (OSError, duckdb.Error, StoreError) as exc:
                # What was committed stays committed; readers read the database itself until the next publish.
                _log.warning("no new snapshot of %s: %s", self.db, exc)
            cleanup(self.db, temps=True)
        finally:
            del locks[self._key]
            os.close(entry[0])

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc) -> None:
        self.release()


@contextmanager
def writing(db: Path, wait_seconds: float | None = None) -> Iterator[WriteLock]:
    """Hold `db`'s writer lock for the block (StoreError "busy" after `wait_seconds`); publish when it ends."""
    with WriteLock(db) as lock:
        lock.acquire(wait_seconds)
        yield lock


def _quiet_database(db: Path, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    """A read-only DuckDB connection to `db`: while it is open no process (nor connection of ours) writes it."""
    deadline = time.monotonic() + wait_seconds
    delay = 0.05
    while True:
        try:
            return duckdb.connect(str(db), read_only=True, config=store_db._CONFIG)
        except duckdb.Error as exc:
            if not store_db._is_lock_error(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def publish(db: Path, *, guard_seconds: float = PUBLISH_GUARD_SECONDS) -> str | None:
    """Copy `db` to a new snapshot and make it current; its generation, or None when the current snapshot already
    copies the database (nothing was written) or the database has a write-ahead log left by a writer outside etl.

    Call with the writer lock held and every connection of this process that wrote to `db` closed."""
    db = Path(db)
    folder = snapshot_dir(db)
    pointer = current(db)

    def copied(now: tuple | None) -> bool:
        return (pointer is not None and pointer.stamp == now
                and (folder / f"{pointer.generation}{SUFFIX}").exists())

    if copied(stamp(db)):
        return None                     # checked again under the guard only when there is something to copy
    guard = _quiet_database(db, guard_seconds)
    try:
        now = stamp(db)
        if now is None or now[-1] is not None or copied(now):
            return None
        generation = time.time_ns()
        if pointer is not None and generation <= int(pointer.generation):
            generation = int(pointer.generation) + 1      # a clock set back: generations still sort
        name = f"{generation:020d}"
        folder.mkdir(exist_ok=True)
        temp = folder / f".{name}{SUFFIX}{TEMP_SUFFIX}"
        try:
            shutil.copyfile(db, temp)
            with open(temp, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(temp, folder / f"{name}{SUFFIX}")
            pointer_temp = folder / f".{POINTER}{TEMP_SUFFIX}"
            _write_synced(pointer_temp, json.dumps({"generation": name, "stamp": now}).encode("utf-8"))
            os.replace(pointer_temp, folder / POINTER)
            _fsync_dir(folder)
        finally:
            temp.unlink(missing_ok=True)
    finally:
        guard.close()
    _published()[str(folder)] = name
    return name


def _remove_unheld(path: Path) -> bool:
    """Unlink a snapshot file unless a reader holds it (their LOCK_SH blocks our LOCK_EX)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.unlink(path)
        return True
    except OSError:            # BlockingIOError: held by a reader
        return False
    finally:
        os.close(fd)


def cleanup(db: Path, grace_seconds: float = GRACE_SECONDS, *, temps: bool = False) -> list[Path]:
    """Remove `db`'s snapshots that are not current, no reader holds, and were superseded more than `grace_seconds`
    ago; with `temps` (the caller holds the writer lock, so no copy is in progress) leftover temporary copies too.
    Returns what was removed."""
    folder = snapshot_dir(db)
    pointer = current(db)
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    removed = []
    if temps:
        for name in names:
            if name.startswith(".") and name.endswith(TEMP_SUFFIX):
                (folder / name).unlink(missing_ok=True)
                removed.append(folder / name)
    if pointer is None:
        return removed                  # without CURRENT nothing says which copy readers use: keep them all
    generations = sorted(n[:-len(SUFFIX)] for n in names if n.endswith(SUFFIX) and n[:-len(SUFFIX)].isdigit())
    now = time.time_ns()
    for i, generation in enumerate(generations):
        if int(generation) >= int(pointer.generation):
            continue                    # the current one (or a newer one whose CURRENT is being written)
        superseded = int(generations[i + 1])    # published when the next one was (an upper bound if it is gone)
        if now - superseded < grace_seconds * 1e9:
            continue
        path = folder / f"{generation}{SUFFIX}"
        if _remove_unheld(path):
            removed.append(path)
    return removed


def refresh(db: Path) -> str | None:
    """Publish a snapshot of `db` when readers have none that copies it (an older database, a write outside etl),
    and tidy superseded ones; never waits (a running writer publishes when done) and never raises for a database
    that cannot be copied now. The new generation, or None."""
    db = Path(db)
    try:
        store_db.check_database_file(db, read_only=True)
    except StoreError:
        return None                     # the reader that follows says what is wrong
    pointer = current(db)
    if pointer is not None and pointer.stamp == stamp(db):
        cleanup(db)
        return None
    lock = WriteLock(db, guard_seconds=0)
    try:
        lock.acquire(0)
    except StoreError:
        return None
    lock.release()                      # publishes
    after = current(db)
    return after.generation if after is not None and after != pointer else None
