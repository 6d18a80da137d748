"""Exports that Excel opens safely: UTF-8 with BOM, and text that cannot run as a formula.

The neutralising itself is etl.output.formula_safe, the one function every CSV and Excel file goes through.
"""
from __future__ import annotations

import io
import re

import pandas as pd

from etl.output import formula_safe, neutralise
from etl.problems import REPORT_COLUMNS, Problem, report_rows

__all__ = ["chart_config", "csv_bytes", "download_buttons", "file_stem", "neutralise", "problems_csv", "safe_frame",
           "sheet_name", "xlsx_bytes"]

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_FILE_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


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


def file_stem(*parts: object) -> str:
    """A download's file name without extension, from its parts: 'sat', 'sipas', 2024 -> 'sat-sipas-2024'.
    Diacritics are dropped and anything but letters, digits, '.', '_' and '-' becomes '-', so every browser and
    operating system keeps the name as written."""
    from etl.names import strip_diacritics

    text = "-".join(str(p) for p in parts if p is not None and str(p) != "")
    return _FILE_UNSAFE.sub("-", strip_diacritics(text)).strip("-.") or "data"


def chart_config(name: str, **extra) -> dict:
    """Plotly config for st.plotly_chart: the modebar shown, with its camera button saving a PNG named `name`."""
    return {"displaylogo": False, "displayModeBar": True,
            "toImageButtonOptions": {"format": "png", "filename": file_stem(name), "scale": 2}, **extra}


def download_buttons(container, frame: pd.DataFrame, name: str, lang: str, key: str | None = None,
                     sheet: str | None = None) -> None:
    """CSV and Excel download buttons for `frame`, side by side in `container` (st or a column).

    The files are made only when a button is pressed (a callable as data), so a page with many tables stays fast;
    pressing a button does not rerun the page.
    """
    from ui.i18n import t

    stem = file_stem(name)
    key = key or stem
    frame = frame.copy()
    left, right = container.columns(2)
    left.download_button(t("common.download_csv", lang), lambda: csv_bytes(frame), file_name=f"{stem}.csv",
                         mime="text/csv", key=f"csv.{key}", on_click="ignore")
    right.download_button(t("common.download_xlsx", lang), lambda: xlsx_bytes(frame, sheet or stem),
                          file_name=f"{stem}.xlsx", key=f"xlsx.{key}", on_click="ignore",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
