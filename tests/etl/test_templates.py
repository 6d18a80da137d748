"""Survey templates: what they contain, and that a filled-in template loads as it is."""
from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest

from etl.loaders.survey_instruments import instruments_from_yaml
from etl.templates import OFFICIAL_VI, PARAPHRASE_VI, template_csv, template_headers, template_xlsx
from tests.etl.test_load_survey import load, upload_rows


def test_csv_template_is_utf8_with_bom_and_headers_in_vietnamese_and_codes():
    data = template_csv(None, "sipas")
    assert data.startswith(b"\xef\xbb\xbf")
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header[:4] == ["Mã người trả lời (respondent_id)", "Ngày khảo sát (survey_date)", "Năm khảo sát (year)",
                          "Tỉnh/thành phố (province)"]
    assert header[-33:] == [f"C{i}" for i in range(1, 34)]
    assert data.decode("utf-8-sig").count("\n") == 1  # a header, no sample rows to load by mistake


def test_templates_from_the_store_match_the_instrument_files(reference_store):
    for survey in ("sipas", "health", "education"):
        assert template_headers(reference_store, survey) == template_headers(None, survey)
        assert template_csv(reference_store, survey) == template_csv(None, survey)


def test_unknown_survey_is_refused():
    with pytest.raises(ValueError, match="unknown survey"):
        template_csv(None, "tax")


@pytest.mark.parametrize("survey", ["sipas", "health", "education"])
def test_excel_template_has_the_data_sheet_first_and_a_codebook_of_every_item(survey):
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx(None, survey)))
    assert book.sheetnames == ["Dữ liệu", "Bộ mã (codebook)", "Cột (columns)"]
    header = [c.value for c in next(book["Dữ liệu"].iter_rows(max_row=1))]
    assert header == template_headers(None, survey)
    rows = list(book["Bộ mã (codebook)"].iter_rows(min_row=4, values_only=True))
    instruments = instruments_from_yaml(survey)
    assert [(r[0], r[1]) for r in rows] == [(i.form, item.code) for i in instruments for item in i.items]
    for form, code, dimension, name_vi, name_en, part, wording_vi, wording_en, source, scale, *_ in rows:
        assert dimension and name_vi and name_en and wording_vi and wording_en and scale
        # every shipped wording says whether it is the official questionnaire's (with its source) or a paraphrase
        assert source.startswith(PARAPHRASE_VI) or (source.startswith(OFFICIAL_VI) and "http" in source)
    if survey == "health":
        g1 = next(r for r in rows if r[1] == "G1")
        assert g1[9] == "0–200 (%)"
        a1 = next(r for r in rows if r[1] == "A1")
        assert a1[9] == "1–5; 0 = không sử dụng / không ý kiến" and a1[10].startswith("1 = Rất không hài lòng")
        # the Ministry of Health's own question, not "Mức độ hài lòng về: ... (A1)"
        assert a1[6].startswith("Các sơ đồ, biển báo chỉ dẫn đường") and a1[8].startswith(OFFICIAL_VI)
    else:
        assert all(r[8].startswith(PARAPHRASE_VI) for r in rows)   # SIPAS and education wording: not found


def test_a_filled_in_csv_template_loads(demo_db, tmp_path):
    header = next(csv.reader(io.StringIO(template_csv(None, "sipas").decode("utf-8-sig"))))
    values = {"Mã người trả lời (respondent_id)": "T1", "Ngày khảo sát (survey_date)": "02/05/2024",
              "Tỉnh/thành phố (province)": "Hà Nội", "Kênh tiếp nhận (channel)": "online"}
    row = [values.get(h, "4" if h.startswith("C") else "") for h in header]
    path = tmp_path / "mau.csv"
    path.write_bytes(template_csv(None, "sipas") + (",".join(row) + "\r\n").encode("utf-8"))
    assert load(demo_db, "sipas", path).rows == 1
    assert upload_rows(demo_db)[0][3:7] == ("T1", date(2024, 5, 2), "vn63", "01")


def test_a_filled_in_excel_template_loads(demo_db, tmp_path):
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx(None, "health")))
    sheet = book["Dữ liệu"]
    header = [c.value for c in sheet[1]]
    inpatient = instruments_from_yaml("health")[0].item_codes()
    values = {"Mã người trả lời (respondent_id)": "P1", "Năm khảo sát (year)": 2024,
              "Tỉnh/thành phố (province)": "79", "Mã bệnh viện (hospital_id)": "BV9",
              "Tên bệnh viện (hospital_name)": "Bệnh viện Chợ Rẫy", "Loại phiếu (nội trú/ngoại trú) (form)": "inpatient"}
    sheet.append([values.get(h, 5 if h in inpatient and h != "G1" else (90 if h == "G1" else None)) for h in header])
    path = tmp_path / "mau.xlsx"
    book.save(path)
    result = load(demo_db, "health", path)
    assert result.rows == 1 and result.breakdown == [("BV9 Bệnh viện Chợ Rẫy", 1)]
