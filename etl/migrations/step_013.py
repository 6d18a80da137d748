"""Migration 013's data step: a store's long answers (survey_answer, one row per answer) move into the
respondents' compact columns a01..a64, each batch gets its slot layout, the long table becomes a view of the
compact columns, and every survey batch gets its sufficient statistics."""
from __future__ import annotations

import duckdb

from etl.survey_stats.plan import SLOT_COLUMNS
from etl.survey_stats.store import put_answers

# The long view: what survey_answer held before, for reading (tests, diagnostics); written only through the
# compact columns.
LONG_VIEW = f"""
CREATE VIEW survey_answer AS
SELECT u.batch_id, u.respondent_key, s.item_code, u.value
FROM (UNPIVOT (SELECT batch_id, respondent_key, {', '.join(SLOT_COLUMNS)} FROM survey_respondent)
      ON {', '.join(SLOT_COLUMNS)} INTO NAME slot_name VALUE value) u
JOIN survey_slot s ON s.batch_id = u.batch_id AND s.slot = CAST(substr(u.slot_name, 2) AS SMALLINT)
"""


def after(con: duckdb.DuckDBPyConnection) -> None:
    batches = [r[0] for r in con.execute("SELECT DISTINCT batch_id FROM survey_respondent ORDER BY 1").fetchall()]
    con.execute("ALTER TABLE survey_answer RENAME TO survey_answer_long_013")
    for batch_id in batches:
        put_answers(con, batch_id, "survey_answer_long_013")
    con.execute("DROP TABLE survey_answer_long_013")
    con.execute(LONG_VIEW)
