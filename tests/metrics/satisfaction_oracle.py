"""The satisfaction SQL as it was before issue #16 (aggregating every answer at query time): kept as the oracle the
sufficient-statistics queries (metrics.satisfaction.queries) are tested against. Reads the survey_answer view.

Former docstring: the aggregating SQL: per finest group x stratum x PSU, the sums a design-based ratio estimate needs.

DuckDB aggregates the answers once per respondent (valid answers, answers at 4-5 and the sum of values in
each dimension), then per finest group (province or hospital/school, and any breakdown), stratum and
cluster sums the PSU totals sum(w x), sum(w y) and the respondent-level squares sum(w^2 x y). Respondents
that are their own PSU (no psu and no default cluster) share one row per group and stratum (`cl` NULL),
so a million of them still cost one row. Item and dimension codes come from the instrument tables; user
input only ever reaches SQL as a parameter.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from metrics import stats
from metrics.satisfaction.instrument import instrument_items
from metrics.satisfaction.sources import CURRENT, pick_survey_source
from metrics.satisfaction.units import Scope, parse_unit, scope_sql

GRAIN_SQL = {  # grain name -> respondent columns; fixed here, never from input
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
    """Respondent columns of a level ('' for the country) and breakdowns."""
    columns = list(GRAIN_SQL.get(level, []))
    for b in breakdown:
        if b not in BREAKDOWNS:
            raise ValueError(f"unknown breakdown {b!r}; expected one of {BREAKDOWNS}")
        columns += GRAIN_SQL[b]
    return columns


def _cluster_sql(survey: str) -> str:
    default = DEFAULT_CLUSTER.get(survey)
    return f"coalesce('p:' || psu, 'f:' || {default})" if default else "'p:' || psu"


def prefix(survey: str, year: int, source: str, columns: list[str], scope: Scope, form: str | None,
           dims: list[str]) -> tuple[str, list]:
    """CTEs `items` (valid range, satisfied threshold - NULL for percent items - and k, the 1-based index of
    the item's dimension in `dims`, NULL if absent) and `r` (the respondents counted, with stratum and
    cluster), with their parameters."""
    where, scope_params = scope_sql(scope)
    grain = "".join(f", {c}" for c in columns if c != "instrument_id")
    sql = f"""
    WITH items AS (
        SELECT i.instrument_id, i.item_code, list_position(?::VARCHAR[], i.dimension_code) AS k, i.value_min AS lo,
               i.value_max AS hi, CASE WHEN i.item_kind = 'likert' THEN s.satisfied_min END AS sat
        FROM instrument_item i JOIN instrument s USING (instrument_id)
        WHERE s.survey = ? AND i.batch_id IN ({CURRENT}) AND s.batch_id IN ({CURRENT})
    ),
    r AS (
        SELECT respondent_key, batch_id, instrument_id{grain}, coalesce(weight, 1.0) AS w, weight IS NOT NULL AS hw,
               stratum, {_cluster_sql(survey)} AS cl
        FROM survey_respondent
        WHERE batch_id IN (SELECT batch_id FROM batch WHERE status = 'current' AND source = ?)
          AND survey = ? AND year = ? AND (?::VARCHAR IS NULL OR instrument_id = ?){where}
    )"""
    return sql, [list(dims), survey, source, survey, year, form, form, *scope_params]


def set_moments(con: duckdb.DuckDBPyConnection, survey: str, year: int, source: str, sets: pd.DataFrame,
                dims: list[str], columns: list[str], scope: Scope, form: str | None,
                elements: list[str]) -> pd.DataFrame:
    """Sums per finest group, stratum, cluster and item set, long: one row each. For `elements` (dimension
    codes), the headline rows also get the totals and respondent-level cross sums of their plain mean
    (columns em_*)."""
    sql_prefix, params = prefix(survey, year, source, columns, scope, form, dims)
    # One sum per dimension instead of three: each valid answer adds 1 + 2^8 [answer at 4-5] + 2^16 value, so
    # the sum holds x (valid answers, bits 0-7), s (answers at 4-5, bits 8-15) and v (sum of values, bits
    # 16+); no dimension has 256 items. Aggregates over every answer are the query's main cost, and CASE
    # sums run faster than FILTER clauses. k indexes `dims`, so the SQL text holds no codes.
    packed = [f"sum(CASE WHEN i.k = {k} THEN 1 + 256 * coalesce(a.value >= i.sat, false)::BIGINT + 65536 * a.value "
              f"ELSE 0 END) AS c{k}" for k in range(1, len(dims) + 1)]
    unpack = {"x": "(p.c{k} & 255)", "s": "((p.c{k} >> 8) & 255)", "v": "(p.c{k} >> 16)"}
    set_exprs, aggregates = [], []
    for j, members in enumerate(sets["dims"]):
        ks = [dims.index(d) + 1 for d in members]
        for v, expr in unpack.items():
            set_exprs.append(" + ".join(expr.format(k=k) for k in ks) + f" AS {v}_{j}")
        x, s, v = f"x_{j}", f"s_{j}", f"v_{j}"
        has, alls = f"({x} > 0)::INTEGER", f"({x} > 0 AND {s} = {x})::INTEGER"
        aggregates += [
            f"sum({has}) AS n_{j}", f"sum({x}) AS m_{j}", f"sum({s}) AS ys_{j}",
            f"coalesce(bool_or(hw AND {x} > 0), false) AS weighted_{j}",
            f"sum(w * {x}) AS wx_{j}", f"sum(w * {s}) AS wys_{j}", f"sum(w * {v}) AS wyv_{j}",
            f"sum(w * w * {x} * {x}) AS w2xx_{j}", f"sum(w * w * {x} * {s}) AS w2xys_{j}",
            f"sum(w * w * {s} * {s}) AS w2ysys_{j}", f"sum(w * w * {x} * {v}) AS w2xyv_{j}",
            f"sum(w * w * {v} * {v}) AS w2yvyv_{j}", f"sum({alls}) AS na_{j}", f"sum(w * {has}) AS sw_{j}",
            f"sum(w * w * {has}) AS sw2_{j}", f"sum(w * {alls}) AS swa_{j}", f"sum(w * w * {alls}) AS sw2a_{j}"]
    # The plain mean of element ratios needs, per group, sum(w y_k), sum(w x_k) and sum(w^2 y_k y_l), sum(w^2 y_k
    # x_l), sum(w^2 x_k x_l) over element pairs: a few more sums in the same pass.
    element_sets = [int(sets.index[(sets["set_kind"] == "dimension") & (sets["set_code"] == d)][0]) for d in elements]
    for a, ja in enumerate(element_sets):
        aggregates += [f"sum(w * s_{ja}) AS em_y_{a}", f"sum(w * x_{ja}) AS em_x_{a}"]
        for b, jb in enumerate(element_sets):
            aggregates.append(f"sum(w * w * s_{ja} * x_{jb}) AS em_yx_{a}_{b}")
            if b >= a:
                aggregates += [f"sum(w * w * s_{ja} * s_{jb}) AS em_yy_{a}_{b}",
                               f"sum(w * w * x_{ja} * x_{jb}) AS em_xx_{a}_{b}"]
    keys = columns + DESIGN_KEYS
    group = ", ".join(f"r.{c}" for c in keys)
    sql = f"""{sql_prefix},
    p AS (
        SELECT a.respondent_key, {', '.join(packed)}
        FROM survey_answer a JOIN r USING (respondent_key)
        JOIN items i ON i.instrument_id = r.instrument_id AND i.item_code = a.item_code
        WHERE a.value BETWEEN i.lo AND i.hi AND i.k > 0 AND a.batch_id IN (SELECT DISTINCT batch_id FROM r)
        GROUP BY a.respondent_key
    ),
    q AS (SELECT {group}, r.w, r.hw, {', '.join(set_exprs)} FROM p JOIN r USING (respondent_key))
    SELECT {', '.join(keys)}, {', '.join(aggregates)} FROM q
    GROUP BY {', '.join(keys)}
    """
    wide = con.execute(sql, params).df()
    parts = []
    cross = [c for c in wide.columns if c.startswith("em_")]
    for j in range(len(sets)):
        part = wide[keys + [f"{s}_{j}" for s in STATS]].rename(columns={f"{s}_{j}": s for s in STATS})
        if j == 0 and cross:       # the headline is set 0
            part = pd.concat([part, wide[cross].astype("float64")], axis=1)
        parts.append(part.assign(set_index=j))
    long = pd.concat(parts, ignore_index=True)
    long = long[long["n"] > 0].copy()
    long[SUMMED] = long[SUMMED].astype("float64")
    return long


def value_counts(con: duckdb.DuckDBPyConnection, survey: str, year: int, source: str, columns: list[str],
                 scope: Scope, form: str | None) -> pd.DataFrame:
    """Valid answers per finest group, stratum, cluster, form, item and value: count and sums of weights and
    squared weights."""
    sql_prefix, params = prefix(survey, year, source, columns, scope, form, [])
    group = "".join(f"r.{c}, " for c in columns + DESIGN_KEYS)
    sql = f"""{sql_prefix}
    SELECT {group}r.instrument_id AS form, a.item_code, a.value, count(*) AS c, sum(r.w) AS cw, sum(r.w * r.w) AS cw2,
           bool_or(r.hw) AS weighted
    FROM survey_answer a JOIN r USING (respondent_key)
    JOIN items i ON i.instrument_id = r.instrument_id AND i.item_code = a.item_code
    WHERE a.value BETWEEN i.lo AND i.hi AND a.batch_id IN (SELECT DISTINCT batch_id FROM r)
    GROUP BY ALL
    """
    return con.execute(sql, params).df()


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
    """Distribution of respondents' mean valid answer over an item set (or one item): score, respondents."""
    sql_prefix, params = prefix(survey, year, source, [], scope, None, dims)
    sql = f"""{sql_prefix},
    p AS (
        SELECT a.respondent_key, sum(a.value) / count(*) AS score
        FROM survey_answer a JOIN r USING (respondent_key)
        JOIN items i ON i.instrument_id = r.instrument_id AND i.item_code = a.item_code
        WHERE a.value BETWEEN i.lo AND i.hi AND i.sat IS NOT NULL AND i.k > 0
          AND a.batch_id IN (SELECT DISTINCT batch_id FROM r) AND (?::VARCHAR IS NULL OR a.item_code = ?)
        GROUP BY a.respondent_key
    )
    SELECT round(score, 9) AS score, count(*) AS respondents FROM p GROUP BY 1 ORDER BY 1
    """
    return con.execute(sql, [*params, item, item]).df()


def coverage(con: duckdb.DuckDBPyConnection, survey: str, year: int, source: str, form: str | None) -> tuple[int, int]:
    """(units covered, units in the year's code system): provinces with respondents in the dataset, out of
    the 63 (vn63, up to 2024) or 34 (vn34, from 2025)."""
    system = "vn34" if year >= 2025 else "vn63"
    covered, total = con.execute(
        f"""SELECT (SELECT count(DISTINCT unit_code) FROM survey_respondent
                    WHERE batch_id IN (SELECT batch_id FROM batch WHERE status = 'current' AND source = ?)
                      AND survey = ? AND year = ? AND unit_system = ? AND (?::VARCHAR IS NULL OR instrument_id = ?)),
                   (SELECT count(*) FROM unit WHERE code_system = ? AND batch_id IN ({CURRENT}))""",
        [source, survey, year, system, form, form, system]).fetchone()
    return int(covered), int(total)


def reliability_sums(con: duckdb.DuckDBPyConnection, survey: str, year: int, source: str, scope: Scope,
                     form: str, sizes: dict[int, int], dims: list[str]) -> pd.DataFrame:
    """For one form: per dimension k, the complete respondents' count and sums of their totals T and T^2
    (kind 'total'), and per item the sums of v and v^2 over those respondents (kind 'item')."""
    sql_prefix, params = prefix(survey, year, source, [], scope, form, dims)
    # Per respondent and dimension: valid answers in bits 0-7 and their sum above (see set_moments); a
    # respondent is complete for k when every item of k has a valid answer: bit k of `mask`.
    packed = ", ".join(f"sum(CASE WHEN a.k = {k} THEN 1 + 256 * a.value ELSE 0 END) AS c{k}" for k in sizes)
    mask = " + ".join(f"((c{k} & 255) = {n})::BIGINT * {1 << k}" for k, n in sizes.items())
    totals = " UNION ALL ".join(
        f"SELECT 'total', {k}, NULL, count(*), sum(c{k} >> 8), sum((c{k} >> 8) * (c{k} >> 8)) "
        f"FROM m WHERE (mask >> {k}) & 1 = 1" for k in sizes)
    sql = f"""{sql_prefix},
    a AS (
        SELECT a.respondent_key, i.k, a.item_code, a.value
        FROM survey_answer a JOIN r USING (respondent_key)
        JOIN items i ON i.instrument_id = r.instrument_id AND i.item_code = a.item_code
        WHERE a.value BETWEEN i.lo AND i.hi AND i.sat IS NOT NULL AND i.k > 0
          AND a.batch_id IN (SELECT DISTINCT batch_id FROM r)
    ),
    p AS (SELECT respondent_key, {packed} FROM a GROUP BY respondent_key),
    m AS (SELECT *, {mask} AS mask FROM p)
    {totals}
    UNION ALL
    SELECT 'item', a.k, a.item_code, count(*), sum(a.value), sum(a.value * a.value)
    FROM a JOIN m USING (respondent_key) WHERE (m.mask >> a.k) & 1 = 1 GROUP BY a.k, a.item_code
    """
    return pd.DataFrame(con.execute(sql, params).fetchall(), columns=["kind", "k", "item_code", "n", "s", "ss"])


# --- the former reliability (per-answer sums), the oracle of metrics.satisfaction.reliability ---

def reliability(con: duckdb.DuckDBPyConnection, survey: str, year: int, *, unit: str | None = None,
                form: str | None = None, source: str | None = None, level: float = stats.LEVEL) -> pd.DataFrame:
    """Cronbach's alpha per form and dimension (2+ Likert items) with Feldt's interval, over the respondents
    who answered every item of the dimension validly (listwise; weights are not used)."""
    columns = ["form", "dimension_code", "dimension_vi", "dimension_en", "n_items", "n_respondents", "alpha",
               "alpha_ci_low", "alpha_ci_high", "source"]
    chosen = pick_survey_source(con, survey, year, source)
    items = instrument_items(con, survey, form)
    likert = items[items["item_kind"] == "likert"]
    if chosen is None or likert.empty:
        return pd.DataFrame(columns=columns)
    dims = list(dict.fromkeys(likert.sort_values("dimension_position")["dimension_code"]))
    scope = parse_unit(unit, survey)
    rows = []
    for form_id, own in likert.groupby("form", sort=True):
        counts = own.groupby("dimension_code").size()
        sizes = {k: int(counts[d]) for k, d in enumerate(dims, 1) if counts.get(d, 0) >= 2}
        if not sizes:
            continue
        sums = reliability_sums(con, survey, year, chosen, scope, form_id, sizes, dims)
        for k, n_items in sizes.items():
            total = sums[(sums["kind"] == "total") & (sums["k"] == k)]
            item_sums = sums[(sums["kind"] == "item") & (sums["k"] == k)]
            n = int(total["n"].iloc[0]) if len(total) else 0
            if n < 2 or len(item_sums) != n_items:
                continue
            alpha = stats.cronbach_alpha_from_sums(n, item_sums["s"], item_sums["ss"], float(total["s"].iloc[0]),
                                                   float(total["ss"].iloc[0]))
            low, high = stats.feldt_interval(alpha, n, n_items, level)
            first = own[own["dimension_code"] == dims[k - 1]].iloc[0]
            rows.append({"form": form_id, "dimension_code": dims[k - 1], "dimension_vi": first["dimension_vi"],
                         "dimension_en": first["dimension_en"], "n_items": n_items, "n_respondents": n,
                         "alpha": alpha, "alpha_ci_low": low, "alpha_ci_high": high, "source": chosen})
    return pd.DataFrame(rows, columns=columns)




def survey_datasets(con: duckdb.DuckDBPyConnection, survey: str | None = None) -> pd.DataFrame:
    """Current survey datasets counted from the respondents (the former metrics.satisfaction.sources query)."""
    return con.execute(
        """
        SELECT r.survey, r.year, b.source, count(*) AS respondents,
               list(DISTINCT r.batch_id ORDER BY r.batch_id) AS batch_ids
        FROM survey_respondent r JOIN batch b USING (batch_id)
        WHERE b.status = 'current' AND (? IS NULL OR r.survey = ?)
        GROUP BY ALL ORDER BY r.survey, r.year, b.source
        """, [survey, survey]).df()
