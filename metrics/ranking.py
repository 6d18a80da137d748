"""The rankings table: index, group, components, change, field indices and their ranks; regional averages."""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from metrics.par_index import (change_columns, field_size, hundredths_keys, round_hundredths, system_for_year,
                               year_change_parts)
from metrics.par_points import Points, ScoringFacts, fetch_points, field_scores, scoring_facts
from metrics.rounding import exact_mean
from metrics.year_frames import YearFrames, joined

RANKING_COLUMNS = ["rank", "code_system", "code", "name", "index", "group", "appraisal", "survey", "delta_index",
                   "delta_rank"]


def field_indices(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str,
                  stage: str = "appraised") -> pd.DataFrame:
    """Each unit's field (component) index: field points / field maximum x 100 from criterion scores,
    or as given in a results table. Columns: code, field_code, index, field_rank."""
    return _field_indices(con, level, [year], source, stage).year(year)


_FIELD_TABLE_SQL = """
SELECT i.year, i.unit_code AS code, i.field_code, i.index_pct AS index
FROM par_field_index i JOIN batch b USING (batch_id)
WHERE b.status = 'current' AND b.source = ? AND i.level = ? AND list_contains(?, i.year) AND i.stage = ?
"""


def _field_indices(con: duckdb.DuckDBPyConnection, level: str, years: list[int], source: str,
                   stage: str = "appraised", wholes: dict[int, int] | None = None,
                   points: Points | None = None, facts: ScoringFacts | None = None) -> YearFrames:
    """`field_indices` of each of `years`, from criterion scores where the year has them (one frame for those
    years), else from a results table (one more query for those years). `wholes` is `field_size(con, level, year)` of
    each year, `points` the years' points of that stage (metrics.par_points.fetch_points) and `facts` their
    frameworks' when the caller has them already."""
    if points is None:
        points = fetch_points(con, level, min(years), max(years), source, stage)
    scored = field_scores(points, scoring_facts(con, points) if facts is None else facts, years)
    unscored = sorted(set(years) - {int(year) for year in np.unique(scored["year"])})
    tabled = con.execute(_FIELD_TABLE_SQL, [source, level, unscored, stage]).df() if unscored else None
    wholes = {year: field_size(con, level, year) if wholes is None or wholes.get(year) is None else wholes[year]
              for year in years}
    out = _field_frames(scored, [y for y in years if y not in unscored], wholes)
    if unscored:
        out.apart = _field_frames(tabled, unscored, wholes).frames(unscored)
    return out


def _field_frames(rows: dict[str, np.ndarray] | pd.DataFrame, years: list[int], wholes: dict[int, int]) -> YearFrames:
    """The field indices of each of `years` from their `rows` (year, code, field_code, index): indices rounded
    and ranked within each year and field, one frame for all years."""
    of_year = np.asarray(rows["year"])
    takes = [np.flatnonzero(of_year == year) for year in years]
    take = np.concatenate(takes) if takes else np.zeros(0, dtype="int64")
    index = round_hundredths(pd.Series(np.asarray(rows["index"])[take]))
    keys, present = hundredths_keys(index)
    fields = np.asarray(rows["field_code"], dtype=object)[take]
    sizes = [len(at) for at in takes]
    year_number = np.repeat(np.arange(len(years)), sizes)
    ranks, missing = _field_ranks(year_number, fields, keys, present,
                                  np.repeat(np.array([wholes[year] for year in years], dtype="int64"), sizes))
    starts = np.cumsum([0] + sizes)
    whole = pd.DataFrame({"code": _text(rows, "code", take), "field_code": _text(rows, "field_code", take),
                          "index": index, "field_rank": pd.arrays.IntegerArray(ranks, missing)})
    return YearFrames(whole, {year: (int(starts[n]), int(starts[n + 1])) for n, year in enumerate(years)})


def _text(rows: dict[str, np.ndarray] | pd.DataFrame, name: str, take: np.ndarray) -> object:
    """A text column's rows `take`: as a query's frame gave them (its own dtype), or from arrays as str."""
    if isinstance(rows, pd.DataFrame):
        return rows[name].iloc[take].reset_index(drop=True)
    return pd.array(rows[name][take], dtype="str")


def _field_ranks(year_number: np.ndarray, field_codes: np.ndarray, keys: np.ndarray, present: np.ndarray,
                 whole: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rank, missing) of each field index among the units of its year with one for that field (ties share, the
    next skips); missing for a field not every unit of the year's whole field (`whole`, per row) has, and for a
    unit without a value. `keys`, `present`: the indices' integer hundredths."""
    fields, _codes = pd.factorize(field_codes)   # -1 for a missing field code: no group, no rank
    valued = present & (fields >= 0)
    group = np.where(valued, year_number * (len(_codes) + 1) + fields, -1)
    at = np.flatnonzero(valued)
    # Sorted by group, then index descending: a rank is 1 + the position of the first equal index in its group.
    order = at[np.lexsort((-keys[at], group[at]))]
    g, k = group[order], keys[order]
    new_group = np.r_[True, g[1:] != g[:-1]] if len(order) else np.zeros(0, dtype=bool)
    new_value = new_group | np.r_[True, k[1:] != k[:-1]] if len(order) else new_group
    position = np.arange(len(order))
    group_start = np.maximum.accumulate(np.where(new_group, position, 0)) if len(order) else position
    value_start = np.maximum.accumulate(np.where(new_value, position, 0)) if len(order) else position
    counts = np.diff(np.r_[np.flatnonzero(new_group), len(order)])
    complete = np.repeat(counts, counts) >= whole[order]
    ranks = np.zeros(len(keys), dtype="int64")
    missing = np.ones(len(keys), dtype=bool)
    ranks[order[complete]] = (value_start - group_start + 1)[complete]
    missing[order[complete]] = False
    return ranks, missing


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
    return ranking_tables(con, level, [year], source, lang)[year]


def ranking_tables(con: duckdb.DuckDBPyConnection, level: str, years: list[int], source: str,
                   lang: str = "vi") -> dict[int, pd.DataFrame]:
    """`ranking_table` of each of `years` from one source, the same frames: the points of every year and the one
    before each read in one query (par_index.year_change_parts), scored, compared and turned into field indices
    for all years at once."""
    years = sorted({int(year) for year in years})
    # The points of every year and the one before, read once for the scores, the changes and the field indices.
    parts = year_change_parts(con, level, years, source)
    results, extra = parts.results, parts.extra
    # The field is the year's whole field, which the results' rows carry already.
    wholes = {}
    for year in years:
        units_total = results.arrays(year, {"units_total": "float64"})["units_total"]
        wholes[year] = int(units_total[0]) if len(units_total) else None
    fields = _field_indices(con, level, years, source, wholes=wholes, points=parts.points, facts=parts.facts) \
        if years else YearFrames()
    together = [year for year in years if year in results.bounds and year in fields.bounds]
    tables = _tables_together(results, extra, fields, together, lang) if together else None
    if tables is None:
        together = []
    apart = [year for year in years if year not in together]
    changes = joined(results, apart, extra, change_columns) if apart else YearFrames()
    return {year: tables[year] if year in together else _table(changes.year(year), fields.year(year), lang)
            for year in years}


_TABLE_COLUMNS = RANKING_COLUMNS + ["change_basis", "complete", "rank_basis", "region", "batch_id", "units_total"]


def _table_columns(frame: pd.DataFrame, lang: str, change: dict[str, object] | None = None) -> dict[str, object]:
    """The rankings table's own columns (`name` in the language), taken from a year_change frame, or from a
    results frame and its `change` columns (par_index.change_columns)."""
    change = {} if change is None else change
    return {name: change[name] if name in change else frame["name_vi" if lang == "vi" else "name_en"]
            if name == "name" else frame[name] for name in _TABLE_COLUMNS}


def _table(change: pd.DataFrame, fields: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The rankings table of a year from its `year_change` and `field_indices`."""
    columns = _table_columns(change, lang)
    wide = _wide_fields(fields, change["code"]) if not fields.empty else {}
    if wide is None:   # a field code or unit missing, or listed twice: pandas decides, as it always did
        table = pd.DataFrame(columns)
        pivoted = fields.pivot(index="code", columns="field_code", values="index")
        pivoted.columns = [f"field_{c}" for c in pivoted.columns]
        table = table.merge(pivoted, left_on="code", right_index=True, how="left")
        table["units_covered"] = int(table["index"].notna().sum())
        return table.reset_index(drop=True)
    columns.update(wide)
    columns["units_covered"] = np.full(len(change), int(change["index"].notna().sum()), dtype="int64")
    return pd.DataFrame(columns)


def _tables_together(results: YearFrames, extra: dict[int, dict[str, np.ndarray]], fields: YearFrames,
                     years: list[int], lang: str) -> dict[int, pd.DataFrame] | None:
    """The rankings tables of `years` (each in both `results.bounds` and `fields.bounds`) as `_table` gives
    them, built as one frame and cut into years: the results with their change (`extra`, par_index._change) and
    each year's field indices looked up by (year, code). None where `_table` would leave it to pandas (a code
    or field code missing, or a unit's field listed twice)."""
    field_rows = fields.rows_of(years)
    field_units = fields.whole["code"].to_numpy(dtype=object)[field_rows]
    field_codes = fields.whole["field_code"].to_numpy(dtype=object)[field_rows]
    if not len(field_rows) or pd.isna(field_units).any() or pd.isna(field_codes).any():
        return None
    sizes = [results.bounds[year][1] - results.bounds[year][0] for year in years]
    field_sizes = [fields.bounds[year][1] - fields.bounds[year][0] for year in years]
    base = results.rows(years)
    codes = base["code"].to_numpy(dtype=object)
    # Units numbered across both, then keyed by (year, unit): a unit's fields are those of the same year.
    unit_at, _units = pd.factorize(np.concatenate([codes, field_units]))
    span = int(unit_at.max()) + 2
    key = np.repeat(np.arange(len(years)), sizes) * span + unit_at[:len(codes)]
    field_key = np.repeat(np.arange(len(years)), field_sizes) * span + unit_at[len(codes):]
    laid_out = _field_grid(field_key, field_codes,
                           fields.whole["index"].to_numpy(dtype="float64", na_value=np.nan)[field_rows], key)
    if laid_out is None:
        return None
    name_at, names, wide = laid_out
    change = change_columns({name: np.concatenate([extra[year][name] for year in years]) for name in extra[years[0]]})
    columns = _table_columns(base, lang, change)
    columns.update(wide)
    starts = np.cumsum([0] + sizes[:-1])
    covered = np.add.reduceat(base["index"].notna().to_numpy(dtype="int64"), starts) if len(base) else starts
    columns["units_covered"] = np.repeat(covered.astype("int64"), sizes)
    whole = pd.DataFrame(columns)
    own, tables, field_start = len(_TABLE_COLUMNS), {}, 0
    for year, start, n, field_n in zip(years, starts, sizes, field_sizes):
        # The year's own field columns only, as its own pivot would have them.
        held = np.flatnonzero(np.bincount(name_at[field_start:field_start + field_n], minlength=len(names)))
        rows = whole.iloc[start:start + n]
        if len(held) < len(names):
            rows = rows.iloc[:, [*range(own), *(own + held), own + len(names)]]
        tables[year] = rows.reset_index(drop=True)
        field_start += field_n
    return tables


def _wide_fields(fields: pd.DataFrame, codes: pd.Series) -> dict[str, np.ndarray] | None:
    """One column per field code (field_<code>, in sorted order) with the index of each of `codes` (NaN if none),
    as `fields.pivot(index="code", columns="field_code", values="index")` looked up by code gives them; None
    when a code is missing or a (code, field) pair repeats."""
    if fields["code"].isna().any() or fields["field_code"].isna().any():
        return None
    unit_at, _units = pd.factorize(np.concatenate([fields["code"].to_numpy(dtype=object), codes.to_numpy(dtype=object)]))
    grid = _field_grid(unit_at[:len(fields)], fields["field_code"].to_numpy(dtype=object),
                       fields["index"].to_numpy(dtype="float64", na_value=np.nan), unit_at[len(fields):])
    return None if grid is None else grid[2]


def _field_grid(field_keys: np.ndarray, field_codes: np.ndarray, index: np.ndarray,
                keys: np.ndarray) -> tuple[np.ndarray, pd.Index, dict[str, np.ndarray]] | None:
    """The field rows (at least one; `field_keys` integers naming a unit, of a year where several years are laid
    out together) as one column per field code (field_<code>, in sorted order) and one row per key of `keys`:
    its index, NaN where the unit has none. Also each field row's column number and the codes. None when a unit's
    field is listed twice."""
    name_at, names = pd.factorize(field_codes, sort=True)
    unit_keys, unit_row = np.unique(field_keys, return_inverse=True)
    listed = np.zeros(len(unit_keys) * len(names), dtype=bool)
    listed[unit_row * len(names) + name_at] = True
    if listed.sum() < len(field_keys):
        return None
    grid = np.full((len(unit_keys) + 1, len(names)), np.nan)   # the last row for a unit without values
    grid[unit_row, name_at] = index
    found = np.minimum(np.searchsorted(unit_keys, keys), len(unit_keys) - 1)
    row = np.where(unit_keys[found] == keys, found, len(unit_keys))
    return name_at, names, {f"field_{name}": grid[row, j] for j, name in enumerate(names)}


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
