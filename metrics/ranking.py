"""The rankings table: index, group, components, change, field indices and their ranks; regional averages."""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from metrics.par_index import field_size, hundredths_keys, ranks_desc, round_hundredths, system_for_year, year_changes
from metrics.rounding import exact_mean

RANKING_COLUMNS = ["rank", "code_system", "code", "name", "index", "group", "appraisal", "survey", "delta_index",
                   "delta_rank"]


def field_indices(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str,
                  stage: str = "appraised") -> pd.DataFrame:
    """Each unit's field (component) index: field points / field maximum x 100 from criterion scores,
    or as given in a results table. Columns: code, field_code, index, field_rank."""
    return _field_indices(con, level, [year], source, stage)[year]


# From the points summed per unit and field at load (par_field_total, integer ten-thousandths, etl.par_totals).
_FIELD_SCORES_SQL = """
SELECT t.year, t.unit_code AS code, t.field_code, sum(t.total_e4) / 10000 / any_value(f.max_points) * 100 AS index
FROM par_field_total t JOIN batch b USING (batch_id)
JOIN framework_field f ON f.framework_id = t.framework_id AND f.field_code = t.field_code
WHERE b.status = 'current' AND b.source = ? AND t.level = ? AND list_contains(?, t.year) AND t.stage = ?
GROUP BY t.year, t.unit_code, t.field_code
"""
_FIELD_TABLE_SQL = """
SELECT i.year, i.unit_code AS code, i.field_code, i.index_pct AS index
FROM par_field_index i JOIN batch b USING (batch_id)
WHERE b.status = 'current' AND b.source = ? AND i.level = ? AND list_contains(?, i.year) AND i.stage = ?
"""


def _field_indices(con: duckdb.DuckDBPyConnection, level: str, years: list[int], source: str,
                   stage: str = "appraised", wholes: dict[int, int] | None = None) -> dict[int, pd.DataFrame]:
    """`field_indices` of each of `years`, from criterion scores where the year has them, else from a results
    table: two queries for all years. `wholes` is `field_size(con, level, year)` of each year when the caller
    has it already."""
    scored = con.execute(_FIELD_SCORES_SQL, [source, level, years, stage]).df()
    unscored = sorted(set(years) - {int(year) for year in scored["year"].unique()})
    tabled = con.execute(_FIELD_TABLE_SQL, [source, level, unscored, stage]).df() if unscored else scored.iloc[:0]
    wholes = {year: field_size(con, level, year) if wholes is None or wholes.get(year) is None else wholes[year]
              for year in years}
    out = _field_frames(scored, [y for y in years if y not in unscored], wholes)
    out.update(_field_frames(tabled, unscored, wholes))
    return {year: out[year] for year in years}


def _field_frames(rows: pd.DataFrame, years: list[int], wholes: dict[int, int]) -> dict[int, pd.DataFrame]:
    """The field indices of each of `years` from their `rows` (year, code, field_code, index): indices rounded
    and ranked year by year, one frame built for all years and cut into each year's rows."""
    of_year = rows["year"].to_numpy()
    takes = [np.flatnonzero(of_year == year) for year in years]
    take = np.concatenate(takes) if takes else np.zeros(0, dtype="int64")
    index = round_hundredths(rows["index"].iloc[take].reset_index(drop=True))
    keys, present = hundredths_keys(index)
    fields = rows["field_code"].iloc[take].reset_index(drop=True)
    ranks, missing, bounds, start = np.zeros(len(take), dtype="int64"), np.ones(len(take), dtype=bool), {}, 0
    for year, at in zip(years, takes):
        part = slice(start, start + len(at))
        ranks[part], missing[part] = _field_ranks(fields.iloc[part], keys[part], present[part], wholes[year])
        bounds[year], start = (part.start, part.stop), part.stop
    whole = pd.DataFrame({"code": rows["code"].iloc[take].reset_index(drop=True), "field_code": fields,
                          "index": index, "field_rank": pd.arrays.IntegerArray(ranks, missing)})
    return {year: whole.iloc[a:b].reset_index(drop=True) for year, (a, b) in bounds.items()}


def _field_ranks(field_codes: pd.Series, keys: np.ndarray, present: np.ndarray,
                 whole: int) -> tuple[np.ndarray, np.ndarray]:
    """(rank, missing) of each field index among the units with one for that field (ties share, the next skips);
    missing for a field not every unit of the whole field has, and for a unit without a value. `keys`, `present`:
    the indices' integer hundredths."""
    fields, _codes = pd.factorize(field_codes)   # -1 for a missing field code: no group, no rank
    ranks = np.zeros(len(field_codes), dtype="int64")
    missing = np.ones(len(field_codes), dtype=bool)
    for field in range(fields.max() + 1 if len(fields) else 0):
        valued = present & (fields == field)
        if valued.sum() >= whole:
            ranks[valued] = ranks_desc(keys[valued], np.ones(int(valued.sum()), dtype=bool))
            missing[valued] = False
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
    """`ranking_table` of each of `years` from one source, the same frames, with every year (and the one before
    each) scored in one query and the field indices of every year in one more."""
    changes = year_changes(con, level, years, source)
    # The field is the year's whole field, which the change's rows carry already.
    wholes = {year: int(change["units_total"].iloc[0]) if len(change) else None for year, change in changes.items()}
    fields = _field_indices(con, level, sorted(changes), source, wholes=wholes) if changes else {}
    return {year: _table(change, fields[year], lang) for year, change in changes.items()}


def _table(change: pd.DataFrame, fields: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The rankings table of a year from its `year_change` and `field_indices`."""
    columns = {name: change["name_vi" if lang == "vi" else "name_en"] if name == "name" else change[name]
               for name in RANKING_COLUMNS + ["change_basis", "complete", "rank_basis", "region", "batch_id",
                                              "units_total"]}
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


def _wide_fields(fields: pd.DataFrame, codes: pd.Series) -> dict[str, np.ndarray] | None:
    """One column per field code (field_<code>, in sorted order) with the index of each of `codes` (NaN if none),
    as `fields.pivot(index="code", columns="field_code", values="index")` looked up by code gives them; None
    when a code is missing or a (code, field) pair repeats."""
    if fields["code"].isna().any() or fields["field_code"].isna().any():
        return None
    units, unit_at = np.unique(fields["code"].to_numpy(dtype=object), return_inverse=True)
    field_codes, field_at = np.unique(fields["field_code"].to_numpy(dtype=object), return_inverse=True)
    if len(np.unique(unit_at * len(field_codes) + field_at)) < len(fields):
        return None
    grid = np.full((len(units) + 1, len(field_codes)), np.nan)   # the last row for a code without values
    grid[unit_at, field_at] = fields["index"].to_numpy(dtype="float64", na_value=np.nan)
    row = pd.Index(units).get_indexer(codes)
    return {f"field_{code}": grid[row, j] for j, code in enumerate(field_codes)}


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
