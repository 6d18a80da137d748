"""Data safety: a killed load leaves nothing, concurrent loads never interleave, writes need the role."""
import os
import signal
import subprocess
import sys
import threading

import duckdb
import pytest

from etl.access import AccessDenied, Actor
from etl.batches import remove_batch
from etl.db import open_store
from etl.load import load_file
from tests.conftest import PROJECT, table_fingerprint

PROJECTS = "Số đề án,Ngày báo cáo,Trạng thái,Tỷ lệ hoàn thành\n{rows}"


def projects_file(tmp_path, name, day):
    path = tmp_path / name
    path.write_text(PROJECTS.format(rows="".join(f"{n},{day:02d}/11/2026,Đang triển khai,{n * 5}\n"
                                                 for n in range(1, 17))), "utf-8")
    return path


def test_a_load_killed_half_way_leaves_the_database_as_it_was(demo_db, tmp_path):
    before = table_fingerprint(demo_db)
    path = projects_file(tmp_path, "tien_do.csv", 20)
    process = subprocess.Popen(
        [sys.executable, "-m", "etl", "load", "projects", str(path), "--db", str(demo_db)], cwd=PROJECT,
        env={**os.environ, "PAR_TEST_PAUSE_BEFORE_COMMIT": "60"}, stderr=subprocess.PIPE, text=True)
    try:
        # Everything is written inside the transaction when the marker appears; then the process dies.
        for line in process.stderr:
            if "PAUSED-BEFORE-COMMIT" in line:
                break
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert table_fingerprint(demo_db) == before
    # The database is usable afterwards: the same file loads normally.
    assert load_file(demo_db, "projects", path).rows == 16


def test_two_loads_at_once_both_succeed_or_fail_cleanly(demo_db, tmp_path):
    files = [projects_file(tmp_path, f"load_{i}.csv", 10 + i) for i in range(2)]
    results, errors = {}, {}

    def run(index):
        try:
            results[index] = load_file(demo_db, "projects", files[index], user=f"analyst{index}")
        except Exception as exc:  # a clean refusal is allowed; a half-written batch is not
            errors[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) + len(errors) == 2 and results
    con = duckdb.connect(str(demo_db), read_only=True)
    for index, result in results.items():
        rows = con.execute("SELECT report_date FROM project_update WHERE batch_id = ?", [result.batch_id]).fetchall()
        assert len(rows) == 16 and {r[0].day for r in rows} == {10 + index}     # never interleaved
        assert con.execute("SELECT loaded_by FROM batch WHERE batch_id = ?",
                           [result.batch_id]).fetchall()[0][0] == f"analyst{index}"
    con.close()


def test_writes_need_the_right_role_and_are_audited(demo_db, tmp_path):
    viewer, alice, bob, admin = (Actor("v@moha.gov.vn", "viewer"), Actor("alice@moha.gov.vn", "analyst"),
                                 Actor("bob@moha.gov.vn", "analyst"), Actor("admin@moha.gov.vn", "admin"))
    before = table_fingerprint(demo_db)
    with pytest.raises(AccessDenied):
        load_file(demo_db, "projects", projects_file(tmp_path, "v.csv", 3), actor=viewer)
    assert table_fingerprint(demo_db) == before
    mine = load_file(demo_db, "projects", projects_file(tmp_path, "a.csv", 4), actor=alice)
    with open_store(demo_db, read_only=False) as con:
        with pytest.raises(AccessDenied):
            remove_batch(con, mine.batch_id, bob)          # another analyst's batch
        remove_batch(con, mine.batch_id, alice)            # her own
    theirs = load_file(demo_db, "projects", projects_file(tmp_path, "b.csv", 5), actor=bob)
    with open_store(demo_db, read_only=False) as con:
        remove_batch(con, theirs.batch_id, admin)          # an admin removes any
        audit = con.execute("SELECT user_name, action, batch_id FROM audit WHERE action IN ('load', 'remove') "
                            "AND user_name LIKE '%@moha.gov.vn' ORDER BY audit_id").fetchall()
    assert audit == [("alice@moha.gov.vn", "load", mine.batch_id), ("alice@moha.gov.vn", "remove", mine.batch_id),
                     ("bob@moha.gov.vn", "load", theirs.batch_id), ("admin@moha.gov.vn", "remove", theirs.batch_id)]


def test_rule_sets_need_an_analyst(demo_db):
    from etl.rules import save_rule_set
    text = (PROJECT / "data/rules/quang-ngai-2018.yaml").read_text("utf-8").replace("name: quang-ngai-2018", "name: qn-copy")
    with open_store(demo_db, read_only=False) as con:
        with pytest.raises(AccessDenied):
            save_rule_set(con, text, file_name="qn.yaml", actor=Actor("v@x.vn", "viewer"))
        batch = save_rule_set(con, text, file_name="qn.yaml", actor=Actor("a@x.vn", "analyst"))
        assert con.execute("SELECT action FROM audit WHERE batch_id = ?", [batch]).fetchall() == [("rules",)]
