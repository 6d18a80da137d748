"""Which code system a unit reference belongs to, by level and date, and resolving names to keys."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from etl.names import name_key

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


def system_for(level: str, *, year: int | None = None, on_date: date | None = None) -> str:
    """The code system in force: a date decides exactly; a year alone means the old systems up to 2024."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {LEVELS}")
    if on_date is None and year is None:
        raise ValueError("give a year or a date")
    if on_date is not None:
        switch = PROVINCE_SWITCH if level == "province" else MINISTRY_SWITCH
        new = on_date >= switch
    else:
        new = year >= 2025
    if level == "province":
        return "vn34" if new else "vn63"
    return "ministry-2025" if new else "ministry-2021"


def reference_date(year: int | None, on_date: date | None) -> date:
    """The date a name's validity is checked at: the given date, else the year's end (or 1 July 2025 on)."""
    if on_date is not None:
        return on_date
    assert year is not None
    return date(year, 12, 31)


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

    def __init__(self, con: duckdb.DuckDBPyConnection, code_system: str, on_date: date):
        self.code_system = code_system
        self.on_date = on_date
        rows = con.execute(
            "SELECT code_system, code, name, name_key, valid_from, valid_to FROM unit_name"
        ).fetchall()
        self._codes = {
            code for (code,) in con.execute("SELECT code FROM unit WHERE code_system = ?", [code_system]).fetchall()
        }
        self._names: dict[str, list[tuple]] = {}
        for row in rows:
            self._names.setdefault(row[3], []).append(row)

    def resolve(self, written: str) -> Resolution:
        text = str(written).strip()
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
        return Resolution(None, None, f"unknown unit '{text}' in {self.code_system}",
                          f"không tìm thấy đơn vị '{text}' trong hệ mã {self.code_system}")


def _valid(valid_from: date | None, valid_to: date | None, on: date) -> bool:
    return (valid_from is None or valid_from <= on) and (valid_to is None or on <= valid_to)
