"""Hardening: restore reads data not code, one export path, dates checked, a bad --db is one line."""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from etl.backup import BackupRefused, backup, restore
from etl.codesystems import UnitResolver, check_date_range, reference_date, system_for
from etl.db import StoreError, connect, open_store, transaction
from etl.output import formula_safe, neutralise, render
from tests.conftest import table_fingerprint

HYPERLINK = '=HYPERLINK("http://x")'
DDE = "+cmd|' /C calc'!A0"


def etl_main(capsys, *args: str) -> tuple[int, str, str]:
    from etl.cli import main
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def metrics_main(capsys, *args: str) -> tuple[int, str, str]:
    from metrics.cli import main
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


# --- 2. restore reads data, not code -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def snapshot(demo_db_master, tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("snap")
    db = base / "source.duckdb"
    shutil.copy(demo_db_master, db)
    return backup(db, base / "backup")


@pytest.fixture
def copy_of(snapshot, tmp_path):
    folder = tmp_path / "backup"
    shutil.copytree(snapshot, folder)
    return folder


def manifest(folder: Path) -> dict:
    return json.loads((folder / "schema.json").read_text("utf-8"))


def save_manifest(folder: Path, doc: dict) -> None:
    (folder / "schema.json").write_text(json.dumps(doc), "utf-8")


def refused(capsys, folder: Path, target: Path) -> str:
    code, out, err = etl_main(capsys, "restore", str(folder), "--db", str(target), "--lang", "en")
    assert code == 1, (out, err)
    assert len(err.strip().splitlines()) == 1 and "Refused to restore" in err and "Traceback" not in err
    assert not target.exists()
    assert [p.name for p in target.parent.iterdir() if p.name.startswith(target.name)] == []   # no .building left
    return err


def test_a_backup_without_sql_round_trips(snapshot, demo_db_master, tmp_path):
    doc = manifest(snapshot)
    assert all("sql" not in t and t["columns"] for t in doc["tables"]) and doc["format"] == 2
    restored = restore(snapshot, tmp_path / "r.duckdb")
    assert table_fingerprint(restored) == table_fingerprint(demo_db_master)


def test_an_older_backup_with_this_programs_own_sql_still_restores(copy_of, demo_db_master, tmp_path):
    con = duckdb.connect(str(demo_db_master), read_only=True)
    sql = dict(con.execute("SELECT table_name, sql FROM duckdb_tables() WHERE schema_name = 'main'").fetchall())
    con.close()
    doc = manifest(copy_of)
    for table in doc["tables"]:
        table["sql"] = sql[table["name"]]
        del table["columns"]
    del doc["format"]
    save_manifest(copy_of, doc)
    assert table_fingerprint(restore(copy_of, tmp_path / "r.duckdb")) == table_fingerprint(demo_db_master)


def test_sql_in_the_manifest_is_never_run(copy_of, tmp_path, capsys):
    pwned = tmp_path / "pwned.csv"
    doc = manifest(copy_of)
    unit = next(t for t in doc["tables"] if t["name"] == "unit")
    unit["sql"] = (f"CREATE TABLE unit AS SELECT * FROM read_text('/etc/hostname'); "
                   f"COPY (SELECT 42) TO '{pwned}'")
    save_manifest(copy_of, doc)
    err = refused(capsys, copy_of, tmp_path / "r.duckdb")
    assert "SQL" in err and not pwned.exists()


def test_an_extra_table_is_refused(copy_of, tmp_path, capsys):
    doc = manifest(copy_of)
    doc["tables"].append({"name": "evil", "rows": 1, "columns": [["x", "INTEGER"]]})
    pq.write_table(pa.table({"x": [1]}), copy_of / "evil.parquet")
    save_manifest(copy_of, doc)
    assert "evil" in refused(capsys, copy_of, tmp_path / "r.duckdb")


def test_an_extra_or_a_missing_column_or_another_type_is_refused(copy_of, tmp_path, capsys):
    original = pq.read_table(copy_of / "batch.parquet")
    pq.write_table(original.append_column("extra", pa.array([0] * original.num_rows)), copy_of / "batch.parquet")
    assert "batch.parquet has columns" in refused(capsys, copy_of, tmp_path / "a.duckdb")
    pq.write_table(original.drop_columns([original.column_names[-1]]), copy_of / "batch.parquet")
    assert "batch.parquet has columns" in refused(capsys, copy_of, tmp_path / "b.duckdb")
    as_text = original.set_column(0, original.column_names[0], original.column(0).cast(pa.string()))
    pq.write_table(as_text, copy_of / "batch.parquet")
    assert "is VARCHAR, expected" in refused(capsys, copy_of, tmp_path / "c.duckdb")


def test_a_path_outside_the_folder_or_a_link_is_refused(copy_of, tmp_path, capsys):
    doc = manifest(copy_of)
    doc["tables"][0]["name"] = "../../outside"
    save_manifest(copy_of, doc)
    assert "outside" in refused(capsys, copy_of, tmp_path / "a.duckdb")
    doc = manifest(copy_of)
    doc["tables"][0] = {**doc["tables"][0], "file": "/etc/hostname"}
    save_manifest(copy_of, doc)
    refused(capsys, copy_of, tmp_path / "b.duckdb")


def test_a_symlinked_parquet_file_is_refused(snapshot, tmp_path, capsys):
    folder = tmp_path / "backup"
    shutil.copytree(snapshot, folder)
    elsewhere = tmp_path / "elsewhere.parquet"
    shutil.move(folder / "unit.parquet", elsewhere)
    (folder / "unit.parquet").symlink_to(elsewhere)
    assert "unit.parquet" in refused(capsys, folder, tmp_path / "r.duckdb")


def test_a_hostile_sequence_is_refused(copy_of, tmp_path, capsys):
    doc = manifest(copy_of)
    doc["sequences"][0]["start"] = "1; DROP TABLE unit"
    save_manifest(copy_of, doc)
    with pytest.raises(BackupRefused, match="invalid start"):
        restore(copy_of, tmp_path / "r.duckdb")
    assert not (tmp_path / "r.duckdb").exists()


# --- 3. one export path ------------------------------------------------------------------------------------

def test_neutralise_keeps_numbers_and_quotes_formulas():
    assert [neutralise(v) for v in (HYPERLINK, DDE, "-cmd", "@SUM(A1)", "\tx", "\rx", "Hà Nội")] == [
        "'" + HYPERLINK, "'" + DDE, "'-cmd", "'@SUM(A1)", "'\tx", "'\rx", "Hà Nội"]
    assert neutralise(-5.31) == -5.31 and neutralise("-5.31") == "-5.31" and neutralise("-1+2") == "'-1+2"
    frame = formula_safe(pd.DataFrame({"name": pd.Series(["-cmd", "ok"], dtype="str"), "value": [-5.31, 2.0]}))
    assert frame["name"].tolist() == ["'-cmd", "ok"] and frame["value"].tolist() == [-5.31, 2.0]


def test_render_neutralises_csv_and_table_and_keeps_json_exact():
    frame = pd.DataFrame({"file_name": [HYPERLINK, DDE], "delta": [-5.31, 1.0]})
    rows = list(csv.reader(io.StringIO(render(frame, "csv"))))
    assert rows[1] == ["'" + HYPERLINK, "-5.31"] and rows[2] == ["'" + DDE, "1.00"]
    assert "'" + DDE in render(frame, "table") and " -5.31" in render(frame, "table")
    assert json.loads(render(frame, "json"))[0] == {"file_name": HYPERLINK, "delta": -5.31}


def test_etl_batches_csv_neutralises_a_hostile_file_name_and_user(demo_db, tmp_path, capsys):
    file_payload = "+cmd|' -C calc'!A0"          # a file name cannot hold the "/" of " /C"
    for number, (name, user) in enumerate([(file_payload, HYPERLINK), ("=1+1", DDE)], start=1):
        source = tmp_path / f"{name}.csv"
        source.write_text(f"Số đề án,Ngày báo cáo,Trạng thái\n{number},01/11/2026,Đã trình\n", "utf-8")
        code, _out, err = etl_main(capsys, "load", "projects", str(source), "--db", str(demo_db), "--user", user)
        assert code == 0, err
    code, out, _err = etl_main(capsys, "batches", "--db", str(demo_db), "--format", "csv")
    assert code == 0
    cells = [cell for row in csv.reader(io.StringIO(out)) for cell in row]
    assert {"'" + HYPERLINK, "'" + DDE, "'" + file_payload + ".csv", "'=1+1.csv"} <= set(cells)
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
    code, out, _err = etl_main(capsys, "batches", "--db", str(demo_db), "--format", "table")
    assert "'" + DDE in out and "'" + HYPERLINK in out


def test_metrics_satisfaction_csv_neutralises_a_hostile_hospital_name(demo_db, tmp_path, capsys):
    from tests.etl.test_load_survey import load, write_csv
    from tests.etl.test_load_survey_facilities import HEALTH_HEADERS, patient
    hostile = ("BV66", HYPERLINK, "Hà Nội")
    rows = [patient(f"P{i}", "outpatient", hospital=hostile) for i in range(1, 6)]
    load(demo_db, "health", write_csv(tmp_path / "bv.csv", rows, HEALTH_HEADERS))
    code, out, err = metrics_main(capsys, "satisfaction", "--db", str(demo_db), "--survey", "health", "--year", "2024",
                                  "--unit", "hospital:BV66", "--source", "upload", "--format", "csv")
    assert code == 0, err
    cells = [cell for row in csv.reader(io.StringIO(out)) for cell in row]
    assert "'" + HYPERLINK in cells and HYPERLINK not in cells


def test_the_problem_report_csv_and_xlsx_are_neutralised():
    import openpyxl

    from etl.problems import Problem
    from ui.export import problems_csv, xlsx_bytes
    report = problems_csv([Problem(DDE + ".csv", 2, "Tên", HYPERLINK, "bad", "sai")], "en").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(report)))
    assert rows[0] == ["severity", "file", "row", "column", "value", "problem"]
    assert rows[1][1] == "'" + DDE + ".csv" and rows[1][4] == "'" + HYPERLINK
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(pd.DataFrame({"n": [HYPERLINK, "-cmd"], "v": [-5.31, 2]}),
                                                        sheet="a/b [x]")))
    cells = [(r[0].value, r[0].data_type, r[1].value, r[1].data_type) for r in book.active.iter_rows(min_row=2)]
    assert cells == [("'" + HYPERLINK, "s", -5.31, "n"), ("'-cmd", "s", 2, "n")]


def test_the_etl_problem_report_csv_is_neutralised():
    from etl.problems import Problem, report_csv
    report = report_csv([Problem(DDE + ".csv", 2, "@SUM(A1)", HYPERLINK, "-bad", "=sai"),
                         Problem("ok.csv", None, None, "-5.31", "fine", "tốt", "warning")], "vi")
    rows = list(csv.reader(io.StringIO(report)))
    assert rows[0] == ["severity", "file", "row", "column", "value", "problem"]
    assert rows[1] == ["error", "'" + DDE + ".csv", "2", "'@SUM(A1)", "'" + HYPERLINK, "'=sai"]
    assert rows[2] == ["warning", "ok.csv", "", "", "-5.31", "tốt"]  # a signed number stays a number


def _hostile_instrument():
    import dataclasses

    from etl.loaders.survey_instruments import instruments_from_yaml
    sipas = instruments_from_yaml("sipas")[0]
    first = dataclasses.replace(sipas.items[0], code=HYPERLINK, wording_vi=DDE, wording_en="@cmd")
    return dataclasses.replace(sipas, items=(first, *sipas.items[1:]), title_vi="=1+1", method="-2+3")


def test_templates_neutralise_hostile_instrument_text():
    import openpyxl

    from etl.templates import template_csv, template_xlsx
    instrument = _hostile_instrument()
    header = next(csv.reader(io.StringIO(template_csv(instrument, "sipas").decode("utf-8-sig"))))
    assert "'" + HYPERLINK in header and HYPERLINK not in header
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx(instrument, "sipas")))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells), [c.value for c in cells if c.data_type == "f"]
    values = {c.value for c in cells}
    assert {"'" + HYPERLINK, "'" + DDE, "'@cmd"} <= values
    assert not values & {HYPERLINK, DDE, "@cmd"}
    assert "Bộ mã câu hỏi — =1+1" in values      # text that only contains a formula sign stays as it is


# --- 5. dates ----------------------------------------------------------------------------------------------

def test_check_date_range_names_the_range():
    today = date(2026, 6, 1)
    assert check_date_range(date(2000, 1, 1), today=today) is None
    assert check_date_range(date(2027, 12, 31), today=today) is None
    assert "01/01/2000 to 31/12/2027" in check_date_range(date(1970, 1, 1), today=today)
    assert check_date_range(date(2028, 1, 1), today=today) is not None
    assert check_date_range(date(1, 1, 1), today=today) is not None
    assert "not a real date" in check_date_range("0001-01-01 (BC)", today=today)
    assert "khoảng chấp nhận" in check_date_range(date(1970, 1, 1), "vi", today=today)


def test_year_zero_and_bc_dates_do_not_crash_code_systems(reference_store):
    assert system_for("province", year=0, on_date="0001-01-01 (BC)") == "vn63"
    assert reference_date(0, "0001-01-01 (BC)") is None and reference_date(0, None) is None
    found = UnitResolver(reference_store, "vn63", None).resolve("Hà Nội")
    assert found.code is None and "not a real date" in found.problem


def test_a_survey_dated_year_zero_is_refused_not_a_crash(demo_db, tmp_path):
    from etl.problems import LoadRejected
    from tests.etl.test_load_survey import load, sipas_rows, write_csv
    before = table_fingerprint(demo_db)
    with pytest.raises(LoadRejected):
        load(demo_db, "sipas", write_csv(tmp_path / "s.csv", sipas_rows(3, survey_date="0000-01-01")))
    assert table_fingerprint(demo_db) == before


def test_a_survey_dated_1970_is_refused(demo_db, tmp_path):
    from etl.problems import LoadRejected
    from tests.etl.test_load_survey import load, sipas_rows, write_csv
    with pytest.raises(LoadRejected):
        load(demo_db, "sipas", write_csv(tmp_path / "s.csv", sipas_rows(3, survey_date="01/01/1970")))


# --- 6. a bad --db is one line; reading never creates; a failed commit says why ---------------------------

def _bad_files(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "a.csv").write_text("a,b\n1,2\n", "utf-8")
    (tmp_path / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    sqlite3.connect(tmp_path / "a.sqlite").execute("CREATE TABLE t (x)").connection.commit()
    (tmp_path / "folder.duckdb").mkdir()
    (tmp_path / "empty.duckdb").write_bytes(b"")
    return {"csv": tmp_path / "a.csv", "png": tmp_path / "a.png", "sqlite": tmp_path / "a.sqlite",
            "folder": tmp_path / "folder.duckdb", "empty": tmp_path / "empty.duckdb"}


@pytest.mark.parametrize("kind, said", [("csv", "not a DuckDB database"), ("png", "not a DuckDB database"),
                                        ("sqlite", "SQLite"), ("folder", "folder"), ("empty", "empty file")])
def test_a_wrong_db_file_is_one_line(tmp_path, capsys, kind, said):
    path = _bad_files(tmp_path)[kind]
    for command in (["batches"], ["remove", "1"]):
        code, _out, err = etl_main(capsys, *command, "--db", str(path), "--lang", "en")
        assert code == 1 and said in err and len(err.strip().splitlines()) == 1
    code, _out, err = metrics_main(capsys, "units", "--db", str(path))
    assert code == 1 and said in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("kind, code", [("csv", "not_duckdb"), ("sqlite", "not_duckdb"), ("folder", "folder"),
                                        ("empty", "not_duckdb")])
def test_the_app_says_a_wrong_db_file_in_the_reader_s_language(tmp_path, kind, code):
    from ui.store import store_error_text
    path = _bad_files(tmp_path)[kind]
    with pytest.raises(StoreError) as caught:
        open_store(path, read_only=True).__enter__()
    assert caught.value.code == code
    vi, en = store_error_text(caught.value, "vi"), store_error_text(caught.value, "en")
    assert vi != en and str(caught.value) not in vi
    assert ("thư mục" if code == "folder" else "không phải là cơ sở dữ liệu DuckDB") in vi
    assert path.name.replace(".", "\\.") in vi          # the path, as plain text (Markdown escaped)


def test_every_store_error_code_has_its_own_words():
    from ui.i18n import STRINGS
    from ui.store import STORE_ERROR_CODES, store_error_text
    db_source = (Path(__file__).resolve().parents[2] / "etl" / "db.py").read_text("utf-8")
    raised = set(re.findall(r'StoreError\(\s*"(\w+)"', db_source))
    assert raised <= set(STORE_ERROR_CODES), raised - set(STORE_ERROR_CODES)
    for code in STORE_ERROR_CODES:
        vi, en = STRINGS[f"store.{code}"]
        assert vi != en
    disk = duckdb.IOException('Could not write file "x.duckdb.wal": No space left on device')
    try:
        raise StoreError("write_failed", "Nothing was saved: IO Error", Path("/srv/par.duckdb")) from disk
    except StoreError as exc:
        full = exc
    vi = store_error_text(full, "vi")
    assert vi.startswith("Không lưu được gì vào") and "No space left on device" in vi
    assert "Nothing was saved" in store_error_text(full, "en") and "disk space" in store_error_text(full, "en")
    assert "PAR_DB_WAIT phải là số giây" in store_error_text(StoreError("config", "PAR_DB_WAIT must be ..."), "vi")
    assert store_error_text(StoreError("someday", "As etl says [x](y)"), "vi") == "As etl says \\[x\\]\\(y\\)"


def test_reading_never_creates_a_database(tmp_path, capsys):
    missing = tmp_path / "missing.duckdb"
    code, _out, err = etl_main(capsys, "batches", "--db", str(missing), "--lang", "en")
    assert code == 1 and "does not exist" in err
    assert not missing.exists() and not list(tmp_path.iterdir())


def test_a_read_only_place_is_one_line(demo_db, monkeypatch, capsys):
    import etl.db
    real_access = etl.db.os.access
    monkeypatch.setattr(etl.db.os, "access", lambda p, mode: False if mode & etl.db.os.W_OK else real_access(p, mode))
    code, _out, err = etl_main(capsys, "batches", "--db", str(demo_db), "--lang", "en")
    assert code == 1 and "read-only" in err and len(err.strip().splitlines()) == 1
    with open_store(demo_db, read_only=True) as con:      # reading still works
        assert con.execute("SELECT count(*) FROM batch").fetchall()[0][0] > 0


class DiskFullOnCommit:
    """A connection whose COMMIT fails as on a full disk: DuckDB has then already ended the transaction."""

    def __init__(self, con):
        self.con = con

    def execute(self, sql, *args):
        if sql.strip().upper() == "COMMIT":
            self.con.execute("ROLLBACK")
            raise duckdb.IOException("Could not write file \"x.duckdb.wal\": No space left on device")
        return self.con.execute(sql, *args)


def test_a_failed_commit_reports_the_real_error(empty_store):
    empty_store.execute("CREATE TABLE t (x INTEGER)")
    with pytest.raises(StoreError) as caught:
        with transaction(DiskFullOnCommit(empty_store)) as con:
            con.execute("INSERT INTO t VALUES (1)")
    assert caught.value.code == "write_failed" and "No space left on device" in str(caught.value)
    assert "no transaction is active" not in str(caught.value)
    assert empty_store.execute("SELECT count(*) FROM t").fetchall()[0][0] == 0


def test_role_assignment_uses_the_transaction_helper(writable_store):
    from etl.access import Actor, assign_role
    with pytest.raises(StoreError, match="No space left"):
        assign_role(DiskFullOnCommit(writable_store), Actor("a@x.vn", "admin"), "b@x.vn", "viewer")


class DiskFullProxy(DiskFullOnCommit):
    """DiskFullOnCommit that also passes register, unregister and the rest through (loads use them)."""

    def __getattr__(self, name):
        return getattr(self.con, name)


def test_a_load_whose_commit_fails_says_why_and_leaves_nothing(demo_db):
    from etl.rules import save_rule_set
    text = (Path(__file__).resolve().parents[2] / "data" / "rules" / "quang-ngai-2018.yaml").read_text("utf-8")
    before = table_fingerprint(demo_db)
    con = duckdb.connect(str(demo_db))
    try:
        with pytest.raises(StoreError) as caught:
            save_rule_set(DiskFullProxy(con), text, file_name="rules.yaml")
    finally:
        con.close()
    assert caught.value.code == "write_failed"
    assert "Nothing was saved" in str(caught.value) and "No space left on device" in str(caught.value)
    assert "no transaction is active" not in str(caught.value)
    assert table_fingerprint(demo_db) == before


def test_a_removal_whose_commit_fails_says_why_and_leaves_the_batch(demo_db):
    from etl.batches import remove_batch
    con = duckdb.connect(str(demo_db))
    try:
        batch_id = con.execute("SELECT min(batch_id) FROM batch WHERE status = 'current' AND source = 'demo'"
                               ).fetchall()[0][0]
    finally:
        con.close()
    before = table_fingerprint(demo_db)
    con = duckdb.connect(str(demo_db))
    try:
        with pytest.raises(StoreError, match="No space left on device") as caught:
            remove_batch(DiskFullProxy(con), batch_id)
    finally:
        con.close()
    assert caught.value.code == "write_failed" and "no transaction is active" not in str(caught.value)
    assert table_fingerprint(demo_db) == before


def test_a_migration_whose_commit_fails_says_why_and_is_not_recorded(tmp_path):
    from etl.migrations import available, migrate
    path = tmp_path / "new.duckdb"
    con = duckdb.connect(str(path))
    try:
        with pytest.raises(StoreError, match="No space left on device") as caught:
            migrate(DiskFullProxy(con))
        assert caught.value.code == "write_failed" and "no transaction is active" not in str(caught.value)
        assert con.execute("SELECT count(*) FROM schema_version").fetchall()[0][0] == 0
        assert con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'batch'"
                           ).fetchall()[0][0] == 0
        assert migrate(con) == [number for number, _d, _s in available()]   # and a later run applies them all
    finally:
        con.close()


def test_par_db_wait_is_honoured_and_checked(monkeypatch):
    from etl.db import default_wait
    from ui.store import db_wait
    monkeypatch.delenv("PAR_DB_WAIT", raising=False)
    assert db_wait() == 5.0 and default_wait() == 10.0
    monkeypatch.setenv("PAR_DB_WAIT", "0.25")
    assert db_wait() == 0.25 and default_wait() == 0.25
    monkeypatch.setenv("PAR_DB_WAIT", "soon")
    with pytest.raises(StoreError, match="PAR_DB_WAIT"):
        db_wait()


def test_connect_still_creates_for_the_schema_tools(tmp_path):
    con = connect(tmp_path / "new.duckdb", read_only=False)       # build and restore create through here
    con.close()
    with pytest.raises(StoreError) as caught:
        with open_store(tmp_path / "other.duckdb", read_only=False):
            pass
    assert caught.value.code == "missing" and not (tmp_path / "other.duckdb").exists()
