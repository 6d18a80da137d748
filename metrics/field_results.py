"""A unit's field results as its dataset gives them: the points, maximum, index, rank and change of rank of each
field, each only where printed (a province's article may give a field's rank and nothing else), with the row's
origin. Published rows come from data/reference/par_index_province_field_scores_2022_2024.csv."""
from __future__ import annotations

import duckdb
import pandas as pd

from metrics.provenance import ORIGIN_COLUMNS, origin_sql

COLUMNS = ["field_code", "name_vi", "name_en", "points", "max_points", "index", "field_rank", "rank_change", "note",
           *ORIGIN_COLUMNS]


def field_results(con: duckdb.DuckDBPyConnection, code_system: str, code: str, year: int,
                  source: str) -> pd.DataFrame:
    """The unit's field rows for the year in the current datasets of `source`, in the framework's field order:
    `points` and `max_points` (as printed; NaN where not), `index` (%), `field_rank` (among all units, as the
    source printed it), `rank_change` (places gained since the year before, as printed), `note` and the
    ORIGIN_COLUMNS. Names come from the framework in force that year. Empty when the source has none."""
    frame = con.execute(
        f"""
        SELECT i.field_code, f.name_vi, f.name_en, i.points, i.max_points, i.index_pct AS index, i.field_rank,
               i.rank_change, i.note, {origin_sql('i')}
        FROM par_field_index i JOIN batch b USING (batch_id)
        LEFT JOIN framework w ON w.level = i.level AND w.first_year <= i.year
             AND (w.last_year IS NULL OR w.last_year >= i.year)
        LEFT JOIN framework_field f ON f.framework_id = w.framework_id AND f.field_code = i.field_code
        WHERE b.status = 'current' AND b.source = ? AND i.unit_system = ? AND i.unit_code = ? AND i.year = ?
          AND i.stage = 'appraised'
        ORDER BY f.position, i.field_code
        """, [source, code_system, code, year]).df()
    if frame.empty:
        return pd.DataFrame(columns=COLUMNS)
    return frame.astype({"field_rank": "Int64", "rank_change": "Int64"})[COLUMNS]
