"""The leaders' overview of one level and year: size, average, leaders, laggards, groups, movers."""
from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd

from metrics.par_index import (PRECISION, available_datasets, bands, framework_for, pick_source, published_average,
                               year_change)


@dataclass
class Overview:
    """Everything the overview shows, computed from one dataset (`source`), never a mix."""

    level: str
    year: int
    source: str
    shape: str                     # scores | totals
    batch_ids: list[int]
    units_listed: int              # rows in the dataset
    units_with_value: int          # rows with an index value
    units_total: int               # units of the code system assessed that year
    average: float | None          # mean index of the units with a value
    published_average: dict | None
    top: pd.DataFrame
    bottom: pd.DataFrame
    groups: pd.DataFrame           # group_code, label_vi, label_en, units
    riser: dict | None
    faller: dict | None
    framework: dict | None
    framework_changed: bool
    results: pd.DataFrame = field(repr=False)

    @property
    def complete(self) -> bool:
        return self.units_with_value >= self.units_total


def latest_year(con: duckdb.DuckDBPyConnection, level: str) -> int | None:
    datasets = available_datasets(con, level)
    return int(datasets["year"].max()) if len(datasets) else None


def build_overview(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str | None = None) -> Overview | None:
    """The overview for `level` and `year` from the requested source, or the default one (upload, published, demo)."""
    datasets = available_datasets(con, level)
    chosen = pick_source(datasets, year, source)
    if chosen is None:
        return None
    rows = datasets[(datasets["year"] == year) & (datasets["source"] == chosen)]
    results = year_change(con, level, year, chosen)
    valued = results[results["index"].notna()]
    framework = framework_for(con, level, year)
    band_table = bands(con, framework["framework_id"]) if framework else pd.DataFrame(
        columns=["group_code", "min_index", "label_vi", "label_en"])
    counts = valued["group"].value_counts()
    groups = band_table.assign(units=band_table["group_code"].map(counts).fillna(0).astype(int))
    # Partial published tables list some ranks without a value (e.g. "last place"): they still rank.
    ranked = results[results["rank"].notna()].sort_values("rank")
    movers = valued[valued["delta_index"].notna()]
    riser = movers.sort_values(["delta_index", "index"], ascending=[False, False]).head(1)
    faller = movers.sort_values(["delta_index", "index"], ascending=[True, True]).head(1)
    return Overview(
        level=level, year=year, source=chosen, shape=str(rows["shape"].iloc[0]),
        batch_ids=sorted(int(b) for b in results["batch_id"].dropna().unique()),
        units_listed=len(results), units_with_value=len(valued), units_total=int(rows["units_total"].iloc[0]),
        average=round(float(valued["index"].mean()), PRECISION) if len(valued) else None,
        published_average=published_average(con, level, year),
        top=ranked.head(3), bottom=ranked.tail(3).iloc[::-1],
        groups=groups,
        riser=riser.iloc[0].to_dict() if len(riser) and riser["delta_index"].iloc[0] > 0 else None,
        faller=faller.iloc[0].to_dict() if len(faller) and faller["delta_index"].iloc[0] < 0 else None,
        framework=framework, framework_changed=bool(results["framework_changed"].any()) if len(results) else False,
        results=results,
    )
