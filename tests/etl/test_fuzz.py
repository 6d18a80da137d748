"""Seeded fuzzing of every file kind the loaders accept: a few hundred damaged files, each one loaded.

For each mutated file: no exception but LoadRejected (the command line's exit 1; a load is exit 0), and a refused
load leaves the database as it was. One store is built per module and copied per kind; the mutations are chosen by
a fixed seed, so a failure names a case that reproduces (`kind`, mutation number, mutation name).
"""
from __future__ import annotations

import io
import random
import shutil
import warnings
import zipfile
import zlib
from collections import Counter
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from etl.load import load_file
from etl.problems import LoadRejected
from tests.conftest import PROJECT, table_fingerprint
from tests.etl.test_load_survey import SIPAS_HEADERS, csv_text, sipas_rows, write_xlsx
from tests.etl.test_load_survey_facilities import EDUCATION_HEADERS, HEALTH_HEADERS, patient, pupil

SEED = 20_251_201
CSV_CASES = 26  # per CSV kind (8 kinds)
XLSX_CASES = 24  # per workbook kind (3 kinds)
OUTCOMES: dict[str, Counter] = {}

PROJECTS = ("Số đề án,Ngày báo cáo,Trạng thái,Tỷ lệ hoàn thành,Ghi chú\n"
            + "".join(f"{n},{n % 28 + 1:02d}/11/2026,Đang triển khai,{n * 5},ghi chú {n}\n" for n in range(1, 17)))
PLANS = ("\"Tỉnh, thành phố\",Năm,Số kế hoạch,Ngày ban hành,Thể chế,TTHC,Bộ máy,Công vụ,Tài chính công,Chính phủ số\n"
         "Quảng Ninh,2026,12/KH-UBND,20/12/2025,x,x,x,x,x,x\n"
         "TP. Hồ Chí Minh,2026,30/KH-UBND,27/12/2025,x,,x,,x,x\n"
         "Bộ Tư pháp,2026,5/KH-BTP,2025-12-25,có,có,có,có,có,có\n")
POPULATION = "Mã,Tỉnh,Năm,Dân số\n01,Hà Nội,2023,8.587.100\n79,TP. Hồ Chí Minh,2023,9.521.000\n48,Đà Nẵng,2023,1.220.000\n"


@pytest.fixture(scope="module", autouse=True)
def outcome_summary():
    """Files per kind and what became of them, printed at the end (pytest -s shows it)."""
    yield
    for kind, outcomes in sorted(OUTCOMES.items()):
        print(f"fuzz {kind}: {sum(outcomes.values())} files, " + ", ".join(f"{n} {o}" for o, n in sorted(outcomes.items())))


def published_totals() -> str:
    table = pd.read_csv(PROJECT / "data/reference/par_index_ministries_2023.csv", dtype=str)
    frame = pd.DataFrame({"Bộ, cơ quan ngang bộ": table["ministry"],
                          "Điểm thẩm định": table["diem_tham_dinh"].str.replace(".", ",", regex=False),
                          "Điểm điều tra XHH": table["diem_dieu_tra_xhh"].str.replace(".", ",", regex=False),
                          "Tổng điểm đạt được": table["tong_diem"].str.replace(".", ",", regex=False)})
    return frame.to_csv(index=False, sep=";")


def criterion_scores(store: Path) -> str:
    con = duckdb.connect(str(store), read_only=True)
    criteria = con.execute("SELECT criterion_code, max_points FROM framework_criterion "
                           "WHERE framework_id = 'par-ministry-2022' ORDER BY position").fetchall()
    con.close()
    ministries = pd.read_csv(PROJECT / "data/reference/par_index_ministries_2023.csv", dtype=str)["ministry"][:3]
    rows = [(unit, code, round(points * 0.9, 2)) for unit in ministries for code, points in criteria]
    return pd.DataFrame(rows, columns=["Đơn vị", "Tiêu chí", "Điểm"]).to_csv(index=False)


def base_csv(kind: str, store: Path) -> tuple[bytes, dict]:
    """A file of `kind` that loads as it is, and its options."""
    if kind == "projects":
        return PROJECTS.encode(), {}
    if kind == "plans":
        return PLANS.encode(), {}
    if kind == "population":
        return POPULATION.encode(), {}
    if kind == "par-totals":
        return published_totals().encode("utf-8-sig"), {"year": 2023, "level": "ministry"}
    if kind == "par-scores":
        return criterion_scores(store).encode(), {"year": 2023, "level": "ministry"}
    if kind == "sipas":
        return csv_text(sipas_rows(12), SIPAS_HEADERS).encode(), {}
    if kind == "health":
        rows = [patient(f"P{i}", ("inpatient", "outpatient")[i % 2]) for i in range(8)]
        return csv_text(rows, HEALTH_HEADERS).encode(), {}
    rows = [pupil(f"E{i}", "Tiểu học", "học sinh") for i in range(8)]
    return csv_text(rows, EDUCATION_HEADERS).encode(), {}


def base_xlsx(kind: str, path: Path) -> dict:
    if kind == "projects":
        book = openpyxl.Workbook()
        book.active.title = "Tiến độ"
        for line in PROJECTS.splitlines():
            book.active.append(line.split(","))
        book.save(path)
        return {}
    if kind == "par-totals":
        book = openpyxl.Workbook()
        book.active.append(["KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2023"])
        for row in csv_rows(published_totals(), ";"):
            book.active.append(row)
        book.save(path)
        return {"year": 2023, "level": "ministry"}
    write_xlsx(path, sipas_rows(10), SIPAS_HEADERS)
    return {}


def csv_rows(text: str, delimiter: str) -> list[list[str]]:
    import csv
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


# ---- mutations of text files ---------------------------------------------------------------------------------------

def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _pick_line(rng: random.Random, lines: list[bytes]) -> int:
    return rng.randrange(len(lines))


def m_truncate(rng, data):
    return data[: rng.randrange(len(data))]


def m_flip(rng, data):
    out = bytearray(data)
    for _ in range(rng.randint(1, 12)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def m_huge_cell(rng, data):
    lines = _lines(data)
    i = _pick_line(rng, lines)
    lines[i] += b"," + rng.choice([b"x", "ế".encode(), b'"']) * rng.choice([40_000, 140_000])
    return b"\n".join(lines)


def m_extra_delimiters(rng, data):
    lines = _lines(data)
    i = _pick_line(rng, lines)
    lines[i] += rng.choice([b",", b";", b"\t"]) * rng.choice([1, 3, 40, 1_500, 20_000])
    return b"\n".join(lines)


def m_wrong_encoding(rng, data):
    text = data.decode("utf-8", errors="replace")
    choice = rng.randrange(5)
    if choice == 0:
        return text.encode("utf-16-le")  # no BOM
    if choice == 1:
        return text.encode("utf-16")[:-1]  # odd length
    if choice == 2:
        return text.encode("cp1258", errors="replace")
    if choice == 3:
        return data[: len(data) // 2] + "Thừa Thiên Huế".encode("cp1258", errors="replace") + data[len(data) // 2:]
    return text.encode("utf-32")


def m_quote(rng, data):
    at = rng.randrange(len(data))
    return data[:at] + b'"' + data[at:]


def m_repeat_line(rng, data):
    lines = _lines(data)
    i = _pick_line(rng, lines)
    return b"\n".join(lines[:i] + [lines[i]] * rng.randint(2, 60) + lines[i:])


def m_delete_lines(rng, data):
    lines = _lines(data)
    drop = set(rng.sample(range(len(lines)), k=min(len(lines), rng.randint(1, 3))))
    return b"\n".join(line for i, line in enumerate(lines) if i not in drop)


def m_nul(rng, data):
    at = rng.randrange(len(data))
    return data[:at] + b"\x00" * rng.randint(1, 4) + data[at:]


def m_big_number(rng, data):
    lines = _lines(data)
    i = rng.randrange(1, max(2, len(lines) - 1))
    cells = lines[i].split(rng.choice([b",", b";"]))
    j = rng.randrange(len(cells))
    cells[j] = rng.choice([b"9" * 400, b"1e400", b"-1", b"NaN", b"99999999999999999999", b"0,000000001",
                           b"1.000.000.000.000.000.000.000", b"inf", b"-0", b"9" * 5000])
    lines[i] = b",".join(cells)
    return b"\n".join(lines)


def m_line_endings(rng, data):
    return data.replace(b"\n", rng.choice([b"\r", b"\r\r\n", b"\n\n", b"\x85", "\u2028".encode()]))


def m_magic(rng, data):
    return rng.choice([b"%PDF-1.4\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"<html>", b"\xef\xbb\xbf\xef\xbb\xbf",
                       b"\xff\xfe"]) + data


def m_binary_tail(rng, data):
    return data + bytes(rng.randrange(256) for _ in range(rng.randint(1, 300)))


def m_header_only(rng, data):
    return _lines(data)[0] + rng.choice([b"\n", b"", b"\n\n\n"])


def m_title_rows(rng, data):
    return b"".join(b"BANG %d,,,\n" % i for i in range(rng.randint(1, 30))) + data


def m_swap_cells(rng, data):
    lines = _lines(data)
    i = rng.randrange(len(lines))
    cells = lines[i].split(b",")
    rng.shuffle(cells)
    lines[i] = b",".join(cells)
    return b"\n".join(lines)


CSV_MUTATIONS = [m_truncate, m_flip, m_huge_cell, m_extra_delimiters, m_wrong_encoding, m_quote, m_repeat_line,
                 m_delete_lines, m_nul, m_big_number, m_line_endings, m_magic, m_binary_tail, m_header_only,
                 m_title_rows, m_swap_cells]


# ---- mutations of workbooks ----------------------------------------------------------------------------------------

def _members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(info, z.read(info.filename)) for info in z.infolist()]


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        warnings.simplefilter("ignore", UserWarning)  # a duplicate name left by an earlier mutation
        for name, content in members:
            z.writestr(name, content)
    return buffer.getvalue()


def x_truncate(rng, data):
    return data[: rng.randrange(len(data))]


def x_flip_zip(rng, data):
    return m_flip(rng, data)


def x_flip_part(rng, data):
    members = [(i.filename, c) for i, c in _members(data)]
    k = rng.randrange(len(members))
    members[k] = (members[k][0], m_flip(rng, members[k][1]) if members[k][1] else b"x")
    return _zip(members)


def x_truncate_part(rng, data):
    members = [(i.filename, c) for i, c in _members(data)]
    k = rng.randrange(len(members))
    members[k] = (members[k][0], members[k][1][: rng.randrange(max(1, len(members[k][1])))])
    return _zip(members)


def x_drop_part(rng, data):
    members = [(i.filename, c) for i, c in _members(data)]
    members.pop(rng.randrange(len(members)))
    return _zip(members)


def x_doctype(rng, data):
    members = [(i.filename, c) for i, c in _members(data)]
    k = rng.randrange(len(members))
    name, content = members[k]
    members[k] = (name, b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/hostname">]>'
                  + content.split(b"?>", 1)[-1])
    return _zip(members)


def x_sheet_cells(rng, data):
    """Values an office would not mean to write: a huge number, a huge string, a cell far away."""
    members = [(i.filename, c) for i, c in _members(data)]
    k = next(i for i, (n, _) in enumerate(members) if n == "xl/worksheets/sheet1.xml")
    cell = rng.choice([b'<c r="B3"><v>' + b"9" * 400 + b"</v></c>", b'<c r="B3"><v>1e999</v></c>',
                       b'<c r="B3" t="inlineStr"><is><t>' + b"y" * 40_000 + b"</t></is></c>",
                       b'<c r="XFD3"><v>1</v></c>', b'<c r="B3" t="s"><v>99999</v></c>',
                       b'<c r="B3" t="d"><v>not a date</v></c>', b'<c r="B3" t="b"><v>7</v></c>',
                       b'<c r="B3" t="e"><v>#REF!</v></c>'])
    name, content = members[k]
    members[k] = (name, content.replace(b"</row>", cell + b"</row>", 3)[::1])
    return _zip(members)


def x_far_row(rng, data):
    members = [(i.filename, c) for i, c in _members(data)]
    k = next(i for i, (n, _) in enumerate(members) if n == "xl/worksheets/sheet1.xml")
    name, content = members[k]
    row = rng.choice([1_048_576, 1_048_577, 5_000_000, 10**12])
    members[k] = (name, content.replace(b"</sheetData>", b'<row r="%d"><c r="A%d"><v>1</v></c></row></sheetData>'
                                        % (row, row)))
    return _zip(members)


def x_duplicate_entry(rng, data):
    members = [(i.filename, c) for i, c in _members(data)]
    name, content = rng.choice(members)
    with warnings.catch_warnings():  # zipfile warns about the duplicate name: that is the point
        warnings.simplefilter("ignore", UserWarning)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            for n, c in members + [(name, m_flip(rng, content) if content else b"")]:
                z.writestr(n, c)
    return buffer.getvalue()


def x_stored_garbage(rng, data):
    members = [(i.filename, c) for i, c in _members(data)]
    members.append((rng.choice(["xl/media/image1.emf", "xl/worksheets/sheet9.xml", "../../evil.xml"]),
                    bytes(rng.randrange(256) for _ in range(rng.randint(1, 2000)))))
    return _zip(members)


XLSX_MUTATIONS = [x_truncate, x_flip_zip, x_flip_part, x_truncate_part, x_drop_part, x_doctype, x_sheet_cells,
                  x_far_row, x_duplicate_entry, x_stored_garbage]


# ---- the runs ------------------------------------------------------------------------------------------------------

def _db_state(path: Path) -> tuple:
    """Cheap proof that nothing was written: the database file (and WAL) untouched. Only when it was touched is
    the full fingerprint compared (a refused load may open the file without changing a table)."""
    wal = path.with_name(path.name + ".wal")
    return tuple((p.stat().st_size, p.stat().st_mtime_ns) if p.exists() else None for p in (path, wal))


def fuzz(store: Path, kind: str, suffix: str, base: bytes, options: dict, mutations: list, cases: int,
         tmp_path: Path) -> Counter:
    rng = random.Random(SEED + zlib.crc32(f"{kind}{suffix}".encode()))
    outcomes: Counter = Counter()
    fingerprint, state = table_fingerprint(store), _db_state(store)
    for case in range(cases):
        mutate = mutations[case % len(mutations)] if case < len(mutations) else rng.choice(mutations)
        data = mutate(rng, base)
        for _ in range(rng.randrange(2)):  # sometimes two mutations on top of each other
            try:
                data = rng.choice(mutations)(rng, data) if data else data
            except Exception:  # noqa: BLE001
                pass  # the first one broke what the second works on (a zip no longer a zip)
        path = tmp_path / f"{kind}-{case}{suffix}"
        path.write_bytes(data)
        label = f"{kind}{suffix} case {case} ({mutate.__name__})"
        try:
            load_file(store, kind, path, options=dict(options))
        except LoadRejected as exc:
            assert exc.problems and all(p.message_en and p.message_vi for p in exc.problems), label
            outcomes["refused (exit 1)"] += 1
            if _db_state(store) != state:
                assert table_fingerprint(store) == fingerprint, f"{label}: a refused load changed the database"
                state = _db_state(store)
        except Exception as exc:  # noqa: BLE001 - the point: anything else is a crash to report
            pytest.fail(f"{label}: {type(exc).__name__}: {exc}")
        else:
            outcomes["loaded (exit 0)"] += 1
            fingerprint, state = table_fingerprint(store), _db_state(store)
        path.unlink()
    OUTCOMES[f"{kind}{suffix}"] = outcomes
    return outcomes


@pytest.fixture
def store(plain_db) -> Path:
    """A private store with reference data and published results, no demo data (tests/conftest.py)."""
    return plain_db


@pytest.mark.parametrize("kind", ["projects", "par-scores", "par-totals", "plans", "population", "sipas", "health",
                                  "education"])
def test_fuzzed_csv_files_are_loaded_or_refused_cleanly(store, tmp_path, kind):
    base, options = base_csv(kind, store)
    path = tmp_path / "base.csv"
    path.write_bytes(base)
    shutil.copy(store, tmp_path / "pristine.duckdb")
    load_file(tmp_path / "pristine.duckdb", kind, path, options=dict(options))  # the base file itself loads
    outcomes = fuzz(store, kind, ".csv", base, options, CSV_MUTATIONS, CSV_CASES, tmp_path)
    assert sum(outcomes.values()) == CSV_CASES and outcomes["refused (exit 1)"] > 0


@pytest.mark.parametrize("kind", ["projects", "par-totals", "sipas"])
def test_fuzzed_workbooks_are_loaded_or_refused_cleanly(store, tmp_path, kind):
    path = tmp_path / "base.xlsx"
    options = base_xlsx(kind, path)
    shutil.copy(store, tmp_path / "pristine.duckdb")
    load_file(tmp_path / "pristine.duckdb", kind, path, options=dict(options))
    outcomes = fuzz(store, kind, ".xlsx", path.read_bytes(), options, XLSX_MUTATIONS, XLSX_CASES, tmp_path)
    assert sum(outcomes.values()) == XLSX_CASES and outcomes["refused (exit 1)"] > 0
