"""Migration 014's data step: the field totals of every batch of criterion points already in the store."""
from __future__ import annotations

import duckdb

from etl.par_totals import refresh


def after(con: duckdb.DuckDBPyConnection) -> None:
    refresh(con)
