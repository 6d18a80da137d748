"""A corpus of bad survey files, one per problem the issue names: `python -m etl load` exits 1, says what is
wrong where, and leaves every table of the database exactly as it was."""
from __future__ import annotations

from pathlib import Path

import pytest

from etl.loaders.survey_instruments import instruments_from_yaml
from tests.conftest import table_fingerprint
from tests.etl.test_load_survey import SIPAS_HEADERS, SIPAS_ITEMS, run_cli, sipas_rows, write_csv

HEALTH_ITEMS = list(dict.fromkeys(c for i in instruments_from_yaml("health") for c in i.item_codes()))


def _with(change):
    """A SIPAS file of 4 rows with one change applied to the rows."""
    def build(tmp_path: Path):
        rows = sipas_rows(4)
        change(rows)
        return write_csv(tmp_path / "bad.csv", rows, SIPAS_HEADERS), []
    return build


def _set(row: int, column: str, value: str):
    return _with(lambda rows: rows[row].__setitem__(column, value))


def _text(text: str, name: str = "bad.csv", *args: str):
    def build(tmp_path: Path):
        path = tmp_path / name
        path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
        return path, list(args)
    return build


def _header_only(tmp_path: Path):
    return write_csv(tmp_path / "bad.csv", [], SIPAS_HEADERS), []


def _missing_column(tmp_path: Path):
    headers = [h for h in SIPAS_HEADERS if h != "province"]
    return write_csv(tmp_path / "bad.csv", sipas_rows(2), headers), []


def _health_as_sipas(tmp_path: Path):
    headers = ["respondent_id", "hospital_id", "hospital_name", "province", "form", "survey_date", *HEALTH_ITEMS]
    row = {"respondent_id": "P1", "hospital_id": "BV01", "hospital_name": "Bệnh viện A", "province": "Hà Nội",
           "form": "nội trú", "survey_date": "01/03/2024", **{c: "4" for c in HEALTH_ITEMS}}
    return write_csv(tmp_path / "benh_vien.csv", [row], headers), []


def _line(row: dict) -> str:
    return ",".join(row[h] for h in SIPAS_HEADERS).replace("1,5", "2")


def _ragged(tmp_path: Path):
    text = (",".join(SIPAS_HEADERS) + "\n" + _line(sipas_rows(1)[0]) + "\n"
            + _line(sipas_rows(1, start=2)[0]) + ",surplus\n")
    path = tmp_path / "bad.csv"
    path.write_text(text, "utf-8")
    return path, []


def _far_too_many_cells(tmp_path: Path):
    text = (",".join(SIPAS_HEADERS) + "\n" + _line(sipas_rows(1)[0]) + "\n"
            + _line(sipas_rows(1, start=2)[0]) + ",x" * 60 + "\n")
    path = tmp_path / "bad.csv"
    path.write_text(text, "utf-8")
    return path, []


def _unnamed_column(tmp_path: Path):
    headers = SIPAS_HEADERS[:2] + [""] + SIPAS_HEADERS[2:]
    rows = sipas_rows(2)
    rows[1][""] = "stray"
    return write_csv(tmp_path / "bad.csv", rows, headers), []


def _too_large(tmp_path: Path):
    return write_csv(tmp_path / "bad.csv", sipas_rows(50), SIPAS_HEADERS), ["--max-mb", "0.001"]


def _no_year(tmp_path: Path):
    headers = ["respondent_id", "province", *SIPAS_ITEMS]
    return write_csv(tmp_path / "bad.csv", sipas_rows(2), headers), []


def _other_year(tmp_path: Path):
    return write_csv(tmp_path / "bad.csv", sipas_rows(2), SIPAS_HEADERS), ["--year", "2023"]


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4

CORPUS = {
    "missing required column": (_missing_column, "row 1, column province: required column 'province' is missing"),
    "a health file given as SIPAS": (_health_as_sipas, "this looks like a health satisfaction survey file, not a "
                                                       "SIPAS survey file; load it as: python -m etl load health FILE"),
    "non-numeric answer": (_set(1, "C4", "bốn"), "row 3, column C4 [bốn]: the answer must be a whole number from 1 "
                                                 "to 5"),
    "answer out of scale": (_set(2, "C33", "6"), "row 4, column C33 [6]: the answer must be a whole number"),
    "0 where the instrument has no 'no opinion'": (_set(0, "C1", "0"), "row 2, column C1 [0]: the answer must be"),
    "answer not a whole number": (_set(0, "C2", "3.5"), "row 2, column C2 [3.5]: the answer must be"),
    "unknown province": (_set(3, "province", "Atlantis"), "row 5, column province [Atlantis]: unknown unit "
                                                          "'Atlantis' in vn63"),
    "province of the other code system": (
        _with(lambda rows: rows[0].update(province="Long An", survey_date="01/08/2025")),
        "row 2, column province [Long An]: 'Long An' is a unit of vn63:80, not of vn34 (in force on 2025-08-01)"),
    "duplicate respondent_id in the file": (_set(2, "respondent_id", "R0001"),
                                            "row 4, column respondent_id [R0001]: respondent_id appears more than "
                                            "once in this file for 2024 (also row 2)"),
    "unparseable date": (_set(1, "survey_date", "31/02/2024"), "row 3, column survey_date [31/02/2024]: not a date"),
    "a survey dated 1970 (an empty Excel date)": (_set(1, "survey_date", "01/01/1970"),
                                                  "row 3, column survey_date [01/01/1970]: the survey date is "
                                                  "outside the accepted range 01/01/2000 to"),
    "a survey dated year 1": (_set(2, "survey_date", "0001-01-01"),
                              "row 4, column survey_date [0001-01-01]: the survey date is outside the accepted "
                              "range 01/01/2000 to"),
    "a survey dated far ahead": (_set(0, "survey_date", "01/01/2099"),
                                 "row 2, column survey_date [01/01/2099]: the survey date is outside the accepted "
                                 "range"),
    "non-positive weight": (_set(1, "weight", "0"), "row 3, column weight [0]: the weight must be a number greater "
                                                    "than 0"),
    "negative weight": (_set(3, "weight", "-1,5"), "row 5, column weight [-1,5]: the weight must be a number "
                                                   "greater than 0"),
    "weights blank on some rows": (_set(1, "weight", ""), "row 3, column weight: the weight is blank here but "
                                                          "filled on 3 other row(s): fill in every row's weight, or "
                                                          "leave the weight column blank on every row"),
    "unknown channel": (_set(1, "channel", "fax"), "row 3, column channel [fax]: not an accepted value; use one of: "
                                                   "in_person, online, post"),
    "row without answers": (_with(lambda rows: rows[1].update({c: "" for c in SIPAS_ITEMS})),
                            "row 3: the row has no answers"),
    "empty file": (_text(""), "Empty file"),
    "only blank lines": (_text("\n\n  \n"), "Empty file"),
    "header only": (_header_only, "row 1: Header only, no data rows"),
    "ragged row": (_ragged, "row 3 [surplus]: the row has more cells than the header has columns"),
    "a row far wider than the header": (_far_too_many_cells, "row 3: Row cannot be split into columns"),
    "data under a column without header": (_unnamed_column, "row 3, column C [stray]: a cell under a column with "
                                                            "no header holds data"),
    "over the size limit": (_too_large, "File too large"),
    "an image, not text": (_text(PNG, "anh.csv"), "Not a text (CSV) or Excel (.xlsx) file: it looks like a PNG image"),
    "a zip that is not a workbook": (_text(b"PK\x03\x04" + b"\x00" * 200, "x.xlsx"), "Not a text (CSV) or Excel"),
    "no year anywhere": (_no_year, "no year: load with --year Y, or add a year or survey_date column"),
    "rows of another year than --year": (_other_year, "row 2, column survey_date [15/08/2024]: the row is for 2024, "
                                                      "not the year given with --year"),
}


@pytest.mark.parametrize("case", list(CORPUS))
def test_a_bad_file_is_refused_with_the_reason_and_changes_nothing(case, demo_db, tmp_path):
    build, expected = CORPUS[case]
    path, extra = build(tmp_path)
    before = table_fingerprint(demo_db)
    code, out, err = run_cli("load", "sipas", str(path), "--db", str(demo_db), "--lang", "en", *extra)
    assert code == 1, err
    assert out == ""
    assert expected in err
    assert err.rstrip().endswith("the database is unchanged.")
    assert table_fingerprint(demo_db) == before


def test_messages_are_in_vietnamese_by_default(demo_db, tmp_path):
    path, _ = _set(1, "C4", "bốn")(tmp_path)
    code, _out, err = run_cli("load", "sipas", str(path), "--db", str(demo_db))
    assert code == 1
    assert "LỖI: bad.csv, dòng 3, cột C4 [bốn]: câu trả lời phải là số nguyên từ 1 đến 5" in err
    assert "cơ sở dữ liệu không thay đổi" in err


def test_a_duplicate_against_rows_already_loaded_is_refused(demo_db, tmp_path):
    first = write_csv(tmp_path / "a.csv", sipas_rows(3), SIPAS_HEADERS)
    assert run_cli("load", "sipas", str(first), "--db", str(demo_db))[0] == 0
    before = table_fingerprint(demo_db)
    again = write_csv(tmp_path / "b.csv", sipas_rows(2, start=3), SIPAS_HEADERS)
    code, _out, err = run_cli("load", "sipas", str(again), "--db", str(demo_db), "--lang", "en")
    assert code == 1 and "row 2, column respondent_id [R0003]: respondent_id already loaded for sipas 2024" in err
    assert table_fingerprint(demo_db) == before


def test_usage_errors_exit_2(demo_db, tmp_path):
    path = write_csv(tmp_path / "s.csv", sipas_rows(1), SIPAS_HEADERS)
    code, _out, err = run_cli("load", "sipas", str(path), "--db", str(demo_db), "--level", "province",
                              "--lang", "en")
    assert code == 2 and "--level is not an option of survey loads" in err
    code, _out, err = run_cli("load", "sipas", str(path), "--db", str(demo_db), "--replace", "--lang", "en")
    assert code == 2 and "--replace-batch BATCH_ID" in err
    code, _out, err = run_cli("load", "projects", str(path), "--db", str(demo_db), "--keep-valid",
                              "--lang", "en")
    assert code == 2 and "--keep-valid and --replace-batch are for sipas, health and education only" in err
    code, _out, err = run_cli("load", "sipas", str(path), "--db", str(demo_db), "--year", "1700",
                              "--lang", "en")
    assert code == 2
