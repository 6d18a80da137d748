"""Printing tables for the command line: an aligned table, CSV or JSON."""
from __future__ import annotations

import json

import pandas as pd

FORMATS = ("table", "csv", "json")


def render(frame: pd.DataFrame, fmt: str) -> str:
    """The same rows three ways; JSON is a list of objects with ISO dates and nulls."""
    if fmt == "csv":
        return frame.to_csv(index=False).rstrip("\n")
    if fmt == "json":
        return json.dumps(json.loads(frame.to_json(orient="records", date_format="iso", force_ascii=False)),
                          ensure_ascii=False, indent=1)
    if frame.empty:
        return "(no rows)"
    return frame.astype(object).where(frame.notna(), "").to_string(index=False)
