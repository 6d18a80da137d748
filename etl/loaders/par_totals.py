"""PAR INDEX result tables shaped like the published ones (`python -m etl load par-totals FILE --year Y ...`)."""
from __future__ import annotations

import re

import duckdb
import pandas as pd

from etl.loaders import LoaderSpec
from etl.loaders.par_common import (CODE_COLUMN_ALIASES, PROVINCIAL_LEVELS, UNIT_COLUMN_ALIASES, UnitLookup,
                                    check_par_options, framework_for_load, par_dataset_key)
from etl.problems import Problem
from etl.tabular import ColumnSpec, Sheet
from etl.values import parse_decimal

COLUMNS = (
    ColumnSpec("unit", UNIT_COLUMN_ALIASES),
    ColumnSpec("unit_code", CODE_COLUMN_ALIASES),
    ColumnSpec("appraisal", ("appraisal", "diem_tham_dinh", "tham_dinh", "appraisal_points", "appraised")),
    ColumnSpec("survey", ("survey", "diem_dieu_tra_xhh", "diem_dieu_tra_xa_hoi_hoc", "dieu_tra_xhh", "diem_dieu_tra",
                          "survey_points")),
    ColumnSpec("total", ("total", "tong_diem", "tong_diem_dat_duoc", "total_points", "diem_dat_duoc")),
    ColumnSpec("index", ("index", "chi_so", "chi_so_cchc", "par_index", "index_value")),
    ColumnSpec("rank", ("rank", "xep_hang", "thu_hang", "hang")),
    # The parts provinces publish since 2023 (appraisal 61.5 is the `appraisal` column above, read as a part
    # when any of these is present): survey of leaders and managers 22, SIPAS 10, socio-economic impact 6.5.
    ColumnSpec("leaders_survey", ("leaders_survey", "lanh_dao_quan_ly", "dieu_tra_xhh_lanh_dao_quan_ly",
                                  "khao_sat_lanh_dao_quan_ly", "survey_of_leaders_and_managers",
                                  "leaders_and_managers", "component_leaders_survey")),
    ColumnSpec("sipas", ("sipas", "chi_so_sipas", "chi_so_hai_long", "hai_long", "component_sipas")),
    ColumnSpec("socioeconomic", ("socioeconomic", "kt_xh", "kinh_te_xa_hoi", "phat_trien_kinh_te_xa_hoi",
                                 "socio_economic", "socio_economic_impact", "socioeconomic_impact",
                                 "component_socioeconomic")),
)
BREAKDOWN_COLUMNS = ("leaders_survey", "sipas", "socioeconomic")
# component code -> the column that carries it
PART_COLUMNS = {"appraisal": "appraisal", "leaders_survey": "leaders_survey", "sipas": "sipas",
                "socioeconomic": "socioeconomic"}
BREAKDOWN_FIRST_YEAR = 2023
LEVEL_VI = {"province": "cấp tỉnh", "ministry": "cấp bộ"}
_FIELD = re.compile(r"^(?:chi_so_)?(?:linh_vuc|thanh_phan|field|component|lv)_?(\d+)(?:_.*)?$")
TOLERANCE = 0.01  # published components are rounded to 2 decimals


def check_options(options: dict) -> dict:
    return check_par_options(options, PROVINCIAL_LEVELS)


def dynamic(con: duckdb.DuckDBPyConnection, options: dict):
    """Field index columns: 'Lĩnh vực 1', 'Chỉ số thành phần 3', 'field_7', 'LV2'."""
    def match(header: str) -> str | None:
        found = _FIELD.match(header)
        return f"field:{int(found.group(1))}" if found else None
    return match


def _number(record, column: str, problems: list, low: float, high: float) -> float | None:
    text = record.get(column)
    try:
        value = parse_decimal(text)
    except ValueError:
        problems.append(record.problem(column, text, "must be a number (decimal comma or point)",
                                       "phải là số (dấu phẩy hoặc dấu chấm thập phân)"))
        return None
    if value is not None and not low - 1e-9 <= value <= high + 1e-9:
        problems.append(record.problem(column, text, f"must be between {low:g} and {high:g}",
                                       f"phải từ {low:g} đến {high:g}"))
        return None
    return value


def framework_components(con: duckdb.DuckDBPyConnection, framework_id: str) -> pd.DataFrame:
    """The published parts of a framework's total (code, part, names, maximum), in order; empty before 2023."""
    return con.execute("SELECT component, part, name_vi, name_en, max_points FROM framework_component "
                       "WHERE framework_id = ? ORDER BY position", [framework_id]).df()


def breakdown_problem(parts: dict[str, float | None], total: float | None,
                      maxima: dict[str, float]) -> tuple[str, str, str] | None:
    """(component, message_en, message_vi) when a row's parts cannot stand for its total: a part missing or
    above its maximum, or parts that do not add up to the total at 2-decimal precision; None when they do."""
    for code, maximum in maxima.items():
        value = parts.get(code)
        if value is None:
            return (code, f"the breakdown needs all {len(maxima)} parts: {code} (maximum {maximum:g}) is empty; "
                          "fill it as published, or remove the breakdown columns",
                    f"cần đủ {len(maxima)} phần: {code} (tối đa {maximum:g}) đang trống; điền đúng số công bố, "
                    "hoặc bỏ các cột thành phần")
        if not -1e-9 <= value <= maximum + 1e-9:
            return (code, f"{code} {value:g} is outside 0 to {maximum:g}; check the figure against the published table",
                    f"{code} {value:g} nằm ngoài khoảng 0 đến {maximum:g}; đối chiếu với bảng công bố")
    if total is None:
        return (next(iter(maxima)), "the breakdown needs the total ('Tổng điểm') to check the parts against",
                "cần tổng điểm ('Tổng điểm') để kiểm tra các phần")
    values = [round(parts[code], 2) for code in maxima]
    added = round(sum(values), 2)
    if abs(added - round(total, 2)) > TOLERANCE + 1e-9:
        terms = " + ".join(f"{v:.2f}" for v in values)
        return ("total", f"the parts {terms} = {added:.2f} differ from the total {total:.2f} by "
                         f"{abs(added - total):.2f} (more than 0.01 at 2 decimals); correct the mistyped part or "
                         "the total against the published table",
                f"các phần {terms} = {added:.2f} khác tổng điểm {total:.2f} là {abs(added - total):.2f} (quá 0,01 "
                "ở 2 chữ số thập phân); sửa phần hoặc tổng điểm ghi sai theo bảng công bố")
    return None


def _breakdown_mode(con: duckdb.DuckDBPyConnection, sheet: Sheet, framework: dict, options: dict,
                    problems: list) -> dict[str, float]:
    """The components' maxima when the file carries the breakdown, else {} (problems added when it cannot)."""
    present = [c for c in BREAKDOWN_COLUMNS if sheet.has(c)]
    if not present:
        return {}
    header = sheet.header_of(present[0])
    if options["year"] < BREAKDOWN_FIRST_YEAR or options["level"] != "province":
        problems.append(Problem(sheet.file_name, sheet.table.header_row, header, None,
                                f"the four-part breakdown is published for provinces from {BREAKDOWN_FIRST_YEAR}; "
                                f"for {options['level']} {options['year']} give appraisal and survey instead",
                                f"bảng bốn thành phần chỉ có với cấp tỉnh từ năm {BREAKDOWN_FIRST_YEAR}; với "
                                f"{LEVEL_VI.get(options['level'], options['level'])} năm {options['year']} hãy ghi "
                                "điểm thẩm định và điều tra XHH"))
        return {}
    components = framework_components(con, framework["framework_id"])
    if components.empty:
        problems.append(Problem(sheet.file_name, sheet.table.header_row, header, None,
                                f"framework {framework['framework_id']} defines no breakdown; name one with --framework",
                                f"bộ tiêu chí {framework['framework_id']} không có các thành phần; chọn bộ khác với "
                                "--framework"))
        return {}
    return dict(zip(components["component"], components["max_points"]))


def validate(con: duckdb.DuckDBPyConnection, sheet: Sheet, options: dict) -> tuple[dict, list[Problem]]:
    framework = framework_for_load(con, options)
    fields = set(framework["fields"]["field_code"])
    problems: list[Problem] = []
    if not (sheet.has("unit") or sheet.has("unit_code")):
        return {}, [Problem(sheet.file_name, sheet.table.header_row, "unit", None,
                            "no unit column: add 'Bộ, cơ quan ngang bộ', 'Tỉnh, thành phố', 'Đơn vị' or a code column",
                            "không có cột đơn vị: thêm cột 'Bộ, cơ quan ngang bộ', 'Tỉnh, thành phố', 'Đơn vị' hoặc cột mã")]
    if not (sheet.has("total") or sheet.has("index")):
        return {}, [Problem(sheet.file_name, sheet.table.header_row, "total", None,
                            "no total or index column ('Tổng điểm đạt được' or 'Chỉ số')",
                            "không có cột tổng điểm hoặc chỉ số ('Tổng điểm đạt được' hoặc 'Chỉ số')")]
    field_columns = sheet.dynamic_columns("field:")
    for column in field_columns:
        if column.split(":")[1] not in fields:
            problems.append(Problem(sheet.file_name, sheet.table.header_row, sheet.header_of(column), None,
                                    f"framework {framework['framework_id']} has no field {column.split(':')[1]}",
                                    f"bộ tiêu chí {framework['framework_id']} không có lĩnh vực {column.split(':')[1]}"))
    maxima = _breakdown_mode(con, sheet, framework, options, problems)
    lookup = UnitLookup(con, options)
    rows, field_rows, part_rows, seen = [], [], [], {}
    for record in sheet.records():
        unit, en, vi = lookup.resolve(record.get("unit"), record.get("unit_code"))
        if unit is None:
            problems.append(record.problem("unit" if sheet.has("unit") else "unit_code",
                                           record.get("unit") or record.get("unit_code"), en, vi))
        elif unit in seen:
            problems.append(record.problem("unit", record.get("unit"), f"this unit is already in row {seen[unit]}",
                                           f"đơn vị này đã có ở dòng {seen[unit]}"))
            unit = None
        else:
            seen[unit] = record.row
        before = len(problems)
        if maxima:
            parts = {code: _number(record, PART_COLUMNS[code], problems, 0, maximum) if sheet.has(PART_COLUMNS[code])
                     else None for code, maximum in maxima.items()}
            appraisal = None   # the appraisal column is the 61.5 part here, not the 68-point appraisal
        else:
            parts = {}
            appraisal = _number(record, "appraisal", problems, 0, framework["appraisal_max"])
        survey = _number(record, "survey", problems, 0, framework["survey_max"])
        total = _number(record, "total", problems, 0, 100)
        index = _number(record, "index", problems, 0, 100)
        rank_text = record.get("rank")
        rank = int(rank_text) if rank_text and rank_text.strip().isdigit() and int(rank_text) > 0 else None
        if rank_text and rank is None:
            problems.append(record.problem("rank", rank_text, "rank must be a whole number from 1",
                                           "thứ hạng phải là số nguyên từ 1"))
        if total is None and index is None and len(problems) == before:
            problems.append(record.problem("total", None, "give the total or the index", "thiếu tổng điểm hoặc chỉ số"))
        if None not in (appraisal, survey, total) and abs(round(appraisal, 2) + round(survey, 2) - round(total, 2)) > TOLERANCE + 1e-9:
            problems.append(record.problem(
                "total", record.get("total"),
                f"total {total:.2f} is not appraisal {appraisal:.2f} + survey {survey:.2f} = {appraisal + survey:.2f} (within 0.01)",
                f"tổng {total:.2f} khác điểm thẩm định {appraisal:.2f} + điều tra {survey:.2f} = {appraisal + survey:.2f} (sai số 0,01)"))
        if None not in (total, index) and abs(round(total, 2) - round(index, 2)) > TOLERANCE + 1e-9:
            problems.append(record.problem("index", record.get("index"),
                                           f"index {index:.2f} differs from total {total:.2f} (the maximum is 100 points)",
                                           f"chỉ số {index:.2f} khác tổng điểm {total:.2f} (điểm tối đa là 100)"))
        # A row may leave every part blank (no breakdown for that unit); one part given needs all of them.
        if maxima and len(problems) == before and any(v is not None for v in parts.values()):
            found = breakdown_problem(parts, total if total is not None else index, maxima)
            if found:
                column = PART_COLUMNS.get(found[0], "total" if sheet.has("total") else "index")
                problems.append(record.problem(column, record.get(column), found[1], found[2]))
            elif unit is not None:
                part_rows += [{"unit_code": unit, "component": code, "points": value} for code, value in parts.items()]
        for column in field_columns:
            value = _number(record, column, problems, 0, 100)
            if value is not None and unit is not None:
                field_rows.append({"unit_code": unit, "field_code": column.split(":")[1], "index_pct": value})
        if unit is not None and len(problems) == before:
            rows.append({"unit_code": unit, "appraisal": appraisal, "survey": survey, "total": total,
                         "index_pct": index if index is not None else total, "rank": rank, "row": record.row})
    frame = pd.DataFrame(rows, columns=["unit_code", "appraisal", "survey", "total", "index_pct", "rank", "row"])
    problems += _rank_warnings(sheet, frame)
    if frame.empty and not problems:
        problems.append(Problem(sheet.file_name, None, None, None, "no rows", "tệp không có dòng nào"))
    common = {"year": options["year"], "level": options["level"], "stage": options["stage"],
              "unit_system": lookup.system}
    frame = frame.drop(columns="row").assign(framework_id=framework["framework_id"],
                                             rank_basis=frame["rank"].map(lambda r: "stated" if pd.notna(r) else None),
                                             **common)
    fields_frame = pd.DataFrame(field_rows, columns=["unit_code", "field_code", "index_pct"]).assign(**common)
    parts_frame = pd.DataFrame(part_rows, columns=["unit_code", "component", "points"]).assign(
        framework_id=framework["framework_id"], source_ref=None, **common)
    return {"par_total": frame, "par_field_index": fields_frame, "par_component": parts_frame}, problems


def _rank_warnings(sheet: Sheet, frame: pd.DataFrame) -> list[Problem]:
    """A given rank that disagrees with the rank of the index (ties share a rank) is a warning."""
    given = frame[frame["rank"].notna() & frame["index_pct"].notna()]
    if given.empty:
        return []
    computed = frame["index_pct"].round(2).rank(method="min", ascending=False)
    problems = []
    for position, row in given.iterrows():
        if int(row["rank"]) != int(computed[position]):
            problems.append(Problem(sheet.file_name, int(row["row"]), sheet.header_of("rank"), str(int(row["rank"])),
                                    f"rank {int(row['rank'])} given, but the index ranks {int(computed[position])}",
                                    f"thứ hạng ghi {int(row['rank'])}, nhưng theo chỉ số là {int(computed[position])}",
                                    "warning"))
    return problems


SPEC = LoaderSpec(
    kind="par-totals",
    description_vi="Bảng kết quả Chỉ số CCHC (như bảng công bố)",
    description_en="PAR INDEX result tables (shaped like the published ones)",
    columns=COLUMNS,
    validate=validate,
    check_options=check_options,
    dynamic=dynamic,
    dataset_key=par_dataset_key,
)
