"""A refused file's report lists every problem in one pass: header, value, unit and duplicate problems together,
with a suggestion for a near-miss unit name or header."""
from __future__ import annotations

import pytest

from etl.codesystems import UnitResolver
from etl.loaders.survey_report import REPORT_CAP
from etl.names import nearest
from etl.problems import LoadRejected
from tests.conftest import table_fingerprint
from tests.etl.test_load_survey import SIPAS_HEADERS, load, sipas_rows, write_csv
from tests.etl.test_load_survey_facilities import HEALTH_HEADERS, patient


def _refused(db, path, kind="sipas", **options) -> list:
    before = table_fingerprint(db)
    with pytest.raises(LoadRejected) as caught:
        load(db, kind, path, **options)
    assert table_fingerprint(db) == before
    return caught.value.problems


def _three_problems(tmp_path):
    """C3 written 'C3x', a 7 on the 1-5 item C5, and 'Quang Nihn' for Quảng Ninh."""
    rows = sipas_rows(4)
    for row in rows:
        row["C3x"] = row.pop("C3")
    rows[1]["C5"] = "7"
    rows[2]["province"] = "Quang Nihn"
    headers = [("C3x" if h == "C3" else h) for h in SIPAS_HEADERS]
    return write_csv(tmp_path / "three.csv", rows, headers)


def test_a_header_problem_does_not_hide_value_and_unit_problems(demo_db, tmp_path):
    problems = _refused(demo_db, _three_problems(tmp_path))
    errors = [p for p in problems if p.severity == "error"]
    missing = [p for p in errors if "item columns missing" in p.message_en]
    assert len(missing) == 1 and missing[0].column == "C3"
    answer = [p for p in errors if p.column == "C5"]
    assert [(p.row, p.value) for p in answer] == [(3, "7")]
    assert "from 1 to 5" in answer[0].message_en
    province = [p for p in errors if p.column == "province"]
    assert [(p.row, p.value) for p in province] == [(4, "Quang Nihn")]
    assert 'did you mean "Quảng Ninh"?' in province[0].message_en
    assert 'có phải "Quảng Ninh"?' in province[0].message_vi
    assert len(errors) == 3  # nothing else: the rows of the misnamed column are not listed again


def test_an_unknown_header_suggests_the_column_it_nearly_spells(demo_db, tmp_path):
    problems = _refused(demo_db, _three_problems(tmp_path))
    unused = [p for p in problems if p.severity == "warning" and "columns not used" in p.message_en]
    assert unused and 'C3x (did you mean "C3"?)' in unused[0].message_en
    assert 'C3x (có phải "C3"?)' in unused[0].message_vi
    missing = next(p for p in problems if "item columns missing" in p.message_en)
    assert 'is it the column "C3x"?' in missing.message_en


def test_a_missing_required_column_still_reports_every_row_problem(demo_db, tmp_path):
    rows = sipas_rows(4)
    rows[2]["respondent_id"] = "R0001"   # a duplicate
    rows[3]["survey_date"] = "31/02/2024"  # no such date
    rows[1]["C33"] = "6"
    headers = [h for h in SIPAS_HEADERS if h != "province"]
    problems = _refused(demo_db, write_csv(tmp_path / "p.csv", rows, headers))
    errors = [p for p in problems if p.severity == "error"]
    assert any("required column 'province' is missing" in p.message_en for p in errors)
    assert {(p.row, p.column) for p in errors if p.row and p.row > 1} >= {(4, "respondent_id"), (5, "survey_date"),
                                                                        (3, "C33")}
    # the missing column is named once, not once per row
    assert not [p for p in errors if p.column == "province" and p.row not in (None, 1)]


def test_a_health_file_without_its_form_column_is_still_checked(demo_db, tmp_path):
    rows = [patient("P1", "inpatient"), patient("P2", "outpatient")]
    rows[1]["Tỉnh"] = "Quang Nihn"
    headers = [h for h in HEALTH_HEADERS if h != "Loại phiếu"]
    problems = _refused(demo_db, write_csv(tmp_path / "h.csv", rows, headers), "health")
    messages = [p.message_en for p in problems if p.severity == "error"]
    assert any("required column 'form' is missing" in m for m in messages)
    assert any('did you mean "Quảng Ninh"?' in m for m in messages)


def test_keep_valid_does_not_load_a_file_with_a_header_problem(demo_db, tmp_path):
    problems = _refused(demo_db, _three_problems(tmp_path), keep_valid=True)
    assert any("item columns missing" in p.message_en for p in problems)


def test_the_report_states_its_cap(demo_db, tmp_path):
    rows = sipas_rows(REPORT_CAP + 3)
    for row in rows:
        row["C3"] = "9"
    problems = _refused(demo_db, write_csv(tmp_path / "many.csv", rows, SIPAS_HEADERS))
    assert problems[-1].row is None
    assert problems[-1].message_en.startswith("… and 3 more row(s) with this problem")
    assert f"the report lists the first {REPORT_CAP:,} rows of each problem" in problems[-1].message_en
    assert f"báo cáo liệt kê {REPORT_CAP:,} dòng đầu" in problems[-1].message_vi


def test_unit_suggestions_come_from_the_system_in_force(reference_store):
    from datetime import date
    old = UnitResolver(reference_store, "vn63", date(2024, 12, 31))
    assert 'did you mean "Quảng Ninh"?' in old.resolve("Quang Nihn").problem
    assert "did you mean" not in old.resolve("Atlantis").problem


def test_nearest_compares_without_diacritics():
    candidates = {"quang ninh": "Quảng Ninh", "quang nam": "Quảng Nam", "c3": "C3", "c30": "C30"}
    assert nearest("QUẢNG NINHH", candidates) == "Quảng Ninh"
    assert nearest("Quang Nihn", candidates) == "Quảng Ninh"
    assert nearest("zzz", candidates) is None


def test_a_table_header_that_nearly_spells_a_missing_column_is_named():
    import pandas as pd

    from etl.readers import TableRead
    from etl.tabular import ColumnSpec, Sheet

    frame = pd.DataFrame({"Tinh thanhh": ["Hà Nội"], "Ghi chú": ["x"]})
    table = TableRead(frame, list(frame.columns), 1, [2], "utf-8", ",", None, [])
    sheet = Sheet(table, "f.csv", (ColumnSpec("unit", ("unit", "tinh_thanh")), ColumnSpec("total", ("total",))))
    assert sheet.suggestions == {"Tinh thanhh": "unit"}
    unused = next(p for p in sheet.problems if p.severity == "warning")
    assert 'Tinh thanhh (did you mean "unit"?)' in unused.message_en and unused.message_en.endswith(", Ghi chú")
    sheet = Sheet(table, "f.csv", (ColumnSpec("unit", ("unit", "tinh_thanh"), required=True),))
    missing = next(p for p in sheet.problems if p.severity == "error")
    assert 'is it the column "Tinh thanhh"?' in missing.message_en


def _refused_upload(db, monkeypatch, tmp_path, lang: str):
    import streamlit as st

    from tests.app.test_pages import LANG_PARAM, app

    st.cache_data.clear()
    monkeypatch.delenv("PAR_REQUIRE_AUTH", raising=False)
    monkeypatch.delenv("PAR_ALLOW_ANONYMOUS", raising=False)
    at = app(db, monkeypatch, lang=LANG_PARAM[lang])
    at.switch_page("pages/upload_page.py").run()
    at.selectbox(key="upload_kind").set_value("sipas").run()
    at.file_uploader[0].upload("ba_loi.csv", _three_problems(tmp_path).read_bytes(), "text/csv")
    next(b for b in at.button if b.label in ("Kiểm tra và nạp", "Check and load")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_refused_upload_leaves_no_progress_bar_and_speaks_vietnamese(demo_db, monkeypatch, tmp_path):
    at = _refused_upload(demo_db, monkeypatch, tmp_path, "vi")
    assert len(at.progress) == 0
    assert [e.value for e in at.error] == ["Tệp bị từ chối: 3 lỗi. Không có gì được nạp."]
    report = at.dataframe[0].value
    problems = "\n".join(report.iloc[:, -1].astype(str))
    assert 'có phải "Quảng Ninh"?' in problems and "câu trả lời phải là số nguyên từ 1 đến 5" in problems
    assert "thiếu cột câu hỏi" in problems
    captions = "\n".join(c.value for c in at.caption)
    assert "mỗi tệp tối đa 200 MB" in captions


def test_upload_progress_steps_are_translated():
    from ui.i18n import t

    for step in ("detecting", "transcoding", "reading", "checking", "writing", "done"):
        assert t(f"upload.step.{step}", "vi") != t(f"upload.step.{step}", "en")
    assert "kiểm tra" in t("upload.step.checking", "vi").lower()


def test_a_results_table_with_a_header_problem_still_reports_its_rows(tmp_path, demo_db):
    """Table kinds (here par-totals) also report every problem in one pass: an unknown column beside a bad
    value and an unknown unit."""
    from etl.load import load_file
    path = tmp_path / "bxh.csv"
    # Two columns that both mean the total: a header error; the rows are still checked.
    path.write_text('"Bộ, cơ quan ngang bộ",Điểm thẩm định,Điểm điều tra XHH,Tổng điểm,Tổng điểm đạt được\n'
                    "Bộ Tư pháp,61.86,28.10,89.95,89.95\nBộ Không Có,60,20,80,80\n", "utf-8")
    with pytest.raises(LoadRejected) as refused:
        load_file(demo_db, "par-totals", path, options={"year": 2023, "level": "ministry"})
    messages = [p.message_en for p in refused.value.problems]
    assert any("Tổng điểm đạt được" in m or "total" in m for m in messages)       # the header problem
    assert any("Bộ Không Có" in m for m in messages)                                 # and the unknown unit
