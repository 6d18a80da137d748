"""Health (Decision 3869/QĐ-BYT): the Ministry of Health's indicators per unit and per form.

The Ministry reports each form (inpatient 36 items, outpatient 31) on its own; a figure pooling both is
kept only as a margin and says so (`form` = 'pooled', named 'gộp' / 'pooled').
"""
from __future__ import annotations

import duckdb
import pandas as pd

from metrics.satisfaction.instrument import OVERALL, instrument_items
from metrics.satisfaction.tables import POOLED, satisfaction_table

FORM_NAMES = {"health-inpatient": ("Nội trú", "Inpatient"), "health-outpatient": ("Ngoại trú", "Outpatient"),
              POOLED: ("Gộp nội trú và ngoại trú", "Inpatient and outpatient pooled")}
_FORM_ORDER = {"health-inpatient": 0, "health-outpatient": 1, POOLED: 9}


def health_indicators(con: duckdb.DuckDBPyConnection, year: int, *, level: str = "province",
                      unit: str | None = None, form: str | None = None, source: str | None = None,
                      pooled: bool = True, **options) -> pd.DataFrame:
    """The Ministry of Health's published indicators per unit and form (Decision 3869/QĐ-BYT), each with its
    interval: mean score over A-E, overall satisfaction rate (answers 4-5 / valid answers, A-E),
    comprehensive satisfaction (respondents whose valid A-E answers are all 4-5), section means A-E,
    expectations met (mean of G1, %), return or recommend intention (share of G2 at 4-5).

    One row per unit and form (`form`: the instrument id, e.g. health-inpatient, with form_vi / form_en);
    with several forms and `pooled`, also a row pooling them (`form` = 'pooled', 'Gộp ...'), labelled so.
    """
    forms = sorted(instrument_items(con, "health", form)["form"].unique())
    by_form = form is None and len(forms) > 1
    table = satisfaction_table(con, "health", year, level=level, unit=unit, form=form, source=source,
                               breakdown=("form",) if by_form else (), **options)
    keys = ["code_system", "code", "name_vi", "name_en", "parent_system", "parent_code", "row_level"]
    if table.empty:
        return pd.DataFrame(columns=keys + ["form", "form_vi", "form_en"])
    table = table.assign(form=table["instrument_id"].fillna(POOLED) if by_form else table["forms"])
    if by_form and not pooled:
        table = table[table["form"] != POOLED]
    on = ["code_system", "code", "form"]
    overall = table[table["set_code"] == OVERALL]
    out = overall[keys + ["form", "n_respondents", "flag", "reason", "design", "df", "units_covered", "units_total",
                          "coverage_complete", "source"]].assign(
        mean_score=overall["mean_score"], mean_ci_low=overall["mean_ci_low"], mean_ci_high=overall["mean_ci_high"],
        satisfaction_rate=overall["pct_satisfied"], rate_ci_low=overall["pct_ci_low"],
        rate_ci_high=overall["pct_ci_high"], comprehensive=overall["pct_all_satisfied"],
        comprehensive_ci_low=overall["all_ci_low"], comprehensive_ci_high=overall["all_ci_high"])
    sections = table[table["part"] == "section"].pivot_table(index=on, columns="set_code", values="mean_score",
                                                             dropna=False)
    sections.columns = [f"section_{c}_mean" for c in sections.columns]
    out = out.merge(sections.reset_index(), on=on, how="left")
    for code, metric, name in (("expectations", "mean_score", "expectations_met"),
                               ("return_intention", "pct_satisfied", "return_intention")):
        part = table[table["set_code"] == code]
        low, high = ("mean_ci_low", "mean_ci_high") if metric == "mean_score" else ("pct_ci_low", "pct_ci_high")
        out = out.merge(part[on + [metric, low, high]].rename(
            columns={metric: name, low: f"{name}_ci_low", high: f"{name}_ci_high"}), on=on, how="left")
    out["form_vi"] = out["form"].map(lambda f: FORM_NAMES.get(f, (f, f))[0])
    out["form_en"] = out["form"].map(lambda f: FORM_NAMES.get(f, (f, f))[1])
    out["pooled"] = out["form"] == POOLED
    unit_order = pd.factorize(out["row_level"] + "|" + out["code_system"] + "|" + out["code"])[0]
    out = out.assign(_u=unit_order, _f=out["form"].map(lambda f: _FORM_ORDER.get(f, 5)))
    out = out.sort_values(["_u", "_f"], kind="stable").drop(columns="_u")
    return out.drop(columns="_f").reset_index(drop=True)
