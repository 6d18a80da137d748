"""What the store holds and where it came from: batches, frameworks and instruments for display."""
from __future__ import annotations

import duckdb
import pandas as pd

from etl.batches import list_batches

# Where a row came from, as parts the page words in the reader's language (ui.provenance.row_origins): the row's
# own published reference (None when it names none), else its batch and that batch's file.
ORIGIN_COLUMNS = ["source_ref", "batch_id", "file_name"]


def origin_sql(alias: str) -> str:
    """The select list giving ORIGIN_COLUMNS for table `alias` joined to `batch b` (alias is code, never input)."""
    return f"nullif(trim({alias}.source_ref), '') AS source_ref, b.batch_id, b.file_name"


def batches(con: duckdb.DuckDBPyConnection, include_inactive: bool = False) -> pd.DataFrame:
    """Batches with provenance, newest first; current only unless `include_inactive`."""
    frame = list_batches(con)
    return frame if include_inactive else frame[frame["status"] == "current"].reset_index(drop=True)


def frameworks(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("SELECT * EXCLUDE (batch_id) FROM framework ORDER BY level DESC, first_year").df()


def framework_fields(con: duckdb.DuckDBPyConnection, framework_id: str) -> pd.DataFrame:
    """Fields with their maximum points split into appraisal and survey, their number of criteria, and whether
    the field's maximum is official (`max_official`, with `max_source`: the source, or why it is illustrative)."""
    return con.execute(
        """
        SELECT f.field_code, f.name_vi, f.name_en, f.max_points,
               sum(CASE WHEN c.component = 'appraisal' THEN c.max_points ELSE 0 END) AS appraisal_max,
               sum(CASE WHEN c.component = 'survey' THEN c.max_points ELSE 0 END) AS survey_max,
               count(c.criterion_code) AS criteria,
               coalesce(m.official, FALSE) AS max_official, m.source AS max_source
        FROM framework_field f
        LEFT JOIN framework_criterion c ON c.framework_id = f.framework_id AND c.field_code = f.field_code
        LEFT JOIN content_mark m ON m.content = 'framework' AND m.content_id = f.framework_id
             AND m.item_kind = 'field' AND m.item_code = f.field_code AND m.aspect = 'max_points'
        WHERE f.framework_id = ?
        GROUP BY ALL ORDER BY min(f.position)
        """, [framework_id]).df()


# The facts a framework file states about itself, in reading order (others, if a file adds some, follow).
FACT_ORDER = ["appraisal_max", "survey_max", "count_fields", "count_criteria", "count_sub_criteria"]


def framework_facts(con: duckdb.DuckDBPyConnection, framework_id: str) -> pd.DataFrame:
    """The framework's stated facts (appraisal and survey maxima, counts of fields, criteria and sub-criteria):
    fact, value, `official` (printed in an official or published text) and `source` (that source with what it
    printed, or why the figure is illustrative), as the framework file marks each."""
    frame = con.execute("SELECT fact, value, official, source FROM framework_fact WHERE framework_id = ?",
                        [framework_id]).df()
    order = {fact: i for i, fact in enumerate(FACT_ORDER)}
    frame["position"] = [order.get(fact, len(order)) for fact in frame["fact"]]
    return frame.sort_values(["position", "fact"]).drop(columns="position").reset_index(drop=True)


def framework_bands(con: duckdb.DuckDBPyConnection, framework_id: str) -> pd.DataFrame:
    return con.execute("SELECT group_code, min_index, label_vi, label_en FROM framework_band WHERE framework_id = ? "
                       "ORDER BY min_index DESC", [framework_id]).df()


def instruments(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Each survey instrument with its dimensions and item counts."""
    return con.execute(
        """
        SELECT i.instrument_id, i.survey, i.form, i.title_vi, i.title_en, i.method, i.scale_min, i.scale_max,
               i.na_code, count(DISTINCT it.item_code) AS items,
               string_agg(DISTINCT d.name_vi, '; ') AS dimensions_vi,
               string_agg(DISTINCT d.name_en, '; ') AS dimensions_en
        FROM instrument i
        JOIN instrument_item it USING (instrument_id)
        JOIN instrument_dimension d ON d.instrument_id = i.instrument_id AND d.dimension_code = it.dimension_code
        GROUP BY ALL ORDER BY i.instrument_id
        """).df()


def row_sources(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str) -> pd.DataFrame:
    """Each unit's origin in the year's current PAR INDEX results of `source`: code_system, code and the
    ORIGIN_COLUMNS (published rows name their article or release; an upload its batch and file)."""
    return con.execute(
        f"""
        SELECT DISTINCT t.unit_system AS code_system, t.unit_code AS code, {origin_sql('t')}
        FROM par_total t JOIN batch b USING (batch_id)
        WHERE b.status = 'current' AND b.source = ? AND t.level = ? AND t.year = ? AND t.stage = 'appraised'
        ORDER BY 1, 2
        """, [source, level, year]).df()
