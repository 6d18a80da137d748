"""PAR INDEX results: index from criterion points or published totals, ranks with ties, groups, changes.

A figure is always computed from one dataset (one year, level, stage and source): sources never mix.
"""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from metrics.rounding import difference, exact_mean, hundredths, quantize, round_series, to_decimal

SOURCE_PRIORITY = ("upload", "published", "demo")
# How a rank came to be: stated by the publisher, deduced from the text (e.g. "the last three"), taken from the
# order a release listed units in, computed here from a table covering every unit, or not published at all.
RANK_BASES = ("stated", "deduced", "listed", "computed", "not published")
LEVEL_SYSTEMS = {"province": ("vn63", "vn34"), "ministry": ("ministry-2021", "ministry-2025")}


def system_for_year(level: str, year: int) -> str:
    """The code system a year's results use: the old systems up to 2024, the new ones from 2025."""
    old, new = LEVEL_SYSTEMS[level]
    return new if year >= 2025 else old


# Exact half-up rounding, vectorised. metrics.rounding rounds each value through Decimal, which is exact and slow
# (a few microseconds a value, on every view). Here numpy rounds every float whose hundredths are not within 1e-6
# of a half: below 1e6 a float and the shortest decimal naming it differ by less than 1e-8 hundredths, so both
# round to the same integer. Possible ties (79.995), huge and infinite values go through Decimal one by one, so the
# results are those of metrics.rounding, bit for bit (signed zeros included).
_FAST_LIMIT = 1e6
_HALF_MARGIN = 1e-6


def _float_values(values: pd.Series) -> np.ndarray | None:
    """The values as float64 with NaN for missing, or None when they are not floats (then Decimal decides)."""
    if not pd.api.types.is_float_dtype(values.dtype):
        return None
    return values.to_numpy(dtype="float64", na_value=np.nan)


def _half_up(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(integer hundredths, the rounded floats, present mask) of float64 values, as metrics.rounding gives them."""
    present = ~np.isnan(x)
    scaled = x * 100.0
    with np.errstate(invalid="ignore"):
        near_half = np.abs(np.abs(scaled - np.trunc(scaled)) - 0.5) < _HALF_MARGIN
        slow = present & (near_half | ~(np.abs(x) < _FAST_LIMIT))
    fast = present & ~slow
    keys = np.zeros(len(x), dtype=np.int64)
    keys[fast] = np.rint(scaled[fast]).astype(np.int64)
    rounded = np.full(len(x), np.nan)
    rounded[fast] = keys[fast] / 100.0
    # Decimal gives -0.0 for a negative value that rounds to zero; so must this.
    zero = fast & (keys == 0)
    rounded[zero] = np.copysign(0.0, x[zero])
    for i in np.flatnonzero(slow):
        exact = quantize(to_decimal(float(x[i])))
        keys[i], rounded[i] = int(exact * 100), float(exact)
    return keys, rounded, present


def hundredths_keys(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(integer hundredths, present mask): `metrics.rounding.hundredths` as numpy arrays (0 where missing)."""
    x = _float_values(values)
    if x is None:
        keys = hundredths(values)
        present = keys.notna().to_numpy()
        return keys.fillna(0).astype("int64").to_numpy(), present
    keys, _rounded, present = _half_up(x)
    return keys, present


def round_hundredths(values: pd.Series) -> pd.Series:
    """`metrics.rounding.round_series` at 2 decimals (same floats), vectorised for float columns."""
    x = _float_values(values)
    if x is None:
        return round_series(values)
    return pd.Series(_half_up(x)[1], index=values.index, dtype="float64")


def _differences(a: pd.Series, b: pd.Series) -> np.ndarray:
    """`metrics.rounding.difference` of aligned float columns (NaN where either is missing), vectorised."""
    xa, xb = _float_values(a), _float_values(b)
    if xa is None or xb is None:
        return np.array([np.nan if d is None else d for d in map(difference, a, b)], dtype="float64")
    ka, ra, pa = _half_up(xa)
    kb, rb, pb = _half_up(xb)
    both = pa & pb
    out = np.full(len(xa), np.nan)
    out[both] = (ka[both] - kb[both]) / 100.0
    # A zero difference of signed zeros (-0.00 - 0.00) keeps Decimal's sign: decided by Decimal, which is rare.
    for i in np.flatnonzero(both & (out == 0) & (np.signbit(ra) | np.signbit(rb))):
        out[i] = difference(float(xa[i]), float(xb[i]))
    return out


def ranks_desc(keys: np.ndarray, present: np.ndarray) -> np.ndarray:
    """1 + the number of present keys strictly greater, for each present key (ties share, the next skips)."""
    ordered = np.sort(keys[present])
    return len(ordered) - np.searchsorted(ordered, keys, side="right") + 1


def rank_with_ties(index: pd.Series) -> pd.Series:
    """Rank descending at the published precision (half-up, exact); equal values share a rank and the next
    skips (1, 2, 2, 4)."""
    keys, present = hundredths_keys(index)
    ranks = pd.arrays.IntegerArray(ranks_desc(keys, present).astype("int64"), ~present)
    return pd.Series(ranks, index=index.index, dtype="Int64")


def _band_thresholds(bands: pd.DataFrame) -> tuple[list, list[int]]:
    """Group codes and their minimum index in integer hundredths, highest band first."""
    ordered = bands.sort_values("min_index", ascending=False)
    return (list(ordered["group_code"].to_numpy().astype(object)),
            [int(to_decimal(band) * 100) for band in ordered["min_index"].to_numpy()])


def _groups(keys: np.ndarray, present: np.ndarray, codes: list, thresholds: list[int]) -> np.ndarray:
    """The group of each key: the first band (highest first) whose minimum it reaches; None without a value."""
    rounded = np.where(present, keys, -1)
    conditions = [present & (rounded >= minimum) for minimum in thresholds]
    return np.select(conditions, np.array(codes, dtype=object), default=None)


def assign_group(index: pd.Series, bands: pd.DataFrame) -> pd.Series:
    """Group code from the framework's bands (a band holds index >= its min_index, highest band first),
    compared exactly at the published precision (89.995 rounds to 90.00: group A); no value, no group."""
    if bands.empty:
        return pd.Series([None] * len(index), index=index.index, dtype="object")
    codes, thresholds = _band_thresholds(bands)
    keys, present = hundredths_keys(index)
    return pd.Series(_groups(keys, present, codes, thresholds), index=index.index, dtype="object")


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

# Scoring from criterion points, for a year and (for the year-on-year change) the one before, in one query: the
# points per component summed once per batch, unit and field when they were loaded (par_field_total, integer
# ten-thousandths, etl.par_totals), and the index rounded half-up in integer hundredths ((2a + b) // 2b), so no
# binary float decides a tie or a band. Ranks (1, 2, 2, 4 on those integers), groups and the order are then
# computed in numpy: on 63 rows a DuckDB window or sort costs more than the numpy work, and this runs for every
# view.
_SCORES_SQL = """
WITH totals AS (
    SELECT t.year, t.unit_system AS code_system, t.unit_code AS code, t.framework_id, min(t.batch_id) AS batch_id,
           sum(t.appraisal_e4) AS appraisal_e4, sum(t.survey_e4) AS survey_e4, sum(t.total_e4) AS total_e4,
           sum(t.scored) AS scored
    FROM par_field_total t
    WHERE t.batch_id IN (SELECT batch_id FROM batch WHERE status = 'current' AND source = $source)
      AND t.level = $level AND t.year BETWEEN $first_year AND $last_year AND t.stage = 'appraised'
      AND ($system IS NULL OR t.unit_system = $system)
    GROUP BY ALL
),
sizes AS (SELECT framework_id, count(*) AS criteria_total, sum(CAST(round(max_points * 10000) AS BIGINT)) AS max_e4
          FROM framework_criterion GROUP BY 1)
SELECT t.year, t.code_system, t.code, u.name_vi, u.name_en, u.region, t.appraisal_e4 / 10000 AS appraisal,
       t.survey_e4 / 10000 AS survey, t.total_e4 / 10000 AS total,
       (2 * t.total_e4 * 10000 + z.max_e4) // (2 * z.max_e4) AS index_h,
       t.scored = z.criteria_total AS complete, t.framework_id, t.batch_id
FROM totals t JOIN sizes z USING (framework_id)
LEFT JOIN unit u ON u.code_system = t.code_system AND u.code = t.code
"""


def field_size(con: duckdb.DuckDBPyConnection, level: str, year: int, system: str | None = None) -> int:
    """The whole field a rank is taken among: the assessed units of the year's code system, or for a
    province's or ministry's own index (`system` such as vn34-22-department) every unit of that system."""
    if system is not None and level not in LEVEL_SYSTEMS:
        return con.execute("SELECT count(*) FROM unit WHERE code_system = ?", [system]).fetchall()[0][0]
    return assessed_units(con, system or system_for_year(level, year))


def _field_sizes(con: duckdb.DuckDBPyConnection, level: str, years: list[int], system: str | None) -> dict[int, int]:
    """`field_size` for each of `years`, one query per code system (two years share one, except across 2025)."""
    whole_system = system is not None and level not in LEVEL_SYSTEMS
    systems = {year: system if whole_system else system or system_for_year(level, year) for year in years}
    counts = {}
    for code_system in dict.fromkeys(systems.values()):
        assessed, every = con.execute("SELECT count(*) FILTER (WHERE assessed), count(*) FROM unit "
                                      "WHERE code_system = ?", [code_system]).fetchall()[0]
        counts[code_system] = every if whole_system else assessed
    return {year: counts[code_system] for year, code_system in systems.items()}


def _bands_of(con: duckdb.DuckDBPyConnection, framework_ids: list[str]) -> dict[str, tuple[list, list[int]] | None]:
    """The bands of several frameworks in one query, as `_band_thresholds` gives them (None: no bands)."""
    rows = con.execute("SELECT framework_id, group_code, min_index FROM framework_band "
                       "WHERE list_contains(?, framework_id) ORDER BY min_index DESC", [framework_ids]).fetchall()
    tables = {fid: pd.DataFrame([(g, m) for f, g, m in rows if f == fid], columns=["group_code", "min_index"])
              for fid in framework_ids}
    return {fid: None if table.empty else _band_thresholds(table) for fid, table in tables.items()}


def _scored_results(rows: pd.DataFrame, years_at: dict[int, np.ndarray], sizes: dict[int, int],
                    band_thresholds: dict[str, tuple[list, list[int]] | None],
                    brief: frozenset[int] = frozenset()) -> dict[int, pd.DataFrame]:
    """unit_results of each year of `years_at` from its rows of _SCORES_SQL (positions): rank, order,
    units_total, and the group from the bands of the year's first unit's framework. Ranks, groups and the order
    are worked out year by year in numpy; the frame is built once for all years and cut into each year's rows (a
    frame per year cost more than the query). For the years in `brief`, only code, index and rank (what a
    comparison with the year before needs)."""
    takes, ranks, masks, groups, bases, totals, bounds = [], [], [], [], [], [], {}
    index_all = rows["index_h"].to_numpy(dtype="int64")
    code_all, system_all = rows["code"].to_numpy(dtype=object), rows["code_system"].to_numpy(dtype=object)
    framework_all = rows["framework_id"].to_numpy(dtype=object)
    start = 0
    for year, at in years_at.items():
        index_h = index_all[at]
        n = len(at)
        # rank() over the integer hundredths, descending: 1 + the number of units with a strictly higher index.
        year_ranks = ranks_desc(index_h, np.ones(n, dtype=bool))
        # In the order of the rank; ties by code, so that the order does not depend on how the query ran.
        order = np.lexsort((code_all[at], system_all[at], year_ranks))
        total_units = sizes[year]
        ranked = total_units != 0 and n >= total_units   # a rank among the k units someone loaded is not one among all n
        takes.append(at[order])
        ranks.append(year_ranks[order])
        masks.append(np.full(n, not ranked))
        thresholds = band_thresholds[framework_all[at[order][0]]]
        groups.append(np.full(n, None, dtype=object) if thresholds is None else
                      _groups(index_h[order], np.ones(n, dtype=bool), *thresholds))
        bases.append(np.full(n, "computed" if ranked else "not published", dtype=object))
        totals.append(np.full(n, total_units, dtype="int64"))
        bounds[year] = (start, start + n)
        start += n
    take = np.concatenate(takes)
    n = len(take)

    def column(name: str):
        return rows[name].array.take(take)

    whole = pd.DataFrame({
        "code_system": column("code_system"), "code": column("code"), "name_vi": column("name_vi"),
        "name_en": column("name_en"), "region": column("region"), "appraisal": column("appraisal"),
        "survey": column("survey"), "total": column("total"), "index": index_all[take] / 100.0,
        "rank": pd.arrays.IntegerArray(np.concatenate(ranks).astype("int64"), np.concatenate(masks)),
        "rank_basis": pd.array(np.concatenate(bases), dtype="str"),
        "group": pd.Series(np.concatenate(groups), dtype="object"), "complete": column("complete"),
        "framework_id": column("framework_id"), "batch_id": column("batch_id"),
        "note": pd.Series(np.full(n, None, dtype=object), dtype="object"),
        "published_change": np.full(n, np.nan), "units_total": np.concatenate(totals),
    })
    short = whole[["code", "index", "rank"]]
    return {year: (short if year in brief else whole).iloc[a:b].reset_index(drop=True)
            for year, (a, b) in bounds.items()}


def _total_results(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str,
                   total_units: int) -> pd.DataFrame:
    """unit_results of a year given as a results table (par_total)."""
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
    frame["index"] = round_hundredths(frame["index"])
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


def _results(con: duckdb.DuckDBPyConnection, level: str, years: list[int], source: str,
             system: str | None = None, sizes: dict[int, int] | None = None,
             brief: frozenset[int] = frozenset()) -> dict[int, pd.DataFrame]:
    """unit_results for each of `years` (one scoring query for all); `sizes` is the field size of each year
    (`field_size`) when the caller has it already; for the years in `brief`, scores give only code, index and
    rank."""
    sizes = _field_sizes(con, level, years, system) if sizes is None else sizes
    rows = con.execute(_SCORES_SQL, {"source": source, "level": level, "first_year": min(years),
                                     "last_year": max(years), "system": system}).df()
    of_year = rows["year"].to_numpy()
    band_thresholds = _bands_of(con, sorted(set(rows["framework_id"]))) if len(rows) else {}
    years_at = {year: np.flatnonzero(of_year == year) for year in years}
    scored = _scored_results(rows, {y: at for y, at in years_at.items() if len(at)}, sizes, band_thresholds,
                             brief) if len(rows) else {}
    return {year: scored[year] if year in scored else _total_results(con, level, year, source, sizes[year])
            for year in years}


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
    return _results(con, level, [year], source, system)[year]


def results_by_year(con: duckdb.DuckDBPyConnection, level: str, years: list[int], source: str,
                    system: str | None = None) -> dict[int, pd.DataFrame]:
    """`unit_results` of each of `years` from one source, the same frames, with the criterion points of every
    year scored in one query: what a unit's history and a series over years ask for."""
    years = sorted({int(year) for year in years})
    return _results(con, level, years, source, system) if years else {}


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


def _framework_covering(rows: list[tuple], year: int) -> str | None:
    """The framework of `year` among (framework_id, first_year, last_year) rows: the first, as framework_for
    takes it."""
    return next((fid for fid, first, last in rows if first <= year and (last is None or last >= year)), None)


def _grouped_links(links: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Per unit of the year: its predecessors' count, rank, basis and codes, and their exact mean index."""
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
    return grouped.drop(columns="prev_values").reset_index()


def _taken(values: np.ndarray, at: np.ndarray, missing) -> np.ndarray:
    """values[at], with `missing` where at is -1 (not found)."""
    return np.append(values, np.array([missing], dtype=values.dtype))[at]


def _predecessors(current: pd.DataFrame, previous: pd.DataFrame, codes: np.ndarray, prev_codes: np.ndarray,
                  basis: np.ndarray) -> dict[str, object]:
    """prev_rank, change_basis (None where none), from_units and prev_index for each row of `current`, from the
    links (code, prev_code, basis) to units of `previous`.

    One predecessor per unit (the same unit, or one the 2025 reorganisation left whole) is looked up by code:
    the mean of one value is that value rounded half-up, as exact_mean gives it. Units merged from several are
    grouped and averaged exactly (_grouped_links)."""
    row = pd.Index(codes).get_indexer(current["code"]) if pd.Index(codes).is_unique else None
    if row is not None and previous["code"].is_unique and not pd.isna(prev_codes).any():
        found = pd.Index(previous["code"]).get_indexer(prev_codes)
        prev_rank = previous["rank"].array.take(found, allow_fill=True).take(row, allow_fill=True)
        prev_index = round_hundredths(pd.Series(_taken(previous["index"].to_numpy(dtype="float64", na_value=np.nan),
                                                       found, np.nan))).to_numpy()
        return {"prev_rank": prev_rank, "change_basis": _taken(basis.astype(object), row, None),
                "from_units": _taken(prev_codes.astype(object), row, None),
                "prev_index": _taken(prev_index, row, np.nan)}
    links = pd.DataFrame({"code": pd.array(codes, dtype="str"), "prev_code": pd.array(prev_codes, dtype="str"),
                          "basis": pd.array(basis, dtype="str")})
    grouped = _grouped_links(links, previous)
    row = pd.Index(grouped["code"]).get_indexer(current["code"])
    return {"prev_rank": grouped["prev_rank"].astype("Int64").array.take(row, allow_fill=True),
            "change_basis": _taken(grouped["change_basis"].to_numpy(dtype=object, na_value=None), row, None),
            "from_units": _taken(grouped["from_units"].to_numpy(dtype=object, na_value=None), row, None),
            "prev_index": _taken(grouped["prev_index"].to_numpy(dtype="float64"), row, np.nan)}


def year_change(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str) -> pd.DataFrame:
    """Change of index and rank against the previous year, same source; NA where nothing compares.

    A unit merged from several predecessors is compared with their plain (equal-weight) mean, and only
    when every predecessor has a value; `change_basis` says which comparison was made ('same', 'continued',
    'reconstructed', or 'published' where the release itself states the change).
    Changes are exact differences of the 2-decimal values. `delta_rank` > 0 means the unit rose; it is NA
    across the 2025 reorganisation, where the number of units changed, and where either rank is not published.
    `framework_changed` flags comparisons across criteria versions.
    """
    return year_changes(con, level, [year], source)[year]


def year_changes(con: duckdb.DuckDBPyConnection, level: str, years: list[int], source: str) -> dict[int, pd.DataFrame]:
    """`year_change` of each of `years` from one source, the same frames, with every year and the one before it
    scored in one query."""
    years = sorted({int(year) for year in years})
    if not years:
        return {}
    before_only = sorted({year - 1 for year in years} - set(years))
    systems = sorted({system_for_year(level, year) for year in years + before_only})
    # The units of every system at once: their codes (each its own predecessor within a system) and the size
    # of each year's field.
    units = con.execute("SELECT code_system, code, assessed FROM unit WHERE list_contains(?, code_system)",
                        [systems]).fetchall()
    assessed = {system: sum(1 for s, _, flag in units if s == system and flag) for system in systems}
    sizes = {year: assessed[system_for_year(level, year)] for year in years + before_only}
    scored = _results(con, level, sorted(years + before_only), source, sizes=sizes, brief=frozenset(before_only))
    frameworks = con.execute("SELECT framework_id, first_year, last_year FROM framework WHERE level = ?",
                             [level]).fetchall()
    changes = {}
    for year in years:
        now, before = system_for_year(level, year), system_for_year(level, year - 1)
        if now == before:
            codes = np.array([code for s, code, _ in units if s == now], dtype=object)
            prev_codes, basis = codes, np.full(len(codes), "same", dtype=object)
        else:
            links = identity_links(con, level, year)
            codes, prev_codes = links["code"].to_numpy(dtype=object), links["prev_code"].to_numpy(dtype=object)
            basis = links["basis"].to_numpy(dtype=object)
        this_fw, prev_fw = _framework_covering(frameworks, year), _framework_covering(frameworks, year - 1)
        changes[year] = _change(scored[year], scored[year - 1], codes, prev_codes, basis, now == before,
                                this_fw is not None and prev_fw is not None and this_fw != prev_fw)
    return changes


def _change(current: pd.DataFrame, previous: pd.DataFrame, codes: np.ndarray, prev_codes: np.ndarray,
            basis: np.ndarray, same_system: bool, framework_changed: bool) -> pd.DataFrame:
    """The year's results with their change against `previous` through the links (code, prev_code, basis)."""
    change = _predecessors(current, previous, codes, prev_codes, basis)
    delta_index = _differences(current["index"], pd.Series(change["prev_index"]))
    change_basis = change["change_basis"]
    change_basis[np.isnan(delta_index)] = None
    # A change the release states is shown as the release states it (it can differ from the difference of the
    # two published values: Hà Nội 2024 is +1.32 in the release, 92.57 - 91.43 = 1.14), labelled published.
    stated = current["published_change"].notna().to_numpy()
    if stated.any():
        delta_index[stated] = round_hundredths(current["published_change"][stated]).to_numpy()
        change_basis[stated] = "published"
    n = len(current)
    if same_system:
        rose = (change["prev_rank"].to_numpy(dtype="float64", na_value=np.nan)
                - current["rank"].to_numpy(dtype="float64", na_value=np.nan))
        delta_rank = pd.array(rose, dtype="Float64").astype("Int64")
    else:
        # A rank among 63 provinces (or 17 ministries) and a rank among 34 (or 12) do not compare.
        delta_rank = pd.array([pd.NA] * n, dtype="Int64")
    extra = pd.DataFrame({
        "prev_rank": pd.array(change["prev_rank"], dtype="Int64"),
        "change_basis": pd.array(change_basis, dtype="str"), "from_units": pd.array(change["from_units"], dtype="str"),
        "prev_index": change["prev_index"], "delta_index": delta_index, "delta_rank": delta_rank,
        "framework_changed": np.full(n, framework_changed),
    }, index=current.index)
    return pd.concat([current, extra], axis=1)


def published_average(con: duckdb.DuckDBPyConnection, level: str, year: int) -> dict | None:
    """The national average MoHA published for that year and level, with its source, if we have it."""
    scope = "provinces" if level == "province" else "ministries"
    rows = con.execute(
        "SELECT value_num, source_ref FROM published_stat WHERE dataset = 'par_national' AND year = ? AND scope = ? "
        "AND metric = 'average PAR Index (%)' AND value_num IS NOT NULL", [year, scope]).fetchall()
    return {"value": rows[0][0], "source_ref": rows[0][1]} if rows else None
