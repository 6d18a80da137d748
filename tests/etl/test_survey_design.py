"""The sample design columns of survey files: stratum and psu (primary sampling unit, the cluster).

Optional, in every survey kind, file format and encoding; headers in Vietnamese or English with or without
diacritics; stored as text (trimmed, NFC, blank -> NULL) in survey_respondent.stratum / .psu; a column filled on
some rows only refuses the file with the blank rows named; in the templates with a note in both languages.
"""
from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

import duckdb
import openpyxl
import pytest

from etl.loaders.survey_instruments import instruments_from_yaml
from etl.loaders.survey_spec import KINDS, item_matcher, match_header
from etl.problems import LoadRejected
from etl.templates import template_csv, template_headers, template_xlsx
from tests.conftest import table_fingerprint
from tests.etl.test_load_survey import FORMATS, SIPAS_HEADERS, load, run_cli, sipas_rows, write_csv, write_xlsx
from tests.etl.test_load_survey_facilities import (EDUCATION_HEADERS, HEALTH_HEADERS, patient, pupil)
from tests.etl.test_survey_weights import survey_counts

STRATUM_HEADERS = ["stratum", "Stratum", "strata", "STRATA", "tầng", "Tầng", "tang", "tầng mẫu", "Tầng mẫu",
                   "tang_mau", "Mã tầng", "Tầng chọn mẫu", "Tầng mẫu (stratum)"]
PSU_HEADERS = ["psu", "PSU", "psu_id", "cluster", "Cluster ID", "cụm", "Cụm", "cum", "Mã cụm", "địa bàn", "Địa bàn",
               "dia_ban", "Địa bàn khảo sát", "đơn vị mẫu cấp 1", "Đơn vị mẫu cấp 1", "don_vi_mau_cap_1",
               "Primary sampling unit", "Đơn vị mẫu cấp 1 (cụm) (psu)"]


@pytest.mark.parametrize("survey", ["sipas", "health", "education"])
def test_usual_header_spellings_mean_stratum_and_psu(survey):
    items = item_matcher(list(dict.fromkeys(c for i in instruments_from_yaml(survey) for c in i.item_codes())))
    columns = KINDS[survey].columns
    assert {h: match_header(h, columns, items) for h in STRATUM_HEADERS} == {h: "stratum" for h in STRATUM_HEADERS}
    assert {h: match_header(h, columns, items) for h in PSU_HEADERS} == {h: "psu" for h in PSU_HEADERS}
    # a province column that mentions the area stays the province
    assert match_header("Địa bàn (tỉnh/thành phố)", columns, items) == "province"
    assert not KINDS[survey].column("stratum").required and not KINDS[survey].column("psu").required


def design(db: Path, batch_id: int) -> list[tuple[str, str | None, str | None]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT respondent_id, stratum, psu FROM survey_respondent WHERE batch_id = ? ORDER BY 1",
                           [batch_id]).fetchall()
    finally:
        con.close()


STRATA = ("Thành thị", "Nông thôn", "Miền núi")
PSUS = ("Xã Tân Phú", "Phường Hòa Bình", "Thị trấn Đồng Văn")


def with_design(rows: list[dict], stratum: str = "Tầng mẫu", psu: str = "Địa bàn") -> list[dict]:
    for i, row in enumerate(rows):
        row[stratum], row[psu] = STRATA[i % 3], PSUS[i % 3]
    return rows


@pytest.mark.parametrize("shape", list(FORMATS))
def test_stratum_and_psu_are_stored_from_every_file_shape(demo_db, tmp_path, shape):
    """UTF-8, UTF-8 with BOM, UTF-16, Windows-1258 (tone marks as combining characters) and xlsx: the same NFC
    text, so one cluster is one value whatever the file's encoding."""
    rows = with_design(sipas_rows(4))
    headers = SIPAS_HEADERS[:4] + ["Tầng mẫu", "Địa bàn"] + SIPAS_HEADERS[4:]
    path = FORMATS[shape](tmp_path / "s", [{k: rows[i][k] for k in headers} for i in range(4)])
    result = load(demo_db, "sipas", path)
    assert design(demo_db, result.batch_id) == [
        ("R0001", "Thành thị", "Xã Tân Phú"), ("R0002", "Nông thôn", "Phường Hòa Bình"),
        ("R0003", "Miền núi", "Thị trấn Đồng Văn"), ("R0004", "Thành thị", "Xã Tân Phú")]


def test_design_values_are_trimmed_and_nfc(demo_db, tmp_path):
    rows = sipas_rows(2)
    rows[0]["tang"], rows[0]["cum"] = "  " + unicodedata.normalize("NFD", "Thành thị") + " ", " C-01"
    rows[1]["tang"], rows[1]["cum"] = "Nông thôn", "C-02  "
    result = load(demo_db, "sipas", write_csv(tmp_path / "s.csv", rows, SIPAS_HEADERS + ["tang", "cum"]))
    assert design(demo_db, result.batch_id) == [("R0001", "Thành thị", "C-01"), ("R0002", "Nông thôn", "C-02")]


def test_a_workbook_with_vietnamese_design_headers_and_numeric_clusters(demo_db, tmp_path):
    rows = sipas_rows(3)
    headers = SIPAS_HEADERS + ["Tầng", "Đơn vị mẫu cấp 1"]
    path = write_xlsx(tmp_path / "s.xlsx", rows, headers, titles=("Khảo sát SIPAS 2024",))
    book = openpyxl.load_workbook(path)
    sheet = book.active
    for r, (stratum, psu) in enumerate([("Đô thị", 101), ("Nông thôn", 102), ("Đô thị", 101)], start=3):
        sheet.cell(row=r, column=len(headers) - 1, value=stratum)
        sheet.cell(row=r, column=len(headers), value=psu)  # a number in Excel: stored as the text Excel shows
    book.save(path)
    result = load(demo_db, "sipas", path)
    assert design(demo_db, result.batch_id) == [("R0001", "Đô thị", "101"), ("R0002", "Nông thôn", "102"),
                                                ("R0003", "Đô thị", "101")]


def test_health_and_education_files_carry_their_design_too(demo_db, tmp_path):
    rows = [patient("P1", "inpatient"), patient("P2", "outpatient")]
    for row, (stratum, psu) in zip(rows, (("Tuyến tỉnh", "Khoa Nội"), ("Tuyến tỉnh", "Khoa Ngoại"))):
        row["Strata"], row["Cluster"] = stratum, psu
    health = load(demo_db, "health", write_csv(tmp_path / "bv.csv", rows, HEALTH_HEADERS + ["Strata", "Cluster"]))
    assert design(demo_db, health.batch_id) == [("P1", "Tuyến tỉnh", "Khoa Nội"), ("P2", "Tuyến tỉnh", "Khoa Ngoại")]
    pupils = [pupil("E1", "Tiểu học", "Cha mẹ học sinh"), pupil("E2", "Tiểu học", "học sinh")]
    for row, psu in zip(pupils, ("Lớp 3A", "Lớp 4B")):
        row["PSU"] = psu
    education = load(demo_db, "education", write_csv(tmp_path / "gd.csv", pupils, EDUCATION_HEADERS + ["PSU"]))
    assert design(demo_db, education.batch_id) == [("E1", None, "Lớp 3A"), ("E2", None, "Lớp 4B")]


def test_without_design_columns_or_with_them_blank_everywhere_the_design_is_null(demo_db, tmp_path):
    first = load(demo_db, "sipas", write_csv(tmp_path / "a.csv", sipas_rows(2), SIPAS_HEADERS))
    assert design(demo_db, first.batch_id) == [("R0001", None, None), ("R0002", None, None)]
    rows = sipas_rows(2, start=3)
    for row in rows:
        row["stratum"], row["psu"] = "", "  "
    second = load(demo_db, "sipas", write_csv(tmp_path / "b.csv", rows, SIPAS_HEADERS + ["stratum", "psu"]))
    assert design(demo_db, second.batch_id) == [("R0003", None, None), ("R0004", None, None)]


@pytest.mark.parametrize("keep_valid", [False, True])
def test_a_psu_column_blank_on_some_rows_refuses_the_file_naming_the_rows(demo_db, tmp_path, keep_valid):
    rows = with_design(sipas_rows(5), psu="Cụm")
    rows[1]["Cụm"], rows[4]["Cụm"] = "", " "
    path = write_csv(tmp_path / "s.csv", rows, SIPAS_HEADERS + ["Tầng mẫu", "Cụm"])
    counts, before = survey_counts(demo_db), table_fingerprint(demo_db)
    with pytest.raises(LoadRejected) as caught:
        load(demo_db, "sipas", path, keep_valid=keep_valid)
    errors = [p for p in caught.value.problems if p.severity == "error"]
    assert [(p.row, p.column, p.value) for p in errors] == [(None, "Cụm", None), (3, "Cụm", None), (6, "Cụm", None)]
    assert errors[0].message_en.startswith("column Cụm is filled on 3 row(s) and blank on 2")
    assert "Fill in every row's cluster (primary sampling unit)" in errors[0].message_en
    assert "also with --keep-valid" in errors[0].message_en
    assert errors[1].message_en == ("the cluster (psu) is blank here but filled on 3 other row(s): fill in every "
                                    "row's cluster, or leave the psu column blank on every row")
    assert errors[1].message_vi.startswith("cụm (đơn vị mẫu cấp 1) để trống ở dòng này nhưng có ở 3 dòng khác")
    assert survey_counts(demo_db) == counts
    assert table_fingerprint(demo_db) == before


def test_a_stratum_blank_on_some_rows_of_a_health_workbook_is_refused_from_the_cli(demo_db, tmp_path):
    rows = [patient(f"P{i}", "inpatient") for i in range(1, 4)]
    for row, stratum in zip(rows, ("", "Tuyến trung ương", "Tuyến trung ương")):
        row["Tầng mẫu"] = stratum
    path = write_xlsx(tmp_path / "bv.xlsx", rows, HEALTH_HEADERS + ["Tầng mẫu"])
    counts = survey_counts(demo_db)
    code, out, err = run_cli("load", "health", str(path), "--db", str(demo_db), "--lang", "en")
    assert code == 1 and out == ""
    assert "bv.xlsx, column Tầng mẫu: column Tầng mẫu is filled on 2 row(s) and blank on 1" in err
    assert ("bv.xlsx, row 2, column Tầng mẫu: the stratum is blank here but filled on 2 other row(s): fill in every "
            "row's stratum, or leave the stratum column blank on every row if the sample was not stratified") in err
    assert survey_counts(demo_db) == counts


# --- templates --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("survey", ["sipas", "health", "education"])
def test_templates_offer_stratum_and_psu_as_optional_columns_explained_in_both_languages(survey):
    header = template_headers(None, survey)
    at = header.index("Trọng số (weight)")
    assert header[at + 1:at + 3] == ["Tầng mẫu (stratum)", "Đơn vị mẫu cấp 1 (cụm) (psu)"]
    csv_header = next(csv.reader(io.StringIO(template_csv(None, survey).decode("utf-8-sig"))))
    assert csv_header == header
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx(None, survey)))
    notes = {r[1]: r for r in book["Cột (columns)"].iter_rows(min_row=2, values_only=True)}
    for code in ("stratum", "psu", "weight"):
        _header, _code, required, _values, note_vi, note_en = notes[code]
        assert not required
        assert note_vi.startswith("Không bắt buộc") and note_en.startswith("Optional")
        assert "mọi dòng" in note_vi and "every row" in note_en
    assert "cluster" in notes["psu"][5] and "cụm" in notes["psu"][4]


def test_a_filled_in_template_with_design_columns_loads(demo_db, tmp_path):
    header = template_headers(None, "sipas")
    values = {"Mã người trả lời (respondent_id)": "T1", "Ngày khảo sát (survey_date)": "02/05/2024",
              "Tỉnh/thành phố (province)": "Hà Nội", "Tầng mẫu (stratum)": "Nội thành",
              "Đơn vị mẫu cấp 1 (cụm) (psu)": "Phường Kim Liên"}
    row = [values.get(h, "4" if h.startswith("C") else "") for h in header]
    path = tmp_path / "mau.csv"
    path.write_bytes(template_csv(None, "sipas") + (",".join(row) + "\r\n").encode("utf-8"))
    result = load(demo_db, "sipas", path)
    assert design(demo_db, result.batch_id) == [("T1", "Nội thành", "Phường Kim Liên")]
