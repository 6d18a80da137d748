"""Reading the sufficient statistics: per finest group x stratum x PSU, the sums a design-based ratio estimate needs.

The sums are computed once, when a survey batch is written (etl.survey_stats: per batch, year, form, province,
facility, school level, respondent group, stratum and cluster, in survey_stat_cell), so a figure here sums a few
thousand rows whatever the number of respondents: pages never read the answers. The sums are those the former
per-answer SQL made (tests/metrics/satisfaction_oracle.py keeps it, and the tests compare the two): per item set
the respondent-level sums n, m, ys, wx, wys, wyv and the squares sum(w^2 x y); per pair of headline dimensions
the cross sums; per item and valid value the counts and sums of weights; the respondents' scores; the complete
respondents' sums for Cronbach's alpha. User input only ever reaches SQL as a parameter.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from metrics.satisfaction.sources import CURRENT
from metrics.satisfaction.units import Scope, scope_sql

GRAIN_SQL = {  # grain name -> cell columns; fixed here, never from input
    "province": ["unit_system", "unit_code"],
    "facility": ["unit_system", "unit_code", "facility_id"],
    "school_level": ["school_level"],
    "respondent_group": ["respondent_group"],
    "form": ["instrument_id"],
}
BREAKDOWNS = ("school_level", "respondent_group", "form")
# The cluster of a respondent without `psu`: the hospital or school it was surveyed in; SIPAS has none (the
# respondent is its own PSU). Prefixes keep a file's psu apart from a facility id.
DEFAULT_CLUSTER = {"health": "facility_id", "education": "facility_id"}
DESIGN_KEYS = ["stratum", "cl"]
STATS = ("n", "m", "ys", "weighted", "wx", "wys", "wyv", "w2xx", "w2xys", "w2ysys", "w2xyv", "w2yvyv",
         "na", "sw", "sw2", "swa", "sw2a")
SUMMED = [s for s in STATS if s != "weighted"]
VALUES = range(1, 6)


def grain_columns(level: str, breakdown: tuple[str, ...]) -> list[str]:
    """Cell columns of a level ('' for the country) and breakdowns."""
    columns = list(GRAIN_SQL.get(level, []))
    for b in breakdown:
        if b not in BREAKDOWNS:
            raise ValueError(f"unknown breakdown {b!r}; expected one of {BREAKDOWNS}")
        columns += GRAIN_SQL[b]
    return columns


def cells(survey: str, year: int, source: str, scope: Scope, form: str | None) -> tuple[str, list]:
    """SQL of the finest groups counted (the source's current batches of the survey and year, the form, the
    scope), with its parameters: batch_id, g and every cell column."""
    where, scope_params = scope_sql(scope)
    sql = f"""
        SELECT * FROM survey_stat_cell
        WHERE batch_id IN (SELECT batch_id FROM batch WHERE status = 'current' AND source = ?)
          AND survey = ? AND year = ? AND (?::VARCHAR IS NULL OR instrument_id = ?){where}"""
    return sql, [source, survey, year, form, form, *scope_params]


def _sums(names: list[str], table: str = "s") -> str:
    return ", ".join(f"sum({table}.{n})::DOUBLE AS {n}" for n in names)


def set_moments(con: duckdb.DuckDBPyConnection, survey: str, year: int, source: str, sets: pd.DataFrame,
                dims: list[str], columns: list[str], scope: Scope, form: str | None,
                elements: list[str]) -> pd.DataFrame:
    """Sums per finest group, stratum, cluster and item set, long: one row each (set_index: the row of `sets`).
    For `elements` (dimension codes), the headline rows also get the totals and respondent-level cross sums of
    their plain mean (columns em_*)."""
    cell_sql, params = cells(survey, year, source, scope, form)
    keys = columns + DESIGN_KEYS
    select = ", ".join(f"c.{k}" for k in keys)
    # The table's item sets by position: a set the statistics hold but the table does not ask for is left out.
    wanted = [f"{kind}:{code}" for kind, code in zip(sets["set_kind"], sets["set_code"])]
    frame = con.execute(f"""
        WITH c AS ({cell_sql})
        SELECT {select}, s.set_kind, s.set_code, {_sums(SUMMED)}, bool_or(s.weighted) AS weighted,
               list_position(?::VARCHAR[], s.set_kind || ':' || s.set_code) - 1 AS set_index
        FROM survey_stat_set s JOIN c USING (batch_id, g)
        GROUP BY ALL""", [*params, wanted]).df()
    long = frame[(frame["set_index"] >= 0) & (frame["n"] > 0)]
    long = long[keys + list(STATS) + ["set_index"]].reset_index(drop=True)
    long["set_index"] = long["set_index"].astype("int64")
    if elements and len(long):
        long = _with_element_sums(con, long, frame, keys, elements, cell_sql, params)
    return long


def _with_element_sums(con: duckdb.DuckDBPyConnection, long: pd.DataFrame, frame: pd.DataFrame, keys: list[str],
                       elements: list[str], cell_sql: str, params: list) -> pd.DataFrame:
    """em_y_a, em_x_a (the element's own wys, wx), em_yx_a_b, em_yy_a_b, em_xx_a_b (b >= a for the last two): the
    element's own squares on the diagonal, the pair sums off it; on the headline rows (set_index 0), 0 where a
    group has no answer in an element. One query pivots them (codes as parameters); the merge matches missing
    keys (no stratum, no cluster) to each other."""
    select = ", ".join(f"c.{k}" for k in keys)
    # The element codes are parameters, each "?" given its code in the order the text names them: the cell
    # query's first (inside the WITH), then the aggregates'.
    aggregates, codes = [], []
    for a, code_a in enumerate(elements):
        own = "u.a = ? AND u.b = ?"
        aggregates += [f"coalesce(sum(CASE WHEN {own} THEN u.wys END), 0) AS em_y_{a}",
                       f"coalesce(sum(CASE WHEN {own} THEN u.wx END), 0) AS em_x_{a}"]
        codes += [code_a, code_a] * 2
        for b, code_b in enumerate(elements):
            pair = "u.a = ? AND u.b = ?"
            aggregates.append(f"coalesce(sum(CASE WHEN {pair} THEN u.yx END), 0) AS em_yx_{a}_{b}")
            codes += [code_a, code_b]
            if b >= a:
                aggregates += [f"coalesce(sum(CASE WHEN {pair} THEN u.yy END), 0) AS em_yy_{a}_{b}",
                               f"coalesce(sum(CASE WHEN {pair} THEN u.xx END), 0) AS em_xx_{a}_{b}"]
                codes += [code_a, code_b] * 2
    em = con.execute(f"""
        WITH c AS ({cell_sql}),
        u AS (
            SELECT {select}, s.set_code AS a, s.set_code AS b, s.wys, s.wx, s.w2xys AS yx, s.w2ysys AS yy,
                   s.w2xx AS xx
            FROM survey_stat_set s JOIN c USING (batch_id, g) WHERE s.set_kind = 'dimension'
            UNION ALL
            SELECT {select}, p.dim_a, p.dim_b, NULL, NULL, p.yx, p.yy, p.xx
            FROM survey_stat_pair p JOIN c USING (batch_id, g)
        )
        SELECT {', '.join(f'u.{k}' for k in keys)}, {', '.join(aggregates)} FROM u GROUP BY ALL""",
                    [*params, *codes]).df()
    head = long.loc[long["set_index"] == 0, keys]
    values = head.merge(em, on=keys, how="left").drop(columns=keys).astype("float64").fillna(0.0)
    values.index = head.index
    return pd.concat([long, values.reindex(long.index)], axis=1)


def value_counts(con: duckdb.DuckDBPyConnection, survey: str, year: int, source: str, columns: list[str],
                 scope: Scope, form: str | None) -> pd.DataFrame:
    """Valid answers per finest group, stratum, cluster, form, item and value: count and sums of weights and
    squared weights."""
    cell_sql, params = cells(survey, year, source, scope, form)
    select = "".join(f"c.{k}, " for k in columns + DESIGN_KEYS)
    return con.execute(f"""
        WITH c AS ({cell_sql})
        SELECT {select}c.instrument_id AS form, v.item_code, v.value, sum(v.c)::BIGINT AS c, sum(v.cw) AS cw,
               sum(v.cw2) AS cw2, bool_or(v.weighted) AS weighted
        FROM survey_stat_value v JOIN c USING (batch_id, g)
        GROUP BY ALL""", params).df()


def item_moments(counts: pd.DataFrame, items: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Ratio sums of single items from value counts (each respondent gives one answer: x = 1), per finest
    group, stratum, cluster, form and item."""
    frame = counts.merge(items[["form", "item_code", "satisfied_min", "item_kind"]], on=["form", "item_code"])
    v = frame["value"].astype("float64")
    sat = (frame["item_kind"] == "likert") & (frame["value"] >= frame["satisfied_min"])
    frame = frame.assign(
        n=frame["c"], m=frame["c"], ys=frame["c"].where(sat, 0), wx=frame["cw"], wys=frame["cw"].where(sat, 0),
        wyv=frame["cw"] * v, w2xx=frame["cw2"], w2xys=frame["cw2"].where(sat, 0), w2xyv=frame["cw2"] * v,
        w2yvyv=frame["cw2"] * v * v,
        **{f"answers_{k}": frame["cw"].where(frame["value"] == k, 0) for k in VALUES})
    frame = frame.assign(w2ysys=frame["w2xys"], na=frame["ys"], sw=frame["wx"], sw2=frame["w2xx"],
                         swa=frame["wys"], sw2a=frame["w2xys"])
    summed = list(SUMMED) + [f"answers_{k}" for k in VALUES]
    out = frame.groupby(keys + DESIGN_KEYS + ["form", "item_code"], dropna=False).agg(
        **{s: (s, "sum") for s in summed}, weighted=("weighted", "any")).reset_index()
    out[summed] = out[summed].astype("float64")
    return out


def scores(con: duckdb.DuckDBPyConnection, survey: str, year: int, source: str, scope: Scope, dims: list[str],
           item: str | None) -> pd.DataFrame:
    """Distribution of respondents' mean valid Likert answer over an item set (the set of `dims`) or one item:
    score, respondents."""
    from metrics.satisfaction.instrument import instrument_items, item_sets  # instrument imports this module

    cell_sql, params = cells(survey, year, source, scope, None)
    if item is not None:     # one answer each: the score is the answer, on forms where the item is Likert
        return con.execute(f"""
            WITH c AS ({cell_sql})
            SELECT v.value::DOUBLE AS score, sum(v.c)::BIGINT AS respondents
            FROM survey_stat_value v JOIN c USING (batch_id, g)
            JOIN instrument_item i ON i.instrument_id = c.instrument_id AND i.item_code = v.item_code
            WHERE v.item_code = ? AND i.item_kind = 'likert' AND i.batch_id IN ({CURRENT})
            GROUP BY 1 ORDER BY 1""", [*params, item]).df()
    sets = item_sets(instrument_items(con, survey), survey)
    match = sets[sets["dims"].map(lambda members: list(members) == list(dims))]
    if match.empty:
        return pd.DataFrame({"score": pd.Series(dtype="float64"), "respondents": pd.Series(dtype="int64")})
    kind, code = match.iloc[0]["set_kind"], match.iloc[0]["set_code"]
    return con.execute(f"""
        WITH c AS ({cell_sql})
        SELECT s.score, sum(s.respondents)::BIGINT AS respondents
        FROM survey_stat_score s JOIN c USING (batch_id, g)
        WHERE s.set_kind = ? AND s.set_code = ?
        GROUP BY 1 ORDER BY 1""", [*params, kind, code]).df()


def coverage(con: duckdb.DuckDBPyConnection, survey: str, year: int, source: str, form: str | None) -> tuple[int, int]:
    """(units covered, units in the year's code system): provinces with respondents in the dataset, out of
    the 63 (vn63, up to 2024) or 34 (vn34, from 2025)."""
    system = "vn34" if year >= 2025 else "vn63"
    cell_sql, params = cells(survey, year, source, Scope(), form)
    covered, total = con.execute(
        f"""SELECT (SELECT count(DISTINCT unit_code) FROM ({cell_sql}) c WHERE unit_system = ?),
                   (SELECT count(*) FROM unit WHERE code_system = ? AND batch_id IN ({CURRENT}))""",
        [*params, system, system]).fetchone()
    return int(covered), int(total)


def reliability_sums(con: duckdb.DuckDBPyConnection, survey: str, year: int, source: str, scope: Scope,
                     form: str) -> pd.DataFrame:
    """For one form: per dimension, the complete respondents' count and sums of their totals T and T^2 (item_code
    NULL) and per item the sums of v and v^2 over those respondents."""
    cell_sql, params = cells(survey, year, source, scope, form)
    return con.execute(f"""
        WITH c AS ({cell_sql})
        SELECT r.dimension_code, r.item_code, sum(r.n)::BIGINT AS n, sum(r.s)::DOUBLE AS s, sum(r.ss)::DOUBLE AS ss
        FROM survey_stat_reliability r JOIN c USING (batch_id, g)
        GROUP BY ALL""", params).df()
