"""The 16 national PAR projects: progress against their deadline on a reference date."""
from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from metrics.par_index import SOURCE_PRIORITY  # upload, published, demo: one order everywhere

PROJECT_COLUMNS = ["no", "name", "lead_agency", "lead_agency_now", "deadline", "status", "percent_complete",
                   "last_update", "reported_status", "reason", "source"]


def computed_status(deadline: int | None, on_roadmap: bool, reported: str | None, percent: float | None,
                    as_of: date) -> tuple[str, str]:
    """(status, reason): done, on_track, at_risk, overdue, or roadmap for projects with no fixed year.

    At risk: the deadline is this year and the share done is below the share of the year gone, or the
    project is paused, or nothing was reported yet. Overdue: the deadline year has ended undone.
    """
    if reported == "completed":
        return "done", "reported completed"
    if on_roadmap:
        return "roadmap", "carried out on a roadmap, no fixed year"
    if deadline is None:
        return "at_risk", "no deadline recorded"
    if as_of.year > deadline:
        return "overdue", f"deadline {deadline} has passed"
    if reported is None:
        return "at_risk", "no progress report yet"
    if reported == "paused":
        return "at_risk", "paused"
    if as_of.year == deadline:
        elapsed = (as_of - date(deadline, 1, 1)).days / 365 * 100
        if (percent or 0) < elapsed:
            return "at_risk", f"{percent or 0:.0f} % done with {elapsed:.0f} % of the deadline year gone"
    return "on_track", "in time"


def project_status(con: duckdb.DuckDBPyConnection, as_of: date) -> pd.DataFrame:
    """One row per project: lead agency then and now, deadline, the latest update up to `as_of` (from one
    source per project: uploaded updates when there are any, else demo) and the computed status."""
    projects = con.execute(
        """
        SELECT p.project_no AS no, p.name_vi AS name, p.lead_agency_vi AS lead_agency, p.deadline_year,
               p.on_roadmap, coalesce(n.name_vi, p.lead_agency_vi) AS lead_agency_now
        FROM national_project p
        LEFT JOIN unit_lineage l ON l.from_system = p.lead_system AND l.from_code = p.lead_code
        LEFT JOIN unit n ON n.code_system = l.to_system AND n.code = l.to_code
        ORDER BY p.project_no
        """).df()
    updates = project_history(con, as_of)
    rows = []
    for p in projects.itertuples():
        mine = updates[updates["project_no"] == p.no]
        source = next((s for s in SOURCE_PRIORITY if (mine["source"] == s).any()), None)
        latest = mine[mine["source"] == source].sort_values(["report_date", "batch_id"]).tail(1)
        reported = latest["status"].iloc[0] if len(latest) else None
        percent = float(latest["percent_complete"].iloc[0]) if len(latest) and pd.notna(
            latest["percent_complete"].iloc[0]) else None
        deadline = None if pd.isna(p.deadline_year) else int(p.deadline_year)
        status, reason = computed_status(deadline, bool(p.on_roadmap), reported, percent, as_of)
        rows.append({"no": p.no, "name": p.name, "lead_agency": p.lead_agency, "lead_agency_now": p.lead_agency_now,
                     "deadline": "roadmap" if p.on_roadmap else deadline, "status": status,
                     "percent_complete": percent,
                     "last_update": pd.Timestamp(latest["report_date"].iloc[0]).date() if len(latest) else None,
                     "reported_status": reported, "reason": reason, "source": source})
    return pd.DataFrame(rows, columns=PROJECT_COLUMNS)


def project_history(con: duckdb.DuckDBPyConnection, as_of: date) -> pd.DataFrame:
    """Every progress update reported up to `as_of`, with its batch and source."""
    return con.execute(
        """
        SELECT u.project_no, u.report_date, u.status, u.percent_complete, u.decision_no, u.decision_date, u.note,
               u.batch_id, b.source
        FROM project_update u JOIN batch b USING (batch_id)
        WHERE b.status = 'current' AND u.report_date <= ?
        ORDER BY u.project_no, u.report_date
        """, [as_of]).df()


def by_lead_agency(status: pd.DataFrame) -> pd.DataFrame:
    """Projects per current lead agency and status."""
    counts = status.pivot_table(index="lead_agency_now", columns="status", values="no", aggfunc="count", fill_value=0)
    counts["total"] = counts.sum(axis=1)
    return counts.reset_index().sort_values("total", ascending=False)
