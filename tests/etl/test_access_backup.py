"""Roles, the audit log, role assignments and backups."""
from pathlib import Path

import duckdb
import pytest

from etl.access import AccessDenied, Actor, assign_role, configured_roles, role_for
from etl.backup import backup, restore
from tests.conftest import table_fingerprint


def test_permissions_by_role():
    viewer, analyst, admin = Actor("v@x.vn", "viewer"), Actor("a@x.vn", "analyst"), Actor("d@x.vn", "admin")
    assert viewer.can("read") and not viewer.can("load")
    assert analyst.can("load") and analyst.can("remove_own") and not analyst.can("remove_any")
    assert admin.can("remove_any") and admin.can("read_audit") and admin.can("manage_roles")
    with pytest.raises(AccessDenied):
        viewer.require("load")


def test_roles_from_the_file_then_the_database(tmp_path, writable_store):
    roles = tmp_path / "roles.yaml"
    roles.write_text("default_role: viewer\nusers:\n  Lan@MOHA.gov.vn: admin\ndomains:\n  '@moha.gov.vn': analyst\n",
                     "utf-8")
    mapping = configured_roles(roles)
    assert role_for("lan@moha.gov.vn", mapping=mapping) == "admin"
    assert role_for("binh@moha.gov.vn", mapping=mapping) == "analyst"
    assert role_for("someone@gmail.com", mapping=mapping) == "viewer"
    admin = Actor("lan@moha.gov.vn", "admin")
    assign_role(writable_store, admin, "binh@moha.gov.vn", "viewer")
    assert role_for("binh@moha.gov.vn", writable_store, mapping) == "viewer"     # the database wins
    with pytest.raises(AccessDenied):
        assign_role(writable_store, Actor("binh@moha.gov.vn", "analyst"), "x@moha.gov.vn", "admin")
    audit = writable_store.execute("SELECT user_name, action, detail FROM audit WHERE action = 'role'").fetchall()
    assert audit == [("lan@moha.gov.vn", "role", "binh@moha.gov.vn -> viewer")]


def test_a_bad_roles_file_is_refused(tmp_path):
    roles = tmp_path / "roles.yaml"
    roles.write_text("users:\n  a@b.vn: superuser\n", "utf-8")
    with pytest.raises(ValueError, match="superuser"):
        configured_roles(roles)


def test_backup_and_restore_round_trip_the_demo_database_exactly(demo_db, tmp_path):
    folder = backup(demo_db, tmp_path / "backup")
    assert (folder / "schema.json").exists() and (folder / "batch.parquet").exists()
    restored = restore(folder, tmp_path / "restored.duckdb")
    assert table_fingerprint(restored) == table_fingerprint(demo_db)
    con = duckdb.connect(str(restored))
    next_batch = con.execute("SELECT nextval('batch_id_seq')").fetchall()[0][0]
    assert next_batch == con.execute("SELECT max(batch_id) + 1 FROM batch").fetchall()[0][0]
    con.close()
    with pytest.raises(FileExistsError):
        restore(folder, restored)            # never overwrites
    with pytest.raises(FileExistsError):
        backup(demo_db, folder)              # never mixes two snapshots


def test_sql_stays_data_even_with_a_hostile_name(demo_db, tmp_path):
    from etl.load import load_file
    from etl.problems import LoadRejected
    hostile = tmp_path / "x.csv"
    hostile.write_text("Đơn vị,Chỉ số\n\"x'); DROP TABLE unit; --\",90\n", "utf-8")
    before = table_fingerprint(demo_db)
    with pytest.raises(LoadRejected) as caught:
        load_file(demo_db, "par-totals", hostile, options={"year": 2023, "level": "province"})
    assert "DROP TABLE" in caught.value.problems[0].value
    assert table_fingerprint(demo_db) == before


def test_no_page_renders_unsafe_html():
    project = Path(__file__).resolve().parents[2]
    for path in list((project / "pages").glob("*.py")) + list((project / "ui").glob("*.py")) + [project / "app.py"]:
        assert "unsafe_allow_html" not in path.read_text("utf-8"), path
