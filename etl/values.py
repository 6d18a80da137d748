"""Parsing cell values as offices write them: decimal commas, dd/mm/yyyy dates, Vietnamese labels."""
from __future__ import annotations

import math
import re
from datetime import date, datetime

_DECIMAL = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$")


def parse_decimal(text: str | None) -> float | None:
    """'86,98', '86.98', '+4.30' -> float; blank -> None; anything else raises ValueError, also what is no finite
    number: 'inf', 'nan', '1e400', or 400 digits (which float() would turn into inf)."""
    if text is None or str(text).strip() == "":
        return None
    text = str(text).strip().replace("\u00a0", "").replace(" ", "")
    if text.endswith("%"):
        text = text[:-1]
    if not _DECIMAL.match(text):
        raise ValueError(f"not a number: {text!r}")
    value = float(text.replace(",", "."))
    if not math.isfinite(value):
        raise ValueError(f"not a number: {text[:40]!r}{'…' if len(text) > 40 else ''}")
    return value


def parse_date(text: str | None) -> date | None:
    """'25/12/2024', '25-12-2024', '2024-12-25' -> date; blank -> None; anything else raises ValueError."""
    if text is None or str(text).strip() == "":
        return None
    text = str(text).strip()
    match = _ISO.match(text)
    if match:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    match = _DMY.match(text)
    if match:
        return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    raise ValueError(f"not a date (dd/mm/yyyy or yyyy-mm-dd): {text!r}")


def today() -> date:
    return datetime.now().date()
