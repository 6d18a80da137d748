"""The PAR INDEX results as computed before the speed-up of issue #16: the reference the optimised
metrics.par_index and metrics.ranking must equal, figure for figure (tests/metrics/test_ranking_equivalence.py).

Copied from those modules as they were: several queries per call, Decimal rounding row by row, pandas group-bys.
Do not optimise this file; it is the straightforward computation.
"""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from metrics.par_index import LEVEL_SYSTEMS, rank_basis_kind, system_for_year
from metrics.rounding import difference, exact_mean, hundredths, round_series, to_decimal


def rank_with_ties(index: pd.Series) -> pd.Series:
    """Rank descending at the published precision (half-up, exact); equal values share a rank and the next
    skips (1, 2, 2, 4)."""
    return hundredths(index).astype("float64").rank(method="min", ascending=False).astype("Int64")


def assign_group(index: pd.Series, bands: pd.DataFrame) -> pd.Series:
    """Group code from the framework's bands (a band holds index >= its min_index, highest band first),
    compared exactly at the published precision (89.995 rounds to 90.00: group A); no value, no group."""
    if bands.empty:
        return pd.Series([None] * len(index), index=index.index, dtype="object")
    ordered = bands.sort_values("min_index", ascending=False)
    keys = hundredths(index)
    valued = keys.notna().to_numpy()
    rounded = keys.fillna(-1).astype("int64").to_numpy()
    conditions = [valued & (rounded >= int(to_decimal(band) * 100)) for band in ordered["min_index"].to_numpy()]
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


def assessed_units(con: duckdb.DuckDBPyConnection, system: str) -> int:
    """How many units of a code system are assessed (ranked) in a year's PAR INDEX: the whole field."""
    return con.execute("SELECT count(*) FROM unit WHERE code_system = ? AND assessed", [system]).fetchall()[0][0]


_RESULT_COLUMNS = ["code_system", "code", "name_vi", "name_en", "region", "appraisal", "survey", "total", "index",
                   "rank", "rank_basis", "group", "complete", "framework_id", "batch_id", "note", "published_change"]

# Scoring and ranking from criterion points in one query: points per component, index = points / maximum
# x 100, rank with ties on the 2-decimal index (1, 2, 2, 4). Points are summed as integer ten-thousandths and the
# index is rounded half-up in integer hundredths ((2a + b) // 2b), so no binary float decides a tie or a band.
# Kept to few joins: it runs for every view.
_SCORES_SQL = """
WITH sizes AS (SELECT framework_id, count(*) AS criteria_total,
                      sum(CAST(round(max_points * 10000) AS BIGINT)) AS max_e4
               FROM framework_criterion GROUP BY 1),
totals AS (
    SELECT s.unit_system AS code_system, s.unit_code AS code, s.framework_id, min(s.batch_id) AS batch_id,
           coalesce(sum(CAST(round(s.points * 10000) AS BIGINT)) FILTER (WHERE c.component = 'appraisal'), 0)
               AS appraisal_e4,
           coalesce(sum(CAST(round(s.points * 10000) AS BIGINT)) FILTER (WHERE c.component = 'survey'), 0)
               AS survey_e4,
           sum(CAST(round(s.points * 10000) AS BIGINT)) AS total_e4, count(*) AS scored
    FROM par_score s
    JOIN framework_criterion c ON c.framework_id = s.framework_id AND c.criterion_code = s.criterion_code
    WHERE s.batch_id IN (SELECT batch_id FROM batch WHERE status = 'current' AND source = ?)
      AND s.level = ? AND s.year = ? AND s.stage = 'appraised' AND (? IS NULL OR s.unit_system = ?)
    GROUP BY ALL
),
scored AS (
    SELECT t.*, z.criteria_total, (2 * t.total_e4 * 10000 + z.max_e4) // (2 * z.max_e4) AS index_h
    FROM totals t JOIN sizes z USING (framework_id)
)
SELECT t.code_system, t.code, u.name_vi, u.name_en, u.region, t.appraisal_e4 / 10000 AS appraisal,
       t.survey_e4 / 10000 AS survey, t.total_e4 / 10000 AS total, t.index_h / 100 AS index,
       CAST(rank() OVER (ORDER BY t.index_h DESC) AS INTEGER) AS rank,
       'computed' AS rank_basis, t.scored = t.criteria_total AS complete, t.framework_id, t.batch_id, NULL AS note,
       CAST(NULL AS DOUBLE) AS published_change
FROM scored t
LEFT JOIN unit u ON u.code_system = t.code_system AND u.code = t.code
ORDER BY rank, index DESC
"""


def field_size(con: duckdb.DuckDBPyConnection, level: str, year: int, system: str | None = None) -> int:
    """The whole field a rank is taken among: the assessed units of the year's code system, or for a
    province's or ministry's own index (`system` such as vn34-22-department) every unit of that system."""
    if system is not None and level not in LEVEL_SYSTEMS:
        return con.execute("SELECT count(*) FROM unit WHERE code_system = ?", [system]).fetchall()[0][0]
    return assessed_units(con, system or system_for_year(level, year))


def unit_results(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str,
                 system: str | None = None) -> pd.DataFrame:
    """One row per unit in the dataset: points, index, rank, group, with the dataset's batch and framework.

    From criterion points the index is computed, and ranked only when the dataset covers the whole field.
    From a results table a rank is as the table states it (`rank_basis`: stated, deduced, listed); a table
    without ranks is ranked here (tie rule, basis 'computed') only when it covers every unit assessed that
    year and level, else its ranks are 'not published'. A missing group is computed from the year's bands.
    For a province's or ministry's own index (level department, district or commune) `system` names whose
    units, e.g. vn34-22-department. `units_total` is the size of the field.
    """
    total_units = field_size(con, level, year, system)
    frame = con.execute(_SCORES_SQL, [source, level, year, system, system]).df()
    if len(frame):
        frame["rank"] = frame["rank"].astype("Int64")
        if total_units == 0 or frame["index"].notna().sum() < total_units:
            # A rank among the k units someone loaded is not a rank among all n.
            frame["rank"] = pd.array([pd.NA] * len(frame), dtype="Int64")
            frame["rank_basis"] = "not published"
        frame["group"] = assign_group(frame["index"], bands(con, frame["framework_id"].iloc[0]))
        return frame[_RESULT_COLUMNS].assign(units_total=total_units)
    framework = framework_for(con, level, year)
    frame = con.execute(
        """
        SELECT t.unit_system AS code_system, t.unit_code AS code, u.name_vi, u.name_en, u.region, t.framework_id,
               t.batch_id, t.appraisal, t.survey, t.total, coalesce(t.index_pct, t.total) AS index, t.rank,
               t.rank_basis, t.group_code AS published_group, t.note, TRUE AS complete,
               t.change_pct AS published_change
        FROM par_total t JOIN batch b USING (batch_id)
        LEFT JOIN unit u ON u.code_system = t.unit_system AND u.code = t.unit_code
        WHERE b.status = 'current' AND b.source = ? AND t.level = ? AND t.year = ? AND t.stage = 'appraised'
        """,
        [source, level, year],
    ).df()
    frame["index"] = round_series(frame["index"])
    if framework is not None and len(frame):
        computed = assign_group(frame["index"], bands(con, framework["framework_id"]))
        frame["group"] = frame["published_group"].astype("object").where(frame["published_group"].notna(), computed)
    else:
        frame["group"] = frame["published_group"].astype("object")
    frame["rank"] = frame["rank"].astype("Int64")
    stated = frame["rank"].notna()
    frame["rank_basis"] = [rank_basis_kind(text) or "stated" if has else "not published"
                           for text, has in zip(frame["rank_basis"], stated)]
    if not stated.any() and len(frame) and total_units and frame["index"].notna().sum() >= total_units:
        frame["rank"] = rank_with_ties(frame["index"])
        frame["rank_basis"] = "computed"
    frame = frame.sort_values(["rank", "index"], ascending=[True, False], na_position="last").reset_index(drop=True)
    return frame[_RESULT_COLUMNS].assign(units_total=total_units)


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
    when every predecessor has a value; `change_basis` says which comparison was made ('same', 'continued',
    'reconstructed', or 'published' where the release itself states the change).
    Changes are exact differences of the 2-decimal values. `delta_rank` > 0 means the unit rose; it is NA
    across the 2025 reorganisation, where the number of units changed, and where either rank is not published.
    `framework_changed` flags comparisons across criteria versions.
    """
    current = unit_results(con, level, year, source)
    previous = unit_results(con, level, year - 1, source)
    links = identity_links(con, level, year)
    joined = links.merge(previous[["code", "index", "rank"]].rename(columns={"code": "prev_code"}),
                         on="prev_code", how="left")
    grouped = joined.groupby("code").agg(
        predecessors=("prev_code", "count"), prev_values=("index", list),
        prev_rank=("rank", "first"), change_basis=("basis", "first"),
        from_units=("prev_code", lambda codes: "; ".join(sorted(codes))))
    # The mean of the predecessors, exact; None as soon as one predecessor has no value.
    grouped["prev_index"] = [exact_mean(values) if len(values) == n else None
                             for values, n in zip(grouped["prev_values"], grouped["predecessors"])]
    grouped["prev_index"] = grouped["prev_index"].astype("float64")
    merged = current.merge(grouped.drop(columns="prev_values").reset_index(), on="code", how="left")
    merged["delta_index"] = pd.Series([difference(a, b) for a, b in zip(merged["index"], merged["prev_index"])],
                                      index=merged.index, dtype="float64")
    merged["delta_rank"] = (merged["prev_rank"].astype("Float64") - merged["rank"].astype("Float64")).astype("Int64")
    if system_for_year(level, year) != system_for_year(level, year - 1):
        # A rank among 63 provinces (or 17 ministries) and a rank among 34 (or 12) do not compare.
        merged["delta_rank"] = pd.array([pd.NA] * len(merged), dtype="Int64")
    merged.loc[merged["delta_index"].isna(), "change_basis"] = None
    # A change the release states is shown as the release states it (it can differ from the difference of the
    # two published values: Hà Nội 2024 is +1.32 in the release, 92.57 - 91.43 = 1.14), labelled published.
    stated = merged["published_change"].notna()
    merged.loc[stated, "delta_index"] = round_series(merged.loc[stated, "published_change"])
    merged.loc[stated, "change_basis"] = "published"
    this_fw = framework_for(con, level, year)
    prev_fw = framework_for(con, level, year - 1)
    merged["framework_changed"] = bool(this_fw and prev_fw and this_fw["framework_id"] != prev_fw["framework_id"])
    return merged.drop(columns=["predecessors"])


def field_indices(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str,
                  stage: str = "appraised") -> pd.DataFrame:
    """Each unit's field (component) index: field points / field maximum x 100 from criterion scores,
    or as given in a results table. Columns: code, field_code, index, field_rank."""
    frame = con.execute(
        """
        SELECT s.unit_code AS code, c.field_code, sum(CAST(s.points AS DECIMAL(18, 4))) AS points,
               any_value(f.max_points) AS max_points
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
    else:
        # In exact decimals: a float sum can make 93.125 into 93.12499999999999, which rounds to 93.12.
        frame["index"] = pd.Series([to_decimal(p) / to_decimal(m) * 100 for p, m in
                                    zip(frame.pop("points"), frame.pop("max_points"))], index=frame.index,
                                   dtype="object")
    frame["index"] = round_series(frame["index"])
    whole = field_size(con, level, year)
    frame["field_rank"] = frame.groupby("field_code")["index"].transform(
        lambda values: rank_with_ties(values) if values.notna().sum() >= whole
        else pd.Series(pd.NA, index=values.index, dtype="Int64")).astype("Int64")
    return frame


def ranking_table(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str, lang: str = "vi",
                  change: pd.DataFrame | None = None, fields: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per unit: rank, keys, name, index, group, components, change, and one column per field index.
    (Test only: `change` and `fields` are this module's year_change and field_indices, when computed already.)"""
    change = year_change(con, level, year, source) if change is None else change.copy()
    change["name"] = change["name_vi" if lang == "vi" else "name_en"]
    fields = field_indices(con, level, year, source) if fields is None else fields
    table = change[RANKING_COLUMNS + ["change_basis", "complete", "rank_basis", "region", "batch_id",
                                      "units_total"]].copy()
    if not fields.empty:
        wide = fields.pivot(index="code", columns="field_code", values="index")
        wide.columns = [f"field_{c}" for c in wide.columns]
        table = table.merge(wide, left_on="code", right_index=True, how="left")
    table["units_covered"] = int(table["index"].notna().sum())
    return table.reset_index(drop=True)


RANKING_COLUMNS = ["rank", "code_system", "code", "name", "index", "group", "appraisal", "survey", "delta_index",
                   "delta_rank"]
