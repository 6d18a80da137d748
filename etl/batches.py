"""Batches: every load is one transaction with provenance, and can be undone."""
from __future__ import annotations

import getpass
import hashlib
import os
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import duckdb
import pandas as pd

from etl import par_totals
from etl.access import AccessDenied, Actor, write_audit
from etl.db import first_row, transaction
from etl.releases import refuse_if_released

SOURCES = ("published", "demo", "upload", "reference")

# Tables whose rows belong to a batch. Named here, never taken from input, so table names in SQL are safe.
DATA_TABLES = (
    "unit", "unit_name", "unit_lineage", "framework", "framework_band", "framework_field",
    "framework_criterion", "instrument", "instrument_dimension", "instrument_item",
    "par_score", "par_total", "par_field_index", "survey_respondent", "survey_slot", "facility",
    "national_project", "project_update", "par_plan", "plan_report", "plan_task", "published_stat", "published_sipas",
    "rule_set", "population", "survey_quarantine",
    "par_component", "framework_component", "framework_fact", "content_mark",
    # a survey batch's sufficient statistics (etl.survey_stats), written with its respondents
    "survey_stat_cell", "survey_stat_set", "survey_stat_pair", "survey_stat_value", "survey_stat_score",
    "survey_stat_reliability",
    # criterion points summed per unit and field (etl.par_totals), written with the points
    "par_field_total",
)


class DatasetExists(Exception):
    """A current batch already holds this dataset key and --replace was not given."""

    def __init__(self, dataset_key: str, batch_id: int):
        self.dataset_key = dataset_key
        self.batch_id = batch_id
        super().__init__(
            f"dataset {dataset_key} is already loaded as batch {batch_id}; use --replace to replace it"
        )


class BatchNotFound(Exception):
    pass


def current_user() -> str:
    """Who loads: PAR_USER when set (the app sets it for signed-in users), else the OS account."""
    return os.environ.get("PAR_USER") or getpass.getuser()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class BatchWriter:
    """Inserts DataFrames under one batch id, counting rows, inside the caller's transaction."""

    def __init__(self, con: duckdb.DuckDBPyConnection, batch_id: int, replaced_batch_id: int | None = None):
        self.con = con
        self.batch_id = batch_id
        self.replaced_batch_id = replaced_batch_id
        self.rows = 0

    def insert(self, table: str, frame: pd.DataFrame, *, count: bool = True) -> int:
        """Append `frame` to `table` (columns matched by name) with this batch's id."""
        if table not in DATA_TABLES:
            raise ValueError(f"{table} is not a batch table")
        if frame.empty:
            return 0
        frame = frame.assign(batch_id=self.batch_id)
        self.con.register("_batch_frame", frame)
        try:
            self.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _batch_frame")
        finally:
            self.con.unregister("_batch_frame")
        self._derive(table)
        if count:
            self.rows += len(frame)
        return len(frame)

    def _derive(self, table: str) -> None:
        """Keep what is derived from `table` in step with the rows just added: a batch's criterion points are summed
        per unit and field (etl.par_totals)."""
        if table == "par_score":
            par_totals.refresh(self.con, self.batch_id)

    def insert_sql(self, table: str, select_sql: str, params: list | None = None, *, count: bool = True) -> int:
        """Append the rows of a query (columns matched by name) with this batch's id: for loads staged in the
        database, whose rows never pass through Python. `select_sql` is built from code, values as params."""
        if table not in DATA_TABLES:
            raise ValueError(f"{table} is not a batch table")
        inserted = self.con.execute(
            f"INSERT INTO {table} BY NAME SELECT *, ? AS batch_id FROM ({select_sql})",
            [self.batch_id] + list(params or [])).fetchall()[0][0]
        self._derive(table)
        if count:
            self.rows += inserted
        return inserted


@contextmanager
def batch_transaction(
    con: duckdb.DuckDBPyConnection,
    *,
    kind: str,
    source: str,
    file_name: str | None = None,
    sha256: str | None = None,
    dataset_key: str | None = None,
    replace: bool = False,
    user: str | None = None,
    note: str | None = None,
    actor: Actor | None = None,
    permission: str = "load",
) -> Iterator[BatchWriter]:
    """One load: BEGIN, a batch row, the caller's inserts, the row count, an audit row, COMMIT;
    ROLLBACK on any error.

    The actor (the app's signed-in user, else the local command-line user) must hold `permission`.
    With a dataset key, a current batch under the same key is refused unless `replace`, in which case
    it is retired (kept, restorable by removing the new batch) in the same transaction.
    """
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}")
    actor = actor or Actor(user or current_user(), "admin")
    actor.require(permission)
    with transaction(con):
        replaced = None
        if dataset_key is not None:
            existing = first_row(
                con, "SELECT batch_id FROM batch WHERE dataset_key = ? AND status = 'current'", [dataset_key]
            )
            if existing and not replace:
                raise DatasetExists(dataset_key, existing[0])
            if existing:
                replaced = existing[0]
                refuse_if_released(con, replaced, "replace")   # a released figure changes only by a correction
                con.execute(
                    "UPDATE batch SET status = 'retired', changed_at = ? WHERE batch_id = ?", [_now(), replaced]
                )
        batch_id = con.execute("SELECT nextval('batch_id_seq')").fetchall()[0][0]
        con.execute(
            "INSERT INTO batch (batch_id, kind, source, dataset_key, file_name, sha256, rows, status, "
            "replaces_batch_id, loaded_at, loaded_by, note) VALUES (?, ?, ?, ?, ?, ?, 0, 'current', ?, ?, ?, ?)",
            [batch_id, kind, source, dataset_key, file_name, sha256, replaced, _now(), actor.user, note],
        )
        writer = BatchWriter(con, batch_id, replaced)
        yield writer
        if writer.replaced_batch_id is not None and writer.replaced_batch_id != replaced:
            refuse_if_released(con, writer.replaced_batch_id, "replace")   # a survey's --replace-batch
        con.execute("UPDATE batch SET rows = ? WHERE batch_id = ?", [writer.rows, batch_id])
        write_audit(con, actor, "rules" if permission == "edit_rules" else "load", batch_id=batch_id, kind=kind,
                    file_name=file_name, sha256=sha256,
                    detail=f"{writer.rows} rows, source {source}" + (f", replaces batch {replaced}" if replaced else ""))
        _pause_for_fault_tests()


def remove_batch(con: duckdb.DuckDBPyConnection, batch_id: int, actor: Actor | None = None) -> int | None:
    """Undo a load: delete its rows, mark it removed, and make the batch it replaced current again.

    An analyst removes only their own batches; an admin any. Returns the id of the batch restored, if
    any. Reference batches are rebuilt, not removed.
    """
    actor = actor or Actor(current_user(), "admin")
    row = first_row(con, "SELECT status, source, replaces_batch_id, loaded_by, kind, file_name, sha256 FROM batch "
                    "WHERE batch_id = ?", [batch_id])
    if row is None:
        raise BatchNotFound(f"no batch {batch_id}")
    status, source, replaces, owner, kind, file_name, sha256 = row
    if not (actor.can("remove_any") or (actor.can("remove_own") and owner == actor.user)):
        raise AccessDenied(f"{actor.user} ({actor.role}) may not remove batch {batch_id}, loaded by {owner}")
    if status == "removed":
        raise BatchNotFound(f"batch {batch_id} was already removed")
    if source == "reference":
        raise ValueError(f"batch {batch_id} holds reference data; rebuild with: python -m etl build")
    with transaction(con):
        # Checked inside the transaction, so the check and the delete see the same state of the store.
        refuse_if_released(con, batch_id, "remove")
        for table in DATA_TABLES:
            con.execute(f"DELETE FROM {table} WHERE batch_id = ?", [batch_id])
        con.execute("UPDATE batch SET status = 'removed', changed_at = ? WHERE batch_id = ?", [_now(), batch_id])
        restored = None
        if replaces is not None and status == "current":
            still = first_row(con, "SELECT status FROM batch WHERE batch_id = ?", [replaces])
            if still and still[0] == "retired":
                con.execute(
                    "UPDATE batch SET status = 'current', changed_at = ? WHERE batch_id = ?", [_now(), replaces]
                )
                restored = replaces
        write_audit(con, actor, "remove", batch_id=batch_id, kind=kind, file_name=file_name, sha256=sha256,
                    detail=f"restored batch {restored}" if restored else None)
    return restored


BATCH_COLUMNS = ("batch_id", "kind", "source", "dataset_key", "file_name", "sha256", "rows", "status",
                 "replaces_batch_id", "loaded_at", "user", "note")


def _pause_for_fault_tests() -> None:
    """For the test that kills a load half-way: with PAR_TEST_PAUSE_BEFORE_COMMIT set, say so on stderr
    and wait inside the open transaction, so the test can kill the process at exactly that point."""
    seconds = os.environ.get("PAR_TEST_PAUSE_BEFORE_COMMIT")
    if seconds:
        import sys
        import time

        print("PAUSED-BEFORE-COMMIT", file=sys.stderr, flush=True)
        time.sleep(float(seconds))


def list_batches(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every batch, current, retired and removed, newest first."""
    return con.execute(
        "SELECT batch_id, kind, source, dataset_key, file_name, sha256, rows, status, replaces_batch_id, "
        "loaded_at, loaded_by AS user, note FROM batch ORDER BY batch_id DESC"
    ).df()
