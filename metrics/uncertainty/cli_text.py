"""The rank uncertainty on the command line (`python -m metrics ranking --uncertainty`): stated errors read from a
CSV, the columns joined to the rankings table, and the summary printed on stderr (English, one fact a line)."""
from __future__ import annotations

import pandas as pd

from metrics.uncertainty.analysis import RankUncertainty
from metrics.uncertainty.store import UNKNOWN_SIPAS, SampledPart, check_stated

CLI_COLUMNS = ["rank_median", "rank_low", "rank_high", "sampling", "sampling_points", "share_sampling",
               "share_weights", "share_aggregation"]


def read_stated_errors(path: str) -> pd.DataFrame:
    """Standard errors stated per unit, from a CSV with the columns code_system, code, survey_se (points of the
    part the sampling error moves: a province's SIPAS points, a ministry's survey points); codes are kept as
    text ('01' stays '01')."""
    frame = pd.read_csv(path, dtype={"code_system": "str", "code": "str"}, encoding="utf-8-sig")
    return check_stated(frame)


def with_intervals(frame: pd.DataFrame, result: RankUncertainty) -> pd.DataFrame:
    """A rankings frame (code_system, code, ...) with the analysis' CLI_COLUMNS joined on the unit."""
    extra = result.table[["code_system", "code", *CLI_COLUMNS]]
    return frame.merge(extra, on=["code_system", "code"], how="left")


def sampled_line(part: SampledPart | None) -> str:
    """Which points the sampling error moves, in one line."""
    if part is None:
        return "  sampled points: none"
    if part.kind == "none":
        return f"  sampled points: none ({UNKNOWN_SIPAS[part.reason]})"
    where = (f"criteria {', '.join(part.items)}" if part.basis == "criteria"
             else f"the results table's part {', '.join(part.items)}")
    if part.kind == "sipas":
        return (f"  sampled points: SIPAS only, {where} ({part.max_points:g} of the {part.survey_max:g} survey "
                "points); the survey of leaders and managers and the appraisal stay as scored")
    return (f"  sampled points: the survey points, {where} ({part.max_points:g} points; no SIPAS at this level), "
            "by stated errors only")


def summary_lines(result: RankUncertainty) -> list[str]:
    """What the analysis covers and found, in English, one fact a line (the command line's stderr)."""
    s = result.settings
    head = (f"rank uncertainty, {result.source} {result.level} {result.year}: ")
    if not result.ok:
        reason = result.table["note"].iloc[0] if len(result.table) else f"no {result.source} data"
        return [head + f"no intervals ({result.status}: {reason})"]
    counts = result.sampling_counts()
    shares = "; ".join(f"{r.source} {r.first_order:.2f} (total {r.total:.2f})" + ("" if r.active else " [off]")
                       for r in result.shares.itertuples())
    return [
        head + f"{s.draws} draws, seed {s.seed}, {s.coverage:.0%} intervals; pillars = {result.basis} "
               f"({', '.join(result.pillars)})",
        f"  sampling: {counts['respondents']} units from SIPAS respondents"
        + (f" ({result.sampling_source})" if result.sampling_source else "")
        + f", {counts['stated']} from stated SEs, {counts['missing']} missing",
        sampled_line(result.sampled),
        f"  weights: each x U({1 - s.weight_range:g}, {1 + s.weight_range:g}), renormalised; aggregation: "
        f"geometric mean with probability {s.alt_probability:g}, else the official sum",
        f"  share of the mean absolute rank shift's variance (first-order Sobol): {shares}; "
        f"mean shift {result.mean_shift:.2f} ranks",
    ]
