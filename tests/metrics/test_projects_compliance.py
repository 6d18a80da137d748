"""National projects and plan/report compliance on fixed reference dates, computed by hand."""
from datetime import date

import pandas as pd
import pytest

from etl.batches import batch_transaction
from metrics.compliance import compliance, plan_deadline, timeliness
from metrics.projects import computed_status, project_status


@pytest.mark.parametrize("deadline, roadmap, reported, percent, as_of, expected", [
    (2026, False, "drafting", 20, date(2026, 3, 1), "on_track"),    # 20 % done, 16 % of the year gone
    (2026, False, "drafting", 20, date(2026, 9, 1), "at_risk"),     # deadline this year, 67 % of the year gone
    (2024, False, "implementing", 90, date(2025, 1, 1), "overdue"),  # the deadline year has ended
    (2024, False, "completed", 100, date(2026, 1, 1), "done"),       # completed late is still done
    (None, True, "drafting", 30, date(2040, 1, 1), "roadmap"),       # never overdue
    (2027, False, None, None, date(2026, 6, 1), "at_risk"),          # nothing reported yet
    (2027, False, "paused", 50, date(2026, 6, 1), "at_risk"),
])
def test_project_statuses(deadline, roadmap, reported, percent, as_of, expected):
    assert computed_status(deadline, roadmap, reported, percent, as_of)[0] == expected


def test_project_table_uses_updates_up_to_the_reference_date(writable_store):
    updates = pd.DataFrame([
        {"project_no": 3, "report_date": date(2022, 6, 30), "status": "drafting", "percent_complete": 40.0},
        {"project_no": 3, "report_date": date(2023, 3, 1), "status": "completed", "percent_complete": 100.0},
        {"project_no": 9, "report_date": date(2022, 5, 1), "status": "submitted", "percent_complete": 80.0},
    ])
    with batch_transaction(writable_store, kind="projects", source="upload") as writer:
        writer.insert("project_update", updates)
    before = project_status(writable_store, date(2022, 12, 31)).set_index("no")
    after = project_status(writable_store, date(2023, 12, 31)).set_index("no")
    assert (before.loc[3, "status"], before.loc[3, "percent_complete"]) == ("at_risk", 40.0)  # 2022 deadline
    assert (after.loc[3, "status"], after.loc[3, "last_update"]) == ("done", date(2023, 3, 1))
    assert after.loc[9, "status"] == "overdue" and after.loc[9, "lead_agency_now"] == "Văn phòng Chính phủ"
    assert after.loc[8, "status"] == "roadmap" and after.loc[8, "deadline"] == "roadmap"
    assert after.loc[5, "lead_agency"] == "Bộ Khoa học và Công nghệ"
    assert set(after.columns) >= {"name", "lead_agency", "lead_agency_now", "deadline", "status",
                                  "percent_complete", "last_update"}


def test_the_25_december_boundary():
    due = plan_deadline(2026)
    assert due == date(2025, 12, 25)
    assert timeliness(due, date(2025, 12, 25), date(2026, 2, 1)) == ("on_time", 0)
    assert timeliness(due, date(2025, 12, 26), date(2026, 2, 1)) == ("late", 1)
    assert timeliness(due, None, date(2025, 12, 25)) == ("not_due", None)
    assert timeliness(due, None, date(2025, 12, 26)) == ("missing", 1)
    # A plan issued after the reference date is not known yet on that date.
    assert timeliness(due, date(2026, 1, 10), date(2026, 1, 5)) == ("missing", 11)


def test_compliance_shows_units_without_a_plan_as_missing(writable_store):
    plans = pd.DataFrame([
        {"unit_system": "vn63", "unit_code": "22", "year": 2024, "issued_date": date(2023, 12, 20),
         "plan_number": "1/KH", **{f"covers_{c}": True for c in ("institutional", "procedures", "apparatus",
                                                                  "civil_service", "public_finance", "digital")}},
        {"unit_system": "vn63", "unit_code": "01", "year": 2024, "issued_date": date(2024, 1, 4),
         "plan_number": "2/KH", "covers_institutional": True, "covers_digital": True},
    ])
    reports = pd.DataFrame([{"unit_system": "vn63", "unit_code": "22", "year": 2024, "period": "Q1",
                             "due_date": date(2024, 3, 15), "submitted_date": date(2024, 3, 20)}])
    tasks = pd.DataFrame([
        {"unit_system": "vn63", "unit_code": "22", "year": 2024, "task_no": "1", "content_area": "digital",
         "task": "a", "expected_output": "Quyết định", "deadline": date(2024, 6, 30), "status": "completed",
         "completed_date": date(2024, 6, 1)},
        {"unit_system": "vn63", "unit_code": "22", "year": 2024, "task_no": "2", "content_area": "procedures",
         "task": "b", "expected_output": None, "deadline": date(2024, 9, 30), "status": "completed",
         "completed_date": date(2024, 10, 5)},
    ])
    with batch_transaction(writable_store, kind="plans", source="upload") as writer:
        writer.insert("par_plan", plans)
        writer.insert("plan_report", reports)
        writer.insert("plan_task", tasks)
    table = compliance(writable_store, 2024, date(2024, 4, 1)).set_index("code")
    assert len(table) == 63
    assert (table.loc["22", "plan_status"], table.loc["22", "contents_covered"]) == ("on_time", 6)
    assert (table.loc["01", "plan_status"], table.loc["01", "plan_days_late"]) == ("late", 10)
    assert (table.loc["01", "contents_covered"]) == 2
    assert (table.loc["02", "plan_status"], table.loc["02", "plan_days_late"]) == ("missing", 98)
    assert table.loc["22", "report_Q1"] == "late" and table.loc["01", "report_Q1"] == "missing"
    assert table.loc["22", "report_H1"] == "not_due"
    assert table.loc["22", "tasks"] == 2 and table.loc["22", "tasks_with_output_and_deadline_pct"] == 50.0
    # On 1 April 2024 no task was completed yet; at the year's end both were, one of them late.
    assert table.loc["22", "tasks_completed_pct"] == 0.0
    end = compliance(writable_store, 2024, date(2024, 12, 31)).set_index("code")
    assert (end.loc["22", "tasks_completed_pct"], end.loc["22", "tasks_completed_on_time_pct"]) == (100.0, 50.0)


def test_across_the_reorganisation_old_units_plan_and_new_units_report(writable_store):
    table = compliance(writable_store, 2025, date(2026, 1, 31))
    old, new = table[table["code_system"] == "vn63"], table[table["code_system"] == "vn34"]
    assert len(old) == 63 and len(new) == 34
    assert (old["report_Q3"] == "n/a").all() and (new["plan_status"] == "n/a").all()
    assert (new["report_Q3"] == "missing").all()   # nothing loaded in this store
