"""Annual PAR plans and periodic reports: on time, late or missing on a reference date, with plan tasks."""
from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from etl.codesystems import system_for
from metrics.par_index import SOURCE_PRIORITY  # upload, published, demo: one order everywhere

CONTENT_COLUMNS = ("covers_institutional", "covers_procedures", "covers_apparatus", "covers_civil_service",
                   "covers_public_finance", "covers_digital")
PERIODS = ("Q1", "H1", "Q3", "Y")


def plan_deadline(year: int) -> date:
    """A year's plan is due by 25 December of the year before."""
    return date(year - 1, 12, 25)


def timeliness(due: date, done: date | None, as_of: date) -> tuple[str, int | None]:
    """(status, days late): on_time, late, missing (due and not done by as_of) or not_due."""
    if done is not None and done <= as_of:
        return ("on_time", 0) if done <= due else ("late", (done - due).days)
    if as_of > due:
        return "missing", (as_of - due).days
    return "not_due", None


def _pick_source(con: duckdb.DuckDBPyConnection, table: str, year: int) -> str | None:
    present = {r[0] for r in con.execute(
        f"SELECT DISTINCT b.source FROM {table} t JOIN batch b USING (batch_id) "
        "WHERE b.status = 'current' AND t.year = ?", [year]).fetchall()}
    return next((s for s in SOURCE_PRIORITY if s in present), None)


def _latest(con: duckdb.DuckDBPyConnection, table: str, key: str, year: int, source: str | None) -> pd.DataFrame:
    """Rows of `table` for the year from `source`, the newest batch winning for each unit (and key)."""
    if source is None:
        return pd.DataFrame()
    frame = con.execute(
        f"SELECT t.* FROM {table} t JOIN batch b USING (batch_id) "
        "WHERE b.status = 'current' AND b.source = ? AND t.year = ?", [source, year]).df()
    keys = ["unit_system", "unit_code"] + ([key] if key else [])
    return frame.sort_values("batch_id").drop_duplicates(keys, keep="last")


def compliance(con: duckdb.DuckDBPyConnection, year: int, as_of: date, level: str = "province") -> pd.DataFrame:
    """One row per unit expected to plan or report for `year`: the plan's timeliness and contents, its
    tasks, and each periodic report. A unit is expected for a requirement when it was in force on that
    requirement's due date, so across the 2025 reorganisation the old units own the plan and early
    reports, the new ones the later reports (other cells are 'n/a')."""
    requirements = {"plan": plan_deadline(year), **{p: date(year, m, d) for p, (m, d) in
                                                   zip(PERIODS, ((3, 15), (6, 15), (9, 15), (12, 15)))}}
    plan_source = _pick_source(con, "par_plan", year)
    report_source = _pick_source(con, "plan_report", year)
    plans = _latest(con, "par_plan", "", year, plan_source).set_index(["unit_system", "unit_code"]) \
        if plan_source else pd.DataFrame()
    reports = _latest(con, "plan_report", "period", year, report_source)
    tasks = _latest(con, "plan_task", "task_no", year, _pick_source(con, "plan_task", year))
    units = {}
    for requirement, due in requirements.items():
        system = system_for(level, on_date=due)
        for code, name in con.execute("SELECT code, name_vi FROM unit WHERE code_system = ? AND assessed ORDER BY code",
                                      [system]).fetchall():
            units.setdefault((system, code), {"code_system": system, "code": code, "name": name, "year": year})
            units[(system, code)][f"expects_{requirement}"] = due
    # One lookup per unit instead of filtering the whole frames for each of ~100 units and 4 periods.
    tasks_by_unit = dict(iter(tasks.groupby(["unit_system", "unit_code"]))) if len(tasks) else {}
    reports_by_unit = ({(r.unit_system, r.unit_code, r.period): r for r in reports.itertuples(index=False)}
                       if len(reports) else {})
    rows = []
    for (system, code), row in units.items():
        out = {k: v for k, v in row.items() if not k.startswith("expects_")}
        if "expects_plan" in row:
            plan = plans.loc[(system, code)] if (system, code) in plans.index else None
            issued = None if plan is None or pd.isna(plan["issued_date"]) else pd.Timestamp(plan["issued_date"]).date()
            out["plan_status"], out["plan_days_late"] = timeliness(row["expects_plan"], issued, as_of)
            out["plan_issued"] = issued
            out["contents_covered"] = None if plan is None else int(sum(bool(plan[c]) for c in CONTENT_COLUMNS
                                                                        if pd.notna(plan[c])))
        else:
            out["plan_status"] = "n/a"
        out.update(task_figures(tasks_by_unit.get((system, code)), as_of))
        due_reports, on_time, worst = 0, 0, 0
        for period in PERIODS:
            if f"expects_{period}" not in row:
                out[f"report_{period}"] = "n/a"
                continue
            match = reports_by_unit.get((system, code, period))
            submitted = None
            if match is not None and pd.notna(match.submitted_date):
                submitted = pd.Timestamp(match.submitted_date).date()
            due = pd.Timestamp(match.due_date).date() if match is not None else row[f"expects_{period}"]
            status, late = timeliness(due, submitted, as_of)
            out[f"report_{period}"] = status
            if status != "not_due":
                due_reports += 1
                on_time += status == "on_time"
                worst = max(worst, late or 0)
        out["reports_due"] = due_reports
        out["reports_on_time_pct"] = round(100 * on_time / due_reports, 1) if due_reports else None
        out["report_max_days_late"] = worst if due_reports else None
        rows.append(out)
    frame = pd.DataFrame(rows)
    frame["plan_source"], frame["report_source"] = plan_source, report_source
    return frame


def task_figures(tasks: pd.DataFrame, as_of: date) -> dict:
    """Tasks with both an output and a deadline (the letter requires both), completed, completed on time."""
    if tasks is None or tasks.empty:
        return {"tasks": 0, "tasks_with_output_and_deadline_pct": None, "tasks_completed_pct": None,
                "tasks_completed_on_time_pct": None}
    n = len(tasks)
    specified = tasks["expected_output"].notna() & tasks["deadline"].notna()
    completed_dates = pd.to_datetime(tasks["completed_date"])
    done = (tasks["status"] == "completed") & (completed_dates.isna() | (completed_dates <= pd.Timestamp(as_of)))
    on_time = done & tasks["deadline"].notna() & completed_dates.notna() & (
        completed_dates <= pd.to_datetime(tasks["deadline"]))
    return {"tasks": n, "tasks_with_output_and_deadline_pct": round(100 * specified.sum() / n, 1),
            "tasks_completed_pct": round(100 * done.sum() / n, 1),
            "tasks_completed_on_time_pct": round(100 * on_time.sum() / n, 1)}
