"""The Monte Carlo draws and the Sobol indices of the rank uncertainty: arrays in, ranks out (numpy and scipy only,
no store). The method is described in the package docstring (metrics/uncertainty/__init__.py)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

DEFAULT_DRAWS = 1000
DEFAULT_SEED = 20251
DEFAULT_WEIGHT_RANGE = 0.25
DEFAULT_ALT_PROBABILITY = 0.5
DEFAULT_COVERAGE = 0.90
SOURCES = ("sampling", "weights", "aggregation")
SCORE_FLOOR = 1e-6        # a pillar score of 0 in the geometric mean: log(0) would make every such unit last


@dataclass(frozen=True)
class Settings:
    """The stated choices of one analysis."""

    draws: int = DEFAULT_DRAWS
    seed: int = DEFAULT_SEED
    weight_range: float = DEFAULT_WEIGHT_RANGE
    alt_probability: float = DEFAULT_ALT_PROBABILITY
    coverage: float = DEFAULT_COVERAGE

    def check(self) -> None:
        if self.draws < 10:
            raise ValueError(f"draws must be at least 10, not {self.draws}")
        if not 0 <= self.weight_range < 1:
            raise ValueError(f"weight range must be in [0, 1), not {self.weight_range}")
        if not 0 <= self.alt_probability <= 1:
            raise ValueError(f"alternative aggregation probability must be in [0, 1], not {self.alt_probability}")
        if not 0 < self.coverage < 1:
            raise ValueError(f"coverage must be in (0, 1), not {self.coverage}")


@dataclass(frozen=True)
class Pillars:
    """A complete dataset as the simulation reads it: U units (sorted by code_system, code) x P pillars. A unit's
    points on a pillar are `fixed + sampled`; only `sampled` (the SIPAS points of a province) moves with the
    unit's sampling error."""

    fixed: np.ndarray            # (U, P) points no sampling error moves: appraisal, survey of leaders and managers
    sampled: np.ndarray          # (U, P) points the unit's sampling error moves
    sampled_max: np.ndarray      # (P,) maximum of the sampled points on each pillar
    weights: np.ndarray          # (P,) official weights: the pillars' maximum points
    rse: np.ndarray              # (U,) relative SE of the sampled points; NaN where sampling is missing
    nominal: np.ndarray          # (U,) official ranks

    def __post_init__(self):
        if not (self.weights > 0).all():
            raise ValueError("every pillar needs a positive maximum")

    @property
    def shape(self) -> tuple[int, int]:
        """(units, pillars)."""
        return self.fixed.shape


def draw_inputs(rng: np.random.Generator, draws: int, units: int, pillars: int) -> dict[str, np.ndarray]:
    """One input matrix: sampling normals (draws, U), weight uniforms (draws, P), aggregation uniforms (draws,)."""
    return {"sampling": rng.standard_normal((draws, units)), "weights": rng.random((draws, pillars)),
            "aggregation": rng.random(draws)}


def simulated_index(p: Pillars, inputs: dict[str, np.ndarray], settings: Settings) -> np.ndarray:
    """(draws, U) index of every unit in every draw of `inputs`."""
    rse = np.nan_to_num(p.rse, nan=0.0)
    factor = 1.0 + rse[None, :] * inputs["sampling"]                                   # (D, U)
    sampled = np.clip(p.sampled[None, :, :] * factor[:, :, None], 0.0, p.sampled_max[None, None, :])
    score = (p.fixed[None, :, :] + sampled) / p.weights[None, None, :]                 # (D, U, P)
    w = p.weights[None, :] * (1.0 + settings.weight_range * (2.0 * inputs["weights"] - 1.0))
    w = w / w.sum(axis=1, keepdims=True)                                               # shares of the total
    arithmetic = np.einsum("dup,dp->du", score, w)
    geometric = np.exp(np.einsum("dup,dp->du", np.log(np.maximum(score, SCORE_FLOOR)), w))
    alternative = inputs["aggregation"] < settings.alt_probability
    return 100.0 * np.where(alternative[:, None], geometric, arithmetic)


def simulated_ranks(p: Pillars, inputs: dict[str, np.ndarray], settings: Settings) -> np.ndarray:
    """(draws, U) ranks: each draw's index at 2 decimals, descending, ties sharing the best rank."""
    index = np.round(simulated_index(p, inputs, settings), 2)
    return sps.rankdata(-index, axis=1, method="min").astype(np.int32)


def rank_quantiles(ranks: np.ndarray, coverage: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per unit (column): median rank and the (1 - coverage)/2, (1 + coverage)/2 quantiles, as whole ranks
    (inverted CDF: the rank lies within [low, high] in at least `coverage` of the draws)."""
    tail = (1 - coverage) / 2
    low, median, high = np.quantile(ranks, [tail, 0.5, 1 - tail], axis=0, method="inverted_cdf")
    return median.astype(np.int64), low.astype(np.int64), high.astype(np.int64)


def _sobol(y_a: np.ndarray, y_b: np.ndarray, y_ab: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First-order (Saltelli 2010) and total (Jansen) indices along axis 0; NaN where the output never varies."""
    variance = np.concatenate([y_a, y_b]).var(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        first = np.where(variance > 0, (y_b * (y_ab - y_a)).mean(axis=0) / variance, np.nan)
        total = np.where(variance > 0, ((y_a - y_ab) ** 2).mean(axis=0) / (2 * variance), np.nan)
    return np.clip(first, 0, 1), np.clip(total, 0, 1)


def active_sources(p: Pillars, settings: Settings) -> dict[str, bool]:
    """Which sources move anything: sampling where some unit with an rse has sampled points, weights when r > 0
    and there are two pillars or more, aggregation when the alternative is ever drawn."""
    moving = (np.nan_to_num(p.rse) > 0) & (p.sampled > 0).any(axis=1)
    return {"sampling": bool(moving.any()),
            "weights": settings.weight_range > 0 and len(p.weights) > 1,
            "aggregation": settings.alt_probability > 0}


def simulate(p: Pillars, settings: Settings = Settings()) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    """Intervals and sensitivity of one complete dataset. Returns (per unit: rank_median, rank_low, rank_high,
    share_<source>, total_<source>; overall: source, first_order, total, active; mean absolute rank shift)."""
    settings.check()
    rng = np.random.default_rng(settings.seed)
    units, pillars = p.shape
    a = draw_inputs(rng, settings.draws, units, pillars)
    b = draw_inputs(rng, settings.draws, units, pillars)
    ranks_a, ranks_b = simulated_ranks(p, a, settings), simulated_ranks(p, b, settings)
    median, low, high = rank_quantiles(ranks_a, settings.coverage)
    per_unit = {"rank_median": median, "rank_low": low, "rank_high": high}

    def shift(ranks: np.ndarray) -> np.ndarray:
        return np.abs(ranks - p.nominal[None, :]).mean(axis=1)

    overall = []
    active = active_sources(p, settings)
    for source in SOURCES:
        if active[source]:
            ranks_ab = simulated_ranks(p, {**a, source: b[source]}, settings)
        else:
            ranks_ab = ranks_a      # A_B^k equals A: the source's inputs change nothing
        first, total = _sobol(ranks_a.astype("float64"), ranks_b.astype("float64"), ranks_ab.astype("float64"))
        per_unit[f"share_{source}"], per_unit[f"total_{source}"] = first, total
        first_all, total_all = _sobol(shift(ranks_a)[:, None], shift(ranks_b)[:, None], shift(ranks_ab)[:, None])
        overall.append({"source": source, "first_order": float(first_all[0]), "total": float(total_all[0]),
                        "active": active[source]})
    return pd.DataFrame(per_unit), pd.DataFrame(overall), float(shift(ranks_a).mean())
