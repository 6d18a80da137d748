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
from scipy.stats import norm, t as student_t

from metrics.par_index import (LEVEL_SYSTEMS, available_datasets, pick_source, results_by_year, system_for_year,
                               unit_results)
from metrics.rounding import difference, exact_mean, hundredths, round_series

TREND_COLUMNS = ["code_system", "code", "name", "year", "value", "ci_low", "ci_high", "status", "from_units", "source",
                 "coverage", "note"]
Z95 = 1.959963984540054
_EMPTY = ["code", "value", "se", "df", "respondents", "rank", "rank_basis"]
MEASURES = ("index", "rank", "sipas", "health", "education")
WEIGHTINGS = ("equal", "respondents", "population")


def level_of(system: str) -> str:
    return next(level for level, systems in LEVEL_SYSTEMS.items() if system in systems)


def yearly_values(con: duckdb.DuckDBPyConnection, level: str, year: int, measure: str,
                  source: str | None = None,
                  scored: dict[int, tuple[str | None, pd.DataFrame | None]] | None = None
                  ) -> tuple[pd.DataFrame, str | None, tuple[int, int]]:
    """(code, value, se, df, respondents, rank, rank_basis) for every unit of the year's own system from one
    source, that source, and the coverage (units with a value, units in the field). A requested source is used
    or nothing is (never another in its place). Satisfaction values are the overall % satisfied with its
    design-based standard error (the satisfaction pages' estimate); a suppressed estimate has no value. SIPAS
    from the published source is the published SIPAS index per province (MoHA's own aggregation). `scored`
    holds each year's (source, results) of the index when the caller picked and scored several years at once."""
    empty = pd.DataFrame(columns=_EMPTY)
    system = system_for_year(level, year)
    if measure in ("index", "rank"):
        if scored is not None and year in scored:
            chosen, results = scored[year]
        else:
            chosen = pick_source(available_datasets(con, level), year, source)
            results = None if chosen is None else unit_results(con, level, year, chosen)
        if chosen is None:
            return empty, None, (0, 0)
        values = pd.DataFrame({"code": results["code"], "value": results["index"], "se": np.nan, "df": np.nan,
                               "respondents": np.nan, "rank": results["rank"], "rank_basis": results["rank_basis"]})
        total = int(results["units_total"].iloc[0]) if len(results) else 0
        return values, chosen, (int(results["index"].notna().sum()), total)
    total = con.execute("SELECT count(*) FROM unit WHERE code_system = ? AND assessed", [system]).fetchall()[0][0]
    if source == "published":
        if measure != "sipas":
            return empty, None, (0, total)
        from metrics.satisfaction import published_sipas

        rows = published_sipas(con, year)["provinces"]
        rows = rows[rows["sipas_pct"].notna()]
        if rows.empty:
            return empty, None, (0, total)
        values = pd.DataFrame({"code": rows["code"], "value": rows["sipas_pct"], "se": np.nan, "df": np.nan,
                               "respondents": np.nan, "rank": pd.NA, "rank_basis": None})
        return values, "published", (len(values), total)
    from metrics.satisfaction import OVERALL, pick_survey_source, satisfaction_table

    chosen = pick_survey_source(con, measure, year, source)
    if chosen is None or (source is not None and chosen != source):
        return empty, None, (0, total)
    table = satisfaction_table(con, measure, year, level="province", source=chosen)
    rows = table[(table["row_level"] == "province") & (table["set_code"] == OVERALL)]
    shown = rows["flag"] != "suppressed"
    design_df = rows["df"] if "df" in rows else pd.Series(np.nan, index=rows.index)
    values = pd.DataFrame({"code": rows["code"], "value": rows["pct_satisfied"].where(shown),
                           "se": rows["pct_se"].where(shown), "df": design_df.where(shown),
                           "respondents": rows["n_respondents"], "rank": pd.NA, "rank_basis": None})
    return values, chosen, (int(values["value"].notna().sum()), total)


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


def _scored_years(con: duckdb.DuckDBPyConnection, level: str, first: int, last: int,
                  source: str | None) -> dict[int, tuple[str | None, pd.DataFrame | None]]:
    """Each year from first to last: the source yearly_values would pick for its index (None: no data) and that
    source's results, every year of a source scored with one query."""
    datasets = available_datasets(con, level)
    chosen = {year: pick_source(datasets, year, source) for year in range(first, last + 1)}
    scored = {picked: results_by_year(con, level, [y for y, s in chosen.items() if s == picked], picked)
              for picked in set(chosen.values()) - {None}}
    return {year: (picked, None if picked is None else scored[picked][year]) for year, picked in chosen.items()}


def trend(con: duckdb.DuckDBPyConnection, system: str, first: int, last: int, measure: str = "index",
          weighting: str = "equal", source: str | None = None) -> pd.DataFrame:
    """One row per unit of `system` and year: value, status (observed, reconstructed, successor), the units the
    value came from, its source (each point its own: a requested source is used or the point is empty, the
    automatic choice may differ by year and says so), coverage ("k/n" units with a value that year) and a note
    where it could not be computed. Ranks are the ranks a release states, or computed when the year's data
    covers the whole field; never a rank among the few units a partial table lists."""
    if measure not in MEASURES or weighting not in WEIGHTINGS:
        raise ValueError(f"measure in {MEASURES}, weighting in {WEIGHTINGS}")
    level = level_of(system)
    old, new = LEVEL_SYSTEMS[level]
    units = con.execute("SELECT code, name_vi FROM unit WHERE code_system = ? AND assessed ORDER BY code",
                        [system]).fetchall()
    links = con.execute("SELECT from_code, to_code, relation FROM unit_lineage WHERE from_system = ? AND to_system = ?",
                        [old, new]).df()
    value_measure = "index" if measure == "rank" else measure
    scored = _scored_years(con, level, first, last, source) if value_measure == "index" else None
    rows = []
    for year in range(first, last + 1):
        values, chosen, (covered, total) = yearly_values(con, level, year, value_measure, source, scored)
        indexed = values.set_index("code")
        by_code, se_by_code, df_by_code = indexed["value"], indexed["se"], indexed["df"]
        year_system = system_for_year(level, year)
        whole = total > 0 and covered >= total
        missing_note = (f"no {source} data for {year}" if source else f"no data for {year}") if chosen is None else None
        year_rows = []
        for code, name in units:
            row = {"code_system": system, "code": code, "name": name, "year": year, "source": chosen,
                   "coverage": f"{covered}/{total}" if chosen else None, "note": missing_note, "df": np.nan}
            if year_system == system:
                row.update(value=by_code.get(code, np.nan), se=se_by_code.get(code, np.nan),
                           df=df_by_code.get(code, np.nan), status="observed", from_units=f"{system}:{code}")
            elif system == new:
                preds = links[links["to_code"] == code]
                codes = preds["from_code"].tolist()
                row["from_units"] = "; ".join(f"{old}:{c}" for c in codes)
                if len(codes) == 1 and preds["relation"].iloc[0] == "continued":
                    row.update(value=by_code.get(codes[0], np.nan), se=se_by_code.get(codes[0], np.nan),
                               df=df_by_code.get(codes[0], np.nan), status="observed")
                else:
                    row["status"] = "reconstructed"
                    present = [c for c in codes if pd.notna(by_code.get(c, np.nan))]
                    if len(present) < len(codes):
                        missing = ", ".join(f"{old}:{c}" for c in codes if c not in present)
                        row.update(value=np.nan, note=missing_note or f"no value for {missing} in {year}: "
                                                                      "not reconstructed")
                    else:
                        weights, why = _weights(con, codes, old, year, weighting, values)
                        if weights is None:
                            row.update(value=np.nan, note=why)
                        else:
                            # Exact weighted mean, rounded half-up like every published figure.
                            row["value"] = exact_mean([by_code[c] for c in codes], weights)
                            # Independent samples: the weighted mean's variance adds up the parts'.
                            shares = weights / weights.sum()
                            row["se"] = float(np.sqrt(np.sum((shares * se_by_code.reindex(codes).to_numpy()) ** 2)))
                            # Satterthwaite-free and conservative: the smallest part's degrees of freedom.
                            row["df"] = float(np.nanmin(df_by_code.reindex(codes).to_numpy(dtype=float))) \
                                if df_by_code.reindex(codes).notna().any() else np.nan
                            row["note"] = f"{weighting}-weighted mean of {len(codes)} predecessors"
            else:
                successor = links[links["from_code"] == code]["to_code"]
                target = successor.iloc[0] if len(successor) else None
                row.update(value=by_code.get(target, np.nan) if target else np.nan,
                           se=se_by_code.get(target, np.nan) if target else np.nan,
                           df=df_by_code.get(target, np.nan) if target else np.nan, status="successor",
                           from_units=f"{new}:{target}" if target else None,
                           note="the successor's value, not this unit's own")
            year_rows.append(row)
        frame = pd.DataFrame(year_rows)
        if measure == "rank":
            frame["value"] = _ranks(frame, values, year_system, system, whole, covered, total)
            frame.loc[frame["value"].isna() & frame["note"].isna() & frame["source"].notna(), "note"] = (
                f"rank not published: {covered} of {total} units have a value")
            if not whole:
                # A stated rank is a rank among that year's whole field, which may be another code system's.
                frame.loc[frame["value"].notna(), "note"] = f"rank as the release states it, among {total} ({year_system})"
        rows.append(frame)
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=TREND_COLUMNS + ["se", "df"])
    for column in ("se", "df"):
        out[column] = out[column].astype("float64") if column in out else np.nan
    if measure == "rank":
        out["se"] = np.nan
        out["value"] = out["value"].astype("Float64").round().astype("Int64")
        out["ci_low"] = out["ci_high"] = np.nan
        return out[TREND_COLUMNS + ["se"]]
    out["value"] = round_series(out["value"])
    # Student's t with the design's degrees of freedom where the estimate has them, else the normal quantile.
    quantile = np.where(out["df"].notna() & (out["df"] > 0),
                        student_t.ppf(0.975, out["df"].where(out["df"] > 0, 1.0)), Z95)
    out["ci_low"] = round_series(out["value"] - quantile * out["se"])
    out["ci_high"] = round_series(out["value"] + quantile * out["se"])
    return out[TREND_COLUMNS + ["se"]]


def _ranks(frame: pd.DataFrame, values: pd.DataFrame, year_system: str, system: str, whole: bool,
           covered: int, total: int) -> pd.Series:
    """The rank of each row's value for one year: computed among all units only when the year's data covers
    the whole field (reconstructed values re-ranked among the series' units, never an average of ranks);
    otherwise the rank the release states for an observed unit, and none for the rest."""
    if whole:
        if year_system == system or system == LEVEL_SYSTEMS[level_of(system)][1]:
            return hundredths(frame["value"]).astype("float64").rank(method="min", ascending=False)
        own = values.assign(rank=hundredths(values["value"]).astype("float64").rank(method="min", ascending=False))
        successor_rank = own.set_index("code")["rank"]
        return pd.Series([successor_rank.get(u.split(":", 1)[1], np.nan) if isinstance(u, str) else np.nan
                          for u in frame["from_units"]], index=frame.index, dtype="float64")
    stated = values[values["rank_basis"].isin(["stated", "deduced", "listed", "computed"])]
    stated_rank = stated.set_index("code")["rank"]
    ranks = []
    for row in frame.itertuples():
        unit = row.from_units if isinstance(row.from_units, str) and ";" not in row.from_units else None
        code = unit.split(":", 1)[1] if unit else None
        if row.status == "reconstructed" or code is None:
            ranks.append(np.nan)
        else:
            found = stated_rank.get(code, pd.NA)
            ranks.append(np.nan if pd.isna(found) else float(found))
    return pd.Series(ranks, index=frame.index, dtype="float64")


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
    table["change"] = pd.Series([difference(b, a) for a, b in zip(table[f"value_{first}"], table[f"value_{second}"])],
                                index=table.index, dtype="float64")
    # With standard errors (satisfaction), a two-sided z-test on the difference of independent estimates.
    se_a = series[series["year"] == first].set_index("code")["se"].reindex(table["code"]).to_numpy()
    se_b = series[series["year"] == second].set_index("code")["se"].reindex(table["code"]).to_numpy()
    z = table["change"].to_numpy() / np.sqrt(se_a ** 2 + se_b ** 2)
    table["p_value"] = 2 * norm.sf(np.abs(z))
    table["significant"] = table["p_value"] < 0.05
    return table.reset_index(drop=True)
