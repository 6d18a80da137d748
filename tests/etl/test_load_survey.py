"""Loading SIPAS survey files as analysts bring them: encodings, layouts, years and code systems, the batch
mechanics (same file twice, several files a year, --replace-batch, --keep-valid, undo) and known answers.

Helpers here build survey files in every shape offices export; the other test_load_survey_* modules use them.
"""
from __future__ import annotations

import csv
import io
import json
import unicodedata
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest

from etl.batches import remove_batch
from etl.load import load_file
from etl.problems import LoadRejected
from tests.conftest import run_command, table_fingerprint

SIPAS_ITEMS = [f"C{i}" for i in range(1, 34)]
SIPAS_HEADERS = ["respondent_id", "province", "survey_date", "weight", "sex", "channel", *SIPAS_ITEMS]


def sipas_rows(n: int = 6, *, start: int = 1, survey_date: str = "15/08/2024",
               provinces: tuple[str, ...] = ("Hà Nội", "79", "Thừa Thiên Huế")) -> list[dict]:
    """n respondents; answers cycle 1..5 so sums are known: respondent i answers item k with 1 + (i + k) % 5."""
    rows = []
    for i in range(n):
        row = {"respondent_id": f"R{start + i:04d}", "province": provinces[i % len(provinces)],
               "survey_date": survey_date, "weight": ("1,5", "1", "2")[i % 3], "sex": ("Nữ", "nam", "")[i % 3],
               "channel": ("trực tuyến", "Trực tiếp", "bưu chính")[i % 3]}
        row.update({code: str(1 + (i + k) % 5) for k, code in enumerate(SIPAS_ITEMS)})
        rows.append(row)
    return rows


def to_cp1258(text: str) -> bytes:
    """Text as Windows-1258 exports write it: base letters (â, ơ, ư...) with the tone mark as a separate
    combining character, which is the only way cp1258 can hold most Vietnamese syllables."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


def csv_text(rows: list[dict], headers: list[str] | None = None, *, delimiter: str = ",",
             titles: tuple[str, ...] = (), blank_lines_after: int = 0) -> str:
    headers = headers or list(rows[0])
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for title in titles:
        writer.writerow([title] + [""] * (len(headers) - 1))
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    for _ in range(blank_lines_after):
        writer.writerow([""] * len(headers))
    return buffer.getvalue()


def write_csv(path: Path, rows: list[dict], headers: list[str] | None = None, *, encoding: str = "utf-8",
              delimiter: str = ",", titles: tuple[str, ...] = (), blank_lines_after: int = 0) -> Path:
    text = csv_text(rows, headers, delimiter=delimiter, titles=titles, blank_lines_after=blank_lines_after)
    path.write_bytes(to_cp1258(text) if encoding == "cp1258" else text.encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[dict], headers: list[str] | None = None, *,
               titles: tuple[str, ...] = ()) -> Path:
    headers = headers or list(rows[0])
    book = openpyxl.Workbook()
    sheet = book.active
    for title in titles:
        sheet.append([title])
    sheet.append(headers)
    for row in rows:
        values = []
        for h in headers:
            value = row.get(h, "")
            values.append(int(value) if value.isdigit() and h in SIPAS_ITEMS + ["year"] else (value or None))
        sheet.append(values)
    book.save(path)
    return path


def load(db: Path, kind: str, path: Path, **options):
    return load_file(db, kind, path, options=options)


def run_cli(*args: str) -> tuple[int, str, str]:
    """`python -m etl ...` in this process (tests.conftest.run_command): exit code, standard output, error."""
    result = run_command("etl", *args)
    return result.returncode, result.stdout, result.stderr


def upload_rows(db: Path, survey: str = "sipas") -> list[tuple]:
    """What the store holds from uploads: respondents with their answers, keys and batch ids left out."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("""
            SELECT r.survey, r.instrument_id, r.year, r.respondent_id, r.survey_date, r.unit_system, r.unit_code,
                   r.facility_id, r.school_level, r.respondent_group, r.weight, r.sex, r.age_group, r.channel,
                   list(a.item_code || '=' || a.value ORDER BY a.item_code) AS answers
            FROM survey_respondent r JOIN batch b USING (batch_id) LEFT JOIN survey_answer a USING (respondent_key)
            WHERE b.source = 'upload' AND b.status = 'current' AND r.survey = ?
            GROUP BY ALL ORDER BY r.respondent_id""", [survey]).fetchall()
    finally:
        con.close()


# --- one file, every shape --------------------------------------------------------------------------------

FORMATS = {
    "utf-8 comma": lambda p, rows: write_csv(p.with_suffix(".csv"), rows),
    "utf-8 BOM semicolon, title rows": lambda p, rows: write_csv(
        p.with_suffix(".csv"), rows, encoding="utf-8-sig", delimiter=";",
        titles=("KẾT QUẢ KHẢO SÁT SIPAS NĂM 2024", "Đơn vị: Sở Nội vụ")),
    "utf-16 tab (Excel Unicode text)": lambda p, rows: write_csv(p.with_suffix(".txt"), rows, encoding="utf-16",
                                                                delimiter="\t"),
    "windows-1258 semicolon": lambda p, rows: write_csv(p.with_suffix(".csv"), rows, encoding="cp1258",
                                                       delimiter=";"),
    "xlsx with a title row": lambda p, rows: write_xlsx(p.with_suffix(".xlsx"), rows,
                                                        titles=("Khảo sát SIPAS 2024",)),
}


def test_the_same_data_in_five_shapes_loads_to_identical_rows(demo_db, tmp_path):
    rows = sipas_rows(9)
    loaded = {}
    for label, writer in FORMATS.items():
        db = tmp_path / f"{len(loaded)}.duckdb"
        db.write_bytes(demo_db.read_bytes())
        result = load(db, "sipas", writer(tmp_path / f"f{len(loaded)}", rows))
        assert result.rows == 9, label
        loaded[label] = upload_rows(db)
    first = loaded["utf-8 comma"]
    assert len(first) == 9 and all(len(r[-1]) == 33 for r in first)
    for label, got in loaded.items():
        assert got == first, label
    # names written with combining tone marks (Windows-1258) come out NFC, like the others
    assert {r[5:7] for r in first} == {("vn63", "01"), ("vn63", "79"), ("vn63", "46")}
    assert {r[11] for r in first} == {"female", "male", None} and {r[13] for r in first} == {"online", "in_person",
                                                                                              "post"}


def test_known_answers_are_stored_long_one_row_per_respondent_and_item(demo_db, tmp_path):
    result = load(demo_db, "sipas", write_csv(tmp_path / "s.csv", sipas_rows(5)))
    con = duckdb.connect(str(demo_db), read_only=True)
    total, answers, respondents = con.execute(
        "SELECT sum(value), count(*), count(DISTINCT respondent_key) FROM survey_answer WHERE batch_id = ?",
        [result.batch_id]).fetchall()[0]
    # respondent i answers item k with 1 + (i + k) % 5: each 5 respondents x 33 items sum to 33 * 15
    assert (answers, respondents, total) == (165, 5, 33 * 15)
    r1 = con.execute("SELECT r.respondent_id, r.year, r.survey_date, r.weight, a.value FROM survey_respondent r "
                     "JOIN survey_answer a USING (respondent_key) WHERE r.batch_id = ? AND a.item_code = 'C7' "
                     "ORDER BY 1", [result.batch_id]).fetchall()
    assert r1[0] == ("R0001", 2024, date(2024, 8, 15), 1.5, 1 + (0 + 6) % 5)
    batch = con.execute("SELECT kind, source, rows, status, note FROM batch WHERE batch_id = ?",
                        [result.batch_id]).fetchall()[0]
    assert batch[:4] == ("sipas", "upload", 5, "current") and "2024" in batch[4]
    con.close()
    assert result.breakdown_of == "province"
    assert sorted(result.breakdown) == [("vn63:01 Hà Nội", 2), ("vn63:46 Thừa Thiên Huế", 1), ("vn63:79 Hồ Chí Minh", 2)]


def test_headers_match_ignoring_case_diacritics_spacing_and_aliases(demo_db, tmp_path):
    rows = sipas_rows(2)
    spelled = {"respondent_id": "Mã phiếu", "province": "TỈNH / THÀNH PHỐ", "survey_date": "Ngày khảo sát",
               "weight": "Trọng số", "sex": "Giới tính", "channel": "Kênh tiếp nhận"}
    aliases = ["Câu 1", "cau_2", "q3", "C 4", "c5", "CÂU 6", "Q07"] + SIPAS_ITEMS[7:]
    headers = [spelled[h] for h in SIPAS_HEADERS[:6]] + aliases
    renamed = [{new: row[old] for old, new in zip(SIPAS_HEADERS, headers)} for row in rows]
    assert load(demo_db, "sipas", write_csv(tmp_path / "s.csv", renamed, headers)).rows == 2
    assert [len(r[-1]) for r in upload_rows(demo_db)] == [33, 33]


def test_blank_rows_and_quoted_line_breaks_keep_row_numbers_right(demo_db, tmp_path):
    rows = sipas_rows(4)
    rows[1]["province"] = "Hà\nNội"  # a cell with a line break: one record over two lines
    rows[3]["C5"] = "9"
    text = csv_text(rows[:2], SIPAS_HEADERS, titles=("Báo cáo",)) + "\r\n\r\n" + \
        csv_text(rows[2:], SIPAS_HEADERS).split("\r\n", 1)[1] + ",,,\r\n\r\n"
    path = tmp_path / "s.csv"
    path.write_text(text, "utf-8")
    with pytest.raises(LoadRejected) as caught:
        load(demo_db, "sipas", path)
    errors = [p for p in caught.value.problems if p.severity == "error"]
    # title 1, header 2, R0001 3, R0002 4-5, blank 6-7, R0003 8, R0004 9
    assert [(p.row, p.column, p.value) for p in errors] == [(9, "C5", "9")]


def test_trailing_blank_rows_are_ignored(demo_db, tmp_path):
    path = write_csv(tmp_path / "s.csv", sipas_rows(3), delimiter=";", blank_lines_after=5)
    assert load(demo_db, "sipas", path).rows == 3


def test_the_survey_date_decides_the_code_system_exactly(demo_db, tmp_path):
    rows = sipas_rows(3, provinces=("Tây Ninh",))
    rows[0]["survey_date"], rows[1]["survey_date"], rows[2]["survey_date"] = "30/06/2025", "2025-07-01", "1/7/2025"
    load(demo_db, "sipas", write_csv(tmp_path / "s.csv", rows))
    got = [(r[3], r[4], r[5], r[6]) for r in upload_rows(demo_db)]
    # Tây Ninh was vn63:72 until 30 June 2025, and is vn34:80 (merged with Long An) from 1 July
    assert got == [("R0001", date(2025, 6, 30), "vn63", "72"), ("R0002", date(2025, 7, 1), "vn34", "80"),
                   ("R0003", date(2025, 7, 1), "vn34", "80")]


def test_a_year_alone_means_the_old_system_until_2024_and_the_new_from_2025(demo_db, tmp_path):
    headers = ["respondent_id", "province", *SIPAS_ITEMS]
    load(demo_db, "sipas", write_csv(tmp_path / "a.csv", sipas_rows(1, provinces=("Long An",)), headers), year=2024)
    load(demo_db, "sipas", write_csv(tmp_path / "b.csv", sipas_rows(1, start=9, provinces=("Tây Ninh",)), headers),
         year=2025)
    assert [(r[2], r[5], r[6]) for r in upload_rows(demo_db)] == [(2024, "vn63", "80"), (2025, "vn34", "80")]


def test_year_from_a_year_column_and_province_as_system_code(demo_db, tmp_path):
    rows = [{**r, "year": "2023", "province": "vn63:01"} for r in sipas_rows(2)]
    headers = ["respondent_id", "province", "year", *SIPAS_ITEMS]
    assert load(demo_db, "sipas", write_csv(tmp_path / "s.csv", rows, headers)).rows == 2
    assert {(r[2], r[5], r[6]) for r in upload_rows(demo_db)} == {(2023, "vn63", "01")}


# --- batches ----------------------------------------------------------------------------------------------

def test_several_files_make_one_year_and_ids_stay_unique_across_them(demo_db, tmp_path):
    load(demo_db, "sipas", write_csv(tmp_path / "hn.csv", sipas_rows(3, provinces=("Hà Nội",))))
    load(demo_db, "sipas", write_csv(tmp_path / "hcm.csv", sipas_rows(3, start=4, provinces=("79",))))
    clash = write_csv(tmp_path / "hue.csv", sipas_rows(2, start=3, provinces=("Thừa Thiên Huế",)))
    before = table_fingerprint(demo_db)
    with pytest.raises(LoadRejected) as caught:
        load(demo_db, "sipas", clash)
    errors = [p for p in caught.value.problems if p.severity == "error"]
    assert [(p.row, p.value) for p in errors] == [(2, "R0003"), (3, "R0004")]
    assert "already loaded for sipas 2024, batch" in errors[0].message_en
    assert table_fingerprint(demo_db) == before
    # another year is another survey year: the same ids are fine
    assert load(demo_db, "sipas", write_csv(tmp_path / "y25.csv", sipas_rows(2, start=3,
                                                                              survey_date="01/03/2025"))).rows == 2


def test_the_same_file_is_refused_while_its_batch_is_current(demo_db, tmp_path):
    path = write_csv(tmp_path / "s.csv", sipas_rows(2))
    first = load(demo_db, "sipas", path)
    code, _out, err = run_cli("load", "sipas", str(path), "--db", str(demo_db), "--lang", "en")
    assert code == 1 and f"already loaded as batch {first.batch_id}" in err
    code, out, _err = run_cli("remove", str(first.batch_id), "--db", str(demo_db), "--lang", "en")
    assert code == 0 and f"Removed batch {first.batch_id}" in out
    assert load(demo_db, "sipas", path).rows == 2


def test_a_corrected_file_replaces_its_batch_in_one_step_and_undo_restores_it(demo_db, tmp_path):
    first = load(demo_db, "sipas", write_csv(tmp_path / "v1.csv", sipas_rows(3)))
    other = load(demo_db, "sipas", write_csv(tmp_path / "other.csv", sipas_rows(2, start=10)))
    corrected = sipas_rows(4)  # same respondents as v1 (checked against the others, not v1) plus one
    corrected[0]["C1"] = "5"
    second = load(demo_db, "sipas", write_csv(tmp_path / "v2.csv", corrected), replace_batch=first.batch_id)
    assert second.replaced_batch_id == first.batch_id
    con = duckdb.connect(str(demo_db), read_only=True)
    status = dict(con.execute("SELECT batch_id, status FROM batch WHERE batch_id IN (?, ?, ?)",
                              [first.batch_id, other.batch_id, second.batch_id]).fetchall())
    replaces = con.execute("SELECT replaces_batch_id FROM batch WHERE batch_id = ?", [second.batch_id]).fetchall()
    con.close()
    assert status == {first.batch_id: "retired", other.batch_id: "current", second.batch_id: "current"}
    assert replaces == [(first.batch_id,)]
    assert [r[3] for r in upload_rows(demo_db)] == ["R0001", "R0002", "R0003", "R0004", "R0010", "R0011"]
    # the replacement is still checked against the other batches
    with pytest.raises(LoadRejected) as caught:
        load(demo_db, "sipas", write_csv(tmp_path / "v3.csv", sipas_rows(1, start=11)), replace_batch=second.batch_id)
    assert "already loaded" in caught.value.problems[-1].message_en
    con = duckdb.connect(str(demo_db))
    assert remove_batch(con, second.batch_id) == first.batch_id
    con.close()
    assert [r[3] for r in upload_rows(demo_db)] == ["R0001", "R0002", "R0003", "R0010", "R0011"]


def test_replace_batch_must_name_a_current_batch_of_the_same_survey(demo_db, tmp_path):
    before = table_fingerprint(demo_db)
    for batch_id in (99999, 1):  # none; a reference batch
        with pytest.raises(LoadRejected) as caught:
            load(demo_db, "sipas", write_csv(tmp_path / "s.csv", sipas_rows(1)), replace_batch=batch_id)
        assert f"--replace-batch {batch_id}" in caught.value.problems[0].message_en
    assert table_fingerprint(demo_db) == before


def test_keep_valid_loads_the_valid_rows_and_quarantines_the_others_with_reasons(demo_db, tmp_path):
    rows = sipas_rows(5)
    rows[1]["C2"], rows[1]["weight"] = "7", "-1"
    rows[3]["province"] = "Atlantis"
    path = write_csv(tmp_path / "s.csv", rows)
    code, out, err = run_cli("load", "sipas", str(path), "--db", str(demo_db), "--keep-valid", "--lang", "en")
    assert code == 0, err
    assert len(out.strip().splitlines()) == 1 and "3 rows from s.csv, 2 row(s) refused" in out
    assert "WARNING: s.csv, row 3, column C2 [7]" in err and "Respondents per province" in err
    batch_id = int(out.split()[2])
    con = duckdb.connect(str(demo_db), read_only=True)
    kept = con.execute("SELECT file_row, respondent_id, record, problems_en, problems_vi FROM survey_quarantine "
                       "WHERE batch_id = ? ORDER BY file_row", [batch_id]).fetchall()
    con.close()
    assert [(k[0], k[1]) for k in kept] == [(3, "R0002"), (5, "R0004")]
    assert json.loads(kept[0][2])["C2"] == "7" and json.loads(kept[1][2])["province"] == "Atlantis"
    assert "C2 [7] the answer must be a whole number from 1 to 5" in kept[0][3]
    assert "weight [-1]" in kept[0][3] and "trọng số" in kept[0][4]
    assert "unknown unit 'Atlantis'" in kept[1][3]
    assert [r[3] for r in upload_rows(demo_db)] == ["R0001", "R0003", "R0005"]
    code, _out, _err = run_cli("remove", str(batch_id), "--db", str(demo_db))
    con = duckdb.connect(str(demo_db), read_only=True)
    assert con.execute("SELECT count(*) FROM survey_quarantine WHERE batch_id = ?", [batch_id]).fetchall() == [(0,)]
    con.close()


def test_keep_valid_with_no_valid_row_loads_nothing(demo_db, tmp_path):
    rows = sipas_rows(2)
    for row in rows:
        row["C1"] = "x"
    before = table_fingerprint(demo_db)
    with pytest.raises(LoadRejected):
        load(demo_db, "sipas", write_csv(tmp_path / "s.csv", rows), keep_valid=True)
    assert table_fingerprint(demo_db) == before


def test_a_report_lists_a_thousand_problems_of_a_kind_and_counts_the_rest(demo_db, tmp_path):
    rows = sipas_rows(1500)
    for row in rows:
        row["C3"] = "6"
    with pytest.raises(LoadRejected) as caught:
        load(demo_db, "sipas", write_csv(tmp_path / "s.csv", rows))
    problems = caught.value.problems
    assert len(problems) == 1001
    assert problems[999].row == 1001 and problems[-1].row is None
    assert "500 more row(s) with this problem" in problems[-1].message_en


def test_demo_survey_rows_are_untouched_and_sources_do_not_mix(demo_db, tmp_path):
    con = duckdb.connect(str(demo_db), read_only=True)
    demo_before = con.execute("SELECT count(*) FROM survey_respondent r JOIN batch b USING (batch_id) "
                              "WHERE b.source = 'demo'").fetchall()
    demo_id = con.execute("SELECT respondent_id FROM survey_respondent WHERE year = 2024 AND survey = 'sipas' "
                          "LIMIT 1").fetchall()[0][0]
    con.close()
    rows = sipas_rows(1)
    rows[0]["respondent_id"] = demo_id  # an id the demo data uses: uploads are checked against uploads only
    load(demo_db, "sipas", write_csv(tmp_path / "s.csv", rows))
    con = duckdb.connect(str(demo_db), read_only=True)
    assert con.execute("SELECT count(*) FROM survey_respondent r JOIN batch b USING (batch_id) "
                       "WHERE b.source = 'demo'").fetchall() == demo_before
    keys = con.execute("SELECT count(*), count(DISTINCT respondent_key) FROM survey_respondent").fetchall()[0]
    con.close()
    assert keys[0] == keys[1]


def test_answers_written_as_4_0_or_with_spaces_are_whole_numbers(demo_db, tmp_path):
    rows = sipas_rows(3)
    rows[0]["C1"], rows[1]["C2"], rows[2]["C3"] = "4.0", " 4 ", "04"
    load(demo_db, "sipas", write_csv(tmp_path / "s.csv", rows))
    answers = {r[3]: dict(a.split("=") for a in r[-1]) for r in upload_rows(demo_db)}
    assert (answers["R0001"]["C1"], answers["R0002"]["C2"], answers["R0003"]["C3"]) == ("4", "4", "4")


def test_windows_1258_after_the_first_64_kb_is_read_as_such(demo_db, tmp_path):
    rows = [{**r, "sex": "male", "channel": "online"} for r in sipas_rows(900, provinces=("79",))]  # ASCII, > 64 KB
    rows.append(sipas_rows(1, start=901, provinces=("Hà Nội",))[0])
    path = write_csv(tmp_path / "s.csv", rows, encoding="cp1258", delimiter=";")
    assert path.stat().st_size > 64 * 1024 and path.read_bytes()[:64 * 1024].isascii()
    result = load(demo_db, "sipas", path)
    assert result.rows == 901
    assert any("read as Windows-1258" in w.message_en for w in result.warnings)
    assert upload_rows(demo_db)[-1][3:7] == ("R0901", date(2024, 8, 15), "vn63", "01")


def test_a_chosen_sheet_of_a_workbook(demo_db, tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", sipas_rows(2), titles=("Trang bìa",))
    book = openpyxl.load_workbook(path)
    book.active.title = "Dữ liệu 2024"
    book.create_sheet("Ghi chú", 0).append(["Sheet đầu chỉ có ghi chú"])
    book.save(path)
    assert load(demo_db, "sipas", path, sheet="Dữ liệu 2024").rows == 2


def test_rows_far_into_a_large_file_are_named_right(demo_db, tmp_path):
    """300,000 rows: DuckDB reads them in parallel; record numbers, file rows, cell text and respondents must
    still line up (a query that reorders rows would name the wrong row and show the wrong value)."""
    import numpy as np

    n, rng = 300_000, np.random.default_rng(3)
    grid = np.full((n, 7 + 1 + 2 + 1 + 66), ord(","), dtype=np.uint8)
    ids = np.arange(1_000_000, 1_000_000 + n)
    for i in range(7):
        grid[:, 6 - i] = ord("0") + (ids // 10 ** i) % 10
    grid[:, 8:10] = [ord("7"), ord("9")]
    grid[:, 11::2] = ord("0") + rng.integers(1, 6, (n, 33), dtype=np.uint8)
    grid[:, -1] = ord("\n")
    grid[249_999, 11 + 2 * 32] = ord("9")   # file row 250,001 (respondent 1249999): C33 = 9
    grid[279_999, 11 + 2 * 4] = ord("x")    # file row 280,001 (respondent 1279999): C5 = x
    path = tmp_path / "big.csv"
    path.write_bytes(("respondent_id,province," + ",".join(SIPAS_ITEMS) + "\n").encode() + grid.tobytes())
    result = load(demo_db, "sipas", path, year=2024, keep_valid=True)
    assert result.rows == n - 2 and result.rejected == 2
    assert [(w.row, w.column, w.value) for w in result.warnings] == [(250_001, "C33", "9"), (280_001, "C5", "x")]
    con = duckdb.connect(str(demo_db), read_only=True)
    kept = con.execute("SELECT file_row, respondent_id, record FROM survey_quarantine WHERE batch_id = ? "
                       "ORDER BY 1", [result.batch_id]).fetchall()
    last = con.execute("SELECT respondent_id, respondent_key - min(respondent_key) OVER () FROM survey_respondent "
                       "WHERE batch_id = ? ORDER BY respondent_key DESC LIMIT 1", [result.batch_id]).fetchall()
    con.close()
    assert [(k[0], k[1], json.loads(k[2])["respondent_id"]) for k in kept] == [
        (250_001, "1249999", "1249999"), (280_001, "1279999", "1279999")]
    assert last == [(str(1_000_000 + n - 1), n - 1)]  # keys follow the file's order
