"""Exports that Excel opens safely: UTF-8 with BOM, and text that cannot run as a formula.

The neutralising itself is etl.output.formula_safe, the one function every CSV and Excel file goes through.
"""
from __future__ import annotations

import io
import re

import pandas as pd

from etl.output import formula_safe, neutralise
from etl.problems import REPORT_COLUMNS, Problem, report_rows

__all__ = ["csv_bytes", "neutralise", "problems_csv", "safe_frame", "sheet_name", "xlsx_bytes"]

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell and header neutralised (numbers stay numbers)."""
    return formula_safe(frame)


def sheet_name(name: str) -> str:
    """A name Excel accepts for a sheet: no []:*?/\\, no apostrophe at either end, 1 to 31 characters."""
    cleaned = _SHEET_FORBIDDEN.sub(" ", str(name)).strip().strip("'")[:31].strip()
    return cleaned or "data"


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with BOM (so Excel shows Vietnamese correctly), formulas neutralised."""
    return formula_safe(frame).to_csv(index=False).encode("utf-8-sig")


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "data") -> bytes:
    """An Excel workbook of the table, formulas neutralised (numbers stay numbers).

    openpyxl writes any text beginning with "=" as a formula, so neutralising is what keeps it text.
    """
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        formula_safe(frame).to_excel(writer, sheet_name=sheet_name(sheet), index=False)
    return buffer.getvalue()


def problems_csv(problems: list[Problem], lang: str) -> bytes:
    """The load problem report to download (problems.csv): etl.problems.report_csv's columns, UTF-8 with BOM, and
    values copied from the refused file neutralised like every other export."""
    return csv_bytes(pd.DataFrame(report_rows(problems, lang), columns=list(REPORT_COLUMNS)))
