"""The two tables everything else is read from: estimates per unit and item set, and per unit and item."""
from __future__ import annotations

from dataclasses import replace

import duckdb
import numpy as np
import pandas as pd

from metrics import stats, survey_design
from metrics.satisfaction import queries
from metrics.satisfaction.instrument import HEADLINE, instrument_items, item_sets
from metrics.satisfaction.queries import GRAIN_SQL, VALUES
from metrics.satisfaction.rollup import DESIGN_COLUMNS, ELEMENT_COLUMNS, finish, label_units, rollups, scope_level
from metrics.satisfaction.sources import pick_survey_source
from metrics.satisfaction.units import parse_unit, unit_names

ELEMENTS_MEAN = ("sipas",)     # surveys whose overall is also shown as the plain mean of its headline dimensions
ORDER = {"national": 0, "province": 1, "facility": 2}
COVERAGE_COLUMNS = ["units_covered", "units_total", "coverage_complete"]
TABLE_COLUMNS = ["code_system", "code", "name_vi", "name_en", "parent_system", "parent_code", "row_level",
                 "set_kind", "set_code", "set_vi", "set_en", "part", "position", "forms", "n_respondents",
                 "n_answers", "weighted", *stats.ESTIMATE_COLUMNS, *DESIGN_COLUMNS, *ELEMENT_COLUMNS,
                 *COVERAGE_COLUMNS, "survey", "year", "source"]
POOLED = "pooled"


def _scope(unit: str | None, survey: str, level: str, exclude: str | None):
    scope, level = scope_level(unit, survey, level)
    if exclude:
        scope = replace(scope, exclude=parse_unit(exclude, survey))
    return scope, level


def _inputs(con: duckdb.DuckDBPyConnection, survey: str, year: int, unit: str | None, level: str,
            breakdown: tuple[str, ...], form: str | None, source: str | None, exclude: str | None):
    """What a table of one survey, year and scope reads: (scope, row level, dataset chosen, the instrument's
    items, breakdown columns); the dataset is None when the survey has none that year or no instrument."""
    scope, level = _scope(unit, survey, level, exclude)
    chosen = pick_survey_source(con, survey, year, source)
    items = instrument_items(con, survey, form)
    breakdown_cols = [c for b in breakdown for c in GRAIN_SQL[b]]
    return scope, level, (None if items.empty else chosen), items, breakdown_cols


def _forms(rows: pd.DataFrame, items: pd.DataFrame, form: str | None) -> pd.Series:
    """Which form a row rests on: the form asked for or of its breakdown cell, else 'pooled' when the survey
    has several forms (e.g. health inpatient and outpatient pooled)."""
    if form is not None:
        return pd.Series(form, index=rows.index, dtype="str")
    forms = sorted(items["form"].unique())
    default = forms[0] if len(forms) == 1 else POOLED
    if "instrument_id" in rows:
        return rows["instrument_id"].fillna(default).astype("str")
    return pd.Series(default, index=rows.index, dtype="str")


def _elements_mean(out: pd.DataFrame) -> pd.DataFrame:
    """The plain mean of the headline dimensions' percent satisfied and its design interval, on headline
    rows (else NaN); hidden with the row when it is suppressed."""
    result = pd.DataFrame(np.nan, index=out.index, columns=ELEMENT_COLUMNS)
    if "el_est" not in out:
        return result
    keep = ((out["set_kind"] == "overall") & (out["flag"] != "suppressed")).to_numpy()
    est, se = out["el_est"].to_numpy(dtype="float64"), np.sqrt(out["el_var"].to_numpy(dtype="float64"))
    t = survey_design.t_value(out["df"].to_numpy(dtype="float64"))
    values = np.column_stack([est * 100, se * 100, np.maximum(est - t * se, 0) * 100, np.minimum(est + t * se, 1) * 100])
    result.loc[keep, :] = values[keep]
    return result


def satisfaction_table(con: duckdb.DuckDBPyConnection, survey: str, year: int, *, level: str = "province",
                       unit: str | None = None, breakdown: tuple[str, ...] = (), form: str | None = None,
                       source: str | None = None, min_n: int = stats.MIN_RESPONDENTS,
                       max_rse: float = stats.MAX_RSE, exclude: str | None = None) -> pd.DataFrame:
    """Estimates per unit and item set (overall, pooled parts, each dimension), one row each.

    level: 'national' (the country only), 'province' or 'facility' (hospitals or schools). Rows: the scope's
    total (the country, or the province named by `unit` when level is 'facility') then each unit.
    `unit`: 'vn63:22', 'hospital:ID', 'school:ID'. `breakdown`: any of school_level, respondent_group, form;
    rows then come for each combination and each margin (a missing breakdown value means all).
    Columns: TABLE_COLUMNS plus the breakdown columns. `source` says which dataset was used (empty table
    when the survey has none that year); `design`, `df`, `n_psu`, `n_strata` the sample design the
    intervals rest on (metrics.survey_design); `forms` the form or 'pooled'; the country's rows carry
    units_covered / units_total and are named 'k/n tỉnh' unless every province is covered.
    `exclude`: a unit nested in the scope whose respondents are left out (the rest of the country, for a
    test of a province against it).
    """
    scope, level, chosen, items, breakdown_cols = _inputs(con, survey, year, unit, level, breakdown, form, source,
                                                          exclude)
    if chosen is None:
        return pd.DataFrame(columns=TABLE_COLUMNS + breakdown_cols)
    if items.groupby(["form", "dimension_code"]).size().max() > 255:
        raise ValueError("a dimension with more than 255 items does not fit the packed per-respondent sums")
    sets = item_sets(items, survey)
    dims = list(sets.loc[sets["set_kind"] == "dimension", "set_code"])
    columns = queries.grain_columns(level if level != "national" else "", breakdown)
    elements = sets.loc[0, "dims"] if survey in ELEMENTS_MEAN else []
    moments = queries.set_moments(con, survey, year, chosen, sets, dims, columns, scope, form, elements)
    if moments.empty:
        return pd.DataFrame(columns=TABLE_COLUMNS + breakdown_cols)
    rows = rollups(moments, level, scope, breakdown, ["set_index"], len(elements))
    meta = sets.drop(columns="dims").reset_index(names="set_index")
    rows = rows.merge(meta, on="set_index").drop(columns="set_index")
    rows["forms"] = _forms(rows, items, form)
    rows = label_units(rows, unit_names(con), survey, queries.coverage(con, survey, year, chosen, form))
    out = finish(rows, survey, year, chosen, min_n, max_rse)
    out = pd.concat([out, _elements_mean(out)], axis=1)
    order = pd.DataFrame({"_o": out["row_level"].map(ORDER),
                          "_k": out["set_kind"].map({"overall": 0, "part": 1, "dimension": 2})})
    out = pd.concat([out[TABLE_COLUMNS + breakdown_cols], order], axis=1)
    out = out.sort_values(["_o", "code_system", "code", *breakdown_cols, "_k", "position"], na_position="first")
    return out[TABLE_COLUMNS + breakdown_cols].reset_index(drop=True)


ITEM_COLUMNS = ["code_system", "code", "name_vi", "name_en", "parent_system", "parent_code", "row_level", "form",
                "item_code", "dimension_code", "part", "item_kind", "wording_vi", "wording_en", "in_headline",
                "position", "n_respondents", "weighted", *stats.ESTIMATE_COLUMNS, *DESIGN_COLUMNS,
                *[f"share_{k}" for k in VALUES], *[f"answers_{k}" for k in VALUES], *COVERAGE_COLUMNS,
                "survey", "year", "source"]


def item_table(con: duckdb.DuckDBPyConnection, survey: str, year: int, *, level: str = "province",
               unit: str | None = None, breakdown: tuple[str, ...] = (), form: str | None = None,
               source: str | None = None, min_n: int = stats.MIN_RESPONDENTS,
               max_rse: float = stats.MAX_RSE, exclude: str | None = None) -> pd.DataFrame:
    """Estimates per unit and item (rows as in `satisfaction_table`), with the Likert distribution: share_k
    = % of valid answers at k (weighted), answers_k = the (weighted) count behind it. Percent items (health
    G1) have a mean and no percent satisfied or distribution. `exclude` as in `satisfaction_table`."""
    scope, level, chosen, items, breakdown_cols = _inputs(con, survey, year, unit, level, breakdown, form, source,
                                                          exclude)
    if chosen is None:
        return pd.DataFrame(columns=ITEM_COLUMNS + breakdown_cols)
    columns = queries.grain_columns(level if level != "national" else "", breakdown)
    counts = queries.value_counts(con, survey, year, chosen, columns, scope, form)
    if counts.empty:
        return pd.DataFrame(columns=ITEM_COLUMNS + breakdown_cols)
    moments = queries.item_moments(counts, items, columns)
    rows = rollups(moments, level, scope, breakdown, ["form", "item_code"])
    head = HEADLINE[survey]
    meta = items.assign(in_headline=items["part"].isin(head["parts"]) & ~items["dimension_code"].isin(head["exclude"])
                        & (items["item_kind"] == "likert"))
    rows = rows.merge(meta[["form", "item_code", "dimension_code", "part", "item_kind", "wording_vi", "wording_en",
                            "in_headline", "position"]], on=["form", "item_code"])
    rows = label_units(rows, unit_names(con), survey, queries.coverage(con, survey, year, chosen, form))
    rows["single_item"], rows["likert"] = True, rows["item_kind"] == "likert"
    out = finish(rows, survey, year, chosen, min_n, max_rse)
    shares = stats.likert_shares(out[[f"answers_{k}" for k in VALUES]].to_numpy(dtype="float64"))
    for i, k in enumerate(VALUES):
        out[f"share_{k}"] = np.where(out["likert"] & (out["flag"] != "suppressed"), shares[:, i], np.nan)
    out = pd.concat([out[ITEM_COLUMNS + breakdown_cols], out["row_level"].map(ORDER).rename("_o")], axis=1)
    out = out.sort_values(["_o", "code_system", "code", *breakdown_cols, "form", "position"], na_position="first")
    return out[ITEM_COLUMNS + breakdown_cols].reset_index(drop=True)
