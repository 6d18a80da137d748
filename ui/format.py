"""One formatting layer for everything a person reads: numbers, percentages, signed changes, dates and whole tables,
in Vietnamese (94,20 · 1.234,50 · 30/9/2021) or English (94.20 · 1,234.50 · Sep 30, 2021).

Babel (CLDR data) supplies the separators and the date patterns; we only fix the number of decimals. Values are
rounded half-up on their decimal form first (metrics.rounding), as MoHA publishes them, so a page, a chart and an
export never disagree on the last digit. A missing value is always MISSING, never None, nan, NaT or <NA>.
"""
from __future__ import annotations

import datetime as _dt
from decimal import Decimal

import numpy as np
import pandas as pd
from babel.dates import format_skeleton
from babel.numbers import format_decimal

from metrics.rounding import quantize, to_decimal

MISSING = "—"
missing = MISSING
_LOCALES = {"vi": "vi", "en": "en"}
# CLDR skeletons: the locale decides order and separators (vi 30/9/2021, en Sep 30, 2021).
_DATE_SKELETON = {"vi": "yMd", "en": "yMMMd"}
_YES_NO = {"vi": ("Có", "Không"), "en": ("Yes", "No")}


def _locale(lang: str) -> str:
    return _LOCALES.get(lang, "vi")


def is_missing(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, (float, np.floating)):
        return not bool(np.isfinite(value))     # NaN, and an infinity no table can print, show as missing
    try:
        return bool(pd.isna(value)) if np.ndim(value) == 0 else False
    except (TypeError, ValueError):
        return False


def _pattern(digits: int, grouped: bool = True) -> str:
    body = "#,##0" if grouped else "0"
    return body + ("." + "0" * digits if digits > 0 else "")


def _exact(value, digits: int) -> Decimal:
    return quantize(to_decimal(value), digits)


def number(value, lang: str, digits: int = 2, grouped: bool = True) -> str:
    """86.425 -> '86,43' (vi) / '86.43' (en), half-up; thousands grouped as the language does; missing -> '—'."""
    if is_missing(value):
        return MISSING
    return format_decimal(_exact(value, digits), format=_pattern(digits, grouped), locale=_locale(lang))


def integer(value, lang: str, grouped: bool = False) -> str:
    """A whole number (rank, count, year, id); not grouped unless asked (a year 2021 never becomes 2.021)."""
    return number(value, lang, 0, grouped)


def ordinal(rank: int, lang: str) -> str:
    """A rank as a sentence needs it: '9' in Vietnamese (after 'hạng' or 'thứ'), '9th' in English (1st, 2nd, 3rd,
    11th, 12th, 13th, 21st, 22nd, 63rd)."""
    if lang == "vi":
        return integer(rank, lang)
    rank = int(rank)
    suffix = "th" if 10 <= rank % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10, "th")
    return f"{rank}{suffix}"


def percent(value, lang: str, digits: int = 1) -> str:
    """A value already in percent points: 81.4 -> '81,4 %' (vi) / '81.4 %' (en)."""
    text = number(value, lang, digits)
    return text if text == MISSING else f"{text} %"


def signed(value, lang: str, digits: int = 2) -> str:
    """+1,23 / -0,50 / ±0,00: always a sign (ASCII minus, which st.metric reads as a fall)."""
    if is_missing(value):
        return MISSING
    exact = _exact(value, digits)
    sign = "+" if exact > 0 else ("-" if exact < 0 else "±")
    return sign + format_decimal(abs(exact), format=_pattern(digits), locale=_locale(lang))


def date(value, lang: str) -> str:
    """A date (or the date of a timestamp, never its 00:00:00) in the language's short form; text stays text."""
    if is_missing(value):
        return MISSING
    if isinstance(value, str):
        try:
            value = _dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, (pd.Timestamp, _dt.datetime)):
        value = value.date()
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value).date()
    return format_skeleton(_DATE_SKELETON.get(lang, "yMd"), value, locale=_locale(lang))


def yes_no(value, lang: str) -> str:
    if is_missing(value):
        return MISSING
    yes, no = _YES_NO.get(lang, _YES_NO["vi"])
    return yes if bool(value) else no


def cell(value, lang: str, digits: int = 2) -> str:
    """Any single value as display text."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return "; ".join(cell(v, lang, digits) for v in value) or MISSING
    if is_missing(value):
        return MISSING
    if isinstance(value, (bool, np.bool_)):
        return yes_no(value, lang)
    if isinstance(value, (int, np.integer)):
        return integer(value, lang)
    if isinstance(value, (float, np.floating, Decimal)):
        return number(value, lang, digits)
    if isinstance(value, (_dt.date, pd.Timestamp, np.datetime64)):
        return date(value, lang)
    return str(value)


def _integral(column: pd.Series) -> bool:
    present = column.dropna()
    return bool(len(present)) and bool(np.all(np.mod(present.to_numpy(dtype="float64"), 1) == 0))


def display_frame(frame: pd.DataFrame, lang: str, decimals: dict | None = None) -> pd.DataFrame:
    """`frame` as display text, column by column: floats at fixed decimals (2, or `decimals[column]`) in the
    language's format, whole numbers (and float columns holding only whole numbers, unless `decimals` names them)
    as integers, dates without a time, booleans as Có/Không or Yes/No, lists joined, missing values as '—'."""
    decimals = decimals or {}
    out = {}
    for name in frame.columns:
        column = frame[name]
        dtype = column.dtype
        if pd.api.types.is_bool_dtype(dtype):
            values = [yes_no(v, lang) for v in column]
        elif pd.api.types.is_datetime64_any_dtype(dtype):
            values = [date(v, lang) for v in column]
        elif pd.api.types.is_integer_dtype(dtype):
            values = [integer(v, lang) for v in column]
        elif pd.api.types.is_float_dtype(dtype) or str(dtype) == "Float64":
            if name not in decimals and _integral(column):
                values = [integer(v, lang) for v in column]
            else:
                digits = decimals.get(name, 2)
                values = [number(v, lang, digits) for v in column]
        else:
            digits = decimals.get(name, 2)
            values = [cell(v, lang, digits) for v in column.astype(object)]
        out[name] = pd.Series(values, index=column.index, dtype=object)
    return pd.DataFrame(out, index=frame.index, columns=frame.columns)


def code_label(prefix: str, code, lang: str) -> str:
    """The translated label of a stored code (`prefix` + code in ui.i18n), or the code itself when no label
    exists (a value a user wrote, say); missing -> '—'."""
    from ui.i18n import STRINGS, t

    if is_missing(code):
        return MISSING
    key = f"{prefix}{code}"
    return t(key, lang) if key in STRINGS else str(code)


def localise_numbers(text: str, lang: str) -> str:
    """Point decimals inside a sentence (a rule's reason, '94.20 >= 80') written the language's way."""
    import re

    if lang != "vi" or not isinstance(text, str):
        return text
    return re.sub(r"(?<![\w.:/-])(\d+)\.(\d+)(?![\w.:/-]|\.\d)",
                  lambda m: number(Decimal(m.group(0)), lang, len(m.group(2))), text)
