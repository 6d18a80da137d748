"""How much of each year's field the published results shipped here cover: units listed, with a value, with a
rank, out of the whole field. Pure reads of the store; the data page shows it."""
from __future__ import annotations

import duckdb
import pandas as pd

from metrics.par_index import field_size

COLUMNS = ["dataset", "level", "year", "units_listed", "units_with_value", "units_with_rank", "units_total",
           "rows_with_source"]


def published_coverage(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per published dataset (PAR INDEX by level, provinces' printed field results, SIPAS by province)
    and year: `units_listed` (units named), `units_with_value` (an index, points or SIPAS value),
    `units_with_rank`, `units_total` (the whole field assessed that year) and `rows_with_source` (rows naming
    their source; a field result has one row per field), newest year first."""
    par = con.execute(
        """
        SELECT 'par' AS dataset, t.level, t.year, count(DISTINCT t.unit_code) AS units_listed,
               count(DISTINCT t.unit_code) FILTER (WHERE coalesce(t.index_pct, t.total) IS NOT NULL) AS units_with_value,
               count(DISTINCT t.unit_code) FILTER (WHERE t.rank IS NOT NULL) AS units_with_rank,
               count(*) FILTER (WHERE nullif(trim(t.source_ref), '') IS NOT NULL) AS rows_with_source
        FROM par_total t JOIN batch b USING (batch_id)
        WHERE b.status = 'current' AND b.source = 'published' AND t.stage = 'appraised'
        GROUP BY ALL
        """).df()
    sipas = con.execute(
        """
        SELECT 'sipas' AS dataset, 'province' AS level, p.year, count(DISTINCT p.unit_code) AS units_listed,
               count(DISTINCT p.unit_code) FILTER (WHERE p.sipas_pct IS NOT NULL) AS units_with_value,
               count(DISTINCT p.unit_code) FILTER (WHERE p.rank IS NOT NULL) AS units_with_rank,
               count(*) FILTER (WHERE nullif(trim(p.source_ref), '') IS NOT NULL) AS rows_with_source
        FROM published_sipas p JOIN batch b USING (batch_id)
        WHERE b.status = 'current' AND b.source = 'published'
        GROUP BY ALL
        """).df()
    # Field results printed by single provinces: a unit counts once however many of its fields were printed.
    fields = con.execute(
        """
        SELECT 'par_field' AS dataset, i.level, i.year, count(DISTINCT i.unit_code) AS units_listed,
               count(DISTINCT i.unit_code) FILTER (WHERE coalesce(i.index_pct, i.points) IS NOT NULL)
                   AS units_with_value,
               count(DISTINCT i.unit_code) FILTER (WHERE i.field_rank IS NOT NULL) AS units_with_rank,
               count(*) FILTER (WHERE nullif(trim(i.source_ref), '') IS NOT NULL) AS rows_with_source
        FROM par_field_index i JOIN batch b USING (batch_id)
        WHERE b.status = 'current' AND b.source = 'published' AND i.stage = 'appraised'
        GROUP BY ALL
        """).df()
    frame = pd.concat([par, fields, sipas], ignore_index=True)
    if frame.empty:
        return pd.DataFrame(columns=COLUMNS)
    frame["units_total"] = [field_size(con, level, int(year)) for level, year in zip(frame["level"], frame["year"])]
    frame = frame.astype({c: int for c in ("year", "units_listed", "units_with_value", "units_with_rank",
                                           "units_total", "rows_with_source")})
    return frame[COLUMNS].sort_values(["dataset", "level", "year"], ascending=[True, False, False]).reset_index(
        drop=True)
