"""Reading a table for the page: Likert distributions, ranks with rank intervals, extreme items, drill-down."""
from __future__ import annotations

import duckdb
import pandas as pd

from metrics import stats
from metrics.satisfaction.instrument import OVERALL
from metrics.satisfaction.queries import BREAKDOWNS, GRAIN_SQL, VALUES
from metrics.satisfaction.tables import satisfaction_table



def likert_distribution(items: pd.DataFrame, by: str = "item") -> pd.DataFrame:
    """Long table of the share of valid answers at each scale point 1..5, per unit and item, dimension or
    the headline overall (`by`), from an `item_table`. Shares of one row sum to 100."""
    breakdown_cols = [c for b in BREAKDOWNS for c in GRAIN_SQL[b] if c in items]
    keys = ["code_system", "code", "name_vi", "name_en", *breakdown_cols, "source"]
    frame = items[items["item_kind"] == "likert"]
    if by == "overall":
        frame = frame[frame["in_headline"]].assign(group="overall")
    else:
        frame = frame.assign(group=frame["item_code" if by == "item" else "dimension_code"])
    if by == "item":
        keys = keys + ["form"]
    counts = frame.groupby(keys + ["group"], sort=False, dropna=False)[[f"answers_{k}" for k in VALUES]].sum()
    shares = stats.likert_shares(counts.to_numpy())
    wide = counts.reset_index()
    wide[[f"share_{k}" for k in VALUES]] = shares
    long = wide.melt(id_vars=keys + ["group"], value_vars=[f"share_{k}" for k in VALUES], var_name="value",
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


