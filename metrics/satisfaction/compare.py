"""Differences: two years or two units (a unit against a scope holding it is tested against the rest of
that scope), and the change of a series from year to year."""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from metrics import stats
from metrics.par_index import SOURCE_PRIORITY
from metrics.satisfaction import queries
from metrics.satisfaction.instrument import OVERALL, instrument_items, item_sets
from metrics.satisfaction.sources import pick_survey_source, survey_datasets
from metrics.satisfaction.tables import TABLE_COLUMNS, item_table, satisfaction_table
from metrics.satisfaction.units import Scope, parse_unit, unit_names


def satisfaction_trend(con: duckdb.DuckDBPyConnection, survey: str, *, unit: str | None = None,
                       set_code: str = OVERALL, years: list[int] | None = None, source: str | None = None,
                       **options) -> pd.DataFrame:
    """One row per year for the country or one unit and one item set, each year from its own dataset
    (`source` column), with the change against the previous year shown when both come from the same
    source, and whether it is significant (t-test on the design-based SEs, df the smaller of the two
    years'; the years are independent samples)."""
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
        test = stats.difference_test(cur.pct_satisfied, cur.pct_se, prev.pct_satisfied, prev.pct_se,
                                     df=min(cur.df, prev.df)) if comparable \
            else {"difference": np.nan, "p_value": np.nan, "significant": False}
        change.append(test["difference"])
        p_value.append(test["p_value"])
        significant.append(test["significant"])
    return out.assign(change=change, change_p=p_value, change_significant=significant)


def _nested(con: duckdb.DuckDBPyConnection, outer: Scope, inner: Scope) -> bool:
    """Whether every respondent of `inner` is also in `outer` (the country holds everything; a province
    holds its hospitals and schools)."""
    if inner.kind == "national" or outer == inner:
        return outer == inner
    if outer.kind == "national":
        return True
    if outer.kind == "province" and inner.kind == "facility":
        names = unit_names(con)
        parent = names[(names["code_system"] == inner.system) & (names["code"] == inner.code)]
        return bool(len(parent)) and (parent["parent_system"].iloc[0], parent["parent_code"].iloc[0]) == \
            (outer.system, outer.code)
    return False


def _unit_text(scope: Scope) -> str | None:
    return None if scope.kind == "national" else f"{scope.system}:{scope.code}"


def compare(con: duckdb.DuckDBPyConnection, survey: str, a: tuple[int, str | None], b: tuple[int, str | None], *,
            set_code: str = OVERALL, item: str | None = None, source: str | None = None,
            **options) -> dict:
    """Two years or two units, each given as (year, unit or None for the country), on one item set (or one
    item): both estimates, the difference of percent satisfied (a - b) with a t-test on the design-based
    SEs, and a Mann-Whitney test of the respondents' scores (their mean valid answer; for one item, the
    answer). Both sides use one source: the requested one, else the first of upload, published, demo both have.

    When one side holds the other in the same year (a province and the country; a hospital and its
    province), the two are not independent samples: the inner unit is tested against the REST of the outer
    scope (the country less the province), which tests the same hypothesis (the unit equals the scope)
    without counting its respondents twice. `tested_against` says 'rest' then (else 'other side') and
    `rest` holds that row. `significant` is True only when the test is significant at 5 %; `marker` is '*' then.
    """
    sources = [s for s in ([source] if source else SOURCE_PRIORITY)
               if all(pick_survey_source(con, survey, side[0], s) for side in (a, b))]
    if not sources:
        raise ValueError("the two sides have no source in common: sources are never mixed in one comparison")
    chosen = sources[0]

    def row_of(year: int, unit: str | None, exclude: str | None = None) -> dict:
        scope = parse_unit(unit, survey)
        level = "national" if scope.kind == "national" else scope.kind
        if item:
            table = item_table(con, survey, year, level=level, unit=unit, source=chosen, exclude=exclude, **options)
            row = table[table["item_code"] == item].head(1)
        else:
            table = satisfaction_table(con, survey, year, level=level, unit=unit, source=chosen, exclude=exclude,
                                       **options)
            row = table[table["set_code"] == set_code].head(1)
        if row.empty:
            raise ValueError(f"no {survey} answers for {unit or 'the country'} in {year} ({chosen})"
                             + (f" less {exclude}" if exclude else ""))
        return row.iloc[0].to_dict()

    sides = [row_of(year, unit) for year, unit in (a, b)]
    scopes = [parse_unit(unit, survey) for _, unit in (a, b)]
    rest, inner_side = None, None
    if a[0] == b[0] and scopes[0] != scopes[1]:
        for i, j in ((0, 1), (1, 0)):
            if _nested(con, scopes[j], scopes[i]):
                inner_side = i
                rest = row_of(a[0], _unit_text(scopes[j]), exclude=_unit_text(scopes[i]))
                break
    tested = list(sides)
    if rest is not None:
        tested[1 - inner_side] = rest
    diff = stats.difference_test(tested[0]["pct_satisfied"], tested[0]["pct_se"], tested[1]["pct_satisfied"],
                                 tested[1]["pct_se"], df=min(tested[0]["df"], tested[1]["df"]))
    diff = {**diff, "difference": sides[0]["pct_satisfied"] - sides[1]["pct_satisfied"]}
    items = instrument_items(con, survey)
    sets = item_sets(items, survey)
    dims = list(sets.loc[sets["set_kind"] == "dimension", "set_code"])
    members = [] if item else sets.loc[sets["set_code"] == set_code, "dims"].iloc[0]
    score_scopes = list(scopes)
    if rest is not None:
        outer = scopes[1 - inner_side]
        score_scopes[1 - inner_side] = Scope(outer.kind, outer.system, outer.code, exclude=scopes[inner_side])
    scores = [queries.scores(con, survey, year, chosen, scope, dims if item else members, item)
              for (year, _), scope in zip((a, b), score_scopes)]
    mw = stats.mann_whitney(scores[0]["score"], scores[0]["respondents"], scores[1]["score"], scores[1]["respondents"])
    suppressed = any(s["flag"] == "suppressed" for s in tested)
    significant = bool(diff["significant"]) and not suppressed
    note = "suppressed side: no test shown" if suppressed else ""
    if rest is not None and not suppressed:
        note = "tested against the rest (the larger scope less the unit): the two overlap"
    return {"source": chosen, "a": sides[0], "b": sides[1], "difference": diff, "mann_whitney": mw,
            "significant": significant, "marker": "*" if significant else "", "note": note,
            "tested_against": "rest" if rest is not None else "other side", "rest": rest}
