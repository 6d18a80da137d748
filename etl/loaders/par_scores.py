"""Criterion-level PAR INDEX score sheets, long or wide (`python -m etl load par-scores FILE --year Y ...`)."""
from __future__ import annotations

import duckdb
import pandas as pd

from etl.loaders import LoaderSpec, OptionError
from etl.loaders.par_common import (CODE_COLUMN_ALIASES, CODE_LIKE, LOCAL_LEVELS, PROVINCIAL_LEVELS,
                                    UNIT_COLUMN_ALIASES, UnitLookup, check_par_options, code_key,
                                    framework_for_load, par_dataset_key)
from etl.problems import Problem
from etl.tabular import ColumnSpec, Sheet
from etl.values import parse_decimal

COLUMNS = (
    ColumnSpec("unit", UNIT_COLUMN_ALIASES),
    ColumnSpec("unit_code", CODE_COLUMN_ALIASES),
    ColumnSpec("criterion", ("criterion", "tieu_chi", "ma_tieu_chi", "criterion_code", "tieu_chi_thanh_phan")),
    ColumnSpec("points", ("points", "diem", "diem_dat_duoc", "so_diem", "score")),
)
CRITERION_PREFIXES = ("", "tc_", "tieu_chi_", "criterion_")


def check_options(options: dict) -> dict:
    return check_par_options(options, PROVINCIAL_LEVELS + LOCAL_LEVELS)


def dynamic(con: duckdb.DuckDBPyConnection, options: dict):
    """Wide sheets: a header that is a criterion code ('1.1', 'TC 1.1', 'Tiêu chí 1.1') is that criterion;
    a header that looks like a code but is not in the framework is kept, to be reported."""
    framework = framework_for_load(con, options)
    known = {code_key(c): c for c in framework["criteria"]["criterion_code"]}

    def match(header: str) -> str | None:
        for prefix in CRITERION_PREFIXES:
            if header.startswith(prefix) and header[len(prefix):] in known:
                return f"criterion:{known[header[len(prefix):]]}"
        bare = next((header[len(p):] for p in CRITERION_PREFIXES[1:] if header.startswith(p)), header)
        return f"unknown-criterion:{bare.replace('_', '.')}" if CODE_LIKE.match(bare) and "_" in bare else None

    return match


def _cells(sheet: Sheet, wide: bool):
    """(record, criterion code as written, points text, column) for every score cell of the file."""
    for record in sheet.records():
        if wide:
            for column in sheet.dynamic_columns("criterion:") + sheet.dynamic_columns("unknown-criterion:"):
                yield record, column.split(":", 1)[1], record.get(column), column
        else:
            yield record, record.get("criterion"), record.get("points"), "points"


def validate(con: duckdb.DuckDBPyConnection, sheet: Sheet, options: dict) -> tuple[dict, list[Problem]]:
    framework = framework_for_load(con, options)
    criteria = framework["criteria"].set_index("criterion_code")
    by_key = {code_key(c): c for c in criteria.index}
    problems: list[Problem] = []
    if not (sheet.has("unit") or sheet.has("unit_code")):
        return {}, [Problem(sheet.file_name, sheet.table.header_row, "unit", None,
                            "no unit column: add a column with the unit's name or code (e.g. 'Đơn vị' or 'Mã')",
                            "không có cột đơn vị: thêm cột tên hoặc mã đơn vị (ví dụ 'Đơn vị' hoặc 'Mã')")]
    wide = bool(sheet.dynamic_columns("criterion:") or sheet.dynamic_columns("unknown-criterion:"))
    if not wide and not (sheet.has("criterion") and sheet.has("points")):
        return {}, [Problem(sheet.file_name, sheet.table.header_row, None, None,
                            "neither long (unit, criterion, points columns) nor wide (one column per criterion code)",
                            "không đúng dạng dọc (cột đơn vị, tiêu chí, điểm) hay dạng ngang (mỗi tiêu chí một cột)")]
    if options["level"] in LOCAL_LEVELS:
        system, code = options["parent"].split(":", 1)
        if not con.execute("SELECT count(*) FROM unit WHERE code_system = ? AND code = ?", [system, code]).fetchall()[0][0]:
            raise OptionError(f"--parent {options['parent']} is not a known unit")
    lookup = UnitLookup(con, options)
    resolved: dict[tuple, str | None] = {}
    seen: dict[tuple[str, str], int] = {}
    rows, invalid = [], []  # invalid cells are reported once, not again as missing criteria
    for record, written, text, column in _cells(sheet, wide):
        unit_ref = (record.get("unit"), record.get("unit_code"))
        if unit_ref not in resolved:
            code, en, vi = lookup.resolve(*unit_ref)
            resolved[unit_ref] = code
            if code is None:
                problems.append(record.problem("unit" if sheet.has("unit") else "unit_code",
                                               unit_ref[0] or unit_ref[1], en, vi))
        unit = resolved[unit_ref]
        criterion = by_key.get(code_key(written or ""))
        if criterion is None:
            problems.append(record.problem(column if wide else "criterion", written,
                                           f"criterion {written} is not in framework {framework['framework_id']}",
                                           f"tiêu chí {written} không có trong bộ tiêu chí {framework['framework_id']}"))
            continue
        if text is None:
            if not wide:
                problems.append(record.problem("points", None, "points are missing", "thiếu điểm"))
                invalid.append({"unit_code": unit, "criterion_code": criterion})
            continue  # a blank cell in a wide sheet is a criterion not scored: reported as missing below
        try:
            points = parse_decimal(text)
        except ValueError:
            problems.append(record.problem(column, text, "points must be a number (decimal comma or point)",
                                           "điểm phải là số (dấu phẩy hoặc dấu chấm thập phân)"))
            invalid.append({"unit_code": unit, "criterion_code": criterion})
            continue
        maximum = float(criteria.loc[criterion, "max_points"])
        if not 0 <= points <= maximum + 1e-9:
            problems.append(record.problem(column, text, f"points for {criterion} must be between 0 and {maximum:g}",
                                           f"điểm tiêu chí {criterion} phải từ 0 đến {maximum:g}"))
            invalid.append({"unit_code": unit, "criterion_code": criterion})
            continue
        if unit is None:
            continue
        if (unit, criterion) in seen:
            problems.append(record.problem(column, text, f"{criterion} of this unit is already given in row "
                                           f"{seen[(unit, criterion)]}", f"tiêu chí {criterion} của đơn vị này đã có "
                                           f"ở dòng {seen[(unit, criterion)]}"))
            continue
        seen[(unit, criterion)] = record.row
        rows.append({"unit_code": unit, "criterion_code": criterion, "points": points})
    frame = pd.DataFrame(rows, columns=["unit_code", "criterion_code", "points"])
    attempted = pd.concat([frame[["unit_code", "criterion_code"]], pd.DataFrame(invalid, columns=["unit_code",
                                                                                               "criterion_code"])])
    problems += _missing_criteria(sheet, attempted, list(criteria.index), bool(options.get("allow_incomplete")))
    if not rows and not problems:
        problems.append(Problem(sheet.file_name, None, None, None, "no scores in the file", "tệp không có điểm nào"))
    frame = frame.assign(year=options["year"], level=options["level"], stage=options["stage"],
                         framework_id=framework["framework_id"], unit_system=lookup.system)
    return {"par_score": frame, **lookup.created_frames(f"created by loading {sheet.file_name}")}, problems


def _missing_criteria(sheet: Sheet, frame: pd.DataFrame, expected: list[str], allowed: bool) -> list[Problem]:
    """One problem per unit that lacks criteria: an error, or a warning under --allow-incomplete."""
    problems = []
    for unit, got in frame.groupby("unit_code")["criterion_code"]:
        missing = [c for c in expected if c not in set(got)]
        if missing:
            listed = ", ".join(missing[:12]) + (f" … (+{len(missing) - 12})" if len(missing) > 12 else "")
            problems.append(Problem(
                sheet.file_name, None, None, unit,
                f"unit {unit} lacks {len(missing)} of {len(expected)} criteria: {listed}"
                + ("; loaded and marked incomplete" if allowed else "; load with --allow-incomplete to accept"),
                f"đơn vị {unit} thiếu {len(missing)}/{len(expected)} tiêu chí: {listed}"
                + ("; đã nạp và đánh dấu chưa đầy đủ" if allowed else "; nạp với --allow-incomplete để chấp nhận"),
                "warning" if allowed else "error"))
    return problems


SPEC = LoaderSpec(
    kind="par-scores",
    description_vi="Bảng điểm Chỉ số CCHC theo tiêu chí (dạng dọc hoặc ngang)",
    description_en="PAR INDEX criterion score sheets (long or wide)",
    columns=COLUMNS,
    validate=validate,
    check_options=check_options,
    dynamic=dynamic,
    dataset_key=par_dataset_key,
)
