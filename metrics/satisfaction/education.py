"""Education: the five dimensions, question HL1 and the pooled overall by school level and respondent group."""
from __future__ import annotations

import duckdb
import pandas as pd

from metrics.satisfaction.tables import satisfaction_table
from metrics.satisfaction.units import parse_unit


def education_breakdown(con: duckdb.DuckDBPyConnection, year: int, *, unit: str | None = None,
                        source: str | None = None, **options) -> pd.DataFrame:
    """Education by school level and respondent group (and their margins): the five dimensions, the overall
    satisfaction question (HL1, dimension 'overall') and the pooled overall, for the country or one unit."""
    scope = parse_unit(unit, "education")
    level = "national" if scope.kind == "national" else scope.kind
    table = satisfaction_table(con, "education", year, level=level, unit=unit, source=source,
                               breakdown=("school_level", "respondent_group"), **options)
    return table[table["row_level"] == table["row_level"].iloc[0]].reset_index(drop=True) if len(table) else table


