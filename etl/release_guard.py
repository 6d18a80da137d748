"""Releases survive a rebuild or a restore: a store holding releases is never replaced without them unless asked.

`etl build` makes a fresh store (reference, published and demo data, no releases); `etl restore` makes a store from
a backup, which holds the releases made before the backup was taken. Either would silently drop releases, the
announced figures and their history of corrections, if it replaced a store holding more. Both refuse, naming the
releases and how to proceed; with `--force` they go ahead and the new store's audit log names every release
dropped (action `releases_dropped`), so the loss is recorded where the next reader looks.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from etl.access import Actor, local_actor, write_audit
from etl.db import StoreError, connect
from etl.releases import ReleaseRefused, Scope

_COLUMNS = ["release_id", "scope", "scope_key", "year", "title", "decision"]
# A file that is no database, or a database never built, holds no release: replacing it loses none.
_NOTHING_STORED = ("missing", "not_duckdb", "empty")


@dataclass(frozen=True)
class StoredRelease:
    """A release as another store records it; equal in two stores when id, scope, year and decision agree."""

    release_id: int
    scope: str
    scope_key: str
    year: int
    title: str
    decision: str

    def key(self) -> tuple:
        return self.release_id, self.scope, self.scope_key, self.year, self.decision

    def label(self, lang: str = "en") -> str:
        return f"{self.release_id} ({Scope(self.scope, self.scope_key, self.year).label(lang)}, {self.decision}: " \
               f"{self.title})"


class ReleasesWouldBeLost(ReleaseRefused):
    """A build or restore refused because the store it replaces holds releases the new one lacks; nothing was
    written."""

    def __init__(self, lost: list[StoredRelease], message_en: str, message_vi: str):
        self.lost = lost
        super().__init__(message_en, message_vi)


def _rows(records) -> list[StoredRelease]:
    return [StoredRelease(int(r[0]), str(r[1]), str(r[2]), int(r[3]), str(r[4]), str(r[5])) for r in records]


def releases_in_store(path: Path) -> list[StoredRelease]:
    """The releases recorded in the store at `path`, by id, read without changing the file (an older schema is read
    as it is, not upgraded): none when there is no file there, it is not a DuckDB database, it was never built or
    its schema predates releases. A store that cannot be read (busy, damaged, newer) raises StoreError: what it
    holds is unknown, so nothing replaces it unchecked."""
    path = Path(path)
    try:
        con = connect(path, read_only=True)
    except StoreError as exc:
        if exc.code in _NOTHING_STORED:
            return []
        if exc.code != "old":
            raise
        con = duckdb.connect(str(path), read_only=True, config={"autoinstall_known_extensions": False})
    try:
        if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' "
                           "AND table_name = 'release'").fetchall()[0][0]:
            return []
        return _rows(con.execute(f"SELECT {', '.join(_COLUMNS)} FROM release ORDER BY release_id").fetchall())
    finally:
        con.close()


def releases_in_backup(folder: Path) -> list[StoredRelease]:
    """The releases a backup folder holds (its release.parquet; none in a backup older than releases). Call it
    after etl.backup has checked the folder: the file is then this program's own table, a regular file inside it."""
    path = Path(folder) / "release.parquet"
    if not path.is_file():
        return []
    table = pq.read_table(path, columns=_COLUMNS).to_pylist()
    return sorted(_rows([[row[c] for c in _COLUMNS] for row in table]), key=lambda r: r.release_id)


def lost_releases(stored: list[StoredRelease], kept: list[StoredRelease]) -> list[StoredRelease]:
    """The releases of `stored` that `kept` does not hold (the same id with the same scope, year and decision)."""
    keys = {r.key() for r in kept}
    return [r for r in stored if r.key() not in keys]


def _listing(lost: list[StoredRelease], lang: str = "en") -> str:
    return "; ".join(r.label(lang) for r in lost)


def refuse_rebuild(db_path: Path, lost: list[StoredRelease]) -> None:
    """Raise ReleasesWouldBeLost when rebuilding `db_path` would drop `lost` (the releases it holds)."""
    if not lost:
        return
    raise ReleasesWouldBeLost(
        lost,
        f"Refused to rebuild {db_path}: it holds {len(lost)} release(s) a rebuild would delete: {_listing(lost)}. "
        f"Build into a new file instead (python -m etl build --db NEW_FILE), or back the store up first "
        f"(python -m etl backup FOLDER) and add --force: the new store's audit log then names the releases dropped. "
        f"Nothing was changed.",
        f"Không tạo lại {db_path}: cơ sở dữ liệu này có {len(lost)} bản công bố sẽ bị xóa khi tạo lại: "
        f"{_listing(lost, 'vi')}. Hãy tạo vào một tệp mới (python -m etl build --db TỆP_MỚI), hoặc sao lưu trước "
        f"(python -m etl backup THƯ_MỤC) rồi thêm --force: nhật ký của cơ sở dữ liệu mới sẽ ghi các bản công bố bị "
        f"bỏ. Chưa có gì thay đổi.")


def refuse_restore(folder: Path, store: Path, lost: list[StoredRelease]) -> None:
    """Raise ReleasesWouldBeLost when the backup in `folder` lacks releases `lost` that `store`, the store the
    restored file is meant to replace, holds."""
    if not lost:
        return
    raise ReleasesWouldBeLost(
        lost,
        f"Refused to restore {folder}: the backup lacks {len(lost)} release(s) that {store} holds: {_listing(lost)}; "
        f"putting the restored file in its place would lose them. Use a backup taken after these releases, or add "
        f"--force: the restored store's audit log then names the releases it lacks (--replacing PATH compares with "
        f"another store). Nothing was written.",
        f"Không khôi phục {folder}: bản sao thiếu {len(lost)} bản công bố mà {store} đang có: {_listing(lost, 'vi')}; "
        f"dùng tệp khôi phục thay cho {store} sẽ làm mất chúng. Hãy dùng bản sao lập sau các bản công bố này, hoặc "
        f"thêm --force: nhật ký của cơ sở dữ liệu khôi phục sẽ ghi các bản công bố bị thiếu (--replacing ĐƯỜNG_DẪN "
        f"để so với cơ sở dữ liệu khác). Chưa ghi gì.")


@dataclass
class Dropped:
    """What a forced build or restore leaves out: the releases of the store it replaces that the new one lacks, or,
    when that store could not be read, why (its releases are then unknown)."""

    releases: list[StoredRelease] = field(default_factory=list)
    unreadable: str | None = None

    def record(self, con: duckdb.DuckDBPyConnection, how: str, actor: Actor | None = None) -> None:
        """One audit row in the new store (action `releases_dropped`) when anything was, or may have been, left
        out; none otherwise."""
        if self.releases:
            detail = f"{how} with --force dropped {len(self.releases)} release(s): {_listing(self.releases)}"
        elif self.unreadable:
            detail = f"{how} with --force replaced a store that could not be read ({self.unreadable}): any " \
                     "releases it held are not in this store"
        else:
            return
        write_audit(con, actor or local_actor(), "releases_dropped", detail=detail)


def _stored_or_unknown(path: Path, force: bool) -> list[StoredRelease] | str:
    """The releases of the store at `path`, or (forced only) why it could not be read."""
    try:
        return releases_in_store(path)
    except StoreError as exc:
        if not force:
            raise ReleaseRefused(
                f"Cannot tell whether {path} holds releases ({exc}); nothing was changed. Try again once it can be "
                "read, move it away, or add --force (the new store's audit log then says so).",
                f"Không kiểm tra được {path} có bản công bố hay không ({exc}); chưa có gì thay đổi. Hãy thử lại khi "
                "đọc được tệp, chuyển tệp đi nơi khác, hoặc thêm --force (nhật ký của cơ sở dữ liệu mới sẽ ghi lại "
                "việc này).") from exc
        return str(exc)


def check_rebuild(db_path: Path, force: bool = False) -> Dropped:
    """Before `etl build` replaces `db_path`: refuse (ReleasesWouldBeLost) when the store there holds releases,
    unless `force`; what a forced build drops."""
    stored = _stored_or_unknown(db_path, force)
    if isinstance(stored, str):
        return Dropped(unreadable=stored)
    if not force:
        refuse_rebuild(db_path, stored)
    return Dropped(stored)


class RestoreGuard:
    """`etl restore`'s check, called by etl.backup.restore with the backup folder once it is checked and before
    anything is written: refuse a backup lacking releases that `store` (the store the restored file is meant to
    replace; None: nothing to compare with) holds, unless `force`. `dropped` then says what a forced restore left
    out, for `record` to write into the restored store."""

    def __init__(self, store: Path | None, force: bool = False):
        self.store, self.force, self.dropped = store, force, Dropped()

    def __call__(self, folder: Path) -> None:
        if self.store is None or not Path(self.store).exists():
            return
        stored = _stored_or_unknown(self.store, self.force)
        if isinstance(stored, str):
            self.dropped = Dropped(unreadable=stored)
            return
        lost = lost_releases(stored, releases_in_backup(folder))
        if not self.force:
            refuse_restore(folder, self.store, lost)
        self.dropped = Dropped(lost)

    def record(self, con: duckdb.DuckDBPyConnection, folder: Path, actor: Actor | None = None) -> None:
        self.dropped.record(con, f"restore from {folder}", actor)
