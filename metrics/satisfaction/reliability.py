"""Cronbach's alpha per form and dimension with Feldt's interval, from the complete respondents' sums kept at load
time (metrics.satisfaction.queries.reliability_sums)."""
from __future__ import annotations

import duckdb
import pandas as pd

from metrics import stats
from metrics.satisfaction.instrument import instrument_items
from metrics.satisfaction.queries import reliability_sums
from metrics.satisfaction.sources import pick_survey_source
from metrics.satisfaction.units import parse_unit


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
        sizes = {d: int(counts[d]) for d in dims if counts.get(d, 0) >= 2}
        if not sizes:
            continue
        sums = reliability_sums(con, survey, year, chosen, scope, form_id)
        for code, n_items in sizes.items():
            mine = sums[sums["dimension_code"] == code]
            total, item_sums = mine[mine["item_code"].isna()], mine[mine["item_code"].notna()]
            n = int(total["n"].iloc[0]) if len(total) else 0
            if n < 2 or len(item_sums) != n_items:
                continue
            alpha = stats.cronbach_alpha_from_sums(n, item_sums["s"], item_sums["ss"], float(total["s"].iloc[0]),
                                                   float(total["ss"].iloc[0]))
            low, high = stats.feldt_interval(alpha, n, n_items, level)
            first = own[own["dimension_code"] == code].iloc[0]
            rows.append({"form": form_id, "dimension_code": code, "dimension_vi": first["dimension_vi"],
                         "dimension_en": first["dimension_en"], "n_items": n_items, "n_respondents": n,
                         "alpha": alpha, "alpha_ci_low": low, "alpha_ci_high": high, "source": chosen})
    return pd.DataFrame(rows, columns=columns)


