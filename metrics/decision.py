"""A unit's profile for a decision: where it stands, how it moved, where it lost points, what to do.

One dict answers a leader's four questions for a unit and year, from one dataset (never a mix of sources):
index and rank with their change against last year (and the basis of that comparison across the 2025
reorganisation), field indices with field ranks and changes beside the national average and the best unit,
the criteria (or fields) that lost the most points with the unit's plan tasks of those fields, satisfaction
with intervals, and the head's proposed level under a rule set. The profile page and the briefing documents
render this dict, so their numbers are the same numbers.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from metrics.components import COLUMNS as COMPONENT_COLUMNS, result_components
from metrics.leaders import leader_proposals, rule_set
from metrics.par_index import (SOURCE_PRIORITY, SourceUnavailable, available_datasets, published_average, system_for_year, unit_results, year_change)
from metrics.profile import fields_against_country, level_of_system, lost_points, unit_history, unit_info
from metrics.rounding import difference, exact_mean
from metrics.uncertainty import unit_rank_interval
from metrics.satisfaction import OVERALL, pick_survey_source, published_sipas, satisfaction_table

# A plan's content areas (Appendix 1 of Official Letter 3759/BNV-CCHC) and the words of the framework's field
# names (English) that identify the same area: a lost field points at the plan tasks of its area.
CONTENT_AREA_WORDS = {
    "institutional": ("institution",),
    "procedures": ("procedure",),
    "apparatus": ("apparatus", "organisation of the"),
    "civil_service": ("civil service", "civil servant"),
    "public_finance": ("finance",),
    "digital": ("digital", "e-government", "electronic government"),
}

SURVEY_LABELS = {"sipas": ("Hài lòng với dịch vụ hành chính công (SIPAS)", "Satisfaction with public administrative services (SIPAS)"),
                 "health": ("Hài lòng của người bệnh", "Patient satisfaction"),
                 "education": ("Hài lòng với giáo dục công", "Satisfaction with public education")}

FIELD_COLUMNS = ["field_code", "name_vi", "name_en", "index", "field_rank", "average", "best", "best_vi", "best_en",
                 "previous_index", "change", "previous_rank", "rank_change", "max_points", "max_official"]
LOST_COLUMNS = ["kind", "code", "field_code", "name_vi", "name_en", "max_points", "points", "lost", "max_official"]
TASK_COLUMNS = ["field_code", "content_area", "task_no", "task", "deadline", "status", "source"]
SATISFACTION_COLUMNS = ["survey", "label_vi", "label_en", "estimate", "low", "high", "respondents", "source", "note"]


def content_area_of(field_name_en: str | None) -> str | None:
    """The plan content area a framework field belongs to, from its English name; None for fields no plan
    area covers (leadership and direction, impact)."""
    text = (field_name_en or "").lower()
    return next((area for area, words in CONTENT_AREA_WORDS.items() if any(w in text for w in words)), None)


def national_average(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str) -> dict:
    """The national average index of a year: the mean of the whole field from `source` when it covers every
    unit ('computed'); for published data that lists part of the field, the average MoHA published
    ('published'); else none (never another source's average beside an upload or demo figure)."""
    results = unit_results(con, level, year, source)
    valued = results["index"].dropna() if len(results) else pd.Series(dtype="float64")
    whole = int(results["units_total"].iloc[0]) if len(results) else 0
    if whole and len(valued) >= whole:
        return {"average": exact_mean(valued), "basis": "computed", "source": source}
    stated = published_average(con, level, year) if source == "published" else None
    if stated is not None:
        return {"average": float(stated["value"]), "basis": "published", "source": "published",
                "source_ref": stated["source_ref"]}
    return {"average": None, "basis": None, "source": None}


def _history_with_national(con: duckdb.DuckDBPyConnection, level: str, history: pd.DataFrame) -> pd.DataFrame:
    """The unit's history with, per point, the national average from that point's source (or published)."""
    averages = {(int(y), s): national_average(con, level, int(y), s)["average"]
                for y, s in history[["year", "source"]].drop_duplicates().itertuples(index=False)}
    return history.assign(national=[averages[(int(y), s)] for y, s in zip(history["year"], history["source"])])


def _change(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str, code: str) -> tuple[dict | None, dict]:
    """Last year's figure and the change, same source, with the comparison's basis across 2025."""
    changes = year_change(con, level, year, source)
    mine = changes[changes["code"] == code]
    if mine.empty:
        return None, {"index": None, "rank": None, "published": False}
    row = mine.iloc[0]
    basis = row["change_basis"] if isinstance(row["change_basis"], str) else "none"
    from_units = row["from_units"] if isinstance(row.get("from_units"), str) else ""
    previous = None
    if pd.notna(row.get("prev_index")) or basis == "published":
        previous = {"year": year - 1, "index": None if pd.isna(row.get("prev_index")) else float(row["prev_index"]),
                    "rank": None if pd.isna(row.get("prev_rank")) else int(row["prev_rank"]),
                    "source": source, "basis": basis, "from_units": from_units,
                    "members": _members(con, level, year, source, from_units, basis)}
    change = {"index": None if pd.isna(row["delta_index"]) else float(row["delta_index"]),
              "rank": None if pd.isna(row["delta_rank"]) else int(row["delta_rank"]),
              "published": basis == "published", "basis": basis,
              "framework_changed": bool(row.get("framework_changed", False))}
    return previous, change


def _members(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str, from_units: str,
             basis: str) -> list[tuple[str, str, float | None]]:
    """The predecessors a merged unit is compared with, each with its own index last year."""
    if basis != "reconstructed" or not from_units:
        return []
    previous = unit_results(con, level, year - 1, source)
    codes = from_units.split("; ")
    rows = previous[previous["code"].isin(codes)]
    return [(r.name_vi, r.name_en, None if pd.isna(r.index) else float(r.index)) for r in rows.itertuples()]


def field_maxima(con: duckdb.DuckDBPyConnection, framework_id: str) -> pd.DataFrame:
    """Each field's maximum points in a framework and whether that maximum rests on an official text."""
    return con.execute(
        """
        SELECT f.field_code, f.max_points, coalesce(bool_or(m.official), FALSE) AS max_official
        FROM framework_field f
        LEFT JOIN content_mark m ON m.content = 'framework' AND m.content_id = f.framework_id
             AND m.item_kind = 'field' AND m.item_code = f.field_code AND m.aspect = 'max_points'
        WHERE f.framework_id = ? GROUP BY f.field_code, f.max_points
        """, [framework_id]).df()


def _field_table(con: duckdb.DuckDBPyConnection, level: str, code_system: str, code: str, year: int,
                 source: str, basis: str, framework_id: str) -> pd.DataFrame:
    """Field indices with the field rank, national average and best unit, and the change against last year
    (same field name, and only for the same unit or a unit the reorganisation left whole)."""
    fields = fields_against_country(con, code_system, code, year, source)
    if fields.empty or fields["index"].isna().all():
        return pd.DataFrame(columns=FIELD_COLUMNS)
    fields = fields.merge(field_maxima(con, framework_id), on="field_code", how="left")
    fields["previous_index"], fields["previous_rank"] = float("nan"), pd.NA
    if basis in ("same", "continued", "published"):
        prev_system = system_for_year(level, year - 1)
        prev_code = code if prev_system == code_system else _continued_code(con, code_system, code, prev_system)
        before = fields_against_country(con, prev_system, prev_code, year - 1, source) if prev_code else None
        if before is not None and len(before):
            by_name = before.set_index("name_en")
            fields["previous_index"] = fields["name_en"].map(by_name["index"]).astype("float64")
            if prev_system == code_system:     # ranks among 63 and among 34 do not compare
                fields["previous_rank"] = fields["name_en"].map(by_name["field_rank"]).astype("Int64")
    fields["change"] = pd.Series([difference(a, b) for a, b in zip(fields["index"], fields["previous_index"])],
                                 index=fields.index, dtype="float64")
    fields["rank_change"] = (fields["previous_rank"].astype("Float64")
                             - fields["field_rank"].astype("Float64")).astype("Int64")
    return fields[FIELD_COLUMNS]


def _continued_code(con: duckdb.DuckDBPyConnection, code_system: str, code: str, prev_system: str) -> str | None:
    rows = con.execute("SELECT from_code FROM unit_lineage WHERE to_system = ? AND to_code = ? AND from_system = ? "
                       "AND relation = 'continued'", [code_system, code, prev_system]).fetchall()
    return rows[0][0] if rows else None


def _lost(con: duckdb.DuckDBPyConnection, code_system: str, code: str, year: int, source: str,
          fields: pd.DataFrame) -> pd.DataFrame:
    """Recoverable points, most first: per criterion where criterion scores are loaded, else per field from
    its index and maximum."""
    criteria = lost_points(con, code_system, code, year, source)
    components = result_components(con, code_system, code, year, source)
    if len(criteria):
        official = criteria["max_official"] if "max_official" in criteria else False
        return pd.DataFrame({"kind": "criterion", "code": criteria["criterion_code"],
                             "field_code": criteria["field_code"], "name_vi": criteria["name_vi"],
                             "name_en": criteria["name_en"], "max_points": criteria["max_points"],
                             "points": criteria["points"], "lost": criteria["lost"],
                             "max_official": official})[LOST_COLUMNS]
    known = fields.dropna(subset=["index", "max_points"])
    if known.empty and len(components):
        # Only the four published parts are known (since 2023): the points each part lost against its maximum.
        table = pd.DataFrame({"kind": "component", "code": components["component"], "field_code": None,
                              "name_vi": components["name_vi"], "name_en": components["name_en"],
                              "max_points": components["max_points"], "points": components["points"],
                              "lost": [difference(m, p) for m, p in zip(components["max_points"], components["points"])],
                              "max_official": components["official"].astype(bool)})
        return table.sort_values("lost", ascending=False, kind="stable").reset_index(drop=True)[LOST_COLUMNS]
    if known.empty:
        return pd.DataFrame(columns=LOST_COLUMNS)
    points = [round(i * m / 100, 2) for i, m in zip(known["index"], known["max_points"])]
    table = pd.DataFrame({"kind": "field", "code": known["field_code"], "field_code": known["field_code"],
                          "name_vi": known["name_vi"], "name_en": known["name_en"],
                          "max_points": known["max_points"], "points": points,
                          "lost": [difference(m, p) for m, p in zip(known["max_points"], points)],
                          "max_official": known["max_official"].astype(bool)})
    return table.sort_values("lost", ascending=False, kind="stable").reset_index(drop=True)[LOST_COLUMNS]


def _tasks(con: duckdb.DuckDBPyConnection, code_system: str, code: str, year: int, lost: pd.DataFrame,
           field_names: pd.DataFrame) -> pd.DataFrame:
    """The unit's plan tasks of that year (Appendix 1 of 3759/BNV-CCHC) in the areas of the fields that lost
    points, in the order of the points lost."""
    if lost.empty:
        return pd.DataFrame(columns=TASK_COLUMNS)
    areas = {c: content_area_of(n) for c, n in zip(field_names["field_code"], field_names["name_en"])}
    order = [c for c in dict.fromkeys(lost.loc[lost["lost"] > 0, "field_code"]) if areas.get(c)]
    if not order:
        return pd.DataFrame(columns=TASK_COLUMNS)
    tasks = con.execute(
        "SELECT t.content_area, t.task_no, t.task, t.deadline, t.status, b.source FROM plan_task t "
        "JOIN batch b USING (batch_id) WHERE b.status = 'current' AND t.unit_system = ? AND t.unit_code = ? "
        "AND t.year = ? ORDER BY t.deadline NULLS LAST, t.task_no", [code_system, code, year]).df()
    rows = []
    for field_code in order:
        for task in tasks[tasks["content_area"] == areas[field_code]].itertuples(index=False):
            rows.append({"field_code": field_code, **task._asdict()})
    return pd.DataFrame(rows, columns=TASK_COLUMNS)


def _satisfaction(con: duckdb.DuckDBPyConnection, code_system: str, code: str, year: int,
                  requested: str | None, allow_demo: bool = True) -> pd.DataFrame:
    """The province's overall satisfaction per survey with its interval, from the requested source only (the
    default order otherwise; demo answers only when `allow_demo`), and the published SIPAS index where the
    release lists the province."""
    rows = []
    for survey, (label_vi, label_en) in SURVEY_LABELS.items():
        if requested == "published" and survey == "sipas":
            continue
        chosen = pick_survey_source(con, survey, year, requested)
        if chosen is None or (chosen == "demo" and not allow_demo):
            continue
        table = satisfaction_table(con, survey, year, level="province", unit=f"{code_system}:{code}", source=chosen)
        mine = table[(table["code"] == code) & (table["set_code"] == OVERALL)]
        if mine.empty:
            continue
        r = mine.iloc[0]
        suppressed = r["flag"] == "suppressed"
        rows.append({"survey": survey, "label_vi": label_vi, "label_en": label_en,
                     "estimate": None if suppressed else r["pct_satisfied"],
                     "low": None if suppressed else r["pct_ci_low"], "high": None if suppressed else r["pct_ci_high"],
                     "respondents": int(r["n_respondents"]), "source": chosen, "note": r["flag"] or ""})
    if requested in (None, "published"):
        published = published_sipas(con, year)["provinces"]
        mine = published[(published["code_system"] == code_system) & (published["code"] == code)]
        if len(mine) and pd.notna(mine["sipas_pct"].iloc[0]):
            label_vi, label_en = SURVEY_LABELS["sipas"]
            rows.append({"survey": "sipas_published", "label_vi": label_vi + " — Chỉ số SIPAS công bố",
                         "label_en": label_en + " — published SIPAS index", "estimate": float(mine["sipas_pct"].iloc[0]),
                         "low": None, "high": None, "respondents": None, "source": "published",
                         "note": str(mine["source_ref"].iloc[0]) if "source_ref" in mine else ""})
    return pd.DataFrame(rows, columns=SATISFACTION_COLUMNS)


def _leader(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str, code: str,
            rules: str) -> dict | None:
    """The head's proposed level under the rule set, with its reasons in both languages."""
    if rule_set(con, rules) is None:
        return None
    try:
        proposals, _ = leader_proposals(con, level, year, rules, source, with_previous=False)
    except (SourceUnavailable, KeyError):
        return None
    mine = proposals[proposals["code"] == code] if len(proposals) else proposals
    if mine.empty:
        return None
    r = mine.iloc[0]
    split = lambda text: [part for part in str(text or "").split(" | ") if part]  # noqa: E731
    return {"rule_set": rules, "level": r["proposed_level"], "provisional": bool(r["provisional"]),
            "reasons_vi": split(r.get("reasons_vi")), "reasons_en": split(r.get("reasons")),
            "missing_vi": split(r.get("missing_vi")), "missing_en": split(r.get("missing"))}


def _source_ref(con: duckdb.DuckDBPyConnection, batch_id: int | None, code_system: str, code: str,
                year: int) -> str:
    """Where the unit's figures come from: the published table's reference, or the batch's file."""
    if batch_id is None:
        return ""
    rows = con.execute("SELECT source_ref FROM par_total WHERE batch_id = ? AND unit_system = ? AND unit_code = ? "
                       "AND year = ? AND source_ref IS NOT NULL LIMIT 1", [batch_id, code_system, code, year]).fetchall()
    if rows:
        return str(rows[0][0])
    batch = con.execute("SELECT file_name FROM batch WHERE batch_id = ?", [batch_id]).fetchall()
    return str(batch[0][0] or "") if batch else ""


def _unit_result(con: duckdb.DuckDBPyConnection, code_system: str, code: str, year: int,
                 requested: str | None) -> tuple[str | None, pd.Series | None]:
    """The dataset a unit's year comes from and the unit's row in it (see `pick_unit_source`)."""
    level = level_of_system(code_system)
    datasets = available_datasets(con, level)
    present = set(datasets.loc[datasets["year"] == year, "source"])
    for source in ([requested] if requested else SOURCE_PRIORITY):
        if source not in present:
            continue
        results = unit_results(con, level, year, source)
        mine = results[(results["code_system"] == code_system) & (results["code"] == code)]
        if len(mine) and pd.notna(mine["index"].iloc[0]):
            return source, mine.iloc[0]
    return None, None


def pick_unit_source(con: duckdb.DuckDBPyConnection, code_system: str, code: str, year: int,
                     requested: str | None = None) -> str | None:
    """The dataset a unit's year comes from: the requested source only, else the first of upload, published,
    demo that has a value for the unit."""
    return _unit_result(con, code_system, code, year, requested)[0]


def unit_decision(con: duckdb.DuckDBPyConnection, code_system: str, code: str, year: int,
                  source: str | None = None, rules: str | None = None) -> dict:
    """Everything a leader needs about one unit and year (see the module docstring); `source` None picks the
    first of upload, published, demo with the unit, a named source is used alone. `uncertainty` is the rank's
    Monte Carlo interval (metrics.uncertainty, default settings), None where ranks get none (partial table)."""
    level = level_of_system(code_system)
    if level is None:
        raise ValueError(f"{code_system}:{code} is not a province or a ministry")
    info = unit_info(con, code_system, code)
    if info is None:
        raise KeyError(f"no unit {code_system}:{code}")
    unit = {k: info[k] for k in ("code_system", "code", "name_vi", "name_en", "kind", "region")}
    chosen, row = _unit_result(con, code_system, code, year, source)
    # Demo figures sit only beside demo figures: a real (published or uploaded) profile shows no demo history
    # point, survey estimate or plan task.
    allow_demo = chosen == "demo" or (chosen is None and source in (None, "demo"))
    history = unit_history(con, code_system, code)
    if not allow_demo:
        history = history[history["source"] != "demo"].reset_index(drop=True)
    history = _history_with_national(con, level, history) if len(history) else history.assign(national=None)
    decision = {"unit": unit, "level": level, "year": year, "source": chosen, "requested": source,
                "batch_id": None, "index": None, "rank": None, "rank_basis": "not published", "units_total": None,
                "group": None, "appraisal": None, "survey": None, "previous": None,
                "change": {"index": None, "rank": None, "published": False, "basis": "none"},
                "components": pd.DataFrame(columns=COMPONENT_COLUMNS),
                "fields": pd.DataFrame(columns=FIELD_COLUMNS), "lost": pd.DataFrame(columns=LOST_COLUMNS),
                "tasks": pd.DataFrame(columns=TASK_COLUMNS),
                "satisfaction": (_satisfaction(con, code_system, code, year, source, allow_demo)
                                 if level == "province" else pd.DataFrame(columns=SATISFACTION_COLUMNS)),
                "leader": None, "uncertainty": None, "national": {"average": None, "source": None},
                "history": history, "provenance": [], "source_ref": ""}
    if chosen is not None:
        decision.update({
            "batch_id": int(row["batch_id"]), "index": float(row["index"]),
            "rank": None if pd.isna(row["rank"]) else int(row["rank"]), "rank_basis": row["rank_basis"],
            "units_total": int(row["units_total"]) if row["units_total"] else None,
            "group": row["group"] if isinstance(row["group"], str) else None,
            "appraisal": None if pd.isna(row["appraisal"]) else float(row["appraisal"]),
            "survey": None if pd.isna(row["survey"]) else float(row["survey"])})
        decision["components"] = result_components(con, code_system, code, year, chosen)
        decision["previous"], decision["change"] = _change(con, level, year, chosen, code)
        decision["fields"] = _field_table(con, level, code_system, code, year, chosen, decision["change"]["basis"],
                                          row["framework_id"])
        decision["lost"] = _lost(con, code_system, code, year, chosen, decision["fields"])
        decision["tasks"] = _tasks(con, code_system, code, year, decision["lost"], decision["fields"])
        if not allow_demo:
            decision["tasks"] = decision["tasks"][decision["tasks"]["source"] != "demo"].reset_index(drop=True)
        decision["leader"] = _leader(con, level, year, chosen, code, rules or "default")
        decision["national"] = national_average(con, level, year, chosen)
        if decision["rank"] is not None:
            decision["uncertainty"] = unit_rank_interval(con, level, year, chosen, code_system, code)
        decision["source_ref"] = _source_ref(con, decision["batch_id"], code_system, code, year)
    decision["provenance"] = provenance(decision)
    decision["demo"] = any(p["source"] == "demo" for p in decision["provenance"])
    return decision


def provenance(decision: dict) -> list[dict]:
    """One line per kind of figure: what it is, its source and where exactly it comes from (`detail_vi`,
    `detail_en`; `detail` is the English one)."""
    lines = []

    def line(figure_vi: str, figure_en: str, source: str, detail_vi: str, detail_en: str) -> None:
        lines.append({"figure_vi": figure_vi, "figure_en": figure_en, "source": source, "detail_vi": detail_vi,
                      "detail_en": detail_en, "detail": detail_en})

    if decision["source"]:
        ref = f" · {decision['source_ref']}" if decision["source_ref"] else ""
        line("Chỉ số, thứ hạng, nhóm, lĩnh vực", "Index, rank, group, fields", decision["source"],
             f"lô {decision['batch_id']}{ref}", f"batch {decision['batch_id']}{ref}")
    national = decision["national"]
    if national.get("average") is not None:
        if national["basis"] == "computed":
            line("Trung bình cả nước", "National average", national["source"],
                 f"trung bình của tất cả {decision['units_total']} đơn vị",
                 f"mean of all {decision['units_total']} units")
        else:
            ref = national.get("source_ref") or ""
            line("Trung bình cả nước", "National average", national["source"], ref, ref)
    history = decision["history"]
    for source in sorted(set(history["source"])) if len(history) else []:
        years = ", ".join(str(y) for y in history.loc[history["source"] == source, "year"].drop_duplicates())
        line("Diễn biến qua các năm", "History over the years", source, f"năm {years}", f"years {years}")
    for r in decision["satisfaction"].itertuples():
        if pd.notna(r.respondents):
            line(r.label_vi, r.label_en, r.source, f"{int(r.respondents)} người trả lời",
                 f"{int(r.respondents)} respondents")
        else:
            line(r.label_vi, r.label_en, r.source, r.note or "", r.note or "")
    if len(decision["tasks"]):
        for source in sorted(set(decision["tasks"]["source"])):
            line("Nhiệm vụ kế hoạch CCHC", "PAR plan tasks", source, f"kế hoạch năm {decision['year']}",
                 f"plan for {decision['year']}")
    return lines
