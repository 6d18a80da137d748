"""Exact rounding at the published precision: half-up on decimal values, never on binary floats.

A float such as 79.995 is stored as 79.99499999999999744... and Python's round() gives 79.99; MoHA rounds the
decimal number 79.995 half-up to 80.00. Values here are read back as the shortest decimal that names the float
(what a person wrote in the file), then rounded with `decimal.ROUND_HALF_UP`. Means and ratios are computed in
`Decimal` or in integer hundredths so that no binary noise reaches a rounding boundary.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable

import numpy as np
import pandas as pd

PRECISION = 2  # the index, its changes and every band boundary are published at 2 decimals


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def to_decimal(value) -> Decimal | None:
    """The decimal number a float stands for (its shortest repr), or None for a missing value."""
    if _missing(value):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (int, np.integer)):
        return Decimal(int(value))
    return Decimal(repr(float(value)))


def quantize(value: Decimal, digits: int = PRECISION) -> Decimal:
    """Half-up rounding of an exact decimal."""
    return value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def round_half_up(value, digits: int = PRECISION) -> float | None:
    """`value` rounded half-up at `digits` decimals as a float (79.995 -> 80.0, 86.425 -> 86.43); None if missing."""
    exact = to_decimal(value)
    return None if exact is None else float(quantize(exact, digits))


def round_series(values: pd.Series, digits: int = PRECISION) -> pd.Series:
    """`round_half_up` over a Series, keeping its index; missing stays missing (float64 NaN)."""
    return pd.Series([np.nan if _missing(v) else round_half_up(v, digits) for v in values],
                     index=values.index, dtype="float64")


def hundredths(values: pd.Series) -> pd.Series:
    """Integer hundredths after half-up rounding (86.425 -> 8643): exact keys for ranks, ties and bands."""
    return pd.Series([pd.NA if _missing(v) else int(quantize(to_decimal(v)) * 100) for v in values],
                     index=values.index, dtype="Int64")


def exact_mean(values: Iterable, weights: Iterable | None = None, digits: int = PRECISION) -> float | None:
    """Weighted (or plain) mean computed in Decimal and rounded half-up; None when a value is missing."""
    numbers = [to_decimal(v) for v in values]
    if not numbers or any(n is None for n in numbers):
        return None
    shares = [Decimal(1)] * len(numbers) if weights is None else [to_decimal(w) for w in weights]
    total = sum(shares, Decimal(0))
    if total == 0:
        return None
    return float(quantize(sum((n * w for n, w in zip(numbers, shares)), Decimal(0)) / total, digits))


def difference(a, b, digits: int = PRECISION) -> float | None:
    """a - b, each first rounded half-up at `digits`, computed exactly (a change as published)."""
    da, db = to_decimal(a), to_decimal(b)
    if da is None or db is None:
        return None
    return float(quantize(da, digits) - quantize(db, digits))
