"""No validation step holds the write lock: files are read and checked with the store open read-only, so other
processes can read it meanwhile, and only the inserts run under the write lock; a load committed in between is
seen before writing.

The slow step is not timed: a hook runs the other process at a known point of the checks, and waits for it.
"""
from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

import etl.load
import etl.loaders.survey
from etl.load import load_file
from etl.problems import LoadRejected
from tests.conftest import PROJECT
from tests.etl.test_load_survey import SIPAS_HEADERS, csv_text, sipas_rows, upload_rows, write_xlsx

# Another process opens the store read-only and counts its batches, as a page of the app does.
READER = ("import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
          "print(con.execute('SELECT count(*) FROM batch').fetchall()[0][0])")
PROJECTS = ("Số đề án,Ngày báo cáo,Trạng thái,Tỷ lệ hoàn thành,Số quyết định,Ngày quyết định,Ghi chú\n"
            "3,15/11/2026,Đang triển khai,\"55,5\",,,đúng tiến độ\n"
            "8,2026-11-20,Đang nghiên cứu,20,,,\n")


def read_from_another_process(db: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", READER, str(db)], cwd=PROJECT, capture_output=True, text=True,
                          timeout=60)


def batches(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM batch").fetchall()[0][0]
    finally:
        con.close()


@pytest.mark.parametrize("shape", ["csv", "xlsx"])
def test_while_a_survey_is_read_and_checked_other_processes_can_read_the_store(demo_db, tmp_path, monkeypatch,
                                                                               shape):
    rows = sipas_rows(30)
    if shape == "csv":
        path = tmp_path / "sipas.csv"
        path.write_text(csv_text(rows, SIPAS_HEADERS), "utf-8")
    else:
        path = write_xlsx(tmp_path / "sipas.xlsx", rows, SIPAS_HEADERS)
    before = batches(demo_db)
    readers: list[subprocess.CompletedProcess] = []

    def typing_rows_with_a_reader_waiting(con, ctx):  # a step in the middle of the staging: the file is read
        readers.append(read_from_another_process(demo_db))
        return build_rows(con, ctx)

    build_rows = etl.loaders.survey.build_rows
    monkeypatch.setattr(etl.loaders.survey, "build_rows", typing_rows_with_a_reader_waiting)
    result = load_file(demo_db, "sipas", path)

    assert len(readers) == 1
    assert readers[0].returncode == 0, readers[0].stderr
    assert int(readers[0].stdout) == before  # it read the store as it was, while the file was being checked
    assert result.rows == 30 and batches(demo_db) == before + 1
    assert len(upload_rows(demo_db)) == 30


def test_the_staging_connection_cannot_write_to_the_store(demo_db, tmp_path):
    with etl.load.staging_connection(demo_db, tmp_path, wait_seconds=1) as con:
        assert con.execute("SELECT count(*) FROM batch").fetchall()[0][0] == batches(demo_db)
        with pytest.raises(duckdb.Error, match="read-only|read only|attached"):
            con.execute("DELETE FROM batch")


def test_a_table_kind_is_validated_on_a_read_only_connection(demo_db, tmp_path, monkeypatch):
    path = tmp_path / "projects.csv"
    path.write_text(PROJECTS, "utf-8")
    before = batches(demo_db)
    readers: list[subprocess.CompletedProcess] = []
    specs = etl.load.registry()
    validate = specs["projects"].validate

    def validate_with_a_reader_waiting(con, sheet, options):
        readers.append(read_from_another_process(demo_db))
        return validate(con, sheet, options)

    specs["projects"] = dataclasses.replace(specs["projects"], validate=validate_with_a_reader_waiting)
    monkeypatch.setattr(etl.load, "registry", lambda: specs)
    result = load_file(demo_db, "projects", path)

    assert len(readers) == 1 and readers[0].returncode == 0, readers[0].stderr
    assert int(readers[0].stdout) == before
    assert result.rows == 2 and batches(demo_db) == before + 1


def test_a_load_committed_between_the_checks_and_the_write_is_checked_against(demo_db, tmp_path, monkeypatch):
    """File B commits after file A was checked and before A's write lock: A is checked again, and its
    respondents that B has loaded meanwhile are refused as already loaded; nothing of A is written."""
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(csv_text(sipas_rows(6), SIPAS_HEADERS), "utf-8")
    second.write_text(csv_text(sipas_rows(3), SIPAS_HEADERS, titles=("Đợt 2",)), "utf-8")  # same ids, other bytes
    attach = etl.load._attach_store
    committed, started = [], []

    def attach_after_another_load(con, db_path, *, read_only, wait_seconds):
        if not read_only and not started:  # the outer load, between its checks and its write lock
            started.append(True)
            committed.append(load_file(demo_db, "sipas", second))  # it holds no lock on the store here
        return attach(con, db_path, read_only=read_only, wait_seconds=wait_seconds)

    monkeypatch.setattr(etl.load, "_attach_store", attach_after_another_load)
    with pytest.raises(LoadRejected) as refused:
        load_file(demo_db, "sipas", first)

    assert committed and committed[0].rows == 3
    duplicates = [p for p in refused.value.problems if "already loaded" in p.message_en]
    assert {p.value for p in duplicates} == {"R0001", "R0002", "R0003"}
    assert all(f"batch {committed[0].batch_id}" in p.message_en for p in duplicates)
    assert [r[3] for r in upload_rows(demo_db)] == ["R0001", "R0002", "R0003"]


def test_a_load_committed_in_between_without_conflict_is_kept_beside_the_new_one(demo_db, tmp_path, monkeypatch):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(csv_text(sipas_rows(4), SIPAS_HEADERS), "utf-8")
    second.write_text(csv_text(sipas_rows(2, start=101), SIPAS_HEADERS), "utf-8")
    attach = etl.load._attach_store
    committed, started = [], []

    def attach_after_another_load(con, db_path, *, read_only, wait_seconds):
        if not read_only and not started:
            started.append(True)
            committed.append(load_file(demo_db, "sipas", second))
        return attach(con, db_path, read_only=read_only, wait_seconds=wait_seconds)

    monkeypatch.setattr(etl.load, "_attach_store", attach_after_another_load)
    result = load_file(demo_db, "sipas", first)

    assert result.rows == 4 and result.batch_id > committed[0].batch_id
    assert [r[3] for r in upload_rows(demo_db)] == ["R0001", "R0002", "R0003", "R0004", "R0101", "R0102"]
