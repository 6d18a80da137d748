"""One unit's profile: its index over the years, its fields against the country, where it lost points."""
from __future__ import annotations

import duckdb
import pandas as pd

from metrics.par_index import LEVEL_SYSTEMS, SOURCE_PRIORITY, available_datasets, results_by_year, system_for_year
from metrics.ranking import FIELD_SUMMARY_COLUMNS, field_indices, field_summary


def level_of_system(code_system: str) -> str | None:
    return next((level for level, systems in LEVEL_SYSTEMS.items() if code_system in systems), None)


def unit_info(con: duckdb.DuckDBPyConnection, code_system: str, code: str) -> dict | None:
    """The unit with its lineage (predecessors and successors, with date and legal act)."""
    rows = con.execute("SELECT * FROM unit WHERE code_system = ? AND code = ?", [code_system, code]).df()
    if rows.empty:
        return None
    info = rows.iloc[0].to_dict()
    info["predecessors"] = con.execute(
        "SELECT l.from_system, l.from_code, u.name_vi, u.name_en, l.relation, l.effective_date, l.legal_act FROM unit_lineage l "
        "JOIN unit u ON u.code_system = l.from_system AND u.code = l.from_code "
        "WHERE l.to_system = ? AND l.to_code = ? ORDER BY 2", [code_system, code]).df()
    info["successors"] = con.execute(
        "SELECT l.to_system, l.to_code, u.name_vi, u.name_en, l.relation, l.effective_date, l.legal_act FROM unit_lineage l "
        "JOIN unit u ON u.code_system = l.to_system AND u.code = l.to_code "
        "WHERE l.from_system = ? AND l.from_code = ? ORDER BY 2", [code_system, code]).df()
    return info


def unit_history(con: duckdb.DuckDBPyConnection, code_system: str, code: str) -> pd.DataFrame:
    """Index and rank per year, each from one dataset labelled with its source: the first of upload,
    published, demo that has the unit (partial published tables often do not). Years in the other code
    system follow the lineage: a unit left whole keeps its line; predecessors and successors say so."""
    level = level_of_system(code_system)
    datasets = available_datasets(con, level)
    own_new = code_system in ("vn34", "ministry-2025")
    links = con.execute(
        "SELECT from_code, to_code, relation FROM unit_lineage WHERE (to_system = ? AND to_code = ?) "
        "OR (from_system = ? AND from_code = ?)", [code_system, code, code_system, code]).df()
    sizes = dict(con.execute("SELECT code_system, count(*) FROM unit WHERE assessed GROUP BY 1").fetchall())
    scored: dict[str, dict[int, pd.DataFrame]] = {}

    def results_of(source: str, year: int) -> pd.DataFrame:
        # Every year of a source scored at once, the first time the source is needed.
        if source not in scored:
            scored[source] = results_by_year(con, level, datasets.loc[datasets["source"] == source, "year"], source)
        return scored[source][year]

    rows = []
    for year in sorted({int(y) for y in datasets["year"]}):
        system = system_for_year(level, year)
        if system == code_system:
            wanted = {code: "own"}
        elif own_new:   # a new unit's years before the reorganisation: its predecessors
            wanted = {r.from_code: ("own" if r.relation == "continued" else "predecessor") for r in links.itertuples()}
        else:           # an old unit's years after: its successor (itself, if the merger left it whole)
            wanted = {r.to_code: ("own" if r.relation == "continued" else "successor") for r in links.itertuples()}
        if not wanted:
            continue
        present = set(datasets.loc[datasets["year"] == year, "source"])
        for source in [s for s in SOURCE_PRIORITY if s in present]:
            results = results_of(source, year)
            found = results[results["code"].isin(list(wanted)) & results["index"].notna()]
            if len(found):
                break
        for r in found.itertuples():
            rows.append({"year": year, "code_system": r.code_system, "code": r.code, "name_vi": r.name_vi,
                         "name_en": r.name_en, "index": r.index, "rank": r.rank, "group": r.group, "source": source,
                         "role": wanted[r.code], "units_ranked": sizes.get(r.code_system)})
    return pd.DataFrame(rows, columns=["year", "code_system", "code", "name_vi", "name_en", "index", "rank", "group",
                                       "source", "role", "units_ranked"])


def fields_against_country(con: duckdb.DuckDBPyConnection, code_system: str, code: str, year: int,
                           source: str) -> pd.DataFrame:
    """Per field: the unit's index and rank, the national average and the best unit's index and name(s)."""
    level = level_of_system(code_system)
    fields = field_indices(con, level, year, source)
    if fields.empty:
        return pd.DataFrame(columns=["field_code", "name_vi", "name_en", "index", "field_rank",
                                     *FIELD_SUMMARY_COLUMNS[1:]])
    # The national average and the best unit need the whole field; from a partial table they are not shown.
    summary = field_summary(con, level, year, source, fields)
    mine = fields[fields["code"] == code][["field_code", "index", "field_rank"]]
    names = con.execute(
        "SELECT f.field_code, f.name_vi, f.name_en, f.position FROM framework_field f WHERE f.framework_id = "
        "(SELECT any_value(framework_id) FROM framework WHERE level = ? AND first_year <= ? "
        "AND (last_year IS NULL OR last_year >= ?))", [level, year, year]).df()
    table = names.merge(mine, on="field_code", how="left").merge(summary, on="field_code", how="left")
    return table.sort_values("position").drop(columns="position").reset_index(drop=True)


def lost_points(con: duckdb.DuckDBPyConnection, code_system: str, code: str, year: int, source: str,
                stage: str = "appraised") -> pd.DataFrame:
    """Every criterion with the points the unit lost (maximum - achieved), most lost first."""
    return con.execute(
        """
        SELECT c.field_code, f.name_vi AS field_vi, f.name_en AS field_en, c.criterion_code, c.name_vi, c.name_en,
               c.component, c.max_points, s.points, round(c.max_points - s.points, 2) AS lost,
               -- whether the criterion's maximum rests on an official text (the framework file's mark)
               coalesce(m.official, FALSE) AS max_official
        FROM par_score s JOIN batch b USING (batch_id)
        JOIN framework_criterion c ON c.framework_id = s.framework_id AND c.criterion_code = s.criterion_code
        LEFT JOIN content_mark m ON m.content = 'framework' AND m.content_id = c.framework_id
             AND m.item_kind = 'criterion' AND m.item_code = c.criterion_code AND m.aspect = 'max_points'
        JOIN framework_field f ON f.framework_id = s.framework_id AND f.field_code = c.field_code
        WHERE b.status = 'current' AND b.source = ? AND s.unit_system = ? AND s.unit_code = ? AND s.year = ?
          AND s.stage = ?
        ORDER BY lost DESC, c.position
        """, [source, code_system, code, year, stage]).df()


def self_vs_appraised(con: duckdb.DuckDBPyConnection, code_system: str, code: str, year: int,
                      source: str) -> pd.DataFrame:
    """Per field: self-assessed and appraised points and the gap, where both stages are loaded."""
    return con.execute(
        """
        SELECT c.field_code, any_value(f.name_vi) AS name_vi, any_value(f.name_en) AS name_en,
               sum(s.points) FILTER (WHERE s.stage = 'self') AS self_points,
               sum(s.points) FILTER (WHERE s.stage = 'appraised') AS appraised_points,
               round(sum(s.points) FILTER (WHERE s.stage = 'self')
                     - sum(s.points) FILTER (WHERE s.stage = 'appraised'), 2) AS gap
        FROM par_score s JOIN batch b USING (batch_id)
        JOIN framework_criterion c ON c.framework_id = s.framework_id AND c.criterion_code = s.criterion_code
        JOIN framework_field f ON f.framework_id = s.framework_id AND f.field_code = c.field_code
        WHERE b.status = 'current' AND b.source = ? AND s.unit_system = ? AND s.unit_code = ? AND s.year = ?
        GROUP BY c.field_code HAVING count(*) FILTER (WHERE s.stage = 'self') > 0
           AND count(*) FILTER (WHERE s.stage = 'appraised') > 0
        ORDER BY min(f.position)
        """, [source, code_system, code, year]).df()
