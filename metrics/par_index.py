"""PAR INDEX results: index from criterion points or published totals, ranks with ties, groups, changes.

A figure is always computed from one dataset (one year, level, stage and source): sources never mix.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from metrics.par_points import Points, ScoringFacts, fetch_points, scoring_facts, unit_scores
from metrics.rounding import difference, exact_mean, hundredths, quantize, round_series, to_decimal
from metrics.year_frames import YearFrames, joined

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
    return list(ordered["group_code"].to_numpy().astype(object)), _hundredths(ordered["min_index"].to_numpy())


def _hundredths(minima) -> list[int]:
    """Band minima in integer hundredths, as indices are compared (hundredths_keys)."""
    return [int(to_decimal(low) * 100) for low in minima]


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

# Scoring from criterion points, for a year and (for the year-on-year change) the one before: the points per
# component as summed at load (metrics.par_points: one query, sums in numpy), the index rounded half-up in integer
# hundredths, so no binary float decides a tie or a band. Ranks (1, 2, 2, 4 on those integers), groups and the
# order are then computed in numpy: on 63 rows a DuckDB window or sort costs more than the numpy work, and this
# runs for every view.

_UNITS_SQL = ("SELECT code_system, code, name_vi, name_en, region, assessed FROM unit "
              "WHERE list_contains(?, code_system)")
# The columns of the scores that unit_results shows as text.
_TEXT_COLUMNS = ("code_system", "code", "name_vi", "name_en", "region", "framework_id")
Units = dict[str, list[tuple]]


def _units_of(con: duckdb.DuckDBPyConnection, systems: set[str]) -> Units:
    """The units of each code system, one query for all: (code, name_vi, name_en, region, assessed) rows."""
    units: Units = {system: [] for system in systems}
    for system, *unit in con.execute(_UNITS_SQL, [sorted(systems)]).fetchall() if systems else []:
        units[system].append(tuple(unit))
    return units


def _named(rows: dict[str, np.ndarray], units: Units) -> dict[str, np.ndarray]:
    """The unit scores with each unit's names and region (None for a code the unit table does not know)."""
    known = {(system, code): (name_vi, name_en, region)
             for system, listed in units.items() for code, name_vi, name_en, region, _ in listed}
    named = [known.get(pair, (None, None, None)) for pair in zip(rows["code_system"], rows["code"])]
    return {**rows, **{name: np.array([entry[n] for entry in named], dtype=object)
                       for n, name in enumerate(("name_vi", "name_en", "region"))}}


def field_size(con: duckdb.DuckDBPyConnection, level: str, year: int, system: str | None = None) -> int:
    """The whole field a rank is taken among: the assessed units of the year's code system, or for a
    province's or ministry's own index (`system` such as vn34-22-department) every unit of that system."""
    if system is not None and level not in LEVEL_SYSTEMS:
        return con.execute("SELECT count(*) FROM unit WHERE code_system = ?", [system]).fetchall()[0][0]
    return assessed_units(con, system or system_for_year(level, year))


def _size_systems(level: str, years: list[int], system: str | None) -> dict[int, str]:
    """The code system whose units make each year's whole field (`field_size`)."""
    whole_system = system is not None and level not in LEVEL_SYSTEMS
    return {year: system if whole_system else system or system_for_year(level, year) for year in years}


def _field_sizes(level: str, years: list[int], system: str | None, units: Units) -> dict[int, int]:
    """`field_size` for each of `years`, from the units of their systems."""
    every = system is not None and level not in LEVEL_SYSTEMS
    return {year: sum(1 for *_, assessed in units[code_system] if every or assessed)
            for year, code_system in _size_systems(level, years, system).items()}


def _bands_of(facts: ScoringFacts, framework_ids: list[str]) -> dict[str, tuple[list, list[int]] | None]:
    """The bands of the frameworks as `_band_thresholds` gives them (None: no bands)."""
    return {fid: ([code for code, _ in facts.bands[fid]], _hundredths(low for _, low in facts.bands[fid]))
            if facts.bands.get(fid) else None for fid in framework_ids}


def _scored_whole(rows: dict[str, np.ndarray], years_at: dict[int, np.ndarray], sizes: dict[int, int],
                  band_thresholds: dict[str, tuple[list, list[int]] | None]) -> tuple[pd.DataFrame, dict]:
    """unit_results of every year of `years_at` from its scored rows (positions; `unit_scores` with names), as one frame with the
    (start, stop) rows of each year: rank, order, units_total, and the group from the bands of the year's first
    unit's framework. Ranks, groups and the order are worked out year by year in numpy; the frame is built once
    for all years (a frame per year cost more than all the numpy work)."""
    takes, ranks, masks, groups, bases, totals, bounds = [], [], [], [], [], [], {}
    index_all = rows["index_h"].astype("int64")
    code_all, system_all, framework_all = rows["code"], rows["code_system"], rows["framework_id"]
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
        # A text column missing in every row fetched (all years in range, as one query's frame had them) stays
        # objects, as DuckDB gives it; else str.
        if name not in _TEXT_COLUMNS or pd.isna(rows[name]).all():
            return rows[name][take]
        return pd.array(rows[name][take], dtype="str")

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
    return whole, bounds


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


def _results_of(con: duckdb.DuckDBPyConnection, level: str, years: list[int], source: str,
                system: str | None = None, sizes: dict[int, int] | None = None,
                brief: frozenset[int] = frozenset(), points: Points | None = None,
                facts: ScoringFacts | None = None, units: Units | None = None) -> YearFrames:
    """unit_results for each of `years`, one query for the points of all; `sizes` is the field size of each year
    (`field_size`), `points` the years' appraised points (metrics.par_points.fetch_points), `facts` their
    frameworks' (with the `brief` years without points asked for results tables) and `units` the units of their
    code systems when the caller has them already. A year in `brief` is needed only for its code, index and
    rank: when it has neither scores nor a results table it is an empty frame, without asking for one."""
    if points is None:
        points = fetch_points(con, level, min(years), max(years), source, system=system)
    if facts is None:
        # A year needed only as the year before, with no points, may have a results table: asked with the facts.
        without_points = sorted(set(brief) - set(np.unique(points["year"])))
        facts = scoring_facts(con, points, level if without_points else None, source, without_points)
    rows = unit_scores(points, facts)
    units = {} if units is None else units
    needed = (set(_size_systems(level, years, system).values()) if sizes is None else set()) | set(rows["code_system"])
    if needed - units.keys():
        units = {**units, **_units_of(con, needed - units.keys())}
    sizes = _field_sizes(level, years, system, units) if sizes is None else sizes
    rows = _named(rows, units)
    of_year = rows["year"]
    years_at = {year: at for year in years if len(at := np.flatnonzero(of_year == year))}
    scored, bounds = (None, {})
    if years_at:
        band_thresholds = _bands_of(facts, sorted(set(rows["framework_id"])))
        scored, bounds = _scored_whole(rows, years_at, sizes, band_thresholds)
    unscored = [year for year in years if year not in years_at]
    empty = pd.DataFrame({"code": pd.Series([], dtype="object"), "index": pd.Series([], dtype="float64"),
                          "rank": pd.array([], dtype="Int64")})
    apart = {year: empty.copy() if year in brief and year not in facts.tabled else
             _total_results(con, level, year, source, sizes[year]) for year in unscored}
    return YearFrames(scored, bounds, apart)


def _results(con: duckdb.DuckDBPyConnection, level: str, years: list[int], source: str,
             system: str | None = None) -> dict[int, pd.DataFrame]:
    """unit_results for each of `years` (one scoring query for all)."""
    return _results_of(con, level, years, source, system).frames(years)


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


def _positions(keys: Sequence, wanted: Sequence) -> np.ndarray | None:
    """Where each of `wanted` is among `keys` (-1: absent), or None when `keys` repeat. A dict, not a pandas
    Index: for the few dozen codes of a year it is many times faster."""
    at = {key: n for n, key in enumerate(list(keys))}
    if len(at) < len(keys):
        return None
    return np.fromiter((at.get(key, -1) for key in list(wanted)), dtype="int64", count=len(wanted))


def _predecessors(current: dict[str, np.ndarray], previous: dict[str, np.ndarray], codes: np.ndarray,
                  prev_codes: np.ndarray, basis: np.ndarray) -> dict[str, np.ndarray]:
    """prev_rank (float, NaN for none), change_basis (None where none), from_units and prev_index for each row of
    `current`, from the links (code, prev_code, basis) to units of `previous` (arrays code, index, rank of each).

    One predecessor per unit (the same unit, or one the 2025 reorganisation left whole) is looked up by code:
    its index is rounded half-up with the others in change_columns (the mean of one value, as exact_mean gives
    it). Units merged from several are grouped and averaged exactly (_grouped_links)."""
    row = _positions(codes, current["code"])
    prev_at = _positions(previous["code"], prev_codes) if not pd.isna(prev_codes).any() else None
    if row is not None and prev_at is not None:
        prev_rank = _taken(_taken(previous["rank"], prev_at, np.nan), row, np.nan)
        prev_index = _taken(previous["index"], prev_at, np.nan)
        return {"prev_rank": prev_rank, "change_basis": _taken(basis.astype(object), row, None),
                "from_units": _taken(prev_codes.astype(object), row, None),
                "prev_index": _taken(prev_index, row, np.nan)}
    links = pd.DataFrame({"code": pd.array(codes, dtype="str"), "prev_code": pd.array(prev_codes, dtype="str"),
                          "basis": pd.array(basis, dtype="str")})
    before = pd.DataFrame({"code": previous["code"], "index": previous["index"],
                           "rank": pd.array(previous["rank"], dtype="Float64").astype("Int64")})
    grouped = _grouped_links(links, before)
    row = pd.Index(grouped["code"]).get_indexer(current["code"])
    return {"prev_rank": _taken(grouped["prev_rank"].to_numpy(dtype="float64", na_value=np.nan), row, np.nan),
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
    parts = year_change_parts(con, level, years, source)
    return joined(parts.results, years, parts.extra, change_columns).frames(years)


# What the change of a year reads of its own results and of the year before's (ranks as floats, NaN for none).
_CURRENT_COLUMNS = {"code": "object", "index": "float64", "rank": "float64", "published_change": "float64"}
_PREVIOUS_COLUMNS = {"code": "object", "index": "float64", "rank": "float64"}


@dataclass
class ChangeParts:
    """What the changes of several years are built from: the results of the years and of the year before each,
    for each year what its change is worked out from (`_change`; `change_columns` gives the columns, `joined`
    the year_change frames), and the points and framework facts they were scored from."""
    results: YearFrames
    extra: dict[int, dict[str, np.ndarray]]
    points: Points | None = None
    facts: ScoringFacts | None = None


def year_change_parts(con: duckdb.DuckDBPyConnection, level: str, years: list[int], source: str) -> ChangeParts:
    """`ChangeParts` of `years` (sorted, distinct), for those who build on them at once (the rankings tables):
    one query for the points of every year and the one before, one for what scoring needs besides."""
    if not years:
        return ChangeParts(YearFrames(), {})
    before_only = sorted({year - 1 for year in years} - set(years))
    points = fetch_points(con, level, min(years + before_only), max(years), source)
    # A year before with no points may have a results table: asked in the same query as the frameworks.
    facts = scoring_facts(con, points, level, source, sorted(set(before_only) - set(np.unique(points["year"]))))
    # The units of every system at once: their codes (each its own predecessor within a system) and the size
    # of each year's field.
    units = _units_of(con, {system_for_year(level, year) for year in years + before_only})
    sizes = _field_sizes(level, years + before_only, None, units)
    results = _results_of(con, level, sorted(years + before_only), source, sizes=sizes, brief=frozenset(before_only),
                          points=points, facts=facts, units=units)
    frameworks = facts.spans
    extra = {}
    for year in years:
        now, before = system_for_year(level, year), system_for_year(level, year - 1)
        if now == before:
            codes = np.array([unit[0] for unit in units[now]], dtype=object)
            prev_codes, basis = codes, np.full(len(codes), "same", dtype=object)
        else:
            links = identity_links(con, level, year)
            codes, prev_codes = links["code"].to_numpy(dtype=object), links["prev_code"].to_numpy(dtype=object)
            basis = links["basis"].to_numpy(dtype=object)
        this_fw, prev_fw = _framework_covering(frameworks, year), _framework_covering(frameworks, year - 1)
        extra[year] = _change(results.arrays(year, _CURRENT_COLUMNS), results.arrays(year - 1, _PREVIOUS_COLUMNS),
                              codes, prev_codes, basis, now == before,
                              this_fw is not None and prev_fw is not None and this_fw != prev_fw)
    return ChangeParts(results, extra, points, facts)


def _change(current: dict[str, np.ndarray], previous: dict[str, np.ndarray], codes: np.ndarray, prev_codes: np.ndarray,
            basis: np.ndarray, same_system: bool, framework_changed: bool) -> dict[str, np.ndarray]:
    """What the change of a year's results against `previous` (columns of the year before) is worked out from,
    through the links (code, prev_code, basis): one value per row of `current`, numpy arrays (ranks as floats,
    NaN for none). `change_columns` works out the change from them once for every year."""
    found = _predecessors(current, previous, codes, prev_codes, basis)
    n = len(current["code"])
    return {"prev_rank": found["prev_rank"], "change_basis": found["change_basis"], "from_units": found["from_units"],
            "prev_index": found["prev_index"], "index": current["index"], "rank": current["rank"],
            "published_change": current["published_change"], "same_system": np.full(n, same_system),
            "framework_changed": np.full(n, framework_changed)}


def change_columns(raw: dict[str, np.ndarray]) -> dict[str, object]:
    """The columns results gain with their change, from `_change`'s arrays (of one year or several end to end)."""
    prev_index = round_hundredths(pd.Series(raw["prev_index"])).to_numpy()
    delta_index = _differences(pd.Series(raw["index"]), pd.Series(prev_index))
    change_basis = raw["change_basis"].copy()
    change_basis[np.isnan(delta_index)] = None
    # A change the release states is shown as the release states it (it can differ from the difference of the
    # two published values: Hà Nội 2024 is +1.32 in the release, 92.57 - 91.43 = 1.14), labelled published.
    stated = ~np.isnan(raw["published_change"])
    if stated.any():
        delta_index[stated] = round_hundredths(pd.Series(raw["published_change"][stated])).to_numpy()
        change_basis[stated] = "published"
    # A rank among 63 provinces (or 17 ministries) and a rank among 34 (or 12) do not compare.
    delta_rank = np.where(raw["same_system"], raw["prev_rank"] - raw["rank"], np.nan)
    return {"prev_rank": pd.array(raw["prev_rank"], dtype="Float64").astype("Int64"),
            "change_basis": pd.array(change_basis, dtype="str"),
            "from_units": pd.array(raw["from_units"], dtype="str"),
            "prev_index": prev_index, "delta_index": delta_index,
            "delta_rank": pd.array(delta_rank, dtype="Float64").astype("Int64"),
            "framework_changed": raw["framework_changed"]}


def published_average(con: duckdb.DuckDBPyConnection, level: str, year: int) -> dict | None:
    """The national average MoHA published for that year and level, with its source, if we have it."""
    scope = "provinces" if level == "province" else "ministries"
    rows = con.execute(
        "SELECT value_num, source_ref FROM published_stat WHERE dataset = 'par_national' AND year = ? AND scope = ? "
        "AND metric = 'average PAR Index (%)' AND value_num IS NOT NULL", [year, scope]).fetchall()
    return {"value": rows[0][0], "source_ref": rows[0][1]} if rows else None
