"""Showing a metrics table to a reader: headers in the reader's language, values through the formatting layer."""
from __future__ import annotations

import pandas as pd

from ui.format import display_frame
from ui.i18n import STRINGS, t


def header(name: str, lang: str) -> str:
    """A column's heading: the `col.<name>` string when there is one, else the name as given (already words)."""
    key = f"col.{name}"
    return t(key, lang) if key in STRINGS else name


# Columns that carry keys and bookkeeping for the code, not for a reader.
TECHNICAL = {"row_level", "set_kind", "set_code", "parent_system", "parent_code", "dimension_code", "n_answers",
             "n_items", "ci_method", "elements_se", "mean_se", "coverage_complete", "instrument_id", "batch_id"}


def _readable(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Without technical columns and without the other language's name columns."""
    other = "_en" if lang == "vi" else "_vi"
    keep = [c for c in frame.columns if str(c) not in TECHNICAL and not str(c).endswith(other)]
    return frame[keep]


def show_table(container, frame: pd.DataFrame, lang: str, decimals: dict | None = None, **options) -> None:
    """`container.dataframe` of `frame` with translated headings and formatted values (no None, nan or
    decimal points in Vietnamese); technical columns left out."""
    shown = display_frame(_readable(frame, lang), lang, decimals).rename(columns=lambda c: header(str(c), lang))
    container.dataframe(shown, hide_index=True, width="stretch", **options)
