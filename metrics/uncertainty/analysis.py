"""One dataset's rank uncertainty: load it (store), simulate it (simulation), and the per-unit table, the shares and
one unit's interval the pages, the briefing and the command line read."""
from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from metrics.uncertainty.simulation import (DEFAULT_ALT_PROBABILITY, DEFAULT_COVERAGE, DEFAULT_DRAWS, DEFAULT_SEED,
                                            DEFAULT_WEIGHT_RANGE, SOURCES, Settings, simulate)
from metrics.uncertainty.store import NO_ERROR_NOTE, UNKNOWN_SIPAS, NoIntervals, SampledPart, load_dataset
from ui.format import ordinal

TABLE_COLUMNS = ["code_system", "code", "name_vi", "name_en", "index", "rank", "rank_median", "rank_low",
                 "rank_high", "sampling", "sampling_points", "sampling_rse", "share_sampling", "share_weights",
                 "share_aggregation", "total_sampling", "total_weights", "total_aggregation", "note"]
_NUMBERS = ("share_", "total_", "sampling_rse", "sampling_points")


@dataclass
class RankUncertainty:
    """The analysis of one dataset. `status`: 'ok' (intervals computed), 'partial' (the table does not cover
    the whole field: no ranks, so no intervals), 'no components' (no appraisal/survey split to perturb), 'empty'.
    `table` has TABLE_COLUMNS (`sampling_points`: the unit's points its sampling error moves, 0 where none);
    `shares` one row per source (first_order, total, active) for the mean absolute rank shift; `basis` 'fields'
    or 'components'; `sampled` which points the sampling error moves; `sampling_source` the SIPAS source of the
    sampling errors."""

    level: str
    year: int
    source: str
    status: str
    settings: Settings
    units_covered: int
    units_total: int
    table: pd.DataFrame
    shares: pd.DataFrame
    basis: str | None = None
    pillars: list[str] = field(default_factory=list)
    sampling_source: str | None = None
    mean_shift: float | None = None      # mean absolute rank shift over the draws (COINr's summary)
    sampled: SampledPart | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def sampling_counts(self) -> dict[str, int]:
        """Units per sampling basis: respondents, stated, missing."""
        counts = self.table["sampling"].value_counts() if len(self.table) else pd.Series(dtype="int64")
        return {k: int(counts.get(k, 0)) for k in ("respondents", "stated", "missing")}


def _explained(level, year, source, status, settings, results, note: str) -> RankUncertainty:
    covered = int(results["index"].notna().sum()) if len(results) else 0
    total = int(results["units_total"].iloc[0]) if len(results) else 0
    table = results.reindex(columns=TABLE_COLUMNS[:6]).reset_index(drop=True)
    for column in TABLE_COLUMNS[6:]:
        table[column] = np.nan if column.startswith(_NUMBERS) else None
    table["note"] = note
    for column in ("rank", "rank_median", "rank_low", "rank_high"):
        table[column] = table[column].astype("Int64")
    shares = pd.DataFrame({"source": list(SOURCES), "first_order": np.nan, "total": np.nan, "active": False})
    return RankUncertainty(level, year, source, status, settings, covered, total, table[TABLE_COLUMNS], shares)


def analyse(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str, *, draws: int = DEFAULT_DRAWS,
            seed: int = DEFAULT_SEED, weight_range: float = DEFAULT_WEIGHT_RANGE,
            alt_probability: float = DEFAULT_ALT_PROBABILITY, coverage: float = DEFAULT_COVERAGE,
            survey_se: pd.DataFrame | None = None) -> RankUncertainty:
    """The rank uncertainty of one dataset (level, year, source: never another source in its place).

    `survey_se`: standard errors stated per unit (code_system, code, survey_se in points of the part the
    sampling error moves: a province's SIPAS points, a ministry's survey points), used where no respondent data
    gives one. See the package docstring for the method.
    """
    settings = Settings(draws, seed, weight_range, alt_probability, coverage)
    settings.check()
    try:
        data = load_dataset(con, level, year, source, survey_se)
    except NoIntervals as none:
        return _explained(level, year, source, none.status, settings, none.results, none.note)
    results = data.results
    per_unit, shares, mean_shift = simulate(data.pillars, settings)
    table = pd.concat([results[["code_system", "code", "name_vi", "name_en", "index", "rank"]], per_unit], axis=1)
    table["sampling"] = data.sampling
    table["sampling_points"] = data.sampling_points
    table["sampling_rse"] = data.pillars.rse
    missing_note = UNKNOWN_SIPAS.get(data.part.reason, NO_ERROR_NOTE)
    table["note"] = np.where(data.sampling == "missing", missing_note, "")
    for column in ("rank", "rank_median", "rank_low", "rank_high"):
        table[column] = table[column].astype("Int64")
    table = table.sort_values(["rank", "index"], ascending=[True, False], kind="stable").reset_index(drop=True)
    return RankUncertainty(level, year, source, "ok", settings, len(results), int(results["units_total"].iloc[0]),
                           table[TABLE_COLUMNS], shares, basis=data.basis, pillars=data.names,
                           sampling_source=data.sampling_source, mean_shift=mean_shift, sampled=data.part)


def rank_uncertainty(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str, **options) -> pd.DataFrame:
    """Per unit: code_system, code, names, index, rank, rank_median, rank_low, rank_high, sampling basis and the
    points it moves, the first-order (share_*) and total (total_*) Sobol indices of its rank per source, and a
    note; no intervals for a partial table (the note says why). Options as `analyse`."""
    return analyse(con, level, year, source, **options).table


def variance_shares(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str, **options) -> pd.DataFrame:
    """Per source (sampling, weights, aggregation): the share of the mean absolute rank shift's variance it
    explains alone (first_order) and with its interactions (total), and whether it acts at all."""
    return analyse(con, level, year, source, **options).shares


def unit_rank_interval(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str, code_system: str,
                       code: str, **options) -> dict | None:
    """One unit's rank, median and interval with the analysis' settings, or None (no interval: partial table,
    no data, or the unit is not in it). Keys: rank, rank_median, rank_low, rank_high, coverage, draws, seed,
    weight_range, alt_probability, units_total, sampling, sampling_points, share_sampling, share_weights,
    share_aggregation, source, basis."""
    result = analyse(con, level, year, source, **options)
    if not result.ok:
        return None
    row = result.table[(result.table["code_system"] == code_system) & (result.table["code"] == str(code))]
    if row.empty:
        return None
    r = row.iloc[0]
    s = result.settings
    return {"rank": int(r["rank"]), "rank_median": int(r["rank_median"]), "rank_low": int(r["rank_low"]),
            "rank_high": int(r["rank_high"]), "coverage": s.coverage, "draws": s.draws, "seed": s.seed,
            "weight_range": s.weight_range, "alt_probability": s.alt_probability, "units_total": result.units_total,
            "sampling": r["sampling"], "sampling_points": float(r["sampling_points"]),
            **{f"share_{k}": float(r[f"share_{k}"]) for k in SOURCES}, "source": source, "basis": result.basis}


def sentence_values(interval: dict) -> tuple[str, dict]:
    """What the profile sentence needs: the ui string key ('uncertainty.between', or 'uncertainty.same' when the
    interval is one rank) and its values low, high, low_th, high_th (English ordinals), coverage (percent), draws:
    `key, values = sentence_values(i); t(key, lang, **values)`."""
    low, high = int(interval["rank_low"]), int(interval["rank_high"])
    key = "uncertainty.between" if low != high else "uncertainty.same"
    return key, {"low": low, "high": high, "low_th": ordinal(low, "en"), "high_th": ordinal(high, "en"),
                 "coverage": int(round(interval["coverage"] * 100)), "draws": int(interval["draws"])}
