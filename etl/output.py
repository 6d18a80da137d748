"""Printing tables for the command line: an aligned table, CSV or JSON.

Numbers print as the pages show them: decimals half-up at a fixed number of places (2 unless the caller names
another for a column), ranks and counts as integers, never binary noise such as 94.58000000000001 or rank 1.0.

Every CSV and Excel file the product writes (pages and command line) passes through `formula_safe`: a text cell
that a spreadsheet would run as a formula is prefixed with an apostrophe (OWASP, "CSV injection").
"""
from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

FORMATS = ("table", "csv", "json")
DEFAULT_DECIMALS = 2
# Satisfaction estimates print finer than the default: percentages at 2 places, mean scores (1-5) and relative
# errors at 3 (`metrics satisfaction`, a release's open data package and the diff between two releases).
SATISFACTION_DECIMALS = {"pct_satisfied": 2, "pct_ci_low": 2, "pct_ci_high": 2, "mean_score": 3, "mean_ci_low": 3,
                         "mean_ci_high": 3, "deff": 2, "rse": 3, "pct_elements_mean": 2, "elements_ci_low": 2,
                         "elements_ci_high": 2}
# Columns that hold whole numbers even when pandas stores them as floats (a missing value makes a float column).
INTEGER_COLUMNS = ("rank", "delta_rank", "field_rank", "rank_low", "rank_high", "n_respondents", "units",
                   "units_covered", "units_total", "year", "batch_id", "rows", "df")


# OWASP: cells beginning with these start a formula (or a DDE call) in Excel, LibreOffice and Google Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A text cell that is only a signed number (dot or comma decimals, an exponent, a percent) runs nothing: kept as is,
# so "-5.31" or "+1,25" written as text stays readable as a number.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d[\d.,]*|[.,]\d+)(?:[eE][+-]?\d+)?%?")


def neutralise(value: object) -> object:
    """A text cell a spreadsheet would run as a formula, prefixed with an apostrophe; anything else unchanged.

    Numbers (int, float, Decimal) are never touched, so a real -5.31 stays a number in the file.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def formula_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with every text cell and every header neutralised; numeric, boolean and date columns as
    they are. The one function every CSV or Excel export goes through (ui.export, render, the problem report)."""
    safe = frame.copy()
    for name in safe.columns:
        column = safe[name]
        if (pd.api.types.is_numeric_dtype(column.dtype) or pd.api.types.is_bool_dtype(column.dtype)
                or pd.api.types.is_datetime64_any_dtype(column.dtype)):
            continue
        safe[name] = pd.Series([neutralise(v) for v in column.astype(object)], index=column.index, dtype=object)
    safe.columns = [neutralise(c) if isinstance(c, str) else c for c in safe.columns]
    return safe


def _is_integer_column(name: str, values: pd.Series) -> bool:
    present = values.dropna()
    integral = bool(len(present)) and bool(np.all(np.mod(present.to_numpy(dtype="float64"), 1) == 0))
    return name in INTEGER_COLUMNS or name.endswith("_rank") or (name.startswith("rank") and integral)


def fixed_point(value, places: int) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    exact = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{exact:.{places}f}"


def tidy_numbers(frame: pd.DataFrame, decimals: dict[str, int] | None = None) -> pd.DataFrame:
    """Float columns as fixed-point text (half-up) and whole-number columns as integers; other columns as they are."""
    decimals = decimals or {}
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if not (pd.api.types.is_float_dtype(column.dtype) or str(column.dtype) == "Float64"):
            continue
        if _is_integer_column(str(name), column):
            out[name] = column.astype("Float64").round().astype("Int64")
        else:
            places = decimals.get(str(name), DEFAULT_DECIMALS)
            out[name] = pd.Series([fixed_point(v, places) for v in column], index=column.index, dtype="object")
    return out


def render(frame: pd.DataFrame, fmt: str, decimals: dict[str, int] | None = None) -> str:
    """The same rows three ways; JSON is a list of objects with ISO dates, nulls, and numbers as numbers.

    CSV and the aligned table (which people paste into spreadsheets) have formulas neutralised; JSON keeps the
    values exactly (it is read by programs, not run by spreadsheets).
    """
    tidy = tidy_numbers(frame if fmt == "json" else formula_safe(frame), decimals)
    if fmt == "csv":
        return tidy.to_csv(index=False).rstrip("\n")
    if fmt == "json":
        records = json.loads(tidy.to_json(orient="records", date_format="iso", force_ascii=False))
        fixed = [c for c in tidy.columns if c in frame.columns and tidy[c].dtype == object
                 and (pd.api.types.is_float_dtype(frame[c].dtype) or str(frame[c].dtype) == "Float64")]
        for record in records:      # fixed-point text back to JSON numbers (exactly the printed value)
            for name in fixed:
                if record.get(name) is not None:
                    record[name] = float(record[name])
        return json.dumps(records, ensure_ascii=False, indent=1)
    if frame.empty:
        return "(no rows)"
    return tidy.astype(object).where(tidy.notna(), "").to_string(index=False)
