"""Which code system a unit reference belongs to, by level and date, and resolving names to keys."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from etl.names import did_you_mean, name_key, nearest

PROVINCE_SWITCH = date(2025, 7, 1)   # Resolution 202/2025/QH15: 63 provinces become 34
MINISTRY_SWITCH = date(2025, 3, 1)   # Resolution 176/2025/QH15: the restructured Government

SYSTEMS = {
    # code_system: (level, valid_from, valid_to, name_vi, name_en)
    "vn63": ("province", None, date(2025, 6, 30), "63 tỉnh, thành phố (đến 30/6/2025)",
             "63 provinces (until 2025-06-30)"),
    "vn34": ("province", PROVINCE_SWITCH, None, "34 tỉnh, thành phố (từ 1/7/2025)",
             "34 provinces (from 2025-07-01)"),
    "ministry-2021": ("ministry", None, date(2025, 2, 28), "Bộ, cơ quan ngang bộ (đến 28/2/2025)",
                      "Ministries (until 2025-02-28)"),
    "ministry-2025": ("ministry", MINISTRY_SWITCH, None, "Bộ, cơ quan ngang bộ (từ 1/3/2025)",
                      "Ministries (from 2025-03-01)"),
}
LEVELS = ("province", "ministry")
# Dates a data file may carry (survey dates, report dates): from 2000-01-01 to 31 December of next year.
EARLIEST_DATE = date(2000, 1, 1)


def as_date(value: object) -> date | None:
    """A value read from a file or from DuckDB as a date, or None when it is no real date.

    DuckDB hands a date Python cannot hold (year 0 or before, written '0001-01-01 (BC)') over as text; pandas
    gives Timestamps or NaT. None of them may reach a date comparison (a TypeError) or date() (a ValueError).
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    to_date = getattr(value, "date", None)          # pandas Timestamp; NaT's date() raises or returns NaT
    if callable(to_date) and not isinstance(value, str):
        try:
            converted = to_date()
        except (ValueError, TypeError, OverflowError):
            return None
        return converted if isinstance(converted, date) and not isinstance(converted, datetime) else None
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def latest_date(today: date | None = None) -> date:
    """The last date accepted: 31 December of next year (a survey may be dated ahead, not years ahead)."""
    return date((today or date.today()).year + 1, 12, 31)


def check_date_range(d: object, lang: str = "en", today: date | None = None) -> str | None:
    """None when `d` is a real date from 2000-01-01 to 31 December of next year; otherwise the problem, in
    English (lang="en") or Vietnamese ("vi"). Year 0, '0001-01-01 (BC)', 1970-01-01 and 9999-12-31 are refused."""
    last = latest_date(today)
    real = as_date(d)
    if real is None:
        return (f"'{d}' is not a real date" if lang == "en" else f"'{d}' không phải là một ngày có thật")
    if EARLIEST_DATE <= real <= last:
        return None
    shown = real.strftime("%d/%m/%Y") if real.year >= 1000 else real.isoformat()
    if lang == "en":
        return (f"date {shown} is outside the accepted range "
                f"{EARLIEST_DATE:%d/%m/%Y} to {last:%d/%m/%Y}")
    return f"ngày {shown} nằm ngoài khoảng chấp nhận {EARLIEST_DATE:%d/%m/%Y} đến {last:%d/%m/%Y}"


def _year(value: object) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError, OverflowError):
        return None


def system_for(level: str, *, year: int | None = None, on_date: date | None = None) -> str:
    """The code system in force: a date decides exactly; a year alone means the old systems up to 2024.

    A date that is no real date (year 0, text) is ignored in favour of the year; never a crash.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {LEVELS}")
    if on_date is None and year is None:
        raise ValueError("give a year or a date")
    real = as_date(on_date)
    if real is not None:
        switch = PROVINCE_SWITCH if level == "province" else MINISTRY_SWITCH
        new = real >= switch
    else:
        new = (_year(year) or 0) >= 2025
    if level == "province":
        return "vn34" if new else "vn63"
    return "ministry-2025" if new else "ministry-2021"


def reference_date(year: int | None, on_date: date | None) -> date | None:
    """The date a name's validity is checked at: the given date, else the year's end (or 1 July 2025 on).

    None when that is no real date (a date of year 0 or before, a year outside 1-9999): a UnitResolver with
    no date names the problem instead of resolving.
    """
    if on_date is not None:
        return as_date(on_date)
    whole = _year(year)
    if whole is None or not 1 <= whole <= 9999:
        return None
    return date(whole, 12, 31)


def split_unit_ref(text: str) -> tuple[str, str] | None:
    """'vn63:22' -> ('vn63', '22'); anything else -> None."""
    if ":" not in text:
        return None
    system, code = (part.strip() for part in text.split(":", 1))
    return (system, code) if system and code else None


@dataclass(frozen=True)
class Resolution:
    """Outcome of resolving one written name or code."""

    code_system: str | None
    code: str | None
    problem: str | None = None        # None when resolved
    problem_vi: str | None = None


class UnitResolver:
    """Resolves names and codes, as written in files, to (code_system, code) for one system and date."""

    def __init__(self, con: duckdb.DuckDBPyConnection, code_system: str, on_date: date | None):
        self.code_system = code_system
        self.on_date = on_date          # None: no real date (see reference_date); every resolve says so
        rows = con.execute(
            "SELECT code_system, code, name, name_key, valid_from, valid_to FROM unit_name"
        ).fetchall()
        self._display = dict(con.execute("SELECT code, name_vi FROM unit WHERE code_system = ?",
                                         [code_system]).fetchall())
        self._codes = set(self._display)
        self._suggestions: dict[date, dict[str, str]] = {}  # shared by shallow copies (one per date)
        self._names: dict[str, list[tuple]] = {}
        for row in rows:
            self._names.setdefault(row[3], []).append(row)

    def resolve(self, written: str) -> Resolution:
        text = str(written).strip()
        if as_date(self.on_date) is None:
            return Resolution(None, None, f"'{text}' cannot be resolved: the date is not a real date",
                              f"không xác định được '{text}': ngày không phải là một ngày có thật")
        ref = split_unit_ref(text)
        if ref and ref[0] == self.code_system and ref[1] in self._codes:
            return Resolution(*ref)
        if ref and ref[0] != self.code_system:
            return Resolution(None, None, f"'{text}' is in code system {ref[0]}, but this file needs {self.code_system}",
                              f"'{text}' thuộc hệ mã {ref[0]}, nhưng tệp này cần hệ mã {self.code_system}")
        code = text.zfill(2) if text.isdigit() and len(text) <= 2 else text
        if code in self._codes:
            return Resolution(self.code_system, code)
        candidates = self._names.get(name_key(text), [])
        in_system = [r for r in candidates if r[0] == self.code_system]
        valid = [r for r in in_system if _valid(r[4], r[5], self.on_date)]
        codes = sorted({r[1] for r in valid})
        if len(codes) == 1:
            return Resolution(self.code_system, codes[0])
        if len(codes) > 1:
            return Resolution(None, None, f"'{text}' is ambiguous in {self.code_system}: codes {', '.join(codes)}",
                              f"'{text}' không rõ ràng trong hệ mã {self.code_system}: mã {', '.join(codes)}")
        if in_system:
            r = in_system[0]
            span = f"{r[4] or '…'} – {r[5] or '…'}"
            return Resolution(None, None,
                              f"'{text}' is not a valid name on {self.on_date.isoformat()} (valid {span})",
                              f"'{text}' không phải tên hợp lệ vào ngày {self.on_date.isoformat()} (hợp lệ {span})")
        other = sorted({f"{r[0]}:{r[1]}" for r in candidates})
        if other:
            return Resolution(None, None,
                              f"'{text}' is a unit of {', '.join(other)}, not of {self.code_system} "
                              f"(in force on {self.on_date.isoformat()})",
                              f"'{text}' là đơn vị thuộc {', '.join(other)}, không thuộc {self.code_system} "
                              f"(hệ mã áp dụng ngày {self.on_date.isoformat()})")
        hint_en, hint_vi = did_you_mean(nearest(text, self._valid_names()))
        return Resolution(None, None, f"unknown unit '{text}' in {self.code_system}{hint_en}",
                          f"không tìm thấy đơn vị '{text}' trong hệ mã {self.code_system}{hint_vi}")

    def _valid_names(self) -> dict[str, str]:
        """name_key -> official name of every name valid in this system on this date: what a near-miss is
        compared with (built once per date, only when a name is not found)."""
        if self.on_date not in self._suggestions:
            self._suggestions[self.on_date] = {
                key: self._display.get(rows[0][1], rows[0][2])
                for key, rows in ((k, [r for r in found if r[0] == self.code_system
                                       and _valid(r[4], r[5], self.on_date)]) for k, found in self._names.items())
                if rows}
        return self._suggestions[self.on_date]


def _valid(valid_from: date | None, valid_to: date | None, on: date) -> bool:
    return (valid_from is None or valid_from <= on) and (valid_to is None or on <= valid_to)
