"""How much work one file may cost: limits on what a file unpacks to and holds, not only on its size.

A file's size says little about the work it makes: a 1 MB .xlsx can unpack to a 1 GB string, a 400 KB CSV
can hold a row of 200,000 cells. Every limit here is checked before or while the file streams, before the heavy
step (openpyxl's parse, DuckDB's read_csv, the database write lock), and a file over a limit is refused with a
problem report that names the limit and how to fix the file.

`scope(limits)` makes a set of limits (and the clock of the per-file time limit) the one in force for the
readers below it; `active()` gives it, or the defaults with a fresh clock when no load set any.
"""
from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

MB = 2**20


@dataclass(frozen=True)
class Limits:
    """Per-file limits. The defaults fit every real export we know of with a wide margin."""

    # The file as uploaded (`--max-mb`): 200 MB.
    max_file_bytes: int = 200 * MB
    # An .xlsx is a zip: everything it unpacks to, from the zip directory, before anything is unpacked: 256 MB.
    max_unpacked_bytes: int = 256 * MB
    # The shared strings part, which openpyxl holds in memory whole: 64 MB.
    max_shared_strings_bytes: int = 64 * MB
    # Unpacked / packed size of one zip part larger than 1 MB: 100 (real sheets compress 5 to 30 times).
    max_compression_ratio: int = 100
    # Data rows (CSV: physical lines) of one table: 1,048,576, the most an Excel sheet holds.
    max_rows: int = 1_048_576
    # Columns of one row (the last filled cell's position; CSV: delimiters + 1): 1,000.
    max_columns: int = 1_000
    # Characters of one cell: 32,767, the most an Excel cell holds.
    max_cell_chars: int = 32_767
    # Characters of one CSV line: 524,288 (under DuckDB's 2 MB line limit even at 3 bytes per character).
    max_line_chars: int = 524_288
    # Digits before the decimal point of a number (score, year, population): 18, what a 64-bit integer holds.
    max_number_digits: int = 18
    # Seconds spent reading and checking one file: 120.
    seconds_per_file: float = 120.0

    def __post_init__(self) -> None:
        for name, value in self.__dict__.items():
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
                raise ValueError(f"limit {name} must be a positive finite number, not {value!r}")
        # Python's csv module refuses fields over 131,072 characters by itself; the cell limit must come first.
        if self.max_cell_chars >= 131_072:
            raise ValueError("max_cell_chars must be below 131,072 (the csv module's own field limit)")


DEFAULT_LIMITS = Limits()
# Bounds of `--max-mb`: a positive number of megabytes up to 1 TB (beyond that the byte count overflows nothing
# but means nothing either).
MAX_MB_CEILING = 1024 * 1024


def parse_max_mb(text: str) -> int:
    """`--max-mb` text -> bytes; ValueError with a one-line reason for inf, nan, 0, negative or non-numbers."""
    try:
        mb = float(text)
    except (TypeError, ValueError):
        raise ValueError(f"--max-mb must be a number of megabytes, not {text!r}") from None
    if not math.isfinite(mb) or mb <= 0 or mb > MAX_MB_CEILING:
        raise ValueError(f"--max-mb must be a number of megabytes greater than 0 and at most {MAX_MB_CEILING:,}, "
                         f"not {text!r}")
    return max(1, int(mb * MB))


@dataclass(frozen=True)
class Scope:
    limits: Limits
    deadline: float  # time.monotonic() after which reading this file stops

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def expired(self) -> bool:
        return time.monotonic() > self.deadline


_ACTIVE: ContextVar[Scope | None] = ContextVar("par_load_limits", default=None)


@contextmanager
def scope(limits: Limits | None = None) -> Iterator[Scope]:
    """Make `limits` the ones in force, starting the per-file clock. Without `limits`, an enclosing scope stays
    in force (a reader called by a loader shares its clock); with none, the defaults start a clock."""
    outer = _ACTIVE.get()
    if limits is None and outer is not None:
        yield outer
        return
    limits = limits or DEFAULT_LIMITS
    current = Scope(limits, time.monotonic() + limits.seconds_per_file)
    token = _ACTIVE.set(current)
    try:
        yield current
    finally:
        _ACTIVE.reset(token)


def active() -> Scope:
    """The scope in force, or the defaults with a clock starting now."""
    return _ACTIVE.get() or Scope(DEFAULT_LIMITS, time.monotonic() + DEFAULT_LIMITS.seconds_per_file)
