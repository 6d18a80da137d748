"""The step that turns answers into sufficient statistics, as SQL that runs unchanged on DuckDB and Spark SQL.

Input: a relation of respondents, one row each, with batch_id, survey, year, instrument_id, unit_system,
unit_code, facility_id, school_level, respondent_group, stratum, psu, weight and the answers in a01..a64 (the
store's survey_respondent, a staged file, or the Parquet dataset). Output: named steps (ss_*), each one SELECT over the
input and earlier steps, run in order by a runner that keeps each result under its name (DuckDB: a temp table;
Spark: a cached temp view). Only portable SQL is used: CASE, COALESCE, CAST, SUM/COUNT/MAX, ||, row_number(),
IS NOT DISTINCT FROM, UNION ALL; no list, map or engine-specific function. Every code is an integer index into
the plan (etl.survey_stats.plan); the runner maps them to the store's codes.

The steps:
  cells        one row per finest group (batch, year, form, province, facility, school level, respondent group,
               stratum, cluster) with its number g and its respondents
  valid        per respondent: g, form number, weight, the valid answers (NULL when blank or off the form's
               scale)
  resp         the same with, per dimension, x (valid answers), s (at or above the satisfied threshold), v
               (their sum), and lx, lv (the same over Likert items only) where a dimension has a percent item
  set_stats    per g and item set: the sums of metrics.satisfaction.queries.STATS
  pair_stats   per g and ordered pair of headline dimensions (surveys shown as a mean of dimensions)
  value_stats  per g, slot and valid value: respondents, sum of weights, sum of squared weights
  score_stats  per g, item set and respondent score (mean Likert answer): respondents
  reliability_stats  per g, form dimension with 2+ Likert items and (slot or total): complete respondents'
               n, sum and sum of squares
"""
from __future__ import annotations

from dataclasses import dataclass

from etl.survey_stats.plan import SLOT_COLUMNS, StatsPlan

CELL_KEYS = ("batch_id", "survey", "year", "instrument_id", "unit_system", "unit_code", "facility_id", "school_level",
             "respondent_group", "stratum", "cl")
OUTPUTS = ("ss_cells", "ss_set_stats", "ss_pair_stats", "ss_value_stats", "ss_score_stats", "ss_reliability_stats")


@dataclass(frozen=True)
class Step:
    name: str
    sql: str
    keep: bool   # True: a result later steps or the store read (materialised); False: only read once


def _cluster(plan: StatsPlan) -> str:
    default = plan.cluster_default
    return f"COALESCE('p:' || psu, 'f:' || {default})" if default else "'p:' || psu"


def _valid(plan: StatsPlan, slot: int) -> str:
    """The answer in `slot` when it is on the respondent's form and within that form's scale, else NULL."""
    col = f"r.{SLOT_COLUMNS[slot - 1]}"
    arms = [f"WHEN r.instrument_id = '{plan.forms[i.form - 1]}' AND {col} BETWEEN {i.lo} AND {i.hi} THEN {col}"
            for i in plan.items if i.slot == slot]
    return f"CAST(CASE {' '.join(arms)} END AS SMALLINT)" if arms else "CAST(NULL AS SMALLINT)"


def _dim_sum(plan: StatsPlan, k: int, what: str, likert_only: bool) -> str:
    """Per respondent and dimension k: 'x' valid answers, 's' answers at or above the form's threshold, 'v' their
    sum; over every item of k on the respondent's form (Likert items only with `likert_only`)."""
    arms = []
    for f in range(1, len(plan.forms) + 1):
        mine = [i for i in plan.items if i.form == f and i.dim == k and (i.sat is not None or not likert_only)]
        if not mine:
            continue
        terms = []
        for i in mine:
            v = f"v{i.slot:02d}"
            if what == "x":
                terms.append(f"CASE WHEN {v} IS NULL THEN 0 ELSE 1 END")
            elif what == "s":
                terms.append(f"CASE WHEN {v} >= {i.sat} THEN 1 ELSE 0 END" if i.sat is not None else "0")
            else:
                terms.append(f"COALESCE({v}, 0)")
        arms.append(f"WHEN fno = {f} THEN {' + '.join(terms)}")
    return f"CAST(CASE {' '.join(arms)} ELSE 0 END AS SMALLINT)" if arms else "CAST(0 AS SMALLINT)"


def _mixed(plan: StatsPlan) -> set[int]:
    """Dimensions with a non-Likert (percent) item on some form: their Likert-only sums are kept apart."""
    return {i.dim for i in plan.items if i.sat is None}


def _set_terms(plan: StatsPlan, dims: tuple[int, ...], what: str) -> str:
    """The sum over `dims` of a per-dimension column; lx / lv name x / v where a dimension is all Likert."""
    mixed = _mixed(plan)
    names = [f"{what}{k}" if not what.startswith("l") or k in mixed else f"{what[1:]}{k}" for k in dims]
    return " + ".join(names) if names else "0"


def steps(plan: StatsPlan, source: str) -> list[Step]:
    """The steps for `plan` over the relation named `source` (a table or view name chosen by code)."""
    keys = ", ".join(CELL_KEYS)
    slots = sorted({i.slot for i in plan.items})
    dims = range(len(plan.dims))
    out = [Step("ss_cells", f"""
SELECT {keys}, CAST(row_number() OVER (ORDER BY {keys}) AS INTEGER) AS g, respondents
FROM (
  SELECT {keys}, COUNT(*) AS respondents
  FROM (SELECT {', '.join(CELL_KEYS[:-1])}, {_cluster(plan)} AS cl FROM {source}) c
  GROUP BY {keys}
) d""", True)]
    join = " AND ".join(f"c.{k} IS NOT DISTINCT FROM r.{k}" for k in CELL_KEYS)
    forms = " ".join(f"WHEN r.instrument_id = '{form}' THEN {f}" for f, form in enumerate(plan.forms, 1))
    valid = [f"{_valid(plan, s)} AS v{s:02d}" for s in slots]
    # Two steps, each materialised: every valid answer is worked out once, then the per-dimension sums add up
    # plain columns (an engine that inlined the first into the second would repeat each CASE per use).
    out.append(Step("ss_valid", f"""
SELECT c.g, CAST(CASE {forms} ELSE 0 END AS SMALLINT) AS fno, COALESCE(r.weight, 1.0) AS w,
       CASE WHEN r.weight IS NULL THEN 0 ELSE 1 END AS hw{''.join(', ' + v for v in valid)}
FROM (SELECT *, {_cluster(plan)} AS cl FROM {source}) r JOIN ss_cells c ON {join}""", True))
    per_dim = []
    for k in dims:
        per_dim += [f"{_dim_sum(plan, k, w, False)} AS {w}{k}" for w in ("x", "s", "v")]
        if k in _mixed(plan):    # Likert-only sums differ from the sums over every item only where a dimension
            per_dim += [f"{_dim_sum(plan, k, w, True)} AS l{w}{k}" for w in ("x", "v")]   # has a percent item
    out.append(Step("ss_resp", f"""
SELECT g, fno, w, hw{''.join(f', v{s:02d}' for s in slots)}, {', '.join(per_dim)}
FROM ss_valid""", True))
    out.append(Step("ss_set_stats", _set_stats(plan), True))
    if len(plan.pairs) > 1:
        out += _pair_steps(plan)
    out.append(Step("ss_value_stats", " UNION ALL ".join(
        f"""
SELECT g, {s} AS slot, v{s:02d} AS value, COUNT(*) AS c, SUM(w) AS cw, SUM(w * w) AS cw2, MAX(hw) AS weighted
FROM ss_resp WHERE v{s:02d} IS NOT NULL GROUP BY g, v{s:02d}""" for s in slots) or _empty_values(), True))
    out.append(Step("ss_score_stats", _score_stats(plan), True))
    out.append(Step("ss_reliability_stats", _reliability(plan), True))
    return out


def _set_stats(plan: StatsPlan) -> str:
    parts = []
    for j, (_kind, _code, members) in enumerate(plan.sets):
        x, s, v = (_set_terms(plan, members, w) for w in ("x", "s", "v"))
        parts.append(f"SELECT g, w, hw, {j} AS set_no, {x} AS x, {s} AS s, {v} AS v FROM ss_resp")
    return f"""
SELECT g, set_no, SUM(CASE WHEN x > 0 THEN 1 ELSE 0 END) AS n, SUM(x) AS m, SUM(s) AS ys,
       MAX(CASE WHEN hw = 1 AND x > 0 THEN 1 ELSE 0 END) AS weighted,
       SUM(w * x) AS wx, SUM(w * s) AS wys, SUM(w * v) AS wyv, SUM(w * w * x * x) AS w2xx,
       SUM(w * w * x * s) AS w2xys, SUM(w * w * s * s) AS w2ysys, SUM(w * w * x * v) AS w2xyv,
       SUM(w * w * v * v) AS w2yvyv, SUM(CASE WHEN x > 0 AND s = x THEN 1 ELSE 0 END) AS na,
       SUM(CASE WHEN x > 0 THEN w ELSE 0 END) AS sw, SUM(CASE WHEN x > 0 THEN w * w ELSE 0 END) AS sw2,
       SUM(CASE WHEN x > 0 AND s = x THEN w ELSE 0 END) AS swa,
       SUM(CASE WHEN x > 0 AND s = x THEN w * w ELSE 0 END) AS sw2a
FROM ({' UNION ALL '.join(parts)}) u
GROUP BY g, set_no"""


def _pair_steps(plan: StatsPlan) -> list[Step]:
    """Cross sums of headline dimensions a != b: sum w^2 s_a x_b (ordered), w^2 s_a s_b and w^2 x_a x_b. One
    pass over respondents (wide), then one row per pair from that small result."""
    pairs = [(a, b) for a in plan.pairs for b in plan.pairs if a != b]
    wide = ", ".join(f"SUM(w * w * s{a} * x{b}) AS yx_{a}_{b}, SUM(w * w * s{a} * s{b}) AS yy_{a}_{b}, "
                     f"SUM(w * w * x{a} * x{b}) AS xx_{a}_{b}" for a, b in pairs)
    long = " UNION ALL ".join(f"SELECT g, {a} AS dim_a, {b} AS dim_b, yx_{a}_{b} AS yx, yy_{a}_{b} AS yy, "
                              f"xx_{a}_{b} AS xx FROM ss_pair_wide" for a, b in pairs)
    return [Step("ss_pair_wide", f"SELECT g, {wide} FROM ss_resp GROUP BY g", True), Step("ss_pair_stats", long, True)]


def _empty_values() -> str:
    return ("SELECT g, CAST(0 AS INTEGER) AS slot, CAST(NULL AS SMALLINT) AS value, COUNT(*) AS c, SUM(w) AS cw, "
            "SUM(w * w) AS cw2, MAX(hw) AS weighted FROM ss_resp WHERE 1 = 0 GROUP BY g")


def _score_stats(plan: StatsPlan) -> str:
    """Respondents per score (mean Likert answer of a set). NULLIF: Spark in ANSI mode may divide before the
    WHERE lx > 0 of the same SELECT filters, and refuses a division by zero."""
    parts = []
    for j, (_kind, _code, members) in enumerate(plan.sets):
        lx, lv = _set_terms(plan, members, "lx"), _set_terms(plan, members, "lv")
        parts.append(f"SELECT g, {j} AS set_no, {lx} AS lx, {lv} AS lv FROM ss_resp")
    return f"""
SELECT g, set_no, score, COUNT(*) AS respondents
FROM (SELECT g, set_no, ROUND(CAST(lv AS DOUBLE) / NULLIF(lx, 0), 9) AS score FROM ({' UNION ALL '.join(parts)}) u
      WHERE lx > 0) s
GROUP BY g, set_no, score"""


def _reliability(plan: StatsPlan) -> str:
    """Complete respondents (a valid answer to every Likert item of the form's dimension): per g, their count and
    the sums of their dimension total T and T^2 (slot 0) and of each item's answer and its square."""
    parts = []
    for f, k, slots in plan.reliability_groups():
        lx, lv = _set_terms(plan, (k,), "lx"), _set_terms(plan, (k,), "lv")
        complete = f"fno = {f} AND {lx} = {len(slots)}"
        parts.append(f"SELECT g, {k} AS dim, 0 AS slot, COUNT(*) AS n, SUM({lv}) AS s, "
                     f"SUM(CAST({lv} AS BIGINT) * {lv}) AS ss FROM ss_resp WHERE {complete} GROUP BY g")
        parts += [f"SELECT g, {k} AS dim, {s} AS slot, COUNT(*) AS n, SUM(v{s:02d}) AS s, "
                  f"SUM(CAST(v{s:02d} AS BIGINT) * v{s:02d}) AS ss FROM ss_resp WHERE {complete} GROUP BY g"
                  for s in slots]
    if not parts:
        return ("SELECT g, 0 AS dim, 0 AS slot, COUNT(*) AS n, SUM(fno) AS s, SUM(fno) AS ss FROM ss_resp "
                "WHERE 1 = 0 GROUP BY g")
    return " UNION ALL ".join(parts)
