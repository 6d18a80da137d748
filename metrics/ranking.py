"""The rankings table: index, group, components, change, field indices and their ranks; regional averages."""
from __future__ import annotations

import duckdb
import pandas as pd

from metrics.par_index import field_size, rank_with_ties, system_for_year, year_change
from metrics.rounding import exact_mean, round_series

RANKING_COLUMNS = ["rank", "code_system", "code", "name", "index", "group", "appraisal", "survey", "delta_index",
                   "delta_rank"]


def field_indices(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str,
                  stage: str = "appraised") -> pd.DataFrame:
    """Each unit's field (component) index: field points / field maximum x 100 from criterion scores,
    or as given in a results table. Columns: code, field_code, index, field_rank."""
    frame = con.execute(
        """
        SELECT s.unit_code AS code, c.field_code, sum(s.points) / any_value(f.max_points) * 100 AS index
        FROM par_score s JOIN batch b USING (batch_id)
        JOIN framework_criterion c ON c.framework_id = s.framework_id AND c.criterion_code = s.criterion_code
        JOIN framework_field f ON f.framework_id = s.framework_id AND f.field_code = c.field_code
        WHERE b.status = 'current' AND b.source = ? AND s.level = ? AND s.year = ? AND s.stage = ?
        GROUP BY s.unit_code, c.field_code
        """, [source, level, year, stage]).df()
    if frame.empty:
        frame = con.execute(
            """
            SELECT i.unit_code AS code, i.field_code, i.index_pct AS index
            FROM par_field_index i JOIN batch b USING (batch_id)
            WHERE b.status = 'current' AND b.source = ? AND i.level = ? AND i.year = ? AND i.stage = ?
            """, [source, level, year, stage]).df()
    frame["index"] = round_series(frame["index"])
    whole = field_size(con, level, year)
    frame["field_rank"] = frame.groupby("field_code")["index"].transform(
        lambda values: rank_with_ties(values) if values.notna().sum() >= whole
        else pd.Series(pd.NA, index=values.index, dtype="Int64")).astype("Int64")
    return frame


FIELD_SUMMARY_COLUMNS = ["field_code", "average", "best", "best_vi", "best_en"]


def field_summary(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str,
                  indices: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per field with a value for every unit of the field: the national average field index, the best index and
    the unit(s) holding it; a partial field has no row (neither figure can be told from part of the field).
    `indices` is `field_indices` of the same dataset when the caller has it already."""
    indices = field_indices(con, level, year, source) if indices is None else indices
    whole = field_size(con, level, year)
    names = con.execute("SELECT code, name_vi, name_en FROM unit WHERE code_system = ?",
                        [system_for_year(level, year)]).df().set_index("code")
    rows = []
    for field_code, group in indices.groupby("field_code"):
        if group["index"].notna().sum() < whole:
            continue
        best = group["index"].max()
        leaders = names.reindex(group.loc[group["index"] == best, "code"])
        rows.append({"field_code": field_code, "average": exact_mean(group["index"]), "best": best,
                     "best_vi": "; ".join(leaders["name_vi"].dropna()),
                     "best_en": "; ".join(leaders["name_en"].dropna())})
    return pd.DataFrame(rows, columns=FIELD_SUMMARY_COLUMNS)


def ranking_table(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str, lang: str = "vi") -> pd.DataFrame:
    """One row per unit: rank, keys, name, index, group, components, change, and one column per field index."""
    change = year_change(con, level, year, source)
    change["name"] = change["name_vi" if lang == "vi" else "name_en"]
    fields = field_indices(con, level, year, source)
    table = change[RANKING_COLUMNS + ["change_basis", "complete", "rank_basis", "region", "batch_id",
                                      "units_total"]].copy()
    if not fields.empty:
        wide = fields.pivot(index="code", columns="field_code", values="index")
        wide.columns = [f"field_{c}" for c in wide.columns]
        table = table.merge(wide, left_on="code", right_index=True, how="left")
    table["units_covered"] = int(table["index"].notna().sum())
    return table.reset_index(drop=True)


def regional_averages(results: pd.DataFrame) -> pd.DataFrame:
    """Mean index per socio-economic region of the units with a value (a new province spanning two
    regions has none). Columns: region, units, average."""
    valued = results[results["index"].notna() & results["region"].notna()]
    grouped = valued.groupby("region")["index"].agg(units="count", average=exact_mean).reset_index()
    return grouped.sort_values("average", ascending=False)


def self_assessment_gaps(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str) -> pd.DataFrame:
    """Units whose self-assessed points most exceed the appraised ones (same source, same criteria)."""
    system = system_for_year(level, year)
    return con.execute(
        """
        WITH stage_totals AS (
            SELECT s.unit_code AS code, s.stage, sum(s.points) AS points
            FROM par_score s JOIN batch b USING (batch_id)
            WHERE b.status = 'current' AND b.source = ? AND s.level = ? AND s.year = ?
            GROUP BY ALL
        )
        SELECT a.code, u.name_vi, u.name_en, s.points AS self_points, a.points AS appraised_points,
               round(s.points - a.points, 2) AS gap
        FROM stage_totals a JOIN stage_totals s ON s.code = a.code AND s.stage = 'self'
        JOIN unit u ON u.code_system = ? AND u.code = a.code
        WHERE a.stage = 'appraised'
        ORDER BY gap DESC
        """, [source, level, year, system]).df()
