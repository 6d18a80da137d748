"""The national briefing's figures, taken from the functions the pages use (never recomputed another way).

One PAR INDEX dataset (level, year, source) drives the briefing, as on the overview page: the average and its
change, groups, leaders, movers, regions and fields come from it, and a figure that needs the whole field is
given only when the dataset covers every unit (else the release's own statement, or nothing). Satisfaction,
projects and plans come from their own datasets; a briefing on real data (published or uploaded) never takes
a demo figure into its text, and a demo briefing takes only demo survey data, so no paragraph joins synthetic
and real numbers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import duckdb
import pandas as pd

from metrics.compliance import PERIODS, compliance
from metrics.decision import national_average
from metrics.overview import Overview, build_overview
from metrics.par_index import available_datasets, field_size, framework_for, unit_results
from metrics.projects import project_status
from metrics.ranking import field_summary, regional_averages
from metrics.rounding import difference
from metrics.satisfaction import OVERALL, SURVEYS, pick_survey_source, published_sipas, satisfaction_table

SURVEY_NAMES = {"sipas": ("Hài lòng với dịch vụ hành chính công (SIPAS)",
                          "Satisfaction with public administrative services (SIPAS)"),
                "health": ("Hài lòng của người bệnh", "Patient satisfaction"),
                "education": ("Hài lòng với giáo dục công", "Satisfaction with public education")}
SATISFACTION_COLUMNS = ["survey", "label_vi", "label_en", "set_vi", "set_en", "estimate", "low", "high", "respondents",
                        "units_covered", "units_total", "source", "flag"]
PROJECT_STATES = ("done", "on_track", "at_risk", "overdue", "roadmap")


@dataclass
class NationalFacts:
    """Everything the national briefing states, each part with its source and basis."""

    level: str
    year: int
    source: str
    as_of: date
    view: Overview
    average: dict | None                     # {average, basis (computed|published), source, ref, units, units_total}
    previous: dict | None                    # the same for year - 1, same source
    change: float | None                     # average - previous average (exact, 2 decimals)
    moves: dict | None                       # {up, down, basis}
    regions: pd.DataFrame                    # region, units, average (complete province datasets only)
    fields: pd.DataFrame                     # field_code, name_vi, name_en, average, max_points, lost, best...
    history: pd.DataFrame                    # year, average, basis, source
    satisfaction: pd.DataFrame               # survey, label_vi, label_en, estimate, low, high, respondents, ...
    published_sipas: dict | None             # {value, source_ref} (real briefings only)
    projects: pd.DataFrame | None            # metrics.projects.project_status rows, or None
    plans: dict | None                       # summary of metrics.compliance.compliance
    withheld: list[str] = field(default_factory=list)   # parts left out because only demo data exists

    @property
    def demo(self) -> bool:
        return self.source == "demo"


def average_of(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str) -> dict | None:
    """The national average of a year from `source` by the profile's own rule (metrics.decision.national_average:
    the mean of every unit when the dataset covers the whole field, 'computed'; for the published source, else
    the average the release states, 'published'), with what it covers: the units averaged and their batches, or
    the release's reference. None when `source` gives no national average that year."""
    stated = national_average(con, level, year, source)
    if stated["average"] is None:
        return None
    if stated["basis"] == "published":
        total = field_size(con, level, year)
        return {"year": year, "average": stated["average"], "basis": "published", "source": stated["source"],
                "ref": stated.get("source_ref"), "units": total, "units_total": total, "batches": []}
    results = unit_results(con, level, year, source)
    return {"year": year, "average": stated["average"], "basis": "computed", "source": stated["source"], "ref": None,
            "units": int(results["index"].notna().sum()), "units_total": int(results["units_total"].iloc[0]),
            "batches": sorted(int(b) for b in results["batch_id"].dropna().unique())}


def national_history(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str,
                     first: int | None = None) -> pd.DataFrame:
    """The national average per year up to `year`, from `source` only (years it cannot give are left out)."""
    datasets = available_datasets(con, level)
    years = sorted({int(y) for y in datasets["year"]} | {year})
    rows = [average_of(con, level, y, source) for y in years if y <= year and (first is None or y >= first)]
    return pd.DataFrame([r for r in rows if r], columns=["year", "average", "basis", "source", "ref", "units",
                                                        "units_total", "batches"])


_MOVES = {"up": re.compile(r"^count increased vs (\d{4})$"), "down": re.compile(r"^count decreased vs (\d{4})$")}


def unit_moves(view: Overview) -> dict | None:
    """How many units rose and fell: counted from a dataset covering every unit, else as the release states."""
    if view.complete and view.movers_basis == "computed":
        changes = view.results["delta_index"].dropna()
        return {"up": int((changes > 0).sum()), "down": int((changes < 0).sum()), "basis": "computed"}
    stated = {}
    for metric, value in zip(view.release_facts.get("metric", []), view.release_facts.get("value_num", [])):
        for key, pattern in _MOVES.items():
            if pattern.match(str(metric)) and pd.notna(value):
                stated[key] = int(value)
    return {"up": stated.get("up"), "down": stated.get("down"), "basis": "published"} if stated else None


def field_averages(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str) -> pd.DataFrame:
    """Per field: the national average field index (only when every unit has it, as on the profile), the
    field's maximum points and the points lost on average (maximum x (100 - average) / 100), and the best unit."""
    columns = ["field_code", "name_vi", "name_en", "average", "max_points", "lost", "best", "best_vi", "best_en"]
    framework = framework_for(con, level, year)
    summary = field_summary(con, level, year, source) if framework is not None else pd.DataFrame()
    if summary.empty:
        return pd.DataFrame(columns=columns)
    fields = con.execute("SELECT field_code, name_vi, name_en, max_points, position FROM framework_field "
                         "WHERE framework_id = ?", [framework["framework_id"]]).df()
    table = fields.merge(summary, on="field_code", how="inner").sort_values("position")
    table["lost"] = [difference(m, round(m * a / 100, 2)) for m, a in zip(table["max_points"], table["average"])]
    return table[columns].reset_index(drop=True)


def national_satisfaction(con: duckdb.DuckDBPyConnection, year: int, demo: bool) -> pd.DataFrame:
    """The country's overall % satisfied per survey with its 95 % interval, as the satisfaction page gives it,
    from demo answers for a demo briefing and from real answers (upload, published) otherwise."""
    rows = []
    for survey in SURVEYS:
        chosen = next((s for s in (("demo",) if demo else ("upload", "published"))
                       if pick_survey_source(con, survey, year, s)), None)
        if chosen is None:
            continue
        table = satisfaction_table(con, survey, year, level="national", source=chosen)
        head = table[(table["row_level"] == "national") & (table["set_code"] == OVERALL)]
        if head.empty:
            continue
        r = head.iloc[0]
        suppressed = r["flag"] == "suppressed"
        name_vi, name_en = SURVEY_NAMES[survey]
        rows.append({"survey": survey, "label_vi": name_vi, "label_en": name_en, "set_vi": r["set_vi"],
                     "set_en": r["set_en"], "estimate": None if suppressed else float(r["pct_satisfied"]),
                     "low": None if suppressed else float(r["pct_ci_low"]),
                     "high": None if suppressed else float(r["pct_ci_high"]),
                     "respondents": int(r["n_respondents"]), "units_covered": int(r["units_covered"]),
                     "units_total": int(r["units_total"]), "source": chosen, "flag": r["flag"] or ""})
    return pd.DataFrame(rows, columns=SATISFACTION_COLUMNS)


def published_sipas_average(con: duckdb.DuckDBPyConnection, year: int) -> dict | None:
    national = published_sipas(con, year)["national"]
    rows = national[(national["metric"] == "SIPAS national average") & national["value_num"].notna()]
    if rows.empty:
        return None
    return {"value": float(rows["value_num"].iloc[0]), "source_ref": str(rows["source_ref"].iloc[0] or "")}


def plans_summary(table: pd.DataFrame) -> dict:
    """The plans page's summary: plans on time among the units expected, reports on time among those due."""
    expected = table[table["plan_status"] != "n/a"]
    cells = [table[f"report_{p}"] for p in PERIODS]
    due = int(sum(((c != "n/a") & (c != "not_due")).sum() for c in cells))
    on_time = int(sum((c == "on_time").sum() for c in cells))
    return {"expected": len(expected), "on_time": int((expected["plan_status"] == "on_time").sum()),
            "late": int((expected["plan_status"] == "late").sum()),
            "missing": int((expected["plan_status"] == "missing").sum()),
            "not_due": int((expected["plan_status"] == "not_due").sum()),
            "reports_due": due, "reports_on_time_pct": round(100 * on_time / due, 1) if due else None,
            "plan_source": table["plan_source"].iloc[0] if len(table) else None,
            "report_source": table["report_source"].iloc[0] if len(table) else None}


def national_facts(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str | None = None,
                   as_of: date | None = None) -> NationalFacts | None:
    """The national briefing's figures for `level` and `year` from the requested source (SourceUnavailable when it
    has none), or the overview's automatic choice; None when no source has data that year."""
    as_of = as_of or date.today()
    view = build_overview(con, level, year, source)
    if view is None:
        return None
    chosen = view.source
    demo = chosen == "demo"
    average = average_of(con, level, year, chosen)
    previous = average_of(con, level, year - 1, chosen)
    change = difference(average["average"], previous["average"]) if average and previous else None
    regions = regional_averages(view.results) if view.complete and level == "province" else pd.DataFrame(
        columns=["region", "units", "average"])
    withheld = []
    projects = project_status(con, as_of)
    if not demo and (projects["source"] == "demo").any():
        withheld.append("projects")
        projects = None
    plans = plans_summary(compliance(con, year, as_of, level))
    if not demo and "demo" in (plans["plan_source"], plans["report_source"]):
        withheld.append("plans")
        plans = None
    # The surveys measure provinces' services: a ministries' briefing has no satisfaction part.
    satisfaction = (national_satisfaction(con, year, demo) if level == "province"
                    else pd.DataFrame(columns=SATISFACTION_COLUMNS))
    if level == "province" and not demo and satisfaction.empty and any(
            pick_survey_source(con, s, year, "demo") for s in SURVEYS):
        withheld.append("satisfaction")
    return NationalFacts(
        level=level, year=year, source=chosen, as_of=as_of, view=view, average=average, previous=previous,
        change=change, moves=unit_moves(view), regions=regions.reset_index(drop=True),
        fields=field_averages(con, level, year, chosen),
        history=national_history(con, level, year, chosen, first=year - 4),
        satisfaction=satisfaction, published_sipas=None if demo else published_sipas_average(con, year),
        projects=projects, plans=plans, withheld=withheld)
