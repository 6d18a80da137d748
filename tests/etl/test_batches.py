"""The batch mechanism: provenance, one transaction per load, replace and undo."""
import pandas as pd
import pytest

from etl.batches import DatasetExists, batch_transaction, list_batches, remove_batch

UPDATE = pd.DataFrame([{"project_no": 1, "report_date": pd.Timestamp("2026-01-15").date(), "status": "drafting",
                        "percent_complete": 30.0, "decision_no": None, "decision_date": None, "note": None}])


def current_updates(con):
    return con.execute("SELECT count(*) FROM project_update u JOIN batch b USING (batch_id) "
                       "WHERE b.status = 'current'").fetchall()[0][0]


def test_a_batch_records_provenance(writable_store):
    with batch_transaction(writable_store, kind="projects", source="upload", file_name="a.csv", sha256="ab" * 32,
                           user="analyst1") as writer:
        writer.insert("project_update", UPDATE)
    row = list_batches(writable_store).iloc[0]
    assert (row["kind"], row["source"], row["file_name"], row["rows"], row["status"], row["user"]) == (
        "projects", "upload", "a.csv", 1, "current", "analyst1")
    assert row["sha256"] == "ab" * 32 and pd.notna(row["loaded_at"])


def test_an_error_inside_the_load_leaves_nothing(writable_store):
    before = len(list_batches(writable_store))
    with pytest.raises(RuntimeError):
        with batch_transaction(writable_store, kind="projects", source="upload", file_name="a.csv") as writer:
            writer.insert("project_update", UPDATE)
            raise RuntimeError("validator crashed half-way")
    assert len(list_batches(writable_store)) == before
    assert current_updates(writable_store) == 0


def test_a_dataset_key_is_refused_twice_unless_replaced_and_undo_restores(writable_store):
    key = "par:2023:province:appraised:upload"
    with batch_transaction(writable_store, kind="projects", source="upload", dataset_key=key) as first:
        first.insert("project_update", UPDATE)
    with pytest.raises(DatasetExists) as caught:
        with batch_transaction(writable_store, kind="projects", source="upload", dataset_key=key):
            pass
    assert caught.value.batch_id == first.batch_id
    with batch_transaction(writable_store, kind="projects", source="upload", dataset_key=key, replace=True) as second:
        second.insert("project_update", UPDATE.assign(status="submitted"))
    statuses = dict(writable_store.execute("SELECT batch_id, status FROM batch WHERE dataset_key = ?", [key]).fetchall())
    assert statuses == {first.batch_id: "retired", second.batch_id: "current"}
    assert current_updates(writable_store) == 1
    restored = remove_batch(writable_store, second.batch_id)
    assert restored == first.batch_id
    statuses = dict(writable_store.execute("SELECT batch_id, status FROM batch WHERE dataset_key = ?", [key]).fetchall())
    assert statuses == {first.batch_id: "current", second.batch_id: "removed"}
    assert writable_store.execute("SELECT status FROM project_update").fetchall() == [("drafting",)]


def test_reference_batches_are_not_removable(writable_store):
    reference = writable_store.execute("SELECT min(batch_id) FROM batch WHERE source = 'reference'").fetchall()[0][0]
    with pytest.raises(ValueError, match="rebuild"):
        remove_batch(writable_store, reference)


def test_only_known_tables_take_inserts(writable_store):
    with pytest.raises(ValueError):
        with batch_transaction(writable_store, kind="projects", source="upload") as writer:
            writer.insert("batch; DROP TABLE unit; --", UPDATE)
    assert writable_store.execute("SELECT count(*) FROM unit").fetchall()[0][0] > 0
