"""Criterion points summed once, when they are written: per batch, unit and field, the points of each component
(as integer ten-thousandths, so no binary float decides a tie) and the criteria scored (issue #16, "aggregated
once"). Scoring (metrics.par_index) and the field indices (metrics.ranking) read these few rows (a unit's eight
or so fields) instead of every criterion's points joined to its framework.

Only etl writes them: the batch writer after a batch's points (etl.batches.BatchWriter.insert), and migration 014
for stores loaded before. A batch's rows go with the batch (etl.batches.DATA_TABLES)."""
from __future__ import annotations

import duckdb

# The framework's criteria decide each point's component and field; points of a criterion not in the framework
# are left out, as scoring always did.
_TOTALS_SQL = """
INSERT INTO par_field_total (batch_id, year, level, stage, framework_id, unit_system, unit_code, field_code,
                             appraisal_e4, survey_e4, total_e4, scored)
SELECT s.batch_id, s.year, s.level, s.stage, s.framework_id, s.unit_system, s.unit_code, c.field_code,
       coalesce(sum(CAST(round(s.points * 10000) AS BIGINT)) FILTER (WHERE c.component = 'appraisal'), 0),
       coalesce(sum(CAST(round(s.points * 10000) AS BIGINT)) FILTER (WHERE c.component = 'survey'), 0),
       sum(CAST(round(s.points * 10000) AS BIGINT)), count(*)
FROM par_score s
JOIN framework_criterion c ON c.framework_id = s.framework_id AND c.criterion_code = s.criterion_code
WHERE ($batch_id IS NULL OR s.batch_id = $batch_id)
GROUP BY ALL
"""


def refresh(con: duckdb.DuckDBPyConnection, batch_id: int | None = None) -> None:
    """Sum the points of `batch_id` again (every batch when None), in the caller's transaction."""
    con.execute("DELETE FROM par_field_total WHERE $batch_id IS NULL OR batch_id = $batch_id", {"batch_id": batch_id})
    con.execute(_TOTALS_SQL, {"batch_id": batch_id})
