"""Survey weights: filled on every row or on none, and every one a finite number greater than 0.

A weight column blank on some rows is ambiguous (a blank is not a weight of 1), so the file is refused as a
whole, with the blank rows named, even with --keep-valid; a bad weight value is a row problem, quarantined with
--keep-valid. A file without weights (no column, or the column blank on every row) stores NULL weights, which the
statistics read as 1 and report as unweighted.
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from etl.loaders.survey_report import REPORT_CAP
from etl.problems import LoadRejected
from tests.conftest import table_fingerprint
from tests.etl.test_load_survey import (SIPAS_HEADERS, load, run_cli, sipas_rows, write_csv,
                                        write_xlsx)
from tests.etl.test_load_survey_facilities import HEALTH_HEADERS, patient

SURVEY_TABLES = ("batch", "survey_respondent", "survey_answer", "survey_quarantine", "facility")


def survey_counts(db: Path) -> dict[str, int]:
    """Rows in every table a survey load writes to."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in SURVEY_TABLES}
    finally:
        con.close()


def stored_weights(db: Path, batch_id: int) -> list[tuple[str, float | None]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT respondent_id, weight FROM survey_respondent WHERE batch_id = ? ORDER BY 1",
                           [batch_id]).fetchall()
    finally:
        con.close()


def half_blank(n: int = 6) -> list[dict]:
    """Respondents R0001..R000n, weighted on the odd ones (file rows 2, 4, 6...) and blank on the even ones."""
    rows = sipas_rows(n)
    for i, row in enumerate(rows):
        row["weight"] = "1,5" if i % 2 == 0 else ""
    return rows


def errors_of(caught) -> list:
    return [p for p in caught.value.problems if p.severity == "error"]


@pytest.mark.parametrize("keep_valid", [False, True])
def test_a_weight_column_blank_on_some_rows_refuses_the_file_naming_the_blank_rows(demo_db, tmp_path, keep_valid):
    path = write_csv(tmp_path / "s.csv", half_blank(6), SIPAS_HEADERS)
    counts, before = survey_counts(demo_db), table_fingerprint(demo_db)
    with pytest.raises(LoadRejected) as caught:
        load(demo_db, "sipas", path, keep_valid=keep_valid)
    errors = errors_of(caught)
    summary, rows = errors[0], errors[1:]
    assert (summary.row, summary.column, summary.value) == (None, "weight", None)
    assert summary.message_en.startswith("column weight is filled on 3 row(s) and blank on 3 (the blank rows are "
                                         "listed): it must be filled on every row or on none. Fill in every row's "
                                         "weight, or leave the column blank on every row for an unweighted survey")
    assert "also with --keep-valid" in summary.message_en and "kể cả khi dùng --keep-valid" in summary.message_vi
    # header is row 1: R0002, R0004, R0006 are file rows 3, 5, 7
    assert [(p.row, p.column, p.value) for p in rows] == [(3, "weight", None), (5, "weight", None),
                                                         (7, "weight", None)]
    assert rows[0].message_en == ("the weight is blank here but filled on 3 other row(s): fill in every row's weight, "
                                  "or leave the weight column blank on every row for an unweighted survey")
    assert rows[0].message_vi.startswith("trọng số để trống ở dòng này nhưng có ở 3 dòng khác")
    assert survey_counts(demo_db) == counts
    assert table_fingerprint(demo_db) == before


def test_keep_valid_does_not_load_part_of_a_file_with_partly_blank_weights_even_with_other_bad_rows(demo_db, tmp_path):
    rows = half_blank(4)
    rows[0]["C1"] = "9"  # a row problem --keep-valid would quarantine on its own
    path = write_csv(tmp_path / "s.csv", rows, SIPAS_HEADERS)
    counts = survey_counts(demo_db)
    code, out, err = run_cli("load", "sipas", str(path), "--db", str(demo_db), "--keep-valid",
                             "--lang", "en")
    assert code == 1 and out == ""
    assert "s.csv, column weight: column weight is filled on 2 row(s) and blank on 2" in err
    assert "s.csv, row 3, column weight: the weight is blank here but filled on 2 other row(s)" in err
    assert "s.csv, row 5, column weight: the weight is blank here" in err
    assert "s.csv, row 2, column C1 [9]: the answer must be a whole number from 1 to 5" in err
    assert err.rstrip().endswith("the database is unchanged.")
    assert survey_counts(demo_db) == counts


def test_the_vietnamese_report_says_how_to_fix_partly_blank_weights(demo_db, tmp_path):
    path = write_csv(tmp_path / "s.csv", half_blank(2), SIPAS_HEADERS)
    code, _out, err = run_cli("load", "sipas", str(path), "--db", str(demo_db))
    assert code == 1
    assert ("s.csv, dòng 3, cột weight: trọng số để trống ở dòng này nhưng có ở 1 dòng khác: hãy điền trọng số "
            "cho mọi dòng, hoặc để trống cả cột nếu khảo sát không dùng trọng số") in err
    assert "cột weight có giá trị ở 1 dòng và để trống ở 1 dòng" in err


def test_blank_weights_are_named_up_to_the_report_cap_and_counted_beyond(demo_db, tmp_path):
    rows = sipas_rows(REPORT_CAP + 300)
    for row in rows[1:]:
        row["weight"] = ""
    with pytest.raises(LoadRejected) as caught:
        load(demo_db, "sipas", write_csv(tmp_path / "s.csv", rows, SIPAS_HEADERS))
    errors = errors_of(caught)
    assert "filled on 1 row(s) and blank on 1,299" in errors[0].message_en
    named = [p for p in errors if p.row is not None]
    assert len(named) == REPORT_CAP and (named[0].row, named[-1].row) == (3, REPORT_CAP + 2)
    assert errors[-1].row is None and errors[-1].message_en.startswith("… and 299 more row(s) with this problem: "
                                                                       "the weight is blank here")


def test_a_health_workbook_with_partly_blank_weights_is_refused_too(demo_db, tmp_path):
    rows = [patient(f"P{i}", "inpatient") for i in range(1, 5)]
    for row, weight in zip(rows, ("2", "2", "", "3")):
        row["Trọng số"] = weight
    path = write_xlsx(tmp_path / "bv.xlsx", rows, HEALTH_HEADERS + ["Trọng số"], titles=("Khảo sát 2024",))
    counts = survey_counts(demo_db)
    with pytest.raises(LoadRejected) as caught:
        load(demo_db, "health", path)
    errors = errors_of(caught)
    # title row 1, header row 2: P3 is row 5
    assert [(p.row, p.column) for p in errors] == [(None, "Trọng số"), (5, "Trọng số")]
    assert "filled on 3 row(s) and blank on 1" in errors[0].message_en
    assert survey_counts(demo_db) == counts


BAD_WEIGHTS = {"0": 3, "-2": 4, "-0": 5, "abc": 6, "inf": 7, "NaN": 8, "1,2,3": 9}


def _with_bad_weights() -> list[dict]:
    rows = sipas_rows(2 + len(BAD_WEIGHTS))
    rows[0]["weight"], rows[-1]["weight"] = "1,25", "2.5"
    for row, value in zip(rows[1:], BAD_WEIGHTS):
        row["weight"] = value
    return rows


def test_zero_negative_non_finite_and_non_numeric_weights_are_refused_with_their_rows(demo_db, tmp_path):
    counts, before = survey_counts(demo_db), table_fingerprint(demo_db)
    with pytest.raises(LoadRejected) as caught:
        load(demo_db, "sipas", write_csv(tmp_path / "s.csv", _with_bad_weights(), SIPAS_HEADERS))
    errors = errors_of(caught)
    assert [(p.row, p.column, p.value) for p in errors] == [(row, "weight", value)
                                                            for value, row in BAD_WEIGHTS.items()]
    assert {p.message_en for p in errors} == {"the weight must be a number greater than 0"}
    assert {p.message_vi for p in errors} == {"trọng số phải là số lớn hơn 0"}
    assert survey_counts(demo_db) == counts
    assert table_fingerprint(demo_db) == before


def test_keep_valid_quarantines_rows_with_bad_weights_and_loads_the_weighted_rest(demo_db, tmp_path):
    result = load(demo_db, "sipas", write_csv(tmp_path / "s.csv", _with_bad_weights(), SIPAS_HEADERS),
                  keep_valid=True)
    assert (result.rows, result.rejected) == (2, len(BAD_WEIGHTS))
    assert stored_weights(demo_db, result.batch_id) == [("R0001", 1.25), ("R0009", 2.5)]
    con = duckdb.connect(str(demo_db), read_only=True)
    kept = con.execute("SELECT file_row, problems_en FROM survey_quarantine WHERE batch_id = ? ORDER BY 1",
                       [result.batch_id]).fetchall()
    con.close()
    assert kept == [(row, f"weight [{value}] the weight must be a number greater than 0")
                    for value, row in BAD_WEIGHTS.items()]


def test_a_weight_column_blank_on_every_row_loads_unweighted(demo_db, tmp_path):
    rows = sipas_rows(4)
    for row, blank in zip(rows, ("", " ", "", "  ")):
        row["weight"] = blank
    result = load(demo_db, "sipas", write_csv(tmp_path / "s.csv", rows, SIPAS_HEADERS))
    assert result.rows == 4
    # NULL, not 1.0: the statistics count a NULL weight as 1 and say the figure is unweighted
    assert stored_weights(demo_db, result.batch_id) == [(f"R000{i}", None) for i in range(1, 5)]


def test_a_file_without_a_weight_column_loads_unweighted(demo_db, tmp_path):
    headers = [h for h in SIPAS_HEADERS if h != "weight"]
    result = load(demo_db, "sipas", write_xlsx(tmp_path / "s.xlsx", sipas_rows(3), headers))
    assert stored_weights(demo_db, result.batch_id) == [("R0001", None), ("R0002", None), ("R0003", None)]


def test_weights_filled_on_every_row_are_stored_as_numbers(demo_db, tmp_path):
    rows = sipas_rows(3)
    for row, weight in zip(rows, ("1,5", " 0.75 ", "12")):
        row["weight"] = weight
    result = load(demo_db, "sipas", write_csv(tmp_path / "s.csv", rows, SIPAS_HEADERS, encoding="cp1258",
                                              delimiter=";"))
    assert stored_weights(demo_db, result.batch_id) == [("R0001", 1.5), ("R0002", 0.75), ("R0003", 12.0)]
