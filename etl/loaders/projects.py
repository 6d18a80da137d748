"""Progress updates of the 16 national PAR projects (`python -m etl load projects FILE`)."""
from __future__ import annotations

import duckdb
import pandas as pd

from etl.loaders import LoaderSpec
from etl.names import name_key
from etl.problems import Problem
from etl.tabular import ColumnSpec, Sheet
from etl.values import parse_date, parse_decimal

STATUS_LABELS = {
    "not_started": ("Chưa bắt đầu", "Not started", ["chua bat dau", "chua trien khai", "not started"]),
    "researching": ("Đang nghiên cứu", "Researching", ["dang nghien cuu", "researching"]),
    "drafting": ("Đang xây dựng", "Drafting", ["dang xay dung", "dang soan thao", "drafting"]),
    "submitted": ("Đã trình", "Submitted", ["da trinh", "submitted"]),
    "approved": ("Đã phê duyệt", "Approved", ["da phe duyet", "approved"]),
    "implementing": ("Đang triển khai", "Implementing", ["dang trien khai", "dang thuc hien", "implementing"]),
    "completed": ("Hoàn thành", "Completed", ["hoan thanh", "da hoan thanh", "completed", "done"]),
    "paused": ("Tạm dừng", "Paused", ["tam dung", "paused"]),
}
_STATUS_BY_KEY = {name_key(code): code for code in STATUS_LABELS}
for _code, (_vi, _en, _aliases) in STATUS_LABELS.items():
    for _alias in _aliases + [_vi, _en]:
        _STATUS_BY_KEY[name_key(_alias)] = _code

COLUMNS = (
    ColumnSpec("project_no", ("project_no", "no", "stt", "so_de_an", "de_an_so", "de_an", "project"), required=True),
    ColumnSpec("report_date", ("report_date", "ngay_bao_cao", "ngay_cap_nhat", "date"), required=True),
    ColumnSpec("status", ("status", "trang_thai", "tinh_trang"), required=True),
    ColumnSpec("percent_complete", ("percent_complete", "ty_le_hoan_thanh", "phan_tram_hoan_thanh", "tien_do", "percent")),
    ColumnSpec("decision_no", ("decision_no", "so_quyet_dinh", "quyet_dinh_so", "quyet_dinh")),
    ColumnSpec("decision_date", ("decision_date", "ngay_quyet_dinh", "ngay_phe_duyet")),
    ColumnSpec("note", ("note", "ghi_chu")),
)


def validate(con: duckdb.DuckDBPyConnection, sheet: Sheet, options: dict) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Rows ready to insert and every problem found (errors refuse the load; warnings do not)."""
    known = {row[0] for row in con.execute("SELECT project_no FROM national_project").fetchall()}
    last_dates = dict(con.execute(
        "SELECT u.project_no, max(u.report_date) FROM project_update u JOIN batch b USING (batch_id) "
        "WHERE b.status = 'current' GROUP BY 1"
    ).fetchall())
    problems: list[Problem] = []
    rows = []
    seen: dict[tuple[int, object], int] = {}
    for record in sheet.records():
        fix = record.problem
        number = record.get("project_no")
        try:
            project_no = int(parse_decimal(number)) if number else None
        except ValueError:
            project_no = None
        if project_no is None or project_no not in known:
            problems.append(fix("project_no", number,
                                f"unknown project number; use 1 to {max(known)} (Appendix 2 of Official Letter 3759/BNV-CCHC)",
                                f"số đề án không có; dùng 1 đến {max(known)} (Phụ lục 2 Công văn 3759/BNV-CCHC)"))
        dates = {}
        for column in ("report_date", "decision_date"):
            try:
                dates[column] = parse_date(record.get(column))
            except ValueError:
                problems.append(fix(column, record.get(column), "not a date; write dd/mm/yyyy or yyyy-mm-dd",
                                    "không phải ngày; ghi dd/mm/yyyy hoặc yyyy-mm-dd"))
                dates[column] = None
        if record.get("report_date") is None:
            problems.append(fix("report_date", None, "report date is required", "thiếu ngày báo cáo"))
        status = _STATUS_BY_KEY.get(name_key(record.get("status") or ""))
        if status is None:
            allowed = ", ".join(f"{vi} ({code})" for code, (vi, _en, _a) in STATUS_LABELS.items())
            problems.append(fix("status", record.get("status"), f"unknown status; use one of: {allowed}",
                                f"trạng thái không hợp lệ; dùng một trong: {allowed}"))
        percent = None
        try:
            percent = parse_decimal(record.get("percent_complete"))
            if percent is not None and not 0 <= percent <= 100:
                raise ValueError
        except ValueError:
            problems.append(fix("percent_complete", record.get("percent_complete"),
                                "percent complete must be a number from 0 to 100",
                                "tỷ lệ hoàn thành phải là số từ 0 đến 100"))
            percent = None
        report_date = dates.get("report_date")
        if project_no in known and report_date is not None:
            key = (project_no, report_date)
            if key in seen:
                problems.append(fix("report_date", record.get("report_date"),
                                    f"duplicate update for project {project_no} on this date (also row {seen[key]})",
                                    f"trùng cập nhật của đề án {project_no} cùng ngày (cả dòng {seen[key]})"))
            seen[key] = record.row
            earlier = last_dates.get(project_no)
            if earlier is not None and report_date < earlier:
                problems.append(fix("report_date", record.get("report_date"),
                                    f"earlier than the latest update already loaded for project {project_no} ({earlier:%d/%m/%Y})",
                                    f"sớm hơn cập nhật gần nhất đã có của đề án {project_no} ({earlier:%d/%m/%Y})",
                                    severity="warning"))
        rows.append({"project_no": project_no, "report_date": report_date, "status": status,
                     "percent_complete": percent, "decision_no": record.get("decision_no"),
                     "decision_date": dates.get("decision_date"), "note": record.get("note")})
    return {"project_update": pd.DataFrame(rows)}, problems


SPEC = LoaderSpec(
    kind="projects",
    description_vi="Cập nhật tiến độ 16 đề án CCHC quốc gia",
    description_en="Progress updates of the 16 national PAR projects",
    columns=COLUMNS,
    validate=validate,
)
