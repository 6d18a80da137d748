"""Dates and years within the stated range (etl.codesystems.EARLIEST_DATE .. 31 December of next year), in the
survey loaders and the plans loader: a date outside it is a problem of its row and column, never a crash and
never a load."""
from __future__ import annotations

from datetime import date

import pytest

from etl.codesystems import EARLIEST_DATE, latest_date
from etl.load import load_file
from etl.problems import LoadRejected
from tests.conftest import table_fingerprint
from tests.etl.test_load_survey import SIPAS_HEADERS, SIPAS_ITEMS, load, sipas_rows, upload_rows, write_csv

ACCEPTED_EN = f"{EARLIEST_DATE:%d/%m/%Y} to {latest_date():%d/%m/%Y}"
ACCEPTED_VI = f"{EARLIEST_DATE:%d/%m/%Y} đến {latest_date():%d/%m/%Y}"


def _refused(db, path, **options) -> list:
    before = table_fingerprint(db)
    with pytest.raises(LoadRejected) as caught:
        load(db, "sipas", path, **options)
    assert table_fingerprint(db) == before
    return caught.value.problems


@pytest.mark.parametrize("written", ["01/01/0001", "1970-01-01", "0000-01-01", "2099-01-01", "01/01/1900",
                                     f"01/01/{latest_date().year + 1}"])
def test_a_survey_date_outside_the_range_is_refused_naming_row_and_column(demo_db, tmp_path, written):
    rows = sipas_rows(3)
    rows[1]["survey_date"] = written
    problems = _refused(demo_db, write_csv(tmp_path / "s.csv", rows, SIPAS_HEADERS))
    [problem] = [p for p in problems if p.column == "survey_date"]
    assert (problem.file, problem.row, problem.value) == ("s.csv", 3, written)
    assert f"outside the accepted range {ACCEPTED_EN}" in problem.message_en
    assert f"ngoài khoảng chấp nhận {ACCEPTED_VI}" in problem.message_vi
    assert "dd/mm/yyyy" in problem.message_en  # and how to fix it


def test_the_range_is_inclusive_and_a_2024_date_loads(demo_db, tmp_path):
    rows = sipas_rows(3, survey_date="15/08/2024")
    rows[1]["survey_date"] = f"{EARLIEST_DATE:%d/%m/%Y}"
    rows[2].update(survey_date=f"{latest_date():%Y-%m-%d}", province="Hà Nội")  # a name of both code systems
    result = load(demo_db, "sipas", write_csv(tmp_path / "s.csv", rows, SIPAS_HEADERS))
    assert result.rows == 3
    dates = sorted(r[4] for r in upload_rows(demo_db))
    assert dates == [EARLIEST_DATE, date(2024, 8, 15), latest_date()]


def test_with_keep_valid_only_the_out_of_range_row_is_held_back(demo_db, tmp_path):
    rows = sipas_rows(3)
    rows[0]["survey_date"] = "01/01/1970"
    result = load(demo_db, "sipas", write_csv(tmp_path / "s.csv", rows, SIPAS_HEADERS), keep_valid=True)
    assert result.rows == 2
    assert sorted(r[3] for r in upload_rows(demo_db)) == ["R0002", "R0003"]


YEAR_HEADERS = ["respondent_id", "province", "year", *SIPAS_ITEMS]


@pytest.mark.parametrize("written", ["1995", "1970", "0", "1", str(latest_date().year + 1), "2099", "9999"])
def test_a_year_column_outside_the_range_is_refused_the_same_way(demo_db, tmp_path, written):
    rows = [dict(r, year="2024") for r in sipas_rows(3)]
    rows[2]["year"] = written
    problems = _refused(demo_db, write_csv(tmp_path / "y.csv", rows, YEAR_HEADERS))
    [problem] = [p for p in problems if p.column == "year"]
    assert (problem.row, problem.value) == (4, written)
    span = f"{EARLIEST_DATE.year} to {latest_date().year}"
    assert f"outside the accepted range {span}" in problem.message_en
    assert f"{EARLIEST_DATE.year} đến {latest_date().year}" in problem.message_vi


def test_a_year_that_is_no_number_is_still_not_a_year(demo_db, tmp_path):
    rows = [dict(r, year="2024") for r in sipas_rows(2)]
    rows[1]["year"] = "2024.5"
    [problem] = [p for p in _refused(demo_db, write_csv(tmp_path / "y.csv", rows, YEAR_HEADERS))
                 if p.column == "year"]
    assert problem.row == 3 and problem.message_en.startswith("not a year")


def test_years_at_both_ends_of_the_range_load(demo_db, tmp_path):
    rows = [dict(r, year=y) for r, y in zip(sipas_rows(2), (str(EARLIEST_DATE.year), str(latest_date().year)))]
    assert load(demo_db, "sipas", write_csv(tmp_path / "y.csv", rows, YEAR_HEADERS)).rows == 2


def test_a_year_given_with_the_option_outside_the_range_is_refused(demo_db, tmp_path):
    headers = ["respondent_id", "province", *SIPAS_ITEMS]
    problems = _refused(demo_db, write_csv(tmp_path / "n.csv", sipas_rows(2), headers), year=1995)
    assert [(p.row, p.column) for p in problems] == [(2, "year"), (3, "year")]
    assert f"--year must be from {EARLIEST_DATE.year} to {latest_date().year}, not 1995" in problems[0].message_en


# --- plans, reports and tasks ----------------------------------------------------------------------------------

def _plans(tmp_path, text: str):
    path = tmp_path / "bao_cao.csv"
    path.write_text(text, "utf-8")
    return path


@pytest.mark.parametrize("written", ["01/01/0001", "1970-01-01", "2099-01-01"])
def test_a_report_date_outside_the_range_is_a_problem_not_a_crash(demo_db, tmp_path, written):
    text = f"Đơn vị,Năm,Kỳ báo cáo,Ngày nộp\nQuảng Ninh,2026,Quý I,14/03/2026\nQuảng Ninh,2026,6 tháng,{written}\n"
    before = table_fingerprint(demo_db)
    with pytest.raises(LoadRejected) as caught:
        load_file(demo_db, "plans", _plans(tmp_path, text))
    [problem] = caught.value.problems
    assert (problem.row, problem.column, problem.value) == (3, "Ngày nộp", written)
    assert f"outside the accepted range {ACCEPTED_EN}" in problem.message_en
    assert "khoảng chấp nhận" in problem.message_vi
    assert table_fingerprint(demo_db) == before


def test_a_year_zero_report_date_is_not_a_date(demo_db, tmp_path):
    text = "Đơn vị,Năm,Kỳ báo cáo,Ngày nộp\nQuảng Ninh,2026,Quý I,0000-01-01\n"
    with pytest.raises(LoadRejected) as caught:
        load_file(demo_db, "plans", _plans(tmp_path, text))
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (2, "Ngày nộp") and "not a date" in problem.message_en


def test_task_deadlines_and_plan_years_are_checked_too(demo_db, tmp_path):
    tasks = ("Đơn vị,Năm,STT,Nội dung,Nhiệm vụ,Thời hạn hoàn thành\n"
             "Quảng Ninh,2026,1,Thể chế,Rà soát văn bản,31/12/1970\n"
             f"Quảng Ninh,{latest_date().year + 1},2,Thể chế,Rà soát văn bản,\n")
    with pytest.raises(LoadRejected) as caught:
        load_file(demo_db, "plans", _plans(tmp_path, tasks))
    found = {(p.row, p.column) for p in caught.value.problems}
    assert found == {(2, "Thời hạn hoàn thành"), (3, "Năm")}
