"""Series over years in one code system, bridging the 2025 reorganisation explicitly.

In a new system (vn34, ministry-2025) a unit's years before the change are its predecessor's values
when it continued whole ('observed'), else a weighted mean of its predecessors ('reconstructed'),
never a silent average of whichever predecessors happen to have a value. In an old system (vn63,
ministry-2021) a unit's years after the change are its successor's values ('successor').
"""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
from scipy.stats import norm

from metrics.par_index import LEVEL_SYSTEMS, PRECISION, available_datasets, pick_source, system_for_year, unit_results

TREND_COLUMNS = ["code_system", "code", "name", "year", "value", "ci_low", "ci_high", "status", "from_units", "source",
                 "note"]
Z95 = 1.959963984540054
MEASURES = ("index", "rank", "sipas", "health", "education")
WEIGHTINGS = ("equal", "respondents", "population")


def level_of(system: str) -> str:
    return next(level for level, systems in LEVEL_SYSTEMS.items() if system in systems)


def yearly_values(con: duckdb.DuckDBPyConnection, level: str, year: int, measure: str,
                  source: str | None = None) -> tuple[pd.DataFrame, str | None]:
    """(code, value, se, respondents) for every unit of the year's own system, from one source, and that
    source. Satisfaction values are the overall % satisfied with its design-based standard error (the
    satisfaction pages' estimate); a suppressed estimate (too few respondents) has no value."""
    if measure in ("index", "rank"):
        chosen = pick_source(available_datasets(con, level), year, source)
        if chosen is None:
            return pd.DataFrame(columns=["code", "value", "se", "respondents"]), None
        results = unit_results(con, level, year, chosen)
        return pd.DataFrame({"code": results["code"], "value": results["index"], "se": np.nan,
                             "respondents": np.nan}), chosen
    from metrics.satisfaction import OVERALL, pick_survey_source, satisfaction_table

    chosen = pick_survey_source(con, measure, year, source if source != "published" else None)
    if chosen is None:
        return pd.DataFrame(columns=["code", "value", "se", "respondents"]), None
    table = satisfaction_table(con, measure, year, level="province", source=chosen)
    rows = table[(table["row_level"] == "province") & (table["set_code"] == OVERALL)]
    shown = rows["flag"] != "suppressed"
    return pd.DataFrame({"code": rows["code"], "value": rows["pct_satisfied"].where(shown),
                         "se": rows["pct_se"].where(shown), "respondents": rows["n_respondents"]}), chosen


def _weights(con, predecessors: list[str], system: str, year: int, weighting: str,
             values: pd.DataFrame) -> tuple[np.ndarray | None, str | None]:
    if weighting == "equal":
        return np.ones(len(predecessors)), None
    if weighting == "respondents":
        counts = values.set_index("code")["respondents"].reindex(predecessors)
        if counts.isna().any():
            return None, "no respondent counts (respondent weighting is for satisfaction measures)"
        return counts.to_numpy(dtype=float), None
    rows = dict(con.execute(
        "SELECT p.unit_code, p.population FROM population p JOIN batch b USING (batch_id) "
        "WHERE b.status = 'current' AND p.unit_system = ? AND p.year = ?", [system, year]).fetchall())
    missing = [c for c in predecessors if c not in rows]
    if missing:
        return None, f"no population loaded for {', '.join(f'{system}:{c}' for c in missing)} in {year}"
    return np.array([rows[c] for c in predecessors], dtype=float), None


def trend(con: duckdb.DuckDBPyConnection, system: str, first: int, last: int, measure: str = "index",
          weighting: str = "equal", source: str | None = None) -> pd.DataFrame:
    """One row per unit of `system` and year: value, status (observed, reconstructed, successor),
    the units the value came from, its source, and a note where it could not be computed."""
    if measure not in MEASURES or weighting not in WEIGHTINGS:
        raise ValueError(f"measure in {MEASURES}, weighting in {WEIGHTINGS}")
    level = level_of(system)
    old, new = LEVEL_SYSTEMS[level]
    units = con.execute("SELECT code, name_vi FROM unit WHERE code_system = ? AND assessed ORDER BY code",
                        [system]).fetchall()
    links = con.execute("SELECT from_code, to_code, relation FROM unit_lineage WHERE from_system = ? AND to_system = ?",
                        [old, new]).df()
    value_measure = "index" if measure == "rank" else measure
    rows = []
    for year in range(first, last + 1):
        values, chosen = yearly_values(con, level, year, value_measure, source)
        by_code = values.set_index("code")["value"]
        se_by_code = values.set_index("code")["se"]
        year_system = system_for_year(level, year)
        year_rows = []
        for code, name in units:
            row = {"code_system": system, "code": code, "name": name, "year": year, "source": chosen, "note": None}
            if year_system == system:
                row.update(value=by_code.get(code, np.nan), se=se_by_code.get(code, np.nan), status="observed",
                           from_units=f"{system}:{code}")
            elif system == new:
                preds = links[links["to_code"] == code]
                codes = preds["from_code"].tolist()
                row["from_units"] = "; ".join(f"{old}:{c}" for c in codes)
                if len(codes) == 1 and preds["relation"].iloc[0] == "continued":
                    row.update(value=by_code.get(codes[0], np.nan), se=se_by_code.get(codes[0], np.nan),
                               status="observed")
                else:
                    row["status"] = "reconstructed"
                    present = [c for c in codes if pd.notna(by_code.get(c, np.nan))]
                    if len(present) < len(codes):
                        missing = ", ".join(f"{old}:{c}" for c in codes if c not in present)
                        row.update(value=np.nan, note=f"no value for {missing} in {year}: not reconstructed")
                    else:
                        weights, why = _weights(con, codes, old, year, weighting, values)
                        if weights is None:
                            row.update(value=np.nan, note=why)
                        else:
                            row["value"] = float(np.average([by_code[c] for c in codes], weights=weights))
                            # Independent samples: the weighted mean's variance adds up the parts'.
                            shares = weights / weights.sum()
                            row["se"] = float(np.sqrt(np.sum((shares * se_by_code.reindex(codes).to_numpy()) ** 2)))
                            row["note"] = f"{weighting}-weighted mean of {len(codes)} predecessors"
            else:
                successor = links[links["from_code"] == code]["to_code"]
                target = successor.iloc[0] if len(successor) else None
                row.update(value=by_code.get(target, np.nan) if target else np.nan,
                           se=se_by_code.get(target, np.nan) if target else np.nan, status="successor",
                           from_units=f"{new}:{target}" if target else None,
                           note="the successor's value, not this unit's own")
            year_rows.append(row)
        frame = pd.DataFrame(year_rows)
        if measure == "rank":
            if year_system == system or system == new:
                # Ranked among all units of the series' system that year, reconstructed ones included
                # (a reconstructed rank is never an average of the predecessors' ranks).
                frame["value"] = frame["value"].round(PRECISION).rank(method="min", ascending=False)
            else:
                # An old unit after the change shows its successor's own rank among the new units.
                own_ranks = values.assign(rank=values["value"].round(PRECISION).rank(method="min", ascending=False))
                successor_rank = own_ranks.set_index("code")["rank"]
                frame["value"] = [successor_rank.get(u.split(":", 1)[1], np.nan) if isinstance(u, str) else np.nan
                                  for u in frame["from_units"]]
        rows.append(frame)
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=TREND_COLUMNS + ["se"])
    if "se" not in out:
        out["se"] = np.nan
    out["se"] = out["se"].astype("float64")
    if measure == "rank":
        out["se"] = np.nan
    out["value"] = out["value"].astype("float64").round(PRECISION)
    out["ci_low"] = (out["value"] - Z95 * out["se"]).round(PRECISION)
    out["ci_high"] = (out["value"] + Z95 * out["se"]).round(PRECISION)
    return out[TREND_COLUMNS + ["se"]]


def framework_changes(con: duckdb.DuckDBPyConnection, level: str, first: int, last: int) -> pd.DataFrame:
    """Years whose PAR criteria set differs from the year before's: values on the two sides are not
    strictly comparable. Columns: year, before, after."""
    frameworks = con.execute("SELECT framework_id, first_year, last_year FROM framework WHERE level = ?", [level]).df()

    def active(year: int) -> str | None:
        match = frameworks[(frameworks["first_year"] <= year)
                           & (frameworks["last_year"].isna() | (frameworks["last_year"] >= year))]
        return match["framework_id"].iloc[0] if len(match) else None

    rows = [{"year": y, "before": active(y - 1), "after": active(y)} for y in range(first + 1, last + 1)
            if active(y - 1) != active(y)]
    return pd.DataFrame(rows, columns=["year", "before", "after"])


# SIPAS changed design in 2022 (policy groups added); other surveys have no recorded change.
SURVEY_DESIGN_CHANGES = {"sipas": [(2022, "SIPAS design changed in 2022 (public-policy groups added)",
                                    "SIPAS thay đổi thiết kế năm 2022 (bổ sung nhóm chính sách công)")]}


def change_table(series: pd.DataFrame, first: int, second: int) -> pd.DataFrame:
    """Per unit: the value in two chosen years and the change, with both statuses (so a change against a
    reconstructed or successor value is visible as such)."""
    a = series[series["year"] == first][["code", "name", "value", "status"]].rename(
        columns={"value": f"value_{first}", "status": f"status_{first}"})
    b = series[series["year"] == second][["code", "value", "status"]].rename(
        columns={"value": f"value_{second}", "status": f"status_{second}"})
    table = a.merge(b, on="code", how="left")
    table["change"] = (table[f"value_{second}"] - table[f"value_{first}"]).round(PRECISION)
    # With standard errors (satisfaction), a two-sided z-test on the difference of independent estimates.
    se_a = series[series["year"] == first].set_index("code")["se"].reindex(table["code"]).to_numpy()
    se_b = series[series["year"] == second].set_index("code")["se"].reindex(table["code"]).to_numpy()
    z = table["change"].to_numpy() / np.sqrt(se_a ** 2 + se_b ** 2)
    table["p_value"] = 2 * norm.sf(np.abs(z))
    table["significant"] = table["p_value"] < 0.05
    return table.reset_index(drop=True)
