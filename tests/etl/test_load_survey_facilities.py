"""Health and education survey files: forms and their items, 'did not use' answers, school levels and
respondent groups, and hospitals and schools registered from the files themselves."""
from __future__ import annotations

import duckdb
import pytest

from etl.loaders.survey_instruments import instruments_from_yaml
from etl.problems import LoadRejected
from tests.conftest import table_fingerprint
from tests.etl.test_load_survey import load, run_cli, upload_rows, write_csv

FORMS = {i.form: i.item_codes() for i in instruments_from_yaml("health")}
HEALTH_ITEMS = list(dict.fromkeys(FORMS["inpatient"] + FORMS["outpatient"]))
HEALTH_HEADERS = ["Mã bệnh viện", "Tên bệnh viện", "Tỉnh", "Loại phiếu", "Mã phiếu", "Ngày khảo sát",
                  *HEALTH_ITEMS]
EDUCATION_ITEMS = instruments_from_yaml("education")[0].item_codes()
EDUCATION_HEADERS = ["Mã trường", "Tên trường", "Tỉnh", "Cấp học", "Đối tượng", "Mã phiếu", "Năm", *EDUCATION_ITEMS]


def patient(rid: str, form: str, *, hospital=("BV01", "Bệnh viện Đa khoa Hà Đông", "Hà Nội"), answer="4",
            **answers) -> dict:
    form_vi = {"inpatient": "Nội trú", "outpatient": "ngoại trú"}[form]
    row = dict(zip(HEALTH_HEADERS[:6], (*hospital, form_vi, rid, "20/05/2024")))
    row.update({c: (answer if c in FORMS[form] else "") for c in HEALTH_ITEMS})
    row.update({"G1": "85", **answers})
    return row


def test_both_health_forms_load_with_their_own_items_and_did_not_use_answers(demo_db, tmp_path):
    rows = [patient("P1", "inpatient", A1="0", C11="5", G1="150"), patient("P2", "outpatient", B10="3"),
            patient("P3", "outpatient", hospital=("BV02", "Bệnh viện Nhi", "79"))]
    result = load(demo_db, "health", write_csv(tmp_path / "bv.csv", rows, HEALTH_HEADERS))
    assert result.rows == 3 and result.breakdown_of == "hospital"
    assert sorted(result.breakdown) == [("BV01 Bệnh viện Đa khoa Hà Đông", 2), ("BV02 Bệnh viện Nhi", 1)]
    got = {r[3]: r for r in upload_rows(demo_db, "health")}
    assert got["P1"][1] == "health-inpatient" and got["P2"][1] == "health-outpatient"
    assert len(got["P1"][-1]) == len(FORMS["inpatient"]) and len(got["P2"][-1]) == len(FORMS["outpatient"])
    assert {"A1=0", "C11=5", "G1=150"} <= set(got["P1"][-1]) and "B10=3" in got["P2"][-1]
    assert got["P1"][7] == "BV01" and got["P3"][5:7] == ("vn63", "79")
    con = duckdb.connect(str(demo_db), read_only=True)
    facilities = con.execute("SELECT facility_type, facility_id, name, unit_system, unit_code FROM facility "
                             "WHERE batch_id = ? ORDER BY 2", [result.batch_id]).fetchall()
    con.close()
    assert facilities == [("hospital", "BV01", "Bệnh viện Đa khoa Hà Đông", "vn63", "01"),
                          ("hospital", "BV02", "Bệnh viện Nhi", "vn63", "79")]


def test_a_form_answered_outside_its_items_or_scale_is_refused(demo_db, tmp_path):
    rows = [patient("P1", "inpatient", B9="4"),       # B9 is an outpatient item
            patient("P2", "outpatient", G1="250"),    # expectations met: 0 to 200 %
            patient("P3", "outpatient", G2="0"),      # 0 = did not use: accepted on the Likert items
            patient("P4", "outpatient", A2="-1")]
    rows[3]["Loại phiếu"] = "cấp cứu"
    before = table_fingerprint(demo_db)
    with pytest.raises(LoadRejected) as caught:
        load(demo_db, "health", write_csv(tmp_path / "bv.csv", rows, HEALTH_HEADERS))
    found = [(p.row, p.column, p.value, p.message_en) for p in caught.value.problems if p.severity == "error"]
    assert found == [
        (2, "B9", "4", "this item is not on the inpatient form; leave it blank"),
        (3, "G1", "250", "the answer must be a whole number from 0 to 200"),
        (5, "Loại phiếu", "cấp cứu", "not an accepted value; use one of: inpatient, outpatient"),
        (5, "A2", "-1", "the answer must be a whole number from 1 to 5 (or 0: did not use / no opinion)"),
    ]
    assert table_fingerprint(demo_db) == before


def test_a_hospital_is_registered_once_and_a_different_name_later_is_refused(demo_db, tmp_path):
    load(demo_db, "health", write_csv(tmp_path / "a.csv", [patient("P1", "inpatient")], HEALTH_HEADERS))
    # the same hospital again, written in capitals: no second registration
    again = patient("P2", "outpatient", hospital=("BV01", "BỆNH VIỆN ĐA KHOA HÀ ĐÔNG", "01"))
    second = load(demo_db, "health", write_csv(tmp_path / "b.csv", [again], HEALTH_HEADERS))
    con = duckdb.connect(str(demo_db), read_only=True)
    assert con.execute("SELECT count(*) FROM facility WHERE facility_id = 'BV01'").fetchall() == [(1,)]
    con.close()
    assert second.rows == 1
    before = table_fingerprint(demo_db)
    moved = [patient("P3", "inpatient", hospital=("BV01", "Bệnh viện Xanh Pôn", "Hà Nội"))]
    code, _out, err = run_cli("load", "health", str(write_csv(tmp_path / "c.csv", moved, HEALTH_HEADERS)),
                              "--db", str(demo_db), "--lang", "en")
    assert code == 1
    assert ("hospital BV01 is registered as 'Bệnh viện Đa khoa Hà Đông' in vn63:01 (batch" in err
            and "this file says 'Bệnh viện Xanh Pôn' in vn63:01" in err)
    assert table_fingerprint(demo_db) == before


def test_one_hospital_with_two_provinces_in_one_file_is_refused(demo_db, tmp_path):
    rows = [patient("P1", "inpatient"), patient("P2", "inpatient", hospital=("BV01", "Bệnh viện Đa khoa Hà Đông",
                                                                             "Hải Phòng"))]
    with pytest.raises(LoadRejected) as caught:
        load(demo_db, "health", write_csv(tmp_path / "a.csv", rows, HEALTH_HEADERS))
    errors = [p for p in caught.value.problems if p.severity == "error"]
    assert [p.row for p in errors] == [2, 3]
    assert "appears with different names or provinces in this file" in errors[0].message_en


def pupil(rid: str, level: str, group: str, *, school=("TH01", "Trường Tiểu học Kim Liên", "Hà Nội"),
          year="2024", answer="5") -> dict:
    row = dict(zip(EDUCATION_HEADERS[:7], (*school, level, group, rid, year)))
    row.update({c: answer for c in EDUCATION_ITEMS})
    return row


def test_education_levels_and_groups_as_offices_write_them(demo_db, tmp_path):
    rows = [pupil("E1", "Tiểu học", "Cha mẹ học sinh"), pupil("E2", "primary", "học sinh"),
            pupil("E3", "THPT", "Người học", school=("C301", "Trường THPT Chu Văn An", "Hà Nội"))]
    result = load(demo_db, "education", write_csv(tmp_path / "gd.csv", rows, EDUCATION_HEADERS))
    assert result.rows == 3 and result.breakdown_of == "school"
    got = [(r[3], r[8], r[9], len(r[-1])) for r in upload_rows(demo_db, "education")]
    n = len(EDUCATION_ITEMS)  # TC1-4, CS1-5, MT1-5, HD1-6, KQ1-4, HL1
    assert n == 25
    assert got == [("E1", "primary", "parent", n), ("E2", "primary", "learner", n), ("E3", "upper_secondary", "learner", n)]


def test_an_unknown_school_level_names_the_accepted_ones(demo_db, tmp_path):
    with pytest.raises(LoadRejected) as caught:
        load(demo_db, "education", write_csv(tmp_path / "gd.csv", [pupil("E1", "đại học quốc tế", "phụ huynh")],
                                             EDUCATION_HEADERS))
    problem = next(p for p in caught.value.problems if p.severity == "error")
    assert (problem.row, problem.column) == (2, "Cấp học")
    assert "preschool (mầm non), primary (tiểu học)" in problem.message_vi
    assert "higher" in problem.message_en


def test_a_sipas_file_given_as_health_is_named(demo_db, tmp_path):
    from tests.etl.test_load_survey import SIPAS_HEADERS, sipas_rows
    with pytest.raises(LoadRejected) as caught:
        load(demo_db, "health", write_csv(tmp_path / "s.csv", sipas_rows(2), SIPAS_HEADERS))
    assert "load it as: python -m etl load sipas FILE" in caught.value.problems[0].message_en
