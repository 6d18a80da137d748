"""PAR INDEX results: index from criterion points or published totals, ranks with ties, groups, changes.

A figure is always computed from one dataset (one year, level, stage and source): sources never mix.
"""
from __future__ import annotations

import duckdb
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
    """Group code from the framework's bands (a band holds index >= its min_index, highest band first)."""
    ordered = bands.sort_values("min_index", ascending=False)

    def group_of(value: float) -> str | None:
        if pd.isna(value):
            return None
        for band in ordered.itertuples():
            if round(value, PRECISION) >= band.min_index:
                return band.group_code
        return None

    return pd.Series([group_of(v) for v in index], index=index.index, dtype="object")


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


def unit_results(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str) -> pd.DataFrame:
    """One row per unit in the dataset: points, index, rank, group, with the dataset's batch and framework."""
    system = system_for_year(level, year)
    framework = framework_for(con, level, year)
    scores = con.execute(
        """
        SELECT s.unit_system AS code_system, s.unit_code AS code, s.framework_id, min(s.batch_id) AS batch_id,
               sum(CASE WHEN c.component = 'appraisal' THEN s.points ELSE 0 END) AS appraisal,
               sum(CASE WHEN c.component = 'survey' THEN s.points ELSE 0 END) AS survey,
               sum(s.points) AS total, count(*) AS criteria_scored,
               (SELECT count(*) FROM framework_criterion k WHERE k.framework_id = s.framework_id) AS criteria_total,
               f.appraisal_max + f.survey_max AS max_points
        FROM par_score s JOIN batch b USING (batch_id)
        JOIN framework_criterion c ON c.framework_id = s.framework_id AND c.criterion_code = s.criterion_code
        JOIN framework f ON f.framework_id = s.framework_id
        WHERE b.status = 'current' AND b.source = ? AND s.level = ? AND s.year = ? AND s.stage = 'appraised'
        GROUP BY s.unit_system, s.unit_code, s.framework_id, f.appraisal_max, f.survey_max
        """,
        [source, level, year],
    ).df()
    if len(scores):
        scores["index"] = scores["total"] / scores["max_points"] * 100
        scores["complete"] = scores["criteria_scored"] == scores["criteria_total"]
        scores["rank"] = rank_with_ties(scores["index"])
        scores["rank_basis"] = "computed"
        frame = scores
        band_table = bands(con, scores["framework_id"].iloc[0])
        frame["group"] = assign_group(frame["index"], band_table)
        frame["note"] = None
    else:
        frame = con.execute(
            """
            SELECT t.unit_system AS code_system, t.unit_code AS code, t.framework_id, t.batch_id, t.appraisal,
                   t.survey, t.total, coalesce(t.index_pct, t.total) AS index, t.rank, t.rank_basis,
                   t.group_code AS published_group, t.note, TRUE AS complete
            FROM par_total t JOIN batch b USING (batch_id)
            WHERE b.status = 'current' AND b.source = ? AND t.level = ? AND t.year = ? AND t.stage = 'appraised'
            """,
            [source, level, year],
        ).df()
        if framework is not None and len(frame):
            computed = assign_group(frame["index"], bands(con, framework["framework_id"]))
            frame["group"] = frame["published_group"].astype("object").where(frame["published_group"].notna(), computed)
        else:
            frame["group"] = frame.get("published_group")
        frame["rank"] = frame["rank"].astype("Int64")
    names = con.execute(
        "SELECT code, name_vi, name_en, region FROM unit WHERE code_system = ?", [system]).df()
    frame = frame.merge(names, on="code", how="left")
    frame["index"] = frame["index"].astype("float64")
    frame = frame.sort_values(["rank", "index"], ascending=[True, False], na_position="last").reset_index(drop=True)
    columns = ["code_system", "code", "name_vi", "name_en", "region", "appraisal", "survey", "total", "index",
               "rank", "rank_basis", "group", "complete", "framework_id", "batch_id", "note"]
    return frame[columns]


def identity_links(con: duckdb.DuckDBPyConnection, level: str, year: int) -> pd.DataFrame:
    """Map each unit of `year` to itself in `year - 1`, or across the reorganisation when it continued whole."""
    now, before = system_for_year(level, year), system_for_year(level, year - 1)
    if now == before:
        return con.execute("SELECT code AS code, code AS prev_code, 'same' AS basis FROM unit WHERE code_system = ?",
                           [now]).df()
    return con.execute(
        """
        SELECT to_code AS code, from_code AS prev_code, 'continued' AS basis FROM unit_lineage
        WHERE from_system = ? AND to_system = ? AND relation = 'continued'
        """,
        [before, now],
    ).df()


def year_change(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str) -> pd.DataFrame:
    """Change of index and rank against the previous year, same source; NA where there is no comparable unit.

    `delta_rank` > 0 means the unit rose; it is NA across the 2025 reorganisation, where the number of
    units changed. `framework_changed` flags comparisons across criteria versions.
    """
    current = unit_results(con, level, year, source)
    previous = unit_results(con, level, year - 1, source)
    links = identity_links(con, level, year)
    merged = current.merge(links, on="code", how="left").merge(
        previous[["code", "index", "rank", "framework_id"]].rename(
            columns={"code": "prev_code", "index": "prev_index", "rank": "prev_rank", "framework_id": "prev_framework"}),
        on="prev_code", how="left")
    merged["delta_index"] = (merged["index"].round(PRECISION) - merged["prev_index"].round(PRECISION)).round(PRECISION)
    merged["delta_rank"] = (merged["prev_rank"] - merged["rank"]).astype("Int64")
    if system_for_year(level, year) != system_for_year(level, year - 1):
        # A rank among 63 provinces (or 17 ministries) and a rank among 34 (or 12) do not compare.
        merged["delta_rank"] = pd.array([pd.NA] * len(merged), dtype="Int64")
    this_fw = framework_for(con, level, year)
    prev_fw = framework_for(con, level, year - 1)
    merged["framework_changed"] = bool(this_fw and prev_fw and this_fw["framework_id"] != prev_fw["framework_id"])
    return merged


def published_average(con: duckdb.DuckDBPyConnection, level: str, year: int) -> dict | None:
    """The national average MoHA published for that year and level, with its source, if we have it."""
    scope = "provinces" if level == "province" else "ministries"
    rows = con.execute(
        "SELECT value_num, source_ref FROM published_stat WHERE dataset = 'par_national' AND year = ? AND scope = ? "
        "AND metric = 'average PAR Index (%)' AND value_num IS NOT NULL", [year, scope]).fetchall()
    return {"value": rows[0][0], "source_ref": rows[0][1]} if rows else None
