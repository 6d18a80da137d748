"""`python -m etl` as scripts use it: exit codes, summary lines, error reports, formats."""
import json
import subprocess
import sys
import unicodedata
from datetime import date
from pathlib import Path

import duckdb

from tests.conftest import PROJECT, run_command, table_fingerprint

GOOD = "Số đề án,Ngày báo cáo,Trạng thái,Tỷ lệ hoàn thành,Số quyết định,Ngày quyết định,Ghi chú\n" \
       "3,15/11/2026,Đang triển khai,\"55,5\",,,đúng tiến độ\n" \
       "8,2026-11-20,Đang nghiên cứu,20,,,\n"
BAD = "Số đề án,Ngày báo cáo,Trạng thái,Tỷ lệ hoàn thành\n" \
      "3,15/11/2026,Đang triển khai,55\n" \
      "17,31/02/2026,xong rồi,120\n"


def etl(*args, env=None):
    """The etl command: in this process, or as `python -m etl` in a process of its own when it needs its own
    environment variables."""
    if env is None:
        return run_command("etl", *args)
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=PROJECT, capture_output=True, text=True,
                          env=env, timeout=120)


def write(tmp_path: Path, name: str, text: str, encoding="utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_load_prints_one_summary_line_naming_the_batch(demo_db, tmp_path):
    result = etl("load", "projects", str(write(tmp_path, "tien_do.csv", GOOD)), "--db", str(demo_db), "--lang", "en")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Loaded batch ") and "2 rows from tien_do.csv" in lines[0]
    batch_id = int(lines[0].split()[2])
    listed = json.loads(etl("batches", "--db", str(demo_db), "--format", "json").stdout)
    mine = next(b for b in listed if b["batch_id"] == batch_id)
    assert (mine["kind"], mine["source"], mine["rows"], mine["status"]) == ("projects", "upload", 2, "current")
    assert len(mine["sha256"]) == 64


def test_rejected_load_reports_every_problem_and_changes_nothing(demo_db, tmp_path):
    before = table_fingerprint(demo_db)
    result = etl("load", "projects", str(write(tmp_path, "sai.csv", BAD)), "--db", str(demo_db), "--lang", "en")
    assert result.returncode == 1
    report = result.stderr
    assert "sai.csv, row 3, column Số đề án [17]" in report
    assert "row 3, column Ngày báo cáo [31/02/2026]" in report
    assert "row 3, column Trạng thái [xong rồi]" in report
    assert "row 3, column Tỷ lệ hoàn thành [120]" in report
    assert "the database is unchanged" in report
    assert table_fingerprint(demo_db) == before


def test_vietnamese_is_the_default_language_of_messages(demo_db, tmp_path):
    result = etl("load", "projects", str(write(tmp_path, "sai.csv", BAD)), "--db", str(demo_db))
    assert result.returncode == 1 and "dòng 3" in result.stderr and "không thay đổi" in result.stderr


def test_same_file_twice_is_refused_until_its_batch_is_removed(demo_db, tmp_path):
    path = write(tmp_path, "a.csv", GOOD)
    first = etl("load", "projects", str(path), "--db", str(demo_db), "--lang", "en")
    batch_id = first.stdout.split()[2]
    again = etl("load", "projects", str(path), "--db", str(demo_db), "--lang", "en")
    assert again.returncode == 1 and f"already loaded as batch {batch_id}" in again.stderr
    removed = etl("remove", batch_id, "--db", str(demo_db), "--lang", "en")
    assert removed.returncode == 0 and f"Removed batch {batch_id}" in removed.stdout
    assert etl("load", "projects", str(path), "--db", str(demo_db)).returncode == 0


def _batch(db: Path, batch_id: int) -> tuple:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT kind, source, file_name, rows, status, length(sha256) FROM batch WHERE batch_id = ?",
                           [batch_id]).fetchall()[0]
    finally:
        con.close()


def test_excel_exports_in_other_encodings_load(demo_db, tmp_path):
    """Excel's "Unicode text" (UTF-16, tab-separated): the rows arrive with their Vietnamese intact."""
    text = GOOD.replace(",", "\t").replace('"55\t5"', "55,5")
    path = write(tmp_path, "unicode.txt", text, encoding="utf-16")
    assert path.read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    result = etl("load", "projects", str(path), "--db", str(demo_db), "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert "2 rows from unicode.txt" in result.stdout
    batch_id = int(result.stdout.split()[2])
    assert _batch(demo_db, batch_id) == ("projects", "upload", "unicode.txt", 2, "current", 64)
    con = duckdb.connect(str(demo_db), read_only=True)
    rows = con.execute("SELECT project_no, report_date, status, percent_complete, note FROM project_update "
                       "WHERE batch_id = ? ORDER BY 1", [batch_id]).fetchall()
    con.close()
    # "Đang triển khai" resolved to its code, "55,5" read as 55.5, the note's diacritics unchanged (and NFC)
    assert rows == [(3, date(2026, 11, 15), "implementing", 55.5, "đúng tiến độ"),
                    (8, date(2026, 11, 20), "researching", 20.0, None)]
    assert unicodedata.is_normalized("NFC", rows[0][4])


def test_a_utf16_survey_file_loads_with_provinces_and_vietnamese_text_intact(demo_db, tmp_path):
    items = [f"C{i}" for i in range(1, 34)]
    header = ["Mã phiếu", "Tỉnh/thành phố", "Ngày khảo sát", "Giới tính", "Tầng mẫu", "Địa bàn", *items]
    rows = [["R1", "Thừa Thiên Huế", "15/08/2024", "Nữ", "Thành thị", "Phường Phú Hội", *["4"] * 33],
            ["R2", "Hà Nội", "16/08/2024", "nam", "Nông thôn", "Xã Đông Anh", *["5"] * 33],
            ["R3", "TP. Hồ Chí Minh", "17/08/2024", "", "Thành thị", "Phường Bến Nghé", *["3"] * 33]]
    text = "\r\n".join("\t".join(r) for r in [header, *rows]) + "\r\n"
    path = write(tmp_path, "sipas unicode.txt", text, encoding="utf-16")
    result = etl("load", "sipas", str(path), "--db", str(demo_db), "--lang", "en")
    assert result.returncode == 0, result.stderr
    batch_id = int(result.stdout.split()[2])
    assert _batch(demo_db, batch_id) == ("sipas", "upload", "sipas unicode.txt", 3, "current", 64)
    con = duckdb.connect(str(demo_db), read_only=True)
    got = con.execute("SELECT r.respondent_id, r.unit_system, r.unit_code, u.name_vi, r.sex, r.stratum, r.psu, "
                      "count(a.value), sum(a.value) FROM survey_respondent r "
                      "JOIN unit u ON u.code_system = r.unit_system AND u.code = r.unit_code "
                      "JOIN survey_answer a USING (respondent_key) WHERE r.batch_id = ? GROUP BY ALL ORDER BY 1",
                      [batch_id]).fetchall()
    con.close()
    assert got == [("R1", "vn63", "46", "Thừa Thiên Huế", "female", "Thành thị", "Phường Phú Hội", 33, 132),
                   ("R2", "vn63", "01", "Hà Nội", "male", "Nông thôn", "Xã Đông Anh", 33, 165),
                   ("R3", "vn63", "79", "Hồ Chí Minh", None, "Thành thị", "Phường Bến Nghé", 33, 99)]


def test_usage_errors_exit_2(demo_db, tmp_path):
    assert etl("load", "nonsense", "x.csv", "--db", str(demo_db)).returncode == 2
    assert etl("load", "projects", str(tmp_path / "missing.csv"), "--db", str(demo_db)).returncode == 2
    wrong_option = etl("load", "projects", str(write(tmp_path, "s.csv", GOOD)), "--db", str(demo_db), "--keep-valid")
    assert wrong_option.returncode == 2
    assert etl("frobnicate").returncode == 2


def test_batches_formats_have_the_documented_columns(demo_db):
    required = {"batch_id", "kind", "source", "file_name", "sha256", "rows", "status", "loaded_at", "user"}
    rows = json.loads(etl("batches", "--db", str(demo_db), "--format", "json").stdout)
    assert required <= set(rows[0])
    header = etl("batches", "--db", str(demo_db), "--format", "csv").stdout.splitlines()[0].split(",")
    assert required <= set(header)
    table = etl("batches", "--db", str(demo_db)).stdout.splitlines()[0]
    assert all(column in table for column in required)


def test_remove_unknown_batch_fails_cleanly(demo_db):
    result = etl("remove", "99999", "--db", str(demo_db))
    assert result.returncode == 1 and "99999" in result.stderr


def test_build_without_demo_and_the_par_db_variable(tmp_path):
    path = tmp_path / "nodemo.duckdb"
    result = etl("build", "--no-demo", "--db", str(path), "--lang", "en")
    assert result.returncode == 0 and "no demo data" in result.stdout
    env = {**__import__("os").environ, "PAR_DB": str(path)}
    rows = json.loads(etl("batches", "--format", "json", env=env).stdout)
    assert {r["source"] for r in rows} == {"reference", "published"}


def test_busy_database_is_reported_not_hung(demo_db, tmp_path):
    """A load while another process holds the write lock waits briefly, then says the database is busy."""
    holder = subprocess.Popen([sys.executable, "-c",
                               "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); print('ready', flush=True); "
                               "time.sleep(30)", str(demo_db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        env = {**__import__("os").environ, "PAR_DB_WAIT": "1"}
        result = etl("load", "projects", str(write(tmp_path, "a.csv", GOOD)), "--db", str(demo_db), "--lang", "en",
                     env=env)
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 1
    assert "busy" in result.stderr


def test_backup_and_restore_commands(demo_db, tmp_path):
    backup_dir = tmp_path / "snapshot"
    assert etl("backup", str(backup_dir), "--db", str(demo_db), "--lang", "en").returncode == 0
    target = tmp_path / "restored.duckdb"
    result = etl("restore", str(backup_dir), "--db", str(target), "--lang", "en")
    assert result.returncode == 0 and "Restored" in result.stdout
    before, after = table_fingerprint(demo_db), table_fingerprint(target)
    assert {k: v for k, v in after.items() if k != "audit"} == {k: v for k, v in before.items() if k != "audit"}
    assert after["audit"][0] == before["audit"][0] + 1          # the restore itself is audited
    again = etl("restore", str(backup_dir), "--db", str(target))
    assert again.returncode == 1 and "exists" in again.stderr
