"""Annual PAR plans, report submissions and plan tasks (`python -m etl load plans FILE`).

One file (or sheet) holds one of three shapes, recognised from its headers:
plans (unit, year, issue date, number, the 6 contents covered), reports (unit, year, period, due and
submitted dates) or tasks (unit, year, task, content area, expected output, lead unit, deadline, status).
"""
from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from etl.codesystems import UnitResolver, check_date_range, latest_date, system_for
from etl.loaders import LoaderSpec
from etl.loaders.par_common import CODE_COLUMN_ALIASES, UNIT_COLUMN_ALIASES
from etl.names import name_key
from etl.problems import Problem
from etl.tabular import ColumnSpec, Record, Sheet
from etl.values import parse_date, parse_decimal

CONTENTS = {
    "institutional": ("covers_institutional", ("the_che", "cai_cach_the_che", "institutional")),
    "procedures": ("covers_procedures", ("thu_tuc_hanh_chinh", "tthc", "cai_cach_thu_tuc_hanh_chinh", "procedures")),
    "apparatus": ("covers_apparatus", ("bo_may", "to_chuc_bo_may", "cai_cach_to_chuc_bo_may", "apparatus")),
    "civil_service": ("covers_civil_service", ("cong_vu", "che_do_cong_vu", "cai_cach_che_do_cong_vu", "civil_service")),
    "public_finance": ("covers_public_finance", ("tai_chinh_cong", "cai_cach_tai_chinh_cong", "public_finance")),
    "digital": ("covers_digital", ("chinh_phu_so", "chinh_phu_dien_tu", "chinh_phu_dien_tu_chinh_phu_so", "digital",
                                   "e_government")),
}
PERIODS = {"q1": "Q1", "quy_1": "Q1", "quy_i": "Q1", "h1": "H1", "6_thang": "H1", "sau_thang": "H1", "q3": "Q3",
           "quy_3": "Q3", "quy_iii": "Q3", "y": "Y", "nam": "Y", "ca_nam": "Y", "year": "Y", "annual": "Y"}
REPORT_DUE = {"Q1": (3, 15), "H1": (6, 15), "Q3": (9, 15), "Y": (12, 15)}
TASK_STATUSES = {"chua_thuc_hien": "not_started", "chua_bat_dau": "not_started", "not_started": "not_started",
                 "dang_thuc_hien": "in_progress", "dang_trien_khai": "in_progress", "in_progress": "in_progress",
                 "hoan_thanh": "completed", "da_hoan_thanh": "completed", "completed": "completed", "done": "completed"}
_TRUE = {"x", "co", "1", "yes", "true", "y", "v", "✓", "✔"}
_FALSE = {"", "0", "khong", "no", "false", "n", "-"}

COLUMNS = (
    ColumnSpec("unit", UNIT_COLUMN_ALIASES),
    ColumnSpec("unit_code", CODE_COLUMN_ALIASES),
    ColumnSpec("year", ("year", "nam", "nam_ke_hoach", "ke_hoach_nam")),
    ColumnSpec("issued_date", ("issued_date", "ngay_ban_hanh", "ngay_ban_hanh_ke_hoach")),
    ColumnSpec("plan_number", ("plan_number", "so_ke_hoach", "so_hieu", "so_van_ban")),
    ColumnSpec("period", ("period", "ky_bao_cao", "loai_bao_cao", "bao_cao")),
    ColumnSpec("due_date", ("due_date", "han_nop", "thoi_han", "han_bao_cao")),
    ColumnSpec("submitted_date", ("submitted_date", "ngay_nop", "ngay_gui", "ngay_gui_bao_cao")),
    ColumnSpec("task_no", ("task_no", "stt", "so_thu_tu", "ma_nhiem_vu")),
    ColumnSpec("content_area", ("content_area", "noi_dung", "linh_vuc", "noi_dung_cai_cach")),
    ColumnSpec("task", ("task", "nhiem_vu", "ten_nhiem_vu")),
    ColumnSpec("expected_output", ("expected_output", "san_pham", "ket_qua_du_kien", "san_pham_du_kien")),
    ColumnSpec("lead_unit", ("lead_unit", "don_vi_chu_tri", "co_quan_chu_tri")),
    ColumnSpec("deadline", ("deadline", "thoi_han_hoan_thanh", "thoi_gian_hoan_thanh", "han_hoan_thanh")),
    ColumnSpec("status", ("status", "tinh_trang", "trang_thai")),
    ColumnSpec("completed_date", ("completed_date", "ngay_hoan_thanh")),
    *(ColumnSpec(column, aliases) for column, aliases in CONTENTS.values()),
)
SHAPES = {"reports": ("period",), "tasks": ("task",), "plans": ("issued_date",)}


def shape_of(sheet: Sheet) -> str | None:
    """Which of the three shapes the headers describe."""
    return next((shape for shape, marks in SHAPES.items() if all(sheet.has(m) for m in marks)), None)


class Units:
    """Resolve a written unit to (system, code) in the province or ministry system in force on a date."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self._resolvers: dict[tuple[str, date], UnitResolver] = {}

    def resolve(self, record: Record, on: date) -> tuple[str | None, str | None, str | None, str | None]:
        written = record.get("unit_code") or record.get("unit")
        errors = []
        for level in ("province", "ministry"):
            system = system_for(level, on_date=on)
            resolver = self._resolvers.setdefault((system, on), UnitResolver(self.con, system, on))
            found = resolver.resolve(written)
            if found.code:
                return system, found.code, None, None
            errors.append((found.problem, found.problem_vi))
        return None, None, errors[0][0], errors[0][1]


def _flag(value: str | None) -> bool | None:
    key = name_key(value or "").replace(" ", "")
    return True if key in _TRUE else False if key in _FALSE else None


def validate(con: duckdb.DuckDBPyConnection, sheet: Sheet, options: dict) -> tuple[dict, list[Problem]]:
    shape = shape_of(sheet)
    if shape is None:
        return {}, [Problem(sheet.file_name, sheet.table.header_row, None, None,
                            "not a plans, reports or tasks table: plans need 'Ngày ban hành', reports 'Kỳ báo cáo', "
                            "tasks 'Nhiệm vụ' (see README)",
                            "không phải bảng kế hoạch, báo cáo hay nhiệm vụ: kế hoạch cần cột 'Ngày ban hành', báo cáo "
                            "cột 'Kỳ báo cáo', nhiệm vụ cột 'Nhiệm vụ'")]
    problems: list[Problem] = []
    for column in ("year",) + (("unit",) if not sheet.has("unit_code") else ()):
        if not sheet.has(column):
            problems.append(Problem(sheet.file_name, sheet.table.header_row, column, None,
                                    f"required column '{column}' is missing", f"thiếu cột bắt buộc '{column}'"))
    if problems:
        return {}, problems
    units = Units(con)
    last_year = latest_date().year  # a plan is issued in December for the year after, never years ahead
    rows, seen = [], {}
    for record in sheet.records():
        try:
            year = int(parse_decimal(record.get("year")) or 0)
        except ValueError:
            year = 0
        if not 2000 <= year <= last_year:
            problems.append(record.problem("year", record.get("year"),
                                           f"year must be a year from 2000 to {last_year}, such as 2025",
                                           f"năm phải là một năm từ 2000 đến {last_year}, ví dụ 2025"))
            continue
        row = _ROW_BUILDERS[shape](record, year, problems)
        if row is None:
            continue
        on = row.pop("_on")
        system, code, en, vi = units.resolve(record, on)
        if code is None:
            problems.append(record.problem("unit" if sheet.has("unit") else "unit_code",
                                           record.get("unit") or record.get("unit_code"), en, vi))
            continue
        key = (system, code, year, row.get("period") or row.get("task_no") or "")
        if key in seen:
            problems.append(record.problem("unit", record.get("unit"), f"this {shape[:-1]} is already in row {seen[key]}",
                                           f"dòng này trùng với dòng {seen[key]}"))
            continue
        seen[key] = record.row
        rows.append({"unit_system": system, "unit_code": code, "year": year, **row})
    table = {"plans": "par_plan", "reports": "plan_report", "tasks": "plan_task"}[shape]
    if not rows and not problems:
        problems.append(Problem(sheet.file_name, None, None, None, "no rows", "tệp không có dòng nào"))
    return {table: pd.DataFrame(rows)}, problems


def _date(record: Record, column: str, problems: list) -> tuple[date | None, bool]:
    """A date cell: blank, or a real date within EARLIEST_DATE .. 31 December of next year (a 1970 or 0001 date
    is an empty or mistyped cell); anything else is a problem of the row, never a crash."""
    try:
        value = parse_date(record.get(column))
    except ValueError:
        problems.append(record.problem(column, record.get(column), "not a date; write dd/mm/yyyy or yyyy-mm-dd",
                                       "không phải ngày; ghi dd/mm/yyyy hoặc yyyy-mm-dd"))
        return None, False
    if value is not None and check_date_range(value) is not None:
        problems.append(record.problem(column, record.get(column),
                                       f"{check_date_range(value, 'en')}: write the real date as dd/mm/yyyy or "
                                       "yyyy-mm-dd",
                                       f"{check_date_range(value, 'vi')}: ghi đúng ngày dạng dd/mm/yyyy hoặc "
                                       "yyyy-mm-dd"))
        return None, False
    return value, True


def _plan_row(record: Record, year: int, problems: list) -> dict | None:
    issued, ok = _date(record, "issued_date", problems)
    row = {"issued_date": issued, "plan_number": record.get("plan_number"), "_on": date(year - 1, 12, 25)}
    for content, (column, _aliases) in CONTENTS.items():
        flag = _flag(record.get(column)) if record.sheet.has(column) else None
        if record.sheet.has(column) and flag is None:
            problems.append(record.problem(column, record.get(column), "write x (or có / 1) when the plan covers "
                                           "this content, leave blank otherwise",
                                           "ghi x (hoặc có / 1) nếu kế hoạch có nội dung này, để trống nếu không"))
            ok = False
        row[column] = flag
    return row if ok else None


def _report_row(record: Record, year: int, problems: list) -> dict | None:
    period = PERIODS.get(name_key(record.get("period") or "").replace(" ", "_"))
    if period is None:
        problems.append(record.problem("period", record.get("period"), "period must be Q1, H1 (6 tháng), Q3 or Y (năm)",
                                       "kỳ báo cáo phải là Quý I, 6 tháng, Quý III hoặc Năm"))
        return None
    due, ok_due = _date(record, "due_date", problems)
    submitted, ok_sub = _date(record, "submitted_date", problems)
    if not (ok_due and ok_sub):
        return None
    due = due or date(year, *REPORT_DUE[period])
    return {"period": period, "due_date": due, "submitted_date": submitted, "_on": due}


def _task_row(record: Record, year: int, problems: list) -> dict | None:
    content = None
    written = name_key(record.get("content_area") or "").replace(" ", "_")
    for code, (_column, aliases) in CONTENTS.items():
        if written == code or written in aliases:
            content = code
    if content is None:
        problems.append(record.problem("content_area", record.get("content_area"),
                                       "content area must be one of the 6 reform contents (thể chế, TTHC, bộ máy, "
                                       "công vụ, tài chính công, chính phủ số)",
                                       "nội dung phải là một trong 6 nội dung cải cách (thể chế, TTHC, bộ máy, công vụ, "
                                       "tài chính công, chính phủ số)"))
        return None
    if not record.get("task"):
        problems.append(record.problem("task", None, "the task is empty", "thiếu tên nhiệm vụ"))
        return None
    deadline, ok_deadline = _date(record, "deadline", problems)
    completed, ok_completed = _date(record, "completed_date", problems)
    status_text = record.get("status")
    status = TASK_STATUSES.get(name_key(status_text or "").replace(" ", "_")) if status_text else None
    if status_text and status is None:
        problems.append(record.problem("status", status_text, "status must be chưa thực hiện, đang thực hiện or "
                                       "hoàn thành", "trạng thái phải là chưa thực hiện, đang thực hiện hoặc hoàn thành"))
        return None
    if not (ok_deadline and ok_completed):
        return None
    if completed and status is None:
        status = "completed"
    number = record.get("task_no") or f"row{record.row}"
    return {"task_no": number, "content_area": content, "task": record.get("task"),
            "expected_output": record.get("expected_output"), "lead_unit": record.get("lead_unit"),
            "deadline": deadline, "status": status, "completed_date": completed, "_on": date(year - 1, 12, 25)}


_ROW_BUILDERS = {"plans": _plan_row, "reports": _report_row, "tasks": _task_row}

SPEC = LoaderSpec(
    kind="plans",
    description_vi="Kế hoạch CCHC năm, báo cáo định kỳ và nhiệm vụ của kế hoạch",
    description_en="Annual PAR plans, periodic reports and plan tasks",
    columns=COLUMNS,
    validate=validate,
)
