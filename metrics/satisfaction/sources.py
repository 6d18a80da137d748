"""Which survey datasets exist and which source a figure uses (upload, then published, then demo)."""
from __future__ import annotations

import duckdb
import pandas as pd

from metrics.par_index import pick_source

SURVEYS = ("sipas", "health", "education")
CURRENT = "SELECT batch_id FROM batch WHERE status = 'current'"


def survey_datasets(con: duckdb.DuckDBPyConnection, survey: str | None = None) -> pd.DataFrame:
    """Current survey datasets: survey, year, source, respondents and batch ids (from the statistics kept per
    batch, not the respondents)."""
    return con.execute(
        """
        SELECT r.survey, r.year, b.source, sum(r.respondents)::BIGINT AS respondents,
               list(DISTINCT r.batch_id ORDER BY r.batch_id) AS batch_ids
        FROM survey_stat_cell r JOIN batch b USING (batch_id)
        WHERE b.status = 'current' AND (? IS NULL OR r.survey = ?)
        GROUP BY ALL ORDER BY r.survey, r.year, b.source
        """, [survey, survey]).df()


def pick_survey_source(con: duckdb.DuckDBPyConnection, survey: str, year: int,
                       requested: str | None = None) -> str | None:
    """The requested source if that survey and year has it (else None); by default upload, published, demo."""
    datasets = survey_datasets(con, survey)
    if requested is not None:
        return requested if ((datasets["year"] == year) & (datasets["source"] == requested)).any() else None
    return pick_source(datasets, year)
