"""From finest-group sums to table rows: totals, design variances, unit labels and coverage.

Every row (the scope's total, each unit, each breakdown cell and margin) is the sum of finest groups; its
variance comes from metrics.survey_design on the same sums regrouped per stratum and PSU, so a PSU that
spans several finest groups (a school in two respondent groups) is one PSU of the row.
"""
from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from metrics import stats, survey_design
from metrics.satisfaction.queries import GRAIN_SQL
from metrics.satisfaction.units import FACILITY_TYPE, NATIONAL, Scope, parse_unit

SQUARES = {("wys", "wys"): "w2ysys", ("wys", "wx"): "w2xys", ("wx", "wx"): "w2xx", ("wyv", "wyv"): "w2yvyv",
           ("wyv", "wx"): "w2xyv", ("swa", "swa"): "sw2aa", ("swa", "sw"): "sw2a", ("sw", "sw"): "sw2"}
TOTALS = ["wx", "wys", "wyv", "sw", "swa"]
DESIGN_COLUMNS = ["n_psu", "n_strata"]
ELEMENT_COLUMNS = ["pct_elements_mean", "elements_se", "elements_ci_low", "elements_ci_high"]


def _element_squares(k: int) -> dict[tuple[str, str], str]:
    out = {}
    for a in range(k):
        for b in range(k):
            out[(f"em_y_{a}", f"em_x_{b}")] = f"em_yx_{a}_{b}"
            if b >= a:
                out[(f"em_y_{a}", f"em_y_{b}")] = f"em_yy_{a}_{b}"
                out[(f"em_x_{a}", f"em_x_{b}")] = f"em_xx_{a}_{b}"
    return out


def design_rows(frame: pd.DataFrame, keys: list[str], k_elements: int = 0) -> pd.DataFrame:
    """One row per `keys`: additive sums, var_pct/var_mean/var_all, n_psu, n_strata, df, design; with
    k_elements, also the plain mean of the element ratios and its variance (el_est, el_var)."""
    frame = frame.assign(sw2aa=frame["sw2a"], weighted=frame["weighted"].astype("float64"))
    squares = dict(SQUARES)
    totals = list(TOTALS)
    if k_elements:
        squares.update(_element_squares(k_elements))
        totals += [f"em_{v}_{a}" for a in range(k_elements) for v in ("y", "x")]
    other = [c for c in frame.columns if c in ("m", "ys", "na", "weighted") or c.startswith("answers_")]
    h = survey_design.stratum_sums(frame, keys, totals, squares, other)
    rows = h.groupby(keys, dropna=False, sort=False)[totals + other + ["n"]].sum().reset_index() if keys else \
        h[totals + other + ["n"]].sum().to_frame().T
    rows["weighted"] = rows["weighted"] > 0
    rows["var_pct"] = survey_design.ratio_variance(h, keys, "wys", "wx", "w2ysys", "w2xys", "w2xx")
    rows["var_mean"] = survey_design.ratio_variance(h, keys, "wyv", "wx", "w2yvyv", "w2xyv", "w2xx")
    rows["var_all"] = survey_design.ratio_variance(h, keys, "swa", "sw", "sw2aa", "sw2a", "sw2")
    info = survey_design.design_columns(h, keys)
    for c in info.columns:
        rows[c] = info[c].to_numpy()
    if k_elements:
        rows["el_est"], rows["el_var"] = survey_design.mean_of_ratios_variance(h, keys, k_elements)
    return rows


def rollups(moments: pd.DataFrame, level: str, scope: Scope, breakdown: tuple[str, ...], extra_keys: list[str],
            k_elements: int = 0) -> pd.DataFrame:
    """Rows of the scope total and of each unit at `level`, for every subset of the breakdown (a missing
    breakdown value means 'all')."""
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
    breakdown_cols = [c for b in breakdown for c in GRAIN_SQL[b]]
    frames = []
    for keys, row_level in levels:
        for size in range(len(breakdown_cols) + 1):
            for subset in combinations(breakdown_cols, size):
                frames.append(design_rows(moments, keys + list(subset) + extra_keys, k_elements)
                              .assign(row_level=row_level))
    out = pd.concat(frames, ignore_index=True)
    for c in ["unit_system", "unit_code", "facility_id"] + breakdown_cols:
        if c not in out:
            out[c] = None
    return out


def label_units(rows: pd.DataFrame, names: pd.DataFrame, survey: str, coverage: tuple[int, int]) -> pd.DataFrame:
    """code_system/code/name of each row: the scope total (empty code), province, or hospital/school.

    Total rows carry units_covered and units_total (k of n provinces of the year's code system) and are
    named 'Toàn quốc' / 'National' only when k = n, else 'k/n tỉnh' / 'k of n provinces'.
    """
    facility = rows["row_level"] == "facility"
    rows = rows.assign(
        code_system=np.where(facility, FACILITY_TYPE.get(survey, ""), rows["unit_system"].fillna("")),
        code=np.where(facility, rows["facility_id"].fillna(""), rows["unit_code"].fillna("")))
    rows = rows.merge(names[["code_system", "code", "name_vi", "name_en"]], on=["code_system", "code"], how="left")
    national = rows["row_level"] == "national"
    covered, total = coverage
    complete = covered >= total     # units_total 0: the store has no unit list for that year, nothing to judge
    rows.loc[national, "name_vi"] = NATIONAL["name_vi"] if complete else f"{covered}/{total} tỉnh"
    rows.loc[national, "name_en"] = NATIONAL["name_en"] if complete else f"{covered} of {total} provinces"
    rows["name_vi"] = rows["name_vi"].fillna(rows["code"])
    rows["name_en"] = rows["name_en"].fillna(rows["code"])
    rows["parent_system"] = np.where(facility, rows["unit_system"], "")
    rows["parent_code"] = np.where(facility, rows["unit_code"], "")
    rows["units_covered"] = pd.array(np.where(national, covered, pd.NA), dtype="Int64")
    rows["units_total"] = pd.array(np.where(national, total, pd.NA), dtype="Int64")
    rows["coverage_complete"] = np.where(national, complete, True)
    return rows


def finish(rows: pd.DataFrame, survey: str, year: int, source: str, min_n: int, max_rse: float) -> pd.DataFrame:
    """Sum rows plus estimates, counts and provenance, built in one concat (the sum columns are many)."""
    rows = rows.reset_index(drop=True)
    extra = pd.DataFrame({"n_respondents": rows["n"].astype("int64"), "n_answers": rows["m"].astype("int64"),
                          "weighted": rows["weighted"].astype(bool), "survey": survey, "year": year,
                          "source": source}, index=rows.index)
    drop = ["weighted", "design", "df"]
    return pd.concat([rows.drop(columns=drop), stats.estimates(rows, min_n=min_n, max_rse=max_rse), extra], axis=1)


def scope_level(unit: str | None, survey: str, level: str) -> tuple[Scope, str]:
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
