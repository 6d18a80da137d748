"""PAR INDEX results: index from criterion points or published totals, ranks with ties, groups, changes.

A figure is always computed from one dataset (one year, level, stage and source): sources never mix.
"""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from metrics.rounding import difference, exact_mean, hundredths, round_series, to_decimal

SOURCE_PRIORITY = ("upload", "published", "demo")
# How a rank came to be: stated by the publisher, deduced from the text (e.g. "the last three"), taken from the
# order a release listed units in, computed here from a table covering every unit, or not published at all.
RANK_BASES = ("stated", "deduced", "listed", "computed", "not published")
LEVEL_SYSTEMS = {"province": ("vn63", "vn34"), "ministry": ("ministry-2021", "ministry-2025")}


def system_for_year(level: str, year: int) -> str:
    """The code system a year's results use: the old systems up to 2024, the new ones from 2025."""
    old, new = LEVEL_SYSTEMS[level]
    return new if year >= 2025 else old


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


def rank_basis_kind(text) -> str | None:
    """The kind of a rank as a release gave it ('stated (full published table)' -> stated, 'listed order
    ("followed by")' -> listed, 'deduced (...)' -> deduced); None for no text."""
    if text is None or text is pd.NA or (isinstance(text, float) and np.isnan(text)) or not str(text).strip():
        return None
    lowered = str(text).strip().lower()
    for kind in RANK_BASES:
        if lowered.startswith(kind):
            return kind
    return "stated"


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


class SourceUnavailable(LookupError):
    """A requested source has no data for the view; `available` lists the sources that do."""

    def __init__(self, requested: str, what: str, available: list[str]):
        self.requested, self.what, self.available = requested, what, available
        others = ", ".join(available) if available else "none"
        super().__init__(f"no {requested} data for {what}; sources with data: {others}")


def sources_for_year(datasets: pd.DataFrame, year: int) -> list[str]:
    """The sources with a dataset for `year`, in the automatic order (upload, published, demo)."""
    present = set(datasets.loc[datasets["year"] == year, "source"])
    return [s for s in SOURCE_PRIORITY if s in present]


def pick_source(datasets: pd.DataFrame, year: int, requested: str | None = None) -> str | None:
    """The requested source, or None when it has no data that year (never another one in its place);
    without a request, the first present of upload, published, demo."""
    present = sources_for_year(datasets, year)
    if requested is not None:
        return requested if requested in present else None
    return present[0] if present else None


def require_source(datasets: pd.DataFrame, year: int, requested: str | None, what: str) -> str | None:
    """`pick_source`, but a requested source that is absent raises SourceUnavailable naming the others."""
    chosen = pick_source(datasets, year, requested)
    if chosen is None and requested is not None:
        raise SourceUnavailable(requested, what, sources_for_year(datasets, year))
    return chosen


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


def coverage(results: pd.DataFrame) -> tuple[int, int]:
    """(units with an index value, units in the whole field) of one dataset's results."""
    total = int(results["units_total"].iloc[0]) if len(results) and "units_total" in results else 0
    return int(results["index"].notna().sum()), total


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


def published_average(con: duckdb.DuckDBPyConnection, level: str, year: int) -> dict | None:
    """The national average MoHA published for that year and level, with its source, if we have it."""
    scope = "provinces" if level == "province" else "ministries"
    rows = con.execute(
        "SELECT value_num, source_ref FROM published_stat WHERE dataset = 'par_national' AND year = ? AND scope = ? "
        "AND metric = 'average PAR Index (%)' AND value_num IS NOT NULL", [year, scope]).fetchall()
    return {"value": rows[0][0], "source_ref": rows[0][1]} if rows else None
