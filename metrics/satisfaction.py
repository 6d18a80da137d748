"""Satisfaction surveys (SIPAS, health, education): estimates with intervals per unit, item set and item.

How a figure is made: DuckDB aggregates the answers once per respondent (valid answers, answers at 4-5 and
the sum of values in each dimension), then sums the moments the ratio estimator needs per finest group
(province or hospital/school, and any breakdown). Moments add up, so provinces, the country and margins
are sums of the finest groups in pandas; `metrics.stats` turns moments into estimates, intervals and flags.

Every function takes `source` (default: upload, then published, then demo, per survey and year) and
reports the source it used: sources never mix in one figure. Item and dimension codes come from the
instrument tables; user input only ever reaches SQL as a parameter.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from etl.codesystems import split_unit_ref
from etl.paths import DATA_DIR
from metrics import stats
from metrics.par_index import SOURCE_PRIORITY, available_datasets, pick_source, unit_results

SURVEYS = ("sipas", "health", "education")
OVERALL = ""    # set_code of the headline overall (education has a dimension coded 'overall': question HL1)
FACILITY_TYPE = {"health": "hospital", "education": "school"}
NATIONAL = {"name_vi": "Toàn quốc", "name_en": "National"}
TARGETS_PATH = DATA_DIR / "targets" / "satisfaction_targets.csv"

# The headline ("overall") item set of each survey, and extra pooled sets. Named by method, because the
# official SIPAS weights are not published: the pooled figure is not the published index.
HEADLINE = {
    "sipas": {"parts": ("service",), "exclude": (),
              "name_vi": "Chung (gộp mọi câu hỏi của 5 yếu tố dịch vụ)",
              "name_en": "Overall (all service items pooled)"},
    "health": {"parts": ("section",), "exclude": (), "name_vi": "Chung (gộp mọi câu hỏi A-E)",
               "name_en": "Overall (all items A-E pooled)"},
    "education": {"parts": ("dimension",), "exclude": ("overall",),
                  "name_vi": "Chung (gộp mọi câu hỏi của 5 nội dung)",
                  "name_en": "Overall (items of the 5 dimensions pooled)"},
}
EXTRA_SETS = {"sipas": [("policy", ("policy",), "Chính sách (gộp mọi câu hỏi của 3 nhóm)",
                         "Policies (all policy items pooled)")]}

_CURRENT = "SELECT batch_id FROM batch WHERE status = 'current'"
_STATS = ("n", "m", "ys", "weighted", "wx", "wys", "wyv", "w2xx", "w2xys", "w2ysys", "w2xyv", "w2yvyv",
          "na", "sw", "sw2", "swa", "sw2a")
_SUMMED = [s for s in _STATS if s != "weighted"]
_VALUES = range(1, 6)


# --- datasets and sources -------------------------------------------------------------------------------

def survey_datasets(con: duckdb.DuckDBPyConnection, survey: str | None = None) -> pd.DataFrame:
    """Current survey datasets: survey, year, source, respondents and batch ids."""
    return con.execute(
        """
        SELECT r.survey, r.year, b.source, count(*) AS respondents,
               list(DISTINCT r.batch_id ORDER BY r.batch_id) AS batch_ids
        FROM survey_respondent r JOIN batch b USING (batch_id)
        WHERE b.status = 'current' AND (? IS NULL OR r.survey = ?)
        GROUP BY ALL ORDER BY r.survey, r.year, b.source
        """, [survey, survey]).df()


def pick_survey_source(con: duckdb.DuckDBPyConnection, survey: str, year: int,
                       requested: str | None = None) -> str | None:
    """The requested source if that survey and year has it (else None); by default upload, published, demo."""
    datasets = survey_datasets(con, survey)
    if requested is not None:
        return requested if ((datasets["year"] == year) & (datasets["source"] == requested)).any() else None
    return pick_source(datasets, year)


# --- units ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    """Which respondents count: the country, one province (`system:code`) or one hospital or school."""

    kind: str = "national"          # national | province | facility
    system: str | None = None       # code system (vn63, vn34) or facility type (hospital, school)
    code: str | None = None


def parse_unit(text: str | None, survey: str) -> Scope:
    """'vn63:22' -> a province, 'hospital:ID' / 'school:ID' -> a facility of the matching survey, None -> country."""
    if not text:
        return Scope()
    parts = split_unit_ref(text)
    if parts is None:
        raise ValueError(f"unit {text!r}: expected system:code, e.g. vn63:22, hospital:ID or school:ID")
    system, code = parts
    if system in ("hospital", "school"):
        if FACILITY_TYPE.get(survey) != system:
            raise ValueError(f"unit {text!r}: {survey} has no {system}s")
        return Scope("facility", system, code)
    return Scope("province", system, code)


def _scope_sql(scope: Scope) -> tuple[str, list]:
    if scope.kind == "province":
        return " AND unit_system = ? AND unit_code = ?", [scope.system, scope.code]
    if scope.kind == "facility":
        return " AND facility_id = ?", [scope.code]
    return "", []


def unit_names(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Names of provinces and of hospitals and schools, with each facility's province as parent."""
    return con.execute(
        f"""
        SELECT code_system, code, name_vi, name_en, NULL AS parent_system, NULL AS parent_code FROM unit
        UNION ALL
        SELECT facility_type, facility_id, any_value(name), any_value(name), any_value(unit_system),
               any_value(unit_code)
        FROM facility WHERE batch_id IN ({_CURRENT}) GROUP BY facility_type, facility_id
        """).df()


# --- instrument -------------------------------------------------------------------------------------------

def instrument_items(con: duckdb.DuckDBPyConnection, survey: str, form: str | None = None) -> pd.DataFrame:
    """Items of a survey's instruments (all forms, or one): dimension, part, kind, valid range, wording."""
    return con.execute(
        f"""
        SELECT i.instrument_id AS form, i.item_code, i.dimension_code, d.part, i.item_kind, i.value_min, i.value_max,
               s.satisfied_min, i.position, i.wording_vi, i.wording_en, d.name_vi AS dimension_vi,
               d.name_en AS dimension_en, d.position AS dimension_position
        FROM instrument_item i JOIN instrument s USING (instrument_id)
        JOIN instrument_dimension d ON d.instrument_id = i.instrument_id AND d.dimension_code = i.dimension_code
        WHERE s.survey = ? AND (? IS NULL OR i.instrument_id = ?)
          AND i.batch_id IN ({_CURRENT}) AND s.batch_id IN ({_CURRENT}) AND d.batch_id IN ({_CURRENT})
        ORDER BY i.instrument_id, i.position
        """, [survey, form, form]).df()


def item_sets(items: pd.DataFrame, survey: str) -> pd.DataFrame:
    """The item sets estimates are made for: the headline overall, extra pooled parts, each dimension.

    Columns: set_kind, set_code, set_vi, set_en, part, position, dims (dimension codes), likert, single_item
    (no respondent answers more than one item of the set: Wilson applies).
    """
    per_form = items.groupby(["form", "dimension_code"]).size().groupby("dimension_code").max()
    dims = (items.groupby("dimension_code", sort=False)
            .agg(part=("part", "first"), set_vi=("dimension_vi", "first"), set_en=("dimension_en", "first"),
                 position=("dimension_position", "min"), likert=("item_kind", lambda k: bool((k == "likert").all())))
            .reset_index().sort_values(["position", "dimension_code"]))
    head = HEADLINE[survey]
    headline = dims[dims["part"].isin(head["parts"]) & ~dims["dimension_code"].isin(head["exclude"])]
    rows = [{"set_kind": "overall", "set_code": OVERALL, "set_vi": head["name_vi"], "set_en": head["name_en"],
             "part": "", "position": 0, "dims": list(headline["dimension_code"]), "likert": True,
             "single_item": bool(headline["dimension_code"].map(per_form).sum() <= 1)}]
    for code, parts, name_vi, name_en in EXTRA_SETS.get(survey, []):
        members = list(dims.loc[dims["part"].isin(parts), "dimension_code"])
        rows.append({"set_kind": "part", "set_code": code, "set_vi": name_vi, "set_en": name_en, "part": code,
                     "position": 0, "dims": members, "likert": True, "single_item": len(members) == 1
                     and per_form[members[0]] == 1})
    for d in dims.itertuples():
        rows.append({"set_kind": "dimension", "set_code": d.dimension_code, "set_vi": d.set_vi, "set_en": d.set_en,
                     "part": d.part, "position": int(d.position), "dims": [d.dimension_code], "likert": d.likert,
                     "single_item": bool(per_form[d.dimension_code] == 1)})
    return pd.DataFrame(rows)


# --- the aggregating queries --------------------------------------------------------------------------------

_GRAIN_SQL = {  # grain name -> respondent columns; fixed here, never from input
    "province": ["unit_system", "unit_code"],
    "facility": ["unit_system", "unit_code", "facility_id"],
    "school_level": ["school_level"],
    "respondent_group": ["respondent_group"],
    "form": ["instrument_id"],
}
BREAKDOWNS = ("school_level", "respondent_group", "form")


def _grain_columns(level: str, breakdown: tuple[str, ...]) -> list[str]:
    columns = list(_GRAIN_SQL.get(level, []))
    for b in breakdown:
        if b not in BREAKDOWNS:
            raise ValueError(f"unknown breakdown {b!r}; expected one of {BREAKDOWNS}")
        columns += _GRAIN_SQL[b]
    return columns


def _prefix(survey: str, year: int, source: str, columns: list[str], scope: Scope, form: str | None,
            dims: list[str]) -> tuple[str, list]:
    """CTEs `items` (valid range, satisfied threshold - NULL for percent items - and k, the 1-based index of
    the item's dimension in `dims`, NULL if absent) and `r` (the respondents counted), with their parameters."""
    where, scope_params = _scope_sql(scope)
    grain = "".join(f", {c}" for c in columns if c != "instrument_id")
    sql = f"""
    WITH items AS (
        SELECT i.instrument_id, i.item_code, list_position(?::VARCHAR[], i.dimension_code) AS k, i.value_min AS lo,
               i.value_max AS hi, CASE WHEN i.item_kind = 'likert' THEN s.satisfied_min END AS sat
        FROM instrument_item i JOIN instrument s USING (instrument_id)
        WHERE s.survey = ? AND i.batch_id IN ({_CURRENT}) AND s.batch_id IN ({_CURRENT})
    ),
    r AS (
        SELECT respondent_key, batch_id, instrument_id{grain}, coalesce(weight, 1.0) AS w, weight IS NOT NULL AS hw
        FROM survey_respondent
        WHERE batch_id IN (SELECT batch_id FROM batch WHERE status = 'current' AND source = ?)
          AND survey = ? AND year = ? AND (?::VARCHAR IS NULL OR instrument_id = ?){where}
    )"""
    return sql, [list(dims), survey, source, survey, year, form, form, *scope_params]


def _set_moments(con, survey: str, year: int, source: str, sets: pd.DataFrame, dims: list[str],
                 columns: list[str], scope: Scope, form: str | None, elements: list[str]) -> pd.DataFrame:
    """Moments per finest group and item set, long: one row per group and set. For `elements` (dimension
    codes), the headline rows also get the sums and cross moments of their plain mean (columns em_*)."""
    prefix, params = _prefix(survey, year, source, columns, scope, form, dims)
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
    group = ", ".join(f"r.{c}" for c in columns)
    sql = f"""{prefix},
    p AS (
        SELECT a.respondent_key, {', '.join(packed)}
        FROM survey_answer a JOIN r USING (respondent_key)
        JOIN items i ON i.instrument_id = r.instrument_id AND i.item_code = a.item_code
        WHERE a.value BETWEEN i.lo AND i.hi AND i.k > 0 AND a.batch_id IN (SELECT DISTINCT batch_id FROM r)
        GROUP BY a.respondent_key
    ),
    q AS (SELECT {group + ', ' if group else ''}r.w, r.hw, {', '.join(set_exprs)} FROM p JOIN r USING (respondent_key))
    SELECT {', '.join(columns) + ', ' if columns else ''}{', '.join(aggregates)} FROM q
    {'GROUP BY ' + ', '.join(columns) if columns else ''}
    """
    wide = con.execute(sql, params).df()
    parts = []
    cross = [c for c in wide.columns if c.startswith("em_")]
    for j in range(len(sets)):
        part = wide[columns + [f"{s}_{j}" for s in _STATS]].rename(columns={f"{s}_{j}": s for s in _STATS})
        if j == 0 and cross:       # the headline is set 0
            part = pd.concat([part, wide[cross].astype("float64")], axis=1)
        parts.append(part.assign(set_index=j))
    long = pd.concat(parts, ignore_index=True)
    long = long[long["n"] > 0].copy()
    long[_SUMMED] = long[_SUMMED].astype("float64")
    return long


def _value_counts(con, survey: str, year: int, source: str, columns: list[str], scope: Scope,
                  form: str | None) -> pd.DataFrame:
    """Valid answers per finest group, form, item and value: count and sums of weights and squared weights."""
    prefix, params = _prefix(survey, year, source, columns, scope, form, [])
    group = "".join(f"r.{c}, " for c in columns)
    sql = f"""{prefix}
    SELECT {group}r.instrument_id AS form, a.item_code, a.value, count(*) AS c, sum(r.w) AS cw, sum(r.w * r.w) AS cw2,
           bool_or(r.hw) AS weighted
    FROM survey_answer a JOIN r USING (respondent_key)
    JOIN items i ON i.instrument_id = r.instrument_id AND i.item_code = a.item_code
    WHERE a.value BETWEEN i.lo AND i.hi AND a.batch_id IN (SELECT DISTINCT batch_id FROM r)
    GROUP BY ALL
    """
    return con.execute(sql, params).df()


def _item_moments(counts: pd.DataFrame, items: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Ratio moments of single items from value counts: each respondent gives one answer (x = 1)."""
    frame = counts.merge(items[["form", "item_code", "satisfied_min", "item_kind"]], on=["form", "item_code"])
    v = frame["value"].astype("float64")
    sat = (frame["item_kind"] == "likert") & (frame["value"] >= frame["satisfied_min"])
    frame = frame.assign(
        n=frame["c"], m=frame["c"], ys=frame["c"].where(sat, 0), wx=frame["cw"], wys=frame["cw"].where(sat, 0),
        wyv=frame["cw"] * v, w2xx=frame["cw2"], w2xys=frame["cw2"].where(sat, 0), w2xyv=frame["cw2"] * v,
        w2yvyv=frame["cw2"] * v * v,
        **{f"answers_{k}": frame["cw"].where(frame["value"] == k, 0) for k in _VALUES})
    frame = frame.assign(w2ysys=frame["w2xys"], na=frame["ys"], sw=frame["wx"], sw2=frame["w2xx"],
                         swa=frame["wys"], sw2a=frame["w2xys"])
    summed = [s for s in _SUMMED] + [f"answers_{k}" for k in _VALUES]
    out = frame.groupby(keys + ["form", "item_code"], dropna=False).agg(
        **{s: (s, "sum") for s in summed}, weighted=("weighted", "any")).reset_index()
    out[summed] = out[summed].astype("float64")
    return out


# --- rows: units, totals, margins -------------------------------------------------------------------------

def _sum_moments(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    summed = [c for c in frame.columns if c in _SUMMED or c.startswith(("answers_", "em_"))]
    if not by:
        out = frame[summed].sum().to_frame().T
        out["weighted"] = bool(frame["weighted"].any())
        return out
    return frame.groupby(by, dropna=False).agg(**{c: (c, "sum") for c in summed},
                                               weighted=("weighted", "any")).reset_index()


def _rollups(moments: pd.DataFrame, level: str, scope: Scope, breakdown: tuple[str, ...],
             extra_keys: list[str]) -> pd.DataFrame:
    """Rows of the scope total and of each unit at `level`, for every subset of the breakdown (a missing
    breakdown value means 'all'). Moments are sums, so every row is a sum of finest groups."""
    province, facility = ["unit_system", "unit_code"], ["unit_system", "unit_code", "facility_id"]
    levels: list[tuple[list[str], str]] = []
    if scope.kind == "national":
        levels.append(([], "national"))
    elif scope.kind == "province" and level == "facility":
        levels.append((province, "province"))
    if level == "province":
        levels.append((province, "province"))
    elif level == "facility":
        levels.append((facility, "facility"))
    breakdown_cols = [c for b in breakdown for c in _GRAIN_SQL[b]]
    frames = []
    for keys, row_level in levels:
        for size in range(len(breakdown_cols) + 1):
            for subset in combinations(breakdown_cols, size):
                frames.append(_sum_moments(moments, keys + list(subset) + extra_keys).assign(row_level=row_level))
    out = pd.concat(frames, ignore_index=True)
    for c in ["unit_system", "unit_code", "facility_id"] + breakdown_cols:
        if c not in out:
            out[c] = None
    return out


def _label_units(rows: pd.DataFrame, names: pd.DataFrame, survey: str) -> pd.DataFrame:
    """code_system/code/name of each row: national (empty code), province, or hospital/school."""
    facility = rows["row_level"] == "facility"
    rows = rows.assign(
        code_system=np.where(facility, FACILITY_TYPE.get(survey, ""), rows["unit_system"].fillna("")),
        code=np.where(facility, rows["facility_id"].fillna(""), rows["unit_code"].fillna("")))
    rows = rows.merge(names[["code_system", "code", "name_vi", "name_en"]], on=["code_system", "code"], how="left")
    national = rows["row_level"] == "national"
    rows.loc[national, "name_vi"] = NATIONAL["name_vi"]
    rows.loc[national, "name_en"] = NATIONAL["name_en"]
    rows["name_vi"] = rows["name_vi"].fillna(rows["code"])
    rows["name_en"] = rows["name_en"].fillna(rows["code"])
    rows["parent_system"] = np.where(facility, rows["unit_system"], "")
    rows["parent_code"] = np.where(facility, rows["unit_code"], "")
    return rows


def _finish(rows: pd.DataFrame, survey: str, year: int, source: str, min_n: int, max_rse: float) -> pd.DataFrame:
    """Moment rows plus estimates, counts and provenance, built in one concat (the moment columns are many)."""
    rows = rows.reset_index(drop=True)
    extra = pd.DataFrame({"n_respondents": rows["n"].astype("int64"), "n_answers": rows["m"].astype("int64"),
                          "weighted": rows["weighted"].astype(bool), "survey": survey, "year": year,
                          "source": source}, index=rows.index)
    return pd.concat([rows.drop(columns="weighted"), stats.estimates(rows, min_n=min_n, max_rse=max_rse), extra],
                     axis=1)


def _scope_level(unit: str | None, survey: str, level: str) -> tuple[Scope, str]:
    """A facility is always shown at facility level, and a province at least at province level."""
    if level not in ("national", "province", "facility"):
        raise ValueError(f"unknown level {level!r}; expected national, province or facility")
    scope = parse_unit(unit, survey)
    if level == "facility" and survey not in FACILITY_TYPE:
        raise ValueError(f"{survey} is not collected per hospital or school")
    if scope.kind == "facility":
        return scope, "facility"
    if scope.kind == "province" and level == "national":
        return scope, "province"
    return scope, level


ELEMENTS_MEAN = ("sipas",)     # surveys whose overall is also shown as the plain mean of its headline dimensions
_ELEMENT_COLUMNS = ["pct_elements_mean", "elements_se", "elements_ci_low", "elements_ci_high"]


def _elements_mean(rows: pd.DataFrame, k: int) -> pd.DataFrame:
    """The plain mean of the headline dimensions' percent satisfied and its Taylor interval, on headline rows
    that carry the em_* moments (else NaN); hidden with the row when it is suppressed."""
    out = pd.DataFrame(np.nan, index=rows.index, columns=_ELEMENT_COLUMNS)
    if k == 0 or "em_y_0" not in rows:
        return out
    z = stats.z_value()
    for i, r in rows[(rows["set_kind"] == "overall") & (rows["flag"] != "suppressed")].iterrows():
        y = [r[f"em_y_{a}"] for a in range(k)]
        x = [r[f"em_x_{a}"] for a in range(k)]
        sym = {name: np.array([[r[f"em_{name}_{min(a, b)}_{max(a, b)}"] for b in range(k)] for a in range(k)])
               for name in ("yy", "xx")}
        yx = np.array([[r[f"em_yx_{a}_{b}"] for b in range(k)] for a in range(k)])
        est, se = stats.mean_of_ratios(y, x, sym["yy"], yx, sym["xx"], r["n"])
        out.loc[i] = [est * 100, se * 100, max(est - z * se, 0) * 100, min(est + z * se, 1) * 100]
    return out


_ORDER = {"national": 0, "province": 1, "facility": 2}
TABLE_COLUMNS = ["code_system", "code", "name_vi", "name_en", "parent_system", "parent_code", "row_level",
                 "set_kind", "set_code", "set_vi", "set_en", "part", "position", "n_respondents", "n_answers",
                 "weighted", *stats.ESTIMATE_COLUMNS, *_ELEMENT_COLUMNS, "survey", "year", "source"]


def satisfaction_table(con: duckdb.DuckDBPyConnection, survey: str, year: int, *, level: str = "province",
                       unit: str | None = None, breakdown: tuple[str, ...] = (), form: str | None = None,
                       source: str | None = None, min_n: int = stats.MIN_RESPONDENTS,
                       max_rse: float = stats.MAX_RSE) -> pd.DataFrame:
    """Estimates per unit and item set (overall, pooled parts, each dimension), one row each.

    level: 'national' (the country only), 'province' or 'facility' (hospitals or schools). Rows: the scope's
    total (the country, or the province named by `unit` when level is 'facility') then each unit.
    `unit`: 'vn63:22', 'hospital:ID', 'school:ID'. `breakdown`: any of school_level, respondent_group, form;
    rows then come for each combination and each margin (a missing breakdown value means all).
    Columns: TABLE_COLUMNS plus the breakdown columns; `source` says which dataset was used (empty table
    when the survey has none that year).
    """
    scope, level = _scope_level(unit, survey, level)
    chosen = pick_survey_source(con, survey, year, source)
    breakdown_cols = [c for b in breakdown for c in _GRAIN_SQL[b]]
    items = instrument_items(con, survey, form)
    if chosen is None or items.empty:
        return pd.DataFrame(columns=TABLE_COLUMNS + breakdown_cols)
    if items.groupby(["form", "dimension_code"]).size().max() > 255:
        raise ValueError("a dimension with more than 255 items does not fit the packed per-respondent sums")
    sets = item_sets(items, survey)
    dims = list(sets.loc[sets["set_kind"] == "dimension", "set_code"])
    columns = _grain_columns(level if level != "national" else "", breakdown)
    elements = sets.loc[0, "dims"] if survey in ELEMENTS_MEAN else []
    moments = _set_moments(con, survey, year, chosen, sets, dims, columns, scope, form, elements)
    if moments.empty:
        return pd.DataFrame(columns=TABLE_COLUMNS + breakdown_cols)
    rows = _rollups(moments, level, scope, breakdown, ["set_index"])
    meta = sets.drop(columns="dims").reset_index(names="set_index")
    rows = rows.merge(meta, on="set_index").drop(columns="set_index")
    rows = _label_units(rows, unit_names(con), survey)
    out = _finish(rows, survey, year, chosen, min_n, max_rse)
    out = pd.concat([out, _elements_mean(out, len(elements))], axis=1)
    order = pd.DataFrame({"_o": out["row_level"].map(_ORDER),
                          "_k": out["set_kind"].map({"overall": 0, "part": 1, "dimension": 2})})
    out = pd.concat([out[TABLE_COLUMNS + breakdown_cols], order], axis=1)
    out = out.sort_values(["_o", "code_system", "code", *breakdown_cols, "_k", "position"], na_position="first")
    return out[TABLE_COLUMNS + breakdown_cols].reset_index(drop=True)


ITEM_COLUMNS = ["code_system", "code", "name_vi", "name_en", "parent_system", "parent_code", "row_level", "form",
                "item_code", "dimension_code", "part", "item_kind", "wording_vi", "wording_en", "in_headline",
                "position", "n_respondents", "weighted", *stats.ESTIMATE_COLUMNS,
                *[f"share_{k}" for k in _VALUES], *[f"answers_{k}" for k in _VALUES], "survey", "year", "source"]


def item_table(con: duckdb.DuckDBPyConnection, survey: str, year: int, *, level: str = "province",
               unit: str | None = None, breakdown: tuple[str, ...] = (), form: str | None = None,
               source: str | None = None, min_n: int = stats.MIN_RESPONDENTS,
               max_rse: float = stats.MAX_RSE) -> pd.DataFrame:
    """Estimates per unit and item (rows as in `satisfaction_table`), with the Likert distribution: share_k
    = % of valid answers at k (weighted), answers_k = the (weighted) count behind it. Percent items (health
    G1) have a mean and no percent satisfied or distribution."""
    scope, level = _scope_level(unit, survey, level)
    chosen = pick_survey_source(con, survey, year, source)
    breakdown_cols = [c for b in breakdown for c in _GRAIN_SQL[b]]
    items = instrument_items(con, survey, form)
    if chosen is None or items.empty:
        return pd.DataFrame(columns=ITEM_COLUMNS + breakdown_cols)
    columns = _grain_columns(level if level != "national" else "", breakdown)
    counts = _value_counts(con, survey, year, chosen, columns, scope, form)
    if counts.empty:
        return pd.DataFrame(columns=ITEM_COLUMNS + breakdown_cols)
    moments = _item_moments(counts, items, columns)
    rows = _rollups(moments, level, scope, breakdown, ["form", "item_code"])
    head = HEADLINE[survey]
    meta = items.assign(in_headline=items["part"].isin(head["parts"]) & ~items["dimension_code"].isin(head["exclude"])
                        & (items["item_kind"] == "likert"))
    rows = rows.merge(meta[["form", "item_code", "dimension_code", "part", "item_kind", "wording_vi", "wording_en",
                            "in_headline", "position"]], on=["form", "item_code"])
    rows = _label_units(rows, unit_names(con), survey)
    rows["single_item"], rows["likert"] = True, rows["item_kind"] == "likert"
    out = _finish(rows, survey, year, chosen, min_n, max_rse)
    shares = stats.likert_shares(out[[f"answers_{k}" for k in _VALUES]].to_numpy())
    for i, k in enumerate(_VALUES):
        out[f"share_{k}"] = np.where(out["likert"] & (out["flag"] != "suppressed"), shares[:, i], np.nan)
    out = pd.concat([out[ITEM_COLUMNS + breakdown_cols], out["row_level"].map(_ORDER).rename("_o")], axis=1)
    out = out.sort_values(["_o", "code_system", "code", *breakdown_cols, "form", "position"], na_position="first")
    return out[ITEM_COLUMNS + breakdown_cols].reset_index(drop=True)


# --- what the pages show ----------------------------------------------------------------------------------

def likert_distribution(items: pd.DataFrame, by: str = "item") -> pd.DataFrame:
    """Long table of the share of valid answers at each scale point 1..5, per unit and item, dimension or
    the headline overall (`by`), from an `item_table`. Shares of one row sum to 100."""
    breakdown_cols = [c for b in BREAKDOWNS for c in _GRAIN_SQL[b] if c in items]
    keys = ["code_system", "code", "name_vi", "name_en", *breakdown_cols, "source"]
    frame = items[items["item_kind"] == "likert"]
    if by == "overall":
        frame = frame[frame["in_headline"]].assign(group="overall")
    else:
        frame = frame.assign(group=frame["item_code" if by == "item" else "dimension_code"])
    if by == "item":
        keys = keys + ["form"]
    counts = frame.groupby(keys + ["group"], sort=False, dropna=False)[[f"answers_{k}" for k in _VALUES]].sum()
    shares = stats.likert_shares(counts.to_numpy())
    wide = counts.reset_index()
    wide[[f"share_{k}" for k in _VALUES]] = shares
    long = wide.melt(id_vars=keys + ["group"], value_vars=[f"share_{k}" for k in _VALUES], var_name="value",
                     value_name="share")
    long["value"] = long["value"].str.removeprefix("share_").astype("int64")
    return (long.rename(columns={"group": by}).sort_values(keys + [by, "value"], na_position="first")
            .reset_index(drop=True))


def rank_units(table: pd.DataFrame, set_code: str = OVERALL, *, metric: str = "pct_satisfied",
               coverage: float = 0.90) -> pd.DataFrame:
    """Units (not the total row) ranked by `metric` of one item set, with their intervals and a `coverage`
    interval of the rank; suppressed units come last without a rank."""
    rows = table[(table["set_code"] == set_code) & (table["row_level"] != "national")]
    if set(rows["row_level"]) == {"province", "facility"}:
        rows = rows[rows["row_level"] == "facility"]
    shown = rows[rows["flag"] != "suppressed"].sort_values(metric, ascending=False).reset_index(drop=True)
    se = shown["pct_se" if metric.startswith("pct") else "mean_se"]
    ranks = stats.rank_intervals(shown[metric].to_numpy(), se.to_numpy(), coverage=coverage)
    shown = pd.concat([ranks, shown], axis=1)
    hidden = rows[rows["flag"] == "suppressed"].assign(rank=pd.NA, rank_low=pd.NA, rank_high=pd.NA)
    out = pd.concat([shown, hidden], ignore_index=True) if len(hidden) else shown
    for c in ("rank", "rank_low", "rank_high"):
        out[c] = out[c].astype("Int64")
    return out


def extreme_items(items: pd.DataFrame, n: int = 5, *, metric: str = "pct_satisfied") -> pd.DataFrame:
    """The n weakest and n strongest Likert items of the first unit row in `items` (the scope total), by
    `metric`; column `end` is 'weakest' or 'strongest'. Suppressed items are left out."""
    frame = items[(items["item_kind"] == "likert") & (items["flag"] != "suppressed")]
    if frame.empty:
        return frame.assign(end=pd.Series(dtype="str"))
    first = frame.iloc[0]
    frame = frame[(frame["code_system"] == first["code_system"]) & (frame["code"] == first["code"])]
    ordered = frame.sort_values([metric, "position"])
    return pd.concat([ordered.head(n).assign(end="weakest"),
                      ordered.tail(n).iloc[::-1].assign(end="strongest")], ignore_index=True)


def drill_down(con: duckdb.DuckDBPyConnection, survey: str, year: int, province: str, *, source: str | None = None,
               **options) -> pd.DataFrame:
    """A province (`system:code`) and its hospitals or schools: `satisfaction_table` at facility level."""
    return satisfaction_table(con, survey, year, level="facility", unit=province, source=source, **options)


def satisfaction_trend(con: duckdb.DuckDBPyConnection, survey: str, *, unit: str | None = None,
                       set_code: str = OVERALL, years: list[int] | None = None, source: str | None = None,
                       **options) -> pd.DataFrame:
    """One row per year for the country or one unit and one item set, each year from its own dataset
    (`source` column), with the change against the previous year shown when both come from the same
    source, and whether it is significant (z-test on the design-based SEs)."""
    scope = parse_unit(unit, survey)
    level = {"national": "national", "province": "province", "facility": "facility"}[scope.kind]
    available = sorted(int(y) for y in survey_datasets(con, survey)["year"].unique())
    rows = []
    for year in (years or available):
        table = satisfaction_table(con, survey, year, level=level, unit=unit, source=source, **options)
        row = table[table["set_code"] == set_code].head(1)
        if len(row):
            rows.append(row)
    if not rows:
        return pd.DataFrame(columns=TABLE_COLUMNS + ["change", "change_p", "change_significant"])
    out = pd.concat(rows, ignore_index=True)
    change, p_value, significant = [np.nan], [np.nan], [False]
    for prev, cur in zip(out.iloc[:-1].itertuples(), out.iloc[1:].itertuples()):
        comparable = (prev.source == cur.source and prev.flag != "suppressed" and cur.flag != "suppressed"
                      and prev.code_system == cur.code_system)
        test = stats.difference_test(cur.pct_satisfied, cur.pct_se, prev.pct_satisfied, prev.pct_se) if comparable \
            else {"difference": np.nan, "p_value": np.nan, "significant": False}
        change.append(test["difference"])
        p_value.append(test["p_value"])
        significant.append(test["significant"])
    return out.assign(change=change, change_p=p_value, change_significant=significant)


def _scores(con, survey: str, year: int, source: str, unit: str | None, dims: list[str],
            item: str | None) -> pd.DataFrame:
    """Distribution of respondents' mean valid answer over an item set (or one item): score, respondents."""
    prefix, params = _prefix(survey, year, source, [], parse_unit(unit, survey), None, dims)
    sql = f"""{prefix},
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


def compare(con: duckdb.DuckDBPyConnection, survey: str, a: tuple[int, str | None], b: tuple[int, str | None], *,
            set_code: str = OVERALL, item: str | None = None, source: str | None = None,
            **options) -> dict:
    """Two years or two units, each given as (year, unit or None for the country), on one item set (or one
    item): both estimates, the difference of percent satisfied with a z-test on the design-based SEs, and a
    Mann-Whitney test of the respondents' scores (their mean valid answer; for one item, the answer).
    Both sides use one source: the requested one, else the first of upload, published, demo both have.
    `significant` is True only when the z-test is significant at 5 %; `marker` is '*' then.
    """
    sources = [s for s in ([source] if source else SOURCE_PRIORITY)
               if all(pick_survey_source(con, survey, side[0], s) for side in (a, b))]
    if not sources:
        raise ValueError("the two sides have no source in common: sources are never mixed in one comparison")
    chosen = sources[0]
    sides = []
    for year, unit in (a, b):
        scope = parse_unit(unit, survey)
        level = "national" if scope.kind == "national" else scope.kind
        if item:
            table = item_table(con, survey, year, level=level, unit=unit, source=chosen, **options)
            row = table[table["item_code"] == item].head(1)
        else:
            table = satisfaction_table(con, survey, year, level=level, unit=unit, source=chosen, **options)
            row = table[table["set_code"] == set_code].head(1)
        if row.empty:
            raise ValueError(f"no {survey} answers for {unit or 'the country'} in {year} ({chosen})")
        sides.append(row.iloc[0].to_dict())
    diff = stats.difference_test(sides[0]["pct_satisfied"], sides[0]["pct_se"], sides[1]["pct_satisfied"],
                                 sides[1]["pct_se"])
    items = instrument_items(con, survey)
    sets = item_sets(items, survey)
    dims = list(sets.loc[sets["set_kind"] == "dimension", "set_code"])
    members = [] if item else sets.loc[sets["set_code"] == set_code, "dims"].iloc[0]
    scores = [_scores(con, survey, year, chosen, unit, dims if item else members, item) for year, unit in (a, b)]
    mw = stats.mann_whitney(scores[0]["score"], scores[0]["respondents"], scores[1]["score"], scores[1]["respondents"])
    suppressed = any(s["flag"] == "suppressed" for s in sides)
    significant = bool(diff["significant"]) and not suppressed
    return {"source": chosen, "a": sides[0], "b": sides[1], "difference": diff, "mann_whitney": mw,
            "significant": significant, "marker": "*" if significant else "",
            "note": "suppressed side: no test shown" if suppressed else ""}


def published_sipas(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, pd.DataFrame]:
    """SIPAS figures as MoHA published them (labelled 'published'): national headline figures and the
    provinces' published index, with their source references."""
    national = con.execute(
        f"""SELECT year, metric, value_text, value_num, note, source_ref, 'published' AS source FROM published_stat
        WHERE dataset = 'sipas_national' AND year = ? AND batch_id IN ({_CURRENT}) ORDER BY metric""", [year]).df()
    provinces = con.execute(
        f"""SELECT unit_system AS code_system, unit_code AS code, sipas_pct, rank, rank_basis, note, source_ref,
        'published' AS source FROM published_sipas WHERE year = ? AND batch_id IN ({_CURRENT})
        ORDER BY rank NULLS LAST, code""", [year]).df()
    return {"national": national, "provinces": provinces}


def sipas_overview(con: duckdb.DuckDBPyConnection, year: int, *, unit: str | None = None,
                   source: str | None = None, table: pd.DataFrame | None = None, **options) -> dict:
    """The SIPAS page for the country or one province: the five service elements and the three policy
    groups (each with intervals), the overall two ways (all service items pooled; plain mean of the five
    elements), each named, and the published figures beside them, labelled as published.

    `table`: a `satisfaction_table` of SIPAS for that year that holds the scope's row (e.g. the one by
    province the page already shows), so the answers are not aggregated twice.
    """
    scope = parse_unit(unit, "sipas")
    if table is None:
        level = "national" if scope.kind == "national" else "province"
        table = satisfaction_table(con, "sipas", year, level=level, unit=unit, source=source, **options)
    if scope.kind == "national":
        total = table[table["row_level"] == "national"]
    else:
        total = table[(table["code_system"] == scope.system) & (table["code"] == scope.code)]
    chosen = total["source"].iloc[0] if len(total) else None
    elements = total[(total["set_kind"] == "dimension") & (total["part"] == "service")]
    policies = total[(total["part"] == "policy")]
    head = total[total["set_kind"] == "overall"]
    overall = pd.DataFrame(
        [{"method": "pooled", "name_vi": r.set_vi, "name_en": r.set_en, "pct_satisfied": r.pct_satisfied,
          "pct_ci_low": r.pct_ci_low, "pct_ci_high": r.pct_ci_high, "n_respondents": r.n_respondents, "flag": r.flag}
         for r in head.itertuples()]
        + [{"method": "mean_of_elements", "name_vi": "Chung (trung bình cộng của 5 yếu tố)",
            "name_en": "Overall (plain mean of the 5 elements)", "pct_satisfied": r.pct_elements_mean,
            "pct_ci_low": r.elements_ci_low, "pct_ci_high": r.elements_ci_high, "n_respondents": r.n_respondents,
            "flag": r.flag} for r in head.itertuples()])
    published = published_sipas(con, year)
    if scope.kind == "province":
        mine = published["provinces"]
        published["provinces"] = mine[(mine["code_system"] == scope.system) & (mine["code"] == scope.code)]
    return {"source": chosen, "elements": elements.reset_index(drop=True), "policies": policies.reset_index(drop=True),
            "overall": overall, "published_national": published["national"],
            "published_unit": published["provinces"].reset_index(drop=True)}


def sipas_vs_par(con: duckdb.DuckDBPyConnection, year: int, *, source: str | None = None,
                 par_source: str | None = None, **options) -> dict:
    """Scatter data of provinces (SIPAS overall percent satisfied vs PAR INDEX) with Pearson and Spearman
    correlations and p-values. Demo SIPAS pairs only with demo PAR scores and real data only with real
    data (upload or published), so no figure mixes synthetic and real numbers."""
    table = satisfaction_table(con, "sipas", year, level="province", source=source, **options)
    empty = {"points": pd.DataFrame(), "sipas_source": None, "par_source": None, **stats.correlation([], [])}
    if table.empty:
        return empty
    chosen = table["source"].iloc[0]
    datasets = available_datasets(con, "province")
    allowed = ("demo",) if chosen == "demo" else ("upload", "published")
    if par_source is None:
        present = set(datasets.loc[datasets["year"] == year, "source"])
        par_source = next((s for s in allowed if s in present), None)
    elif par_source not in allowed:
        raise ValueError(f"SIPAS from {chosen} is not compared with PAR INDEX from {par_source}")
    if par_source is None:
        return {**empty, "sipas_source": chosen}
    par = unit_results(con, "province", year, par_source)[["code_system", "code", "index", "rank"]]
    sipas = table[(table["row_level"] == "province") & (table["set_code"] == OVERALL)]
    points = sipas[["code_system", "code", "name_vi", "name_en", "n_respondents", "pct_satisfied", "pct_ci_low",
                    "pct_ci_high", "flag"]].merge(par.rename(columns={"index": "par_index", "rank": "par_rank"}),
                                                  on=["code_system", "code"], how="inner")
    usable = points[(points["flag"] != "suppressed") & points["par_index"].notna()]
    return {"points": points.reset_index(drop=True), "sipas_source": chosen, "par_source": par_source,
            **stats.correlation(usable["pct_satisfied"], usable["par_index"])}


def health_indicators(con: duckdb.DuckDBPyConnection, year: int, *, level: str = "province",
                      unit: str | None = None, form: str | None = None, source: str | None = None,
                      **options) -> pd.DataFrame:
    """The Ministry of Health's published indicators per unit (Decision 3869/QĐ-BYT), each with its
    interval: mean score over A-E, overall satisfaction rate (answers 4-5 / valid answers, A-E),
    comprehensive satisfaction (respondents whose valid A-E answers are all 4-5), section means A-E,
    expectations met (mean of G1, %), return or recommend intention (share of G2 at 4-5)."""
    table = satisfaction_table(con, "health", year, level=level, unit=unit, form=form, source=source, **options)
    keys = ["code_system", "code", "name_vi", "name_en", "parent_system", "parent_code", "row_level"]
    if table.empty:
        return pd.DataFrame(columns=keys)
    overall = table[table["set_code"] == OVERALL]
    out = overall[keys + ["n_respondents", "flag", "reason", "source"]].assign(
        mean_score=overall["mean_score"], mean_ci_low=overall["mean_ci_low"], mean_ci_high=overall["mean_ci_high"],
        satisfaction_rate=overall["pct_satisfied"], rate_ci_low=overall["pct_ci_low"],
        rate_ci_high=overall["pct_ci_high"], comprehensive=overall["pct_all_satisfied"],
        comprehensive_ci_low=overall["all_ci_low"], comprehensive_ci_high=overall["all_ci_high"])
    sections = table[table["part"] == "section"].pivot_table(index=["code_system", "code"], columns="set_code",
                                                             values="mean_score", dropna=False)
    sections.columns = [f"section_{c}_mean" for c in sections.columns]
    out = out.merge(sections.reset_index(), on=["code_system", "code"], how="left")
    for code, metric, name in (("expectations", "mean_score", "expectations_met"),
                               ("return_intention", "pct_satisfied", "return_intention")):
        part = table[table["set_code"] == code]
        low, high = ("mean_ci_low", "mean_ci_high") if metric == "mean_score" else ("pct_ci_low", "pct_ci_high")
        out = out.merge(part[["code_system", "code", metric, low, high]].rename(
            columns={metric: name, low: f"{name}_ci_low", high: f"{name}_ci_high"}), on=["code_system", "code"],
            how="left")
    return out.reset_index(drop=True)


def education_breakdown(con: duckdb.DuckDBPyConnection, year: int, *, unit: str | None = None,
                        source: str | None = None, **options) -> pd.DataFrame:
    """Education by school level and respondent group (and their margins): the five dimensions, the overall
    satisfaction question (HL1, dimension 'overall') and the pooled overall, for the country or one unit."""
    scope = parse_unit(unit, "education")
    level = "national" if scope.kind == "national" else scope.kind
    table = satisfaction_table(con, "education", year, level=level, unit=unit, source=source,
                               breakdown=("school_level", "respondent_group"), **options)
    return table[table["row_level"] == table["row_level"].iloc[0]].reset_index(drop=True) if len(table) else table


def _reliability_sums(con, survey: str, year: int, source: str, scope: Scope, form: str,
                      sizes: dict[int, int], dims: list[str]) -> pd.DataFrame:
    """For one form: per dimension k, the complete respondents' count and sums of their totals T and T^2
    (kind 'total'), and per item the sums of v and v^2 over those respondents (kind 'item')."""
    prefix, params = _prefix(survey, year, source, [], scope, form, dims)
    # Per respondent and dimension: valid answers in bits 0-7 and their sum above (see _set_moments); a
    # respondent is complete for k when every item of k has a valid answer: bit k of `mask`.
    packed = ", ".join(f"sum(CASE WHEN a.k = {k} THEN 1 + 256 * a.value ELSE 0 END) AS c{k}" for k in sizes)
    mask = " + ".join(f"((c{k} & 255) = {n})::BIGINT * {1 << k}" for k, n in sizes.items())
    totals = " UNION ALL ".join(
        f"SELECT 'total', {k}, NULL, count(*), sum(c{k} >> 8), sum((c{k} >> 8) * (c{k} >> 8)) "
        f"FROM m WHERE (mask >> {k}) & 1 = 1" for k in sizes)
    sql = f"""{prefix},
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
        sums = _reliability_sums(con, survey, year, chosen, scope, form_id, sizes, dims)
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


# --- targets ----------------------------------------------------------------------------------------------

def load_targets(path: Path | None = None) -> pd.DataFrame:
    """Satisfaction targets as data (data/targets/satisfaction_targets.csv), each with its legal source."""
    frame = pd.read_csv(path or TARGETS_PATH, dtype=str, keep_default_na=False)
    frame["value"] = frame["value"].astype("float64")
    frame["deadline_year"] = frame["deadline_year"].astype("int64")
    return frame


def distance_to_target(table: pd.DataFrame, targets: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each row of a `satisfaction_table` that a target applies to (same survey, item set and metric), with
    the target in force (the earliest deadline not before the table's year, else the last one), the
    distance (estimate - target, in points) and `status`: 'met' (interval wholly at or above the target),
    'not met' (wholly below), 'within interval', or 'suppressed'."""
    targets = load_targets() if targets is None else targets
    if table.empty:
        return table.assign(target_id=None, target=np.nan, deadline_year=None, distance=np.nan, status=None)
    survey, year = table["survey"].iloc[0], int(table["year"].iloc[0])
    mine = targets[targets["survey"] == survey].sort_values("deadline_year")
    frames = []
    for (set_code, metric), group in mine.groupby(["set_code", "metric"], sort=False):
        upcoming = group[group["deadline_year"] >= year]
        target = (upcoming if len(upcoming) else group).iloc[0 if len(upcoming) else -1]
        rows = table[table["set_code"] == set_code]
        low, high = ("pct_ci_low", "pct_ci_high") if metric.startswith("pct") else ("mean_ci_low", "mean_ci_high")
        value = float(target["value"])
        status = np.select([rows["flag"] == "suppressed", rows[low] >= value, rows[high] < value],
                           ["suppressed", "met", "not met"], "within interval")
        frames.append(rows.assign(target_id=target["target_id"], metric=metric, target=value,
                                  deadline_year=int(target["deadline_year"]), distance=rows[metric] - value,
                                  status=status, target_source=target["source_ref"]))
    if not frames:
        return table.iloc[0:0].assign(target_id=None, target=np.nan, deadline_year=None, distance=np.nan, status=None)
    return pd.concat(frames, ignore_index=True)
