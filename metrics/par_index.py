"""PAR INDEX results: index from criterion points or published totals, ranks with ties, groups, changes.

A figure is always computed from one dataset (one year, level, stage and source): sources never mix.
"""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

PRECISION = 2  # the index is published, compared and ranked at 2 decimals
SOURCE_PRIORITY = ("upload", "published", "demo")
LEVEL_SYSTEMS = {"province": ("vn63", "vn34"), "ministry": ("ministry-2021", "ministry-2025")}


def system_for_year(level: str, year: int) -> str:
    """The code system a year's results use: the old systems up to 2024, the new ones from 2025."""
    old, new = LEVEL_SYSTEMS[level]
    return new if year >= 2025 else old


def rank_with_ties(index: pd.Series) -> pd.Series:
    """Rank descending at the published precision; equal values share a rank and the next skips (1, 2, 2, 4)."""
    return index.round(PRECISION).rank(method="min", ascending=False).astype("Int64")


def assign_group(index: pd.Series, bands: pd.DataFrame) -> pd.Series:
    """Group code from the framework's bands (a band holds index >= its min_index, highest band first),
    compared at the published precision; no value, no group."""
    ordered = bands.sort_values("min_index", ascending=False)
    rounded = index.astype("float64").round(PRECISION).to_numpy()
    conditions = [rounded >= band for band in ordered["min_index"].to_numpy()]
    groups = np.select(conditions, ordered["group_code"].to_numpy().astype(object), default=None)
    return pd.Series(groups, index=index.index, dtype="object")


def framework_for(con: duckdb.DuckDBPyConnection, level: str, year: int) -> dict | None:
    rows = con.execute(
        "SELECT * FROM framework WHERE level = ? AND first_year <= ? AND (last_year IS NULL OR last_year >= ?)",
        [level, year, year],
    ).df()
    return rows.iloc[0].to_dict() if len(rows) else None


def bands(con: duckdb.DuckDBPyConnection, framework_id: str) -> pd.DataFrame:
    return con.execute(
        "SELECT group_code, min_index, label_vi, label_en FROM framework_band WHERE framework_id = ? "
        "ORDER BY min_index DESC", [framework_id]).df()


def available_datasets(con: duckdb.DuckDBPyConnection, level: str) -> pd.DataFrame:
    """Current appraised datasets of a level: year, source, shape (scores or totals), units covered and total."""
    frame = con.execute(
        """
        WITH d AS (
            SELECT s.year, b.source, 'scores' AS shape, s.unit_system, count(DISTINCT s.unit_code) AS covered,
                   min(b.batch_id) AS batch_id
            FROM par_score s JOIN batch b USING (batch_id)
            WHERE b.status = 'current' AND s.level = ? AND s.stage = 'appraised'
            GROUP BY ALL
            UNION ALL
            SELECT t.year, b.source, 'totals', t.unit_system, count(t.index_pct), min(b.batch_id)
            FROM par_total t JOIN batch b USING (batch_id)
            WHERE b.status = 'current' AND t.level = ? AND t.stage = 'appraised'
            GROUP BY ALL
        )
        SELECT d.*, (SELECT count(*) FROM unit u WHERE u.code_system = d.unit_system AND u.assessed) AS units_total
        FROM d ORDER BY year, source
        """,
        [level, level],
    ).df()
    return frame


def pick_source(datasets: pd.DataFrame, year: int, requested: str | None = None) -> str | None:
    """The requested source when it exists for that year, else upload, then published, then demo."""
    present = set(datasets.loc[datasets["year"] == year, "source"])
    if requested in present:
        return requested
    return next((s for s in SOURCE_PRIORITY if s in present), None)


_RESULT_COLUMNS = ["code_system", "code", "name_vi", "name_en", "region", "appraisal", "survey", "total", "index",
                   "rank", "rank_basis", "group", "complete", "framework_id", "batch_id", "note"]

# Scoring and ranking from criterion points in one query: points per component, index = points / maximum
# x 100, rank with ties on the 2-decimal index (1, 2, 2, 4). Kept to few joins: it runs for every view.
_SCORES_SQL = """
WITH sizes AS (SELECT framework_id, count(*) AS criteria_total, sum(max_points) AS max_points
               FROM framework_criterion GROUP BY 1),
totals AS (
    SELECT s.unit_system AS code_system, s.unit_code AS code, s.framework_id, min(s.batch_id) AS batch_id,
           coalesce(sum(s.points) FILTER (WHERE c.component = 'appraisal'), 0) AS appraisal,
           coalesce(sum(s.points) FILTER (WHERE c.component = 'survey'), 0) AS survey,
           sum(s.points) AS total, count(*) AS scored
    FROM par_score s
    JOIN framework_criterion c ON c.framework_id = s.framework_id AND c.criterion_code = s.criterion_code
    WHERE s.batch_id IN (SELECT batch_id FROM batch WHERE status = 'current' AND source = ?)
      AND s.level = ? AND s.year = ? AND s.stage = 'appraised' AND (? IS NULL OR s.unit_system = ?)
    GROUP BY ALL
)
SELECT t.code_system, t.code, u.name_vi, u.name_en, u.region, t.appraisal, t.survey, t.total,
       t.total / z.max_points * 100 AS index,
       CAST(rank() OVER (ORDER BY round(t.total / z.max_points * 100, 2) DESC) AS INTEGER) AS rank,
       'computed' AS rank_basis, t.scored = z.criteria_total AS complete, t.framework_id, t.batch_id, NULL AS note
FROM totals t JOIN sizes z USING (framework_id)
LEFT JOIN unit u ON u.code_system = t.code_system AND u.code = t.code
ORDER BY rank, index DESC
"""


def unit_results(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str,
                 system: str | None = None) -> pd.DataFrame:
    """One row per unit in the dataset: points, index, rank, group, with the dataset's batch and framework.

    From criterion points the index and rank are computed; from a results table they are as given
    (a missing group is computed from the year's framework bands). For a province's or ministry's own
    index (level department, district or commune) `system` names whose units, e.g. vn34-22-department.
    """
    frame = con.execute(_SCORES_SQL, [source, level, year, system, system]).df()
    if len(frame):
        frame["rank"] = frame["rank"].astype("Int64")
        frame["group"] = assign_group(frame["index"], bands(con, frame["framework_id"].iloc[0]))
        return frame[_RESULT_COLUMNS]
    framework = framework_for(con, level, year)
    frame = con.execute(
        """
        SELECT t.unit_system AS code_system, t.unit_code AS code, u.name_vi, u.name_en, u.region, t.framework_id,
               t.batch_id, t.appraisal, t.survey, t.total, coalesce(t.index_pct, t.total) AS index, t.rank,
               t.rank_basis, t.group_code AS published_group, t.note, TRUE AS complete
        FROM par_total t JOIN batch b USING (batch_id)
        LEFT JOIN unit u ON u.code_system = t.unit_system AND u.code = t.unit_code
        WHERE b.status = 'current' AND b.source = ? AND t.level = ? AND t.year = ? AND t.stage = 'appraised'
        """,
        [source, level, year],
    ).df()
    if framework is not None and len(frame):
        computed = assign_group(frame["index"], bands(con, framework["framework_id"]))
        frame["group"] = frame["published_group"].astype("object").where(frame["published_group"].notna(), computed)
    else:
        frame["group"] = frame["published_group"].astype("object")
    frame["rank"] = frame["rank"].astype("Int64")
    frame["index"] = frame["index"].astype("float64")
    frame = frame.sort_values(["rank", "index"], ascending=[True, False], na_position="last").reset_index(drop=True)
    return frame[_RESULT_COLUMNS]


def identity_links(con: duckdb.DuckDBPyConnection, level: str, year: int) -> pd.DataFrame:
    """How each unit of `year` relates to units of `year - 1`: itself ('same'), a unit the 2025
    reorganisation left whole ('continued'), or the predecessors it was merged from ('reconstructed')."""
    now, before = system_for_year(level, year), system_for_year(level, year - 1)
    if now == before:
        return con.execute("SELECT code, code AS prev_code, 'same' AS basis FROM unit WHERE code_system = ?",
                           [now]).df()
    return con.execute(
        """
        SELECT to_code AS code, from_code AS prev_code,
               CASE WHEN relation = 'continued' THEN 'continued' ELSE 'reconstructed' END AS basis
        FROM unit_lineage WHERE from_system = ? AND to_system = ?
        """,
        [before, now],
    ).df()


def year_change(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str) -> pd.DataFrame:
    """Change of index and rank against the previous year, same source; NA where nothing compares.

    A unit merged from several predecessors is compared with their plain (equal-weight) mean, and only
    when every predecessor has a value; `change_basis` says which comparison was made. `delta_rank` > 0
    means the unit rose; it is NA across the 2025 reorganisation, where the number of units changed.
    `framework_changed` flags comparisons across criteria versions.
    """
    current = unit_results(con, level, year, source)
    previous = unit_results(con, level, year - 1, source)
    links = identity_links(con, level, year)
    joined = links.merge(previous[["code", "index", "rank"]].rename(columns={"code": "prev_code"}),
                         on="prev_code", how="left")
    grouped = joined.groupby("code").agg(
        predecessors=("prev_code", "count"), with_value=("index", "count"), prev_index=("index", "mean"),
        prev_rank=("rank", "first"), change_basis=("basis", "first"),
        from_units=("prev_code", lambda codes: "; ".join(sorted(codes))))
    grouped.loc[grouped["with_value"] < grouped["predecessors"], "prev_index"] = float("nan")
    merged = current.merge(grouped.reset_index(), on="code", how="left")
    merged["delta_index"] = (merged["index"].round(PRECISION) - merged["prev_index"].round(PRECISION)).round(PRECISION)
    merged["delta_rank"] = (merged["prev_rank"].astype("Float64") - merged["rank"].astype("Float64")).astype("Int64")
    if system_for_year(level, year) != system_for_year(level, year - 1):
        # A rank among 63 provinces (or 17 ministries) and a rank among 34 (or 12) do not compare.
        merged["delta_rank"] = pd.array([pd.NA] * len(merged), dtype="Int64")
    merged.loc[merged["delta_index"].isna(), "change_basis"] = None
    this_fw = framework_for(con, level, year)
    prev_fw = framework_for(con, level, year - 1)
    merged["framework_changed"] = bool(this_fw and prev_fw and this_fw["framework_id"] != prev_fw["framework_id"])
    return merged.drop(columns=["predecessors", "with_value"])


def published_average(con: duckdb.DuckDBPyConnection, level: str, year: int) -> dict | None:
    """The national average MoHA published for that year and level, with its source, if we have it."""
    scope = "provinces" if level == "province" else "ministries"
    rows = con.execute(
        "SELECT value_num, source_ref FROM published_stat WHERE dataset = 'par_national' AND year = ? AND scope = ? "
        "AND metric = 'average PAR Index (%)' AND value_num IS NOT NULL", [year, scope]).fetchall()
    return {"value": rows[0][0], "source_ref": rows[0][1]} if rows else None
