"""Frames of several years kept as one: building a pandas frame costs more than the numpy work behind a year of
results, so the years computed together are one frame, cut into each year's rows only when asked."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass
class YearFrames:
    """Each year's frame: the years computed together as rows `bounds[year]` = (start, stop) of `whole`, any
    other year as a frame of its own in `apart`."""
    whole: pd.DataFrame | None = None
    bounds: dict[int, tuple[int, int]] = field(default_factory=dict)
    apart: dict[int, pd.DataFrame] = field(default_factory=dict)
    _converted: dict[tuple[str, str], np.ndarray] = field(default_factory=dict, repr=False)

    def year(self, year: int) -> pd.DataFrame:
        """The year's own frame (index 0..n-1): a year kept apart is that frame itself, not a copy."""
        if year in self.apart:
            return self.apart[year]
        start, stop = self.bounds[year]
        return self.whole.iloc[start:stop].reset_index(drop=True)

    def arrays(self, year: int, kinds: dict[str, str]) -> dict[str, np.ndarray]:
        """Some columns of the year's rows as numpy arrays of the given kinds ("object", or "float64" with NaN
        for missing), without building the year's frame: the whole's columns are converted once."""
        if year in self.apart:
            return {name: _as_array(self.apart[year][name], kind) for name, kind in kinds.items()}
        start, stop = self.bounds[year]
        return {name: self._whole_array(name, kind)[start:stop] for name, kind in kinds.items()}

    def _whole_array(self, name: str, kind: str) -> np.ndarray:
        if (name, kind) not in self._converted:
            self._converted[(name, kind)] = _as_array(self.whole[name], kind)
        return self._converted[(name, kind)]

    def rows_of(self, years: list[int]) -> np.ndarray:
        """The positions in `whole` of the rows of `years` (each in `bounds`), year after year."""
        parts = [np.arange(*self.bounds[year]) for year in years]
        return np.concatenate(parts) if parts else np.zeros(0, dtype="int64")

    def rows(self, years: list[int]) -> pd.DataFrame:
        """The rows of `years` (each in `bounds`), year after year, as one frame (index 0..n-1): a slice of
        `whole` when they lie in one run, as years asked in order do."""
        positions = self.rows_of(years)
        if len(positions) and (np.diff(positions) == 1).all():
            return self.whole.iloc[positions[0]:positions[-1] + 1].reset_index(drop=True)
        return self.whole.take(positions).reset_index(drop=True)

    def frames(self, years: list[int]) -> dict[int, pd.DataFrame]:
        """Each of `years`'s frame."""
        return {year: self.year(year) for year in years}


def _as_array(column: pd.Series, kind: str) -> np.ndarray:
    """A column as a numpy array of `kind`: floats with NaN for missing, or objects with None."""
    return column.to_numpy(dtype=kind, na_value=np.nan if kind == "float64" else None)


def joined(frames: YearFrames, years: list[int], extra: dict[int, dict[str, np.ndarray]],
           typed: Callable[[dict[str, np.ndarray]], dict[str, object]]) -> YearFrames:
    """`frames` of `years` with the columns `extra[year]` (numpy arrays, one value per row of the year; `typed`
    gives them their frame's types) added at their right: the years in `frames.bounds` as one frame again, the
    others each on its own."""
    together = [year for year in years if year in frames.bounds]
    out = YearFrames(apart={year: pd.concat([frames.year(year), pd.DataFrame(typed(extra[year]))], axis=1)
                            for year in years if year not in frames.bounds})
    if together:
        base = frames.rows(together)
        names = list(extra[together[0]])
        added = pd.DataFrame(typed({name: np.concatenate([extra[year][name] for year in together])
                                    for name in names}))
        out.whole = pd.concat([base, added], axis=1)
        start = 0
        for year in together:
            n = frames.bounds[year][1] - frames.bounds[year][0]
            out.bounds[year], start = (start, start + n), start + n
    return out
