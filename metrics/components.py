"""The four-part breakdown of a province's result (published since 2023): each part against its maximum,
whether that maximum rests on an official text, and where the row came from (as parts: metrics.provenance)."""
from __future__ import annotations

import duckdb
import pandas as pd

from metrics.provenance import ORIGIN_COLUMNS, origin_sql

COLUMNS = ["component", "name_vi", "name_en", "points", "max_points", "official", *ORIGIN_COLUMNS]


def result_components(con: duckdb.DuckDBPyConnection, code_system: str, code: str, year: int,
                      source: str) -> pd.DataFrame:
    """The unit's parts for the year from the current dataset of `source` (empty when none was loaded):
    `points` against `max_points`, `official` (the maximum is printed in an official or published source, as
    the framework file marks it) and where the row came from: `source_ref` (its published source, None when it
    names none), `batch_id` and `file_name` (ui.provenance.row_origins words them for the reader)."""
    frame = con.execute(
        f"""
        SELECT p.component, c.name_vi, c.name_en, p.points, c.max_points, c.official, {origin_sql('p')}
        FROM par_component p JOIN batch b USING (batch_id)
        JOIN framework_component c ON c.framework_id = p.framework_id AND c.component = p.component
        WHERE b.status = 'current' AND b.source = ? AND p.unit_system = ? AND p.unit_code = ? AND p.year = ?
          AND p.stage = 'appraised'
        ORDER BY c.position
        """, [source, code_system, code, year]).df()
    return frame[COLUMNS] if len(frame) else pd.DataFrame(columns=COLUMNS)
