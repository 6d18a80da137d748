"""The leaders' overview of one level and year: size, average, leaders, laggards, groups, movers.

A figure that needs the whole field (top and bottom 3, group counts, the biggest riser and faller) is computed
only from a dataset that covers every unit assessed that year; for a partial table (a published year that lists
8 of 63 provinces) the overview shows the release's own facts instead, each labelled as published.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from metrics.par_index import (available_datasets, bands, framework_for, published_average, require_source,
                               year_change)
from metrics.rounding import exact_mean

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
    # How each whole-field figure was obtained: 'computed' (from a complete dataset), 'published' (the
    # release's own statement), or None (neither: not shown).
    ranks_basis: str | None = None
    groups_basis: str | None = None
    movers_basis: str | None = None
    release_facts: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    @property
    def complete(self) -> bool:
        return self.units_with_value >= self.units_total


def latest_year(con: duckdb.DuckDBPyConnection, level: str) -> int | None:
    datasets = available_datasets(con, level)
    return int(datasets["year"].max()) if len(datasets) else None


def release_facts(con: duckdb.DuckDBPyConnection, level: str, year: int) -> pd.DataFrame:
    """The headline figures MoHA published for a year and level (national summary), with their sources."""
    scope = "provinces" if level == "province" else "ministries"
    return con.execute(
        "SELECT metric, value_text AS value, value_num, note, source_ref FROM published_stat "
        "WHERE dataset = 'par_national' AND year = ? AND scope = ? ORDER BY metric", [year, scope]).df()


_GROUP_METRIC = (
    (re.compile(r"^group ([A-D]) \("), None),
    (re.compile(r"^count >= ?90 ?%$"), "A"), (re.compile(r"^count > ?90 ?%$"), "A"),
    (re.compile(r"^count 80 ?- ?<90 ?%$"), "B"), (re.compile(r"^count 70 ?- ?<80 ?%$"), "C"),
)


def published_group_counts(facts: pd.DataFrame) -> dict[str, int]:
    """Group counts the release states ('group A (>=90) count', 'count >=90%'), by group code."""
    counts = {}
    for metric, value in zip(facts["metric"], facts["value_num"]):
        if pd.isna(value):
            continue
        for pattern, code in _GROUP_METRIC:
            found = pattern.match(str(metric))
            if found:
                counts[code or found.group(1)] = int(value)
                break
    return counts


def published_movers(results: pd.DataFrame) -> tuple[dict | None, dict | None]:
    """The largest rise and fall as the release names them (a row noted 'largest increase' / 'largest
    decrease', with its published change), never the extremes of a partial list."""
    def named(word: str) -> dict | None:
        rows = results[results["note"].fillna("").str.contains(f"largest {word}", case=False, regex=False)
                       & results["published_change"].notna()]
        if rows.empty:
            return None
        row = rows.iloc[0].to_dict()
        row.update(delta_index=row["published_change"], delta_rank=pd.NA, change_basis="published")
        return row
    return named("increase"), named("decrease")


def build_overview(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str | None = None) -> Overview | None:
    """The overview for `level` and `year` from the requested source (SourceUnavailable when it has no data
    that year), or the automatic one (upload, published, demo); None when no source has data."""
    datasets = available_datasets(con, level)
    chosen = require_source(datasets, year, source, f"{level} {year}")
    if chosen is None:
        return None
    rows = datasets[(datasets["year"] == year) & (datasets["source"] == chosen)]
    results = year_change(con, level, year, chosen)
    valued = results[results["index"].notna()]
    units_total = int(results["units_total"].iloc[0]) if len(results) else int(rows["units_total"].iloc[0])
    whole = units_total > 0 and len(valued) >= units_total
    framework = framework_for(con, level, year)
    band_table = bands(con, framework["framework_id"]) if framework else pd.DataFrame(
        columns=["group_code", "min_index", "label_vi", "label_en"])
    facts = release_facts(con, level, year)
    if chosen != "published":        # the release's statements describe the published figures only
        facts = facts.iloc[0:0]
    if whole:
        counts, groups_basis = valued["group"].value_counts(), "computed"
    else:
        stated = published_group_counts(facts)
        counts, groups_basis = pd.Series(stated, dtype="int64"), ("published" if stated else None)
    groups = band_table.assign(units=band_table["group_code"].map(counts).astype("Int64"))
    if groups_basis == "computed":
        groups["units"] = groups["units"].fillna(0)
    # A group the release does not state is unknown (NA), not zero.
    if groups_basis is None:
        groups = groups.iloc[0:0]
    ranked = results[results["rank"].notna()].sort_values("rank")
    if whole and len(ranked) >= units_total:
        top, bottom, ranks_basis = ranked.head(3), ranked.tail(3).iloc[::-1], "computed"
    else:
        # Only ranks the release states can say who leads or trails: 1-3 and the last three of the field.
        top = ranked[ranked["rank"] <= 3]
        bottom = ranked[ranked["rank"] > units_total - 3].iloc[::-1]
        ranks_basis = "published" if len(top) or len(bottom) else None
    movers = valued[valued["delta_index"].notna() & (valued["change_basis"] != "published")]
    if whole and len(movers) >= units_total:
        riser_rows = movers.sort_values(["delta_index", "index"], ascending=[False, False]).head(1)
        faller_rows = movers.sort_values(["delta_index", "index"], ascending=[True, True]).head(1)
        riser = riser_rows.iloc[0].to_dict() if riser_rows["delta_index"].iloc[0] > 0 else None
        faller = faller_rows.iloc[0].to_dict() if faller_rows["delta_index"].iloc[0] < 0 else None
        movers_basis = "computed"
    else:
        riser, faller = published_movers(results)
        movers_basis = "published" if riser or faller else None
    return Overview(
        level=level, year=year, source=chosen, shape=str(rows["shape"].iloc[0]),
        batch_ids=sorted(int(b) for b in results["batch_id"].dropna().unique()),
        units_listed=len(results), units_with_value=len(valued), units_total=units_total,
        average=exact_mean(valued["index"]) if len(valued) else None,
        published_average=published_average(con, level, year),
        top=top, bottom=bottom, groups=groups, riser=riser, faller=faller,
        framework=framework, framework_changed=bool(results["framework_changed"].any()) if len(results) else False,
        results=results, ranks_basis=ranks_basis, groups_basis=groups_basis, movers_basis=movers_basis,
        release_facts=facts,
    )
