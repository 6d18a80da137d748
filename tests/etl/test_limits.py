"""Limits on the work a file makes (etl.limits): every bomb of the hardening review is refused with a report that
names the limit, exit 1, no traceback, and the database unchanged. The bombs are built here at small real size.

Timings are never asserted tightly: a generous wall-clock bound only says "refused, not ground through".
"""
from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest

from etl.limits import DEFAULT_LIMITS, Limits, parse_max_mb
from etl.load import READ_MEMORY, load_file, remove_stale_work_dirs, staging_connection, staging_memory
from etl.loaders.survey_read import _reader_memory
from etl.problems import LoadRejected
from etl.readers import ReadProblem, read_table
from tests.conftest import PROJECT, table_fingerprint
from tests.etl.test_load_survey import SIPAS_HEADERS, csv_text, run_cli, sipas_rows

GENEROUS_SECONDS = 60  # far above what a refusal takes; far below what grinding through a bomb took (> 150 s)
PROJECTS = "Số đề án,Ngày báo cáo,Trạng thái,Tỷ lệ hoàn thành\n"
PROJECT_ROWS = "".join(f"{n},20/11/2026,Đang triển khai,{n * 5}\n" for n in range(1, 17))
PLANS = ("\"Tỉnh, thành phố\",Năm,Số kế hoạch,Ngày ban hành,Thể chế,TTHC,Bộ máy,Công vụ,Tài chính công,Chính phủ số\n"
         "Quảng Ninh,{year},12/KH-UBND,20/12/2025,x,x,x,x,x,x\n")


@pytest.fixture
def store(plain_db) -> Path:
    """A private store with reference data and published results, no demo data (tests/conftest.py)."""
    return plain_db


def refused(store: Path, kind: str, path: Path, *args: str) -> str:
    """Load through the command line in this process: exit 1, a report, no traceback, nothing changed."""
    before = table_fingerprint(store)
    started = time.monotonic()
    code, out, err = run_cli("load", kind, str(path), "--db", str(store), "--lang", "en", *args)
    assert time.monotonic() - started < GENEROUS_SECONDS
    assert code == 1, err
    assert "Traceback" not in err and out == ""
    assert "Rejected: 1 error(s); the database is unchanged." in err
    assert str(PROJECT) not in err  # no server path in what a user reads
    assert table_fingerprint(store) == before
    return err


# ---- bombs, built small -------------------------------------------------------------------------------------------

def workbook_bytes(rows: list[list] | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows or [["Số đề án", "Ngày báo cáo", "Trạng thái"], [1, "20/11/2026", "Đang triển khai"]]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite_workbook(path: Path, replace: dict[str, bytes | None], base: bytes | None = None, *,
                     compresslevel: int = 6) -> Path:
    """A real workbook with some parts replaced (None: left out); new parts are added."""
    with zipfile.ZipFile(io.BytesIO(base or workbook_bytes())) as source, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as target:
        for item in source.infolist():
            if item.filename in replace:
                if replace[item.filename] is not None:
                    target.writestr(item.filename, replace.pop(item.filename))
                else:
                    replace.pop(item.filename)
            else:
                target.writestr(item, source.read(item.filename))
        for name, data in replace.items():
            if data is not None:
                target.writestr(name, data)
    return path


def shared_string_bomb(path: Path, megabytes: int = 80) -> Path:
    """A workbook whose one shared string unpacks to `megabytes` MB of 'A' (streamed: a few hundred KB on disk)."""
    base = workbook_bytes()
    with zipfile.ZipFile(io.BytesIO(base)) as source, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            if item.filename != "xl/sharedStrings.xml":
                target.writestr(item, source.read(item.filename))
        with target.open("xl/sharedStrings.xml", "w") as stream:
            stream.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
                         b'uniqueCount="1"><si><t>')
            block = b"A" * 2**20
            for _ in range(megabytes):
                stream.write(block)
            stream.write(b"</t></si></sst>")
    return path


SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
SHEET_TAIL = b"</sheetData></worksheet>"
BILLION_LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
                             for i in range(1, 10))
                  + b']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                    b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>' + SHEET_TAIL)
XXE = (b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
       b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&xxe;</t></si></sst>')


def dense_rows_sheet(rows: int) -> bytes:
    """A sheet of `rows` rows of one small number: 2,000,000 rows are ~35 MB of XML, a few MB zipped."""
    body = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(1, rows + 1))
    return SHEET_HEAD + body + SHEET_TAIL


def sparse_row_sheet(row: int) -> bytes:
    """A header row and one cell far below: openpyxl would hand back every empty row in between."""
    return (SHEET_HEAD + b'<row r="1"><c r="A1" t="inlineStr"><is><t>S\xe1\xbb\x91 \xc4\x91\xe1\xbb\x81 \xc3\xa1n'
            b'</t></is></c><c r="B1" t="inlineStr"><is><t>Ghi ch\xc3\xba</t></is></c></row>'
            + b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (row, row) + SHEET_TAIL)


# ---- the regressions, one per bomb of the review ------------------------------------------------------------------

def test_shared_string_zip_bomb_is_refused_from_the_zip_directory(store, tmp_path):
    path = shared_string_bomb(tmp_path / "bomb.xlsx")
    assert path.stat().st_size < 1024 * 1024
    err = refused(store, "projects", path)
    assert "shared strings unpack to 80.0 MB" in err or "compressed" in err
    assert "64.0 MB" in err or "over the limit of 100:1" in err


def test_a_file_that_unpacks_past_the_total_limit_is_refused(tmp_path):
    path = shared_string_bomb(tmp_path / "bomb.xlsx", megabytes=3)
    with pytest.raises(ReadProblem, match=r"unpacks to 3\.0 MB .* over the limit of 2\.0 MB"):
        read_table(path, limits=Limits(max_unpacked_bytes=2 * 2**20, max_compression_ratio=10**6))


def test_billion_laughs_is_refused_before_parsing(store, tmp_path):
    path = rewrite_workbook(tmp_path / "laughs.xlsx", {"xl/worksheets/sheet1.xml": BILLION_LAUGHS})
    err = refused(store, "projects", path)
    assert 'Part "xl/worksheets/sheet1.xml" of the Excel file declares a DOCTYPE or ENTITY' in err


def test_xxe_is_refused_before_parsing(store, tmp_path):
    path = rewrite_workbook(tmp_path / "xxe.xlsx", {"xl/sharedStrings.xml": XXE})
    err = refused(store, "sipas", path)
    assert "declares a DOCTYPE or ENTITY" in err and "passwd" not in err.replace("XXE", "")


def test_xml_in_another_encoding_is_refused(tmp_path):
    sheet = dense_rows_sheet(2).replace(b'encoding="UTF-8"', b'encoding="UTF-7"')
    path = rewrite_workbook(tmp_path / "utf7.xlsx", {"xl/worksheets/sheet1.xml": sheet})
    with pytest.raises(ReadProblem, match="is not UTF-8 XML"):
        read_table(path)


def test_two_million_row_workbook_is_refused_by_counting_rows(store, tmp_path):
    path = rewrite_workbook(tmp_path / "rows.xlsx", {"xl/worksheets/sheet1.xml": dense_rows_sheet(2_000_000)},
                            compresslevel=1)
    assert path.stat().st_size < 12 * 1024 * 1024
    err = refused(store, "projects", path)
    assert "has more than 1,048,576 rows, over the limit" in err


def test_a_cell_two_million_rows_down_is_refused_without_reading_every_empty_row(store, tmp_path):
    path = rewrite_workbook(tmp_path / "sparse.xlsx", {"xl/worksheets/sheet1.xml": sparse_row_sheet(2_000_000),
                                                       "xl/sharedStrings.xml": None})
    err = refused(store, "projects", path)
    assert "more than 1,048,576 rows, over the limit" in err


def test_stray_cell_far_right_is_refused_as_too_many_columns(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["Số đề án", "Trạng thái"])
    book.active.append([1, "x"])
    book.active["XFD2"] = "lạc"
    book.save(tmp_path / "wide.xlsx")
    with pytest.raises(ReadProblem, match=r"row 2: Row has a cell in position 16,384 \(column XFD\), over the limit "
                                          r"of 1,000 columns"):
        read_table(tmp_path / "wide.xlsx")


@pytest.mark.parametrize("kind", ["projects", "sipas"])
def test_csv_row_with_200000_extra_cells_is_refused_before_duckdb(store, tmp_path, kind):
    if kind == "projects":
        text = PROJECTS + PROJECT_ROWS + "17,20/11/2026,Đang triển khai,5" + ",x" * 200_000 + "\n"
    else:
        text = csv_text(sipas_rows(20), SIPAS_HEADERS)
        lines = text.split("\r\n")
        lines[5] += ",1" * 200_000
        text = "\r\n".join(lines)
    path = tmp_path / "wide.csv"
    path.write_text(text, "utf-8")
    assert path.stat().st_size < 600 * 1024
    err = refused(store, kind, path)
    assert "over the limit of 1,000 columns" in err
    assert ("row 18" if kind == "projects" else "row 6") in err


@pytest.mark.parametrize("kind", ["projects", "sipas"])
def test_a_131073_character_cell_is_a_report(store, tmp_path, kind):
    huge = "x" * 131_073
    if kind == "projects":
        text = PROJECTS.strip() + ",Ghi chú\n" + f"1,20/11/2026,Đang triển khai,5,{huge}\n"
    else:
        rows = sipas_rows(5)
        rows[2]["channel"] = huge
        text = csv_text(rows, SIPAS_HEADERS)
    path = tmp_path / "cell.csv"
    path.write_text(text, "utf-8")
    err = refused(store, kind, path)
    assert "over the limit of 32,767 (the most an Excel cell holds)" in err
    assert "row 2" if kind == "projects" else "row 4" in err


def test_a_long_cell_in_a_workbook_is_a_report(tmp_path):
    path = rewrite_workbook(tmp_path / "cell.xlsx", {"xl/worksheets/sheet1.xml": SHEET_HEAD + (
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="B1" t="inlineStr"><is><t>b</t></is></c></row>'
        b'<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="inlineStr"><is><t>' + b"y" * 40_000 + b"</t></is></c></row>")
        + SHEET_TAIL, "xl/sharedStrings.xml": None})
    with pytest.raises(ReadProblem) as err:
        read_table(path)
    assert (err.value.row, err.value.column) == (2, "B") and "Cell of 40,000 characters" in str(err.value)


@pytest.mark.parametrize("kind", ["plans", "population", "sipas"])
def test_a_year_of_400_nines_is_a_report(store, tmp_path, kind):
    nines = "9" * 400
    if kind == "plans":
        text = PLANS.format(year=nines)
    elif kind == "population":
        text = f"Mã,Tỉnh,Năm,Dân số\n01,Hà Nội,{nines},8587100\n"
    else:
        rows = sipas_rows(4)
        for row in rows:
            row["year"] = nines
            row["survey_date"] = ""
        text = csv_text(rows, SIPAS_HEADERS[:2] + ["year"] + SIPAS_HEADERS[3:])
    path = tmp_path / "year.csv"
    path.write_text(text, "utf-8")
    before = table_fingerprint(store)
    code, out, err = run_cli("load", kind, str(path), "--db", str(store), "--lang", "en")
    assert code == 1 and "Traceback" not in err and out == "" and nines[:60] in err
    assert table_fingerprint(store) == before
    if kind != "sipas":  # surveys type the column in DuckDB: there it is the row's year problem
        assert "Number with 400 digits before the decimal point, too large to store (at most 18)" in err


@pytest.mark.parametrize("damage", ["truncated", "bad crc", "broken xml", "bad cell reference", "not a sheet"])
def test_malformed_workbooks_are_reports(store, tmp_path, damage):
    path = tmp_path / "hong.xlsx"
    good = workbook_bytes()
    if damage == "truncated":
        path.write_bytes(good[: len(good) // 2])
    elif damage == "bad crc":
        data = bytearray(good)
        with zipfile.ZipFile(io.BytesIO(good)) as z:
            info = z.getinfo("xl/worksheets/sheet1.xml")
        at = info.header_offset + 30 + len(info.filename) + len(info.extra) + 10
        data[at] ^= 0xFF
        path.write_bytes(bytes(data))
    elif damage == "broken xml":
        rewrite_workbook(path, {"xl/worksheets/sheet1.xml": SHEET_HEAD + b'<row r="1"><c r="A1"><v>1</v></row>'})
    elif damage == "bad cell reference":
        rewrite_workbook(path, {"xl/worksheets/sheet1.xml": SHEET_HEAD + b'<row r="1"><c r="ZZZZZ1"><v>1</v></c>'
                                                                       b'</row>' + SHEET_TAIL})
    else:
        rewrite_workbook(path, {"xl/worksheets/sheet1.xml": b"\x89PNG\r\n\x1a\n\x00\x00"})
    err = refused(store, "projects", path)
    assert "ERROR: hong.xlsx" in err
    assert any(s in err for s in ("Damaged Excel workbook", "a damaged Excel workbook", "a ZIP archive"))


def test_time_limit_stops_a_slow_read_with_a_report(tmp_path):
    path = tmp_path / "slow.csv"
    path.write_text("a,b\n" + "1,2\n" * 20_000, "utf-8")
    with pytest.raises(ReadProblem, match=r"took more than 1e-06 s, over the limit"):
        read_table(path, limits=Limits(seconds_per_file=1e-6))


def test_survey_time_limit_interrupts_duckdb(store, tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(csv_text(sipas_rows(50), SIPAS_HEADERS), "utf-8")
    before = table_fingerprint(store)
    with pytest.raises(LoadRejected) as err:
        load_file(store, "sipas", path, limits=Limits(seconds_per_file=1e-6))
    assert "took more than" in err.value.problems[0].message_en
    assert table_fingerprint(store) == before


def test_limits_are_positive_and_finite():
    for bad in (0, -1, float("inf"), float("nan")):
        with pytest.raises(ValueError):
            Limits(max_rows=bad)
    assert DEFAULT_LIMITS.max_file_bytes == 200 * 2**20 and DEFAULT_LIMITS.max_rows == 1_048_576


@pytest.mark.parametrize("value", ["inf", "nan", "-1", "0", "-inf", "1e400", "abc", ""])
def test_bad_max_mb_is_a_one_line_usage_error(store, tmp_path, value):
    path = tmp_path / "p.csv"
    path.write_text(PROJECTS + PROJECT_ROWS, "utf-8")
    code, out, err = run_cli("load", "projects", str(path), "--db", str(store), "--lang", "en",
                             f"--max-mb={value}")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("Usage error: --max-mb must be a number of megabytes")
    with pytest.raises(ValueError):
        parse_max_mb(value)
    assert parse_max_mb("0.5") == 2**19


def test_work_folders_carry_the_pid_and_dead_ones_are_removed(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    gone = tmp_path / f"par-load-{dead_pid}-abc"
    alive = tmp_path / f"par-load-{os.getpid()}-def"
    legacy_old, legacy_new = tmp_path / "par-load-xyz", tmp_path / "par-load-uvw"
    other = tmp_path / "other-folder"
    for folder in (gone, alive, legacy_old, legacy_new, other):
        folder.mkdir()
        (folder / "utf8.csv").write_text("x")
    os.utime(legacy_old, (time.time() - 2 * 86400,) * 2)
    removed = remove_stale_work_dirs(tmp_path)
    assert sorted(removed) == sorted([gone, legacy_old])
    assert alive.exists() and legacy_new.exists() and other.exists() and not gone.exists()


def test_a_transcoded_survey_leaves_no_work_folder(store, tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    path = tmp_path / "s.txt"
    path.write_bytes(csv_text(sipas_rows(10), SIPAS_HEADERS, delimiter="\t").encode("utf-16"))
    assert load_file(store, "sipas", path).rows == 10
    bad = tmp_path / "bad.txt"
    bad.write_bytes(csv_text(sipas_rows(10), SIPAS_HEADERS, delimiter="\t").encode("utf-16") + b"\x00\xd8")
    with pytest.raises(LoadRejected):
        load_file(store, "sipas", bad)
    assert not list(tmp_path.glob("par-load-*"))


@pytest.mark.parametrize("quoted", [False, True])
def test_the_fast_and_the_record_scan_agree(store, tmp_path, quoted):
    """A quote-free UTF-8 file is scanned in binary chunks; one quote sends it through the csv record reader.
    Both refuse the same wide row with the same row number."""
    text = csv_text(sipas_rows(20), SIPAS_HEADERS)
    lines = text.split("\r\n")
    if quoted:
        lines[3] += ',"x"'                 # a quoted cell: the record reader takes over
    lines[5] += ",1" * 5_000
    path = tmp_path / "wide.csv"
    path.write_text("\r\n".join(lines), "utf-8")
    err = refused(store, "sipas", path)
    assert "over the limit of 1,000 columns" in err and "row 6" in err


def _limit(con) -> str:
    return con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]


def _shown(size: str) -> str:
    """A memory limit as DuckDB shows it once set (e.g. '244.1 MiB' for 256MB)."""
    return _limit(duckdb.connect(":memory:", config={"memory_limit": size}))


def test_duckdb_reads_a_file_under_a_raised_memory_limit_then_the_load_limit_again(store, tmp_path, monkeypatch):
    monkeypatch.delenv("PAR_LOAD_MEMORY", raising=False)
    assert staging_memory() == ("256MB", READ_MEMORY)
    with staging_connection(store, tmp_path, 5) as con:
        assert _limit(con) == _shown("256MB")
        with _reader_memory(con):
            assert _limit(con) == _shown(READ_MEMORY)
        assert _limit(con) == _shown("256MB")
        with pytest.raises(RuntimeError), _reader_memory(con):  # put back after a failed read too
            raise RuntimeError("read failed")
        assert _limit(con) == _shown("256MB")


def test_a_load_limit_the_operator_set_holds_for_the_read_too(store, tmp_path, monkeypatch):
    monkeypatch.setenv("PAR_LOAD_MEMORY", "128MB")
    assert staging_memory() == ("128MB", None)
    with staging_connection(store, tmp_path, 5) as con, _reader_memory(con):
        assert _limit(con) == _shown("128MB")


def test_a_connection_no_load_set_up_keeps_its_memory_limit():
    con = duckdb.connect(":memory:", config={"memory_limit": "4GB"})
    with _reader_memory(con):                                 # never lowered, never raised
        assert _limit(con) == _shown("4GB")
    assert _limit(con) == _shown("4GB")
