"""Readers never wait for writers: every reader opens the store's current snapshot (etl.snapshots), a committed write
publishes a new one, and snapshots no reader holds are removed.

Waiting is proved with PAR_DB_WAIT=0 (a reader that had to wait would be told "busy" at once), never with timings.
"""
from __future__ import annotations

import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

import etl.load
from etl import snapshots
from etl.db import StoreError, new_database_file, open_for_reading, open_store
from etl.load import load_file
from tests.conftest import PROJECT, table_fingerprint
from tests.etl.test_load_survey import SIPAS_HEADERS, csv_text, sipas_rows

COUNT = "SELECT count(*) FROM batch"


def batches(db: Path, wait_seconds: float | None = 0) -> int:
    with open_for_reading(db, wait_seconds=wait_seconds) as con:
        return con.execute(COUNT).fetchall()[0][0]


def sipas_file(tmp_path: Path, n: int = 6, start: int = 1) -> Path:
    path = tmp_path / f"sipas-{start}.csv"
    path.write_text(csv_text(sipas_rows(n, start=start), SIPAS_HEADERS), "utf-8")
    return path


def snapshot_files(db: Path) -> list[str]:
    return sorted(p.name for p in snapshots.snapshot_dir(db).glob("*.duckdb"))


def published(db: Path, table: str | None = None) -> str:
    """Write through etl (create `table`, or nothing) and return the generation then current."""
    with open_store(db, read_only=False) as con:
        if table:
            con.execute(f"CREATE TABLE {table} (x INTEGER)")
    return snapshots.current(db).generation


def test_a_database_without_snapshots_is_read_directly_and_a_write_publishes_one(plain_db):
    assert snapshots.resolve(plain_db).generation is None
    before = batches(plain_db)                               # read from the file itself, as before snapshots
    first = published(plain_db)
    assert snapshot_files(plain_db) == [f"{first}.duckdb"]
    pin = snapshots.resolve(plain_db)
    assert pin.generation == first and pin.path.is_file() and pin.stamp == snapshots.stamp(plain_db)
    assert table_fingerprint(pin.path) == table_fingerprint(plain_db)
    assert published(plain_db) == first                      # nothing written: nothing new to publish
    assert published(plain_db, "written") > first
    assert batches(plain_db) == before
    with open_for_reading(plain_db, wait_seconds=0) as con:
        assert con.execute("SELECT count(*) FROM written").fetchall() == [(0,)]


def test_a_write_outside_etl_is_read_from_the_database_until_the_next_publish(plain_db):
    published(plain_db)
    con = duckdb.connect(str(plain_db))                      # not through etl: no writer lock, no publish
    con.execute("CREATE TABLE outside (x INTEGER)")
    con.close()
    assert snapshots.resolve(plain_db).generation is None    # the snapshot no longer copies the database
    with open_for_reading(plain_db, wait_seconds=0) as con:
        assert con.execute("SELECT count(*) FROM outside").fetchall() == [(0,)]
    assert snapshots.refresh(plain_db) is not None           # what the app does at the top of every run
    assert snapshots.resolve(plain_db).generation == snapshots.current(plain_db).generation


def test_a_snapshot_a_reader_holds_is_kept_and_one_nobody_holds_goes_after_the_grace(plain_db):
    first = published(plain_db)
    with open_for_reading(plain_db, wait_seconds=0) as reader:
        second = published(plain_db, "later")
        (snapshots.snapshot_dir(plain_db) / f".{first}9.duckdb.tmp").write_bytes(b"a copy interrupted")
        assert snapshot_files(plain_db) == [f"{first}.duckdb", f"{second}.duckdb"]
        assert snapshots.cleanup(plain_db, grace_seconds=0) == []          # held by `reader`
        assert reader.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'later'").fetchall() == [(0,)]
    assert snapshots.cleanup(plain_db) == []                 # let go, but superseded less than the grace ago
    removed = snapshots.cleanup(plain_db, grace_seconds=0, temps=True)
    assert sorted(p.name for p in removed) == [f".{first}9.duckdb.tmp", f"{first}.duckdb"]
    assert snapshot_files(plain_db) == [f"{second}.duckdb"]


def published_after_a_load(db: Path, tmp_path: Path, start: int = 500) -> str:
    result = load_file(db, "sipas", sipas_file(tmp_path, 3, start=start))
    assert result.rows == 3
    return snapshots.current(db).generation


def test_a_reader_whose_snapshot_went_before_it_opened_it_resolves_again(plain_db):
    published(plain_db)
    stale = snapshots.resolve(plain_db)
    published(plain_db, "later")
    assert [p.name for p in snapshots.cleanup(plain_db, grace_seconds=0)] == [stale.path.name]
    with pytest.raises(snapshots.SnapshotGone):
        snapshots.lease(stale)
    with pytest.raises(snapshots.SnapshotGone), snapshots.reading(stale, wait_seconds=0):
        pass
    pin, lease = snapshots.hold(plain_db)
    assert pin.generation == snapshots.current(plain_db).generation and lease is not None
    lease.release()


@contextmanager
def load_held_open(db: Path, path: Path, monkeypatch):
    """A real load of `path` in a thread, held once its batch transaction has committed (the store changed, the
    writer still holds it, nothing published yet) until the block ends; yields the thread's result list."""
    inside, go_on, results = threading.Event(), threading.Event(), []
    real = etl.load.batch_transaction

    @contextmanager
    def held(con, **kwargs):
        with real(con, **kwargs) as writer:
            yield writer
        inside.set()
        go_on.wait(30)

    monkeypatch.setattr(etl.load, "batch_transaction", held)

    def run():
        try:
            results.append(load_file(db, "sipas", path, wait_seconds=10))
        except BaseException as exc:   # noqa: BLE001 - handed to the test
            results.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    try:
        assert inside.wait(30), results
        yield results
    finally:
        go_on.set()
        thread.join(30)


READER = ("from etl.db import open_for_reading; import sys\n"
          "with open_for_reading(sys.argv[1]) as con: print(con.execute('SELECT count(*) FROM batch').fetchall()[0][0])")


def test_readers_during_a_load_read_the_previous_snapshot_at_once_and_the_next_read_sees_the_batch(
        plain_db, tmp_path, monkeypatch):
    monkeypatch.setenv("PAR_DB_WAIT", "0")                   # a reader that had to wait would fail at once
    first = published(plain_db)
    before = batches(plain_db)
    with load_held_open(plain_db, sipas_file(tmp_path), monkeypatch) as results:
        assert snapshots.writer_active(plain_db) and snapshots.stamp(plain_db) != snapshots.current(plain_db).stamp
        assert batches(plain_db) == before                   # this process, another thread
        other = subprocess.run([sys.executable, "-c", READER, str(plain_db)], cwd=PROJECT, capture_output=True,
                               text=True, timeout=60, check=False)
        assert other.returncode == 0, other.stderr
        assert int(other.stdout) == before                   # another process
        with pytest.raises(StoreError) as busy, open_store(plain_db, read_only=False, wait_seconds=0):
            pass                                             # writers still wait for writers
        assert busy.value.code == "busy"
        assert snapshots.current(plain_db).generation == first
    assert results and not isinstance(results[0], BaseException), results
    assert results[0].rows == 6
    assert snapshots.current(plain_db).generation > first and not snapshots.writer_active(plain_db)
    assert batches(plain_db) == before + 1


def test_a_failed_load_publishes_nothing_and_readers_keep_their_data(plain_db, tmp_path, monkeypatch):
    first = published(plain_db)
    snapshot = snapshots.resolve(plain_db).path
    before = table_fingerprint(snapshot)
    real = etl.load.batch_transaction

    @contextmanager
    def failing(con, **kwargs):
        with real(con, **kwargs) as writer:
            yield writer
            raise StoreError("write_failed", "Nothing was saved: No space left on device")

    monkeypatch.setattr(etl.load, "batch_transaction", failing)
    with pytest.raises(StoreError):
        load_file(plain_db, "sipas", sipas_file(tmp_path))
    monkeypatch.undo()
    refused = tmp_path / "refused.csv"
    refused.write_text(csv_text([{**sipas_rows(1)[0], "C1": "9"}], SIPAS_HEADERS), "utf-8")
    with pytest.raises(etl.load.LoadRejected):
        load_file(plain_db, "sipas", refused)
    assert snapshots.current(plain_db).generation == first and snapshot_files(plain_db) == [f"{first}.duckdb"]
    assert table_fingerprint(snapshots.resolve(plain_db).path) == before == table_fingerprint(plain_db)


def test_a_new_database_file_is_published_once_in_place(tmp_path):
    """What `etl build` and `etl restore` write through (etl.db.new_database_file)."""
    target = tmp_path / "new.duckdb"
    with new_database_file(target, migrate=False) as con:
        con.execute("CREATE TABLE t AS SELECT 42 AS x")
        assert not snapshots.snapshot_dir(target).exists()   # nothing in place yet, nothing published
    pin = snapshots.resolve(target)
    assert pin.generation is not None and table_fingerprint(pin.path) == {"t": table_fingerprint(target)["t"]}


def test_the_app_reads_one_snapshot_per_run_and_moves_on_after_its_own_write(plain_db, tmp_path, monkeypatch):
    """ui.store.fetch: a load committed by someone else during a run shows from the next run (the cache key is the
    run's snapshot); a write of the run itself shows at once."""
    import streamlit as st

    import ui.store
    from metrics.provenance import batches as listed

    monkeypatch.setenv("PAR_DB", str(plain_db))
    st.cache_data.clear()
    published(plain_db)
    try:
        ui.store.pin_snapshot(plain_db)                      # the top of a run (ensure_database)
        before = len(ui.store.fetch(listed))
        elsewhere = threading.Thread(target=published_after_a_load, args=(plain_db, tmp_path, 600))
        elsewhere.start()
        elsewhere.join(30)
        assert len(ui.store.fetch(listed)) == before         # the same run: the same snapshot
        ui.store.pin_snapshot(plain_db)                      # the next run
        assert len(ui.store.fetch(listed)) == before + 1
        published_after_a_load(plain_db, tmp_path, 700)
        assert len(ui.store.fetch(listed)) == before + 2     # this run's own load
    finally:
        st.cache_data.clear()
        st.session_state.pop(ui.store._PIN, None)
