"""Targets as data (data/targets/satisfaction_targets.csv) and each row's distance to the one in force."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from etl.paths import DATA_DIR

TARGETS_PATH = DATA_DIR / "targets" / "satisfaction_targets.csv"


def load_targets(path: Path | None = None) -> pd.DataFrame:
    """Satisfaction targets as data (data/targets/satisfaction_targets.csv), each with its legal source."""
    frame = pd.read_csv(path or TARGETS_PATH, dtype=str, keep_default_na=False)
    frame["value"] = frame["value"].astype("float64")
    frame["deadline_year"] = frame["deadline_year"].astype("int64")
    return frame


def distance_to_target(table: pd.DataFrame, targets: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each row of a `satisfaction_table` that a target applies to (same survey, item set and metric), with
    the target in force (the earliest deadline not before the table's year, else the last one), the
    distance (estimate - target, in points) and `status`: 'met' (interval wholly at or above the target),
    'not met' (wholly below), 'within interval', or 'suppressed'."""
    targets = load_targets() if targets is None else targets
    if table.empty:
        return table.assign(target_id=None, target=np.nan, deadline_year=None, distance=np.nan, status=None)
    survey, year = table["survey"].iloc[0], int(table["year"].iloc[0])
    mine = targets[targets["survey"] == survey].sort_values("deadline_year")
    frames = []
    for (set_code, metric), group in mine.groupby(["set_code", "metric"], sort=False):
        upcoming = group[group["deadline_year"] >= year]
        target = (upcoming if len(upcoming) else group).iloc[0 if len(upcoming) else -1]
        rows = table[table["set_code"] == set_code]
        low, high = ("pct_ci_low", "pct_ci_high") if metric.startswith("pct") else ("mean_ci_low", "mean_ci_high")
        value = float(target["value"])
        status = np.select([rows["flag"] == "suppressed", rows[low] >= value, rows[high] < value],
                           ["suppressed", "met", "not met"], "within interval")
        frames.append(rows.assign(target_id=target["target_id"], metric=metric, target=value,
                                  deadline_year=int(target["deadline_year"]), distance=rows[metric] - value,
                                  status=status, target_source=target["source_ref"]))
    if not frames:
        return table.iloc[0:0].assign(target_id=None, target=np.nan, deadline_year=None, distance=np.nan, status=None)
    return pd.concat(frames, ignore_index=True)
