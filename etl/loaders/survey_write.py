"""Writing a checked survey file under one batch.

Made while staging, before the write lock: the quarantine rows with their file rows and reasons
(`survey_quarantined`) and the summary by province or facility. Under the write lock, inside the caller's
transaction, from the staging connection's temp tables: inserts of new facilities, respondents with their
answers (compact: one row per respondent, answers in a01..a64, survey_slot saying which item each holds), the
batch's sufficient statistics computed from those rows (etl.survey_stats) and, with --keep-valid, the refused rows
with their reasons. Rows with any problem in `survey_problem` are never written to the data tables."""
from __future__ import annotations

from datetime import datetime, timezone

import duckdb

from etl.batches import BatchWriter
from etl.loaders.survey_read import Layout, read_text
from etl.loaders.survey_rows import RowContext, register_table
from etl.loaders.survey_report import MESSAGES
from etl.survey_stats.plan import SLOT_COLUMNS, MAX_SLOTS
from etl.survey_stats.store import refresh_batch, write_slots

_VALID = "rec NOT IN (SELECT rec FROM survey_problem)"


def retire_replaced(writer: BatchWriter, replaced: int) -> None:
    """The corrected file takes the earlier batch's place: kept as retired, current again if this batch is
    removed (etl.batches.remove_batch restores what a batch replaced)."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    writer.con.execute("UPDATE batch SET status = 'retired', changed_at = ? WHERE batch_id = ?", [now, replaced])
    writer.con.execute("UPDATE batch SET replaces_batch_id = ? WHERE batch_id = ?", [replaced, writer.batch_id])
    writer.replaced_batch_id = replaced


def write_survey(writer: BatchWriter, ctx: RowContext, *, source: str, replaced: int | None, refused: bool) -> None:
    """Facilities first seen in this file, then respondents (counted as the batch's rows), then answers.
    `refused`: some rows have problems (--keep-valid) and are left out."""
    con = writer.con
    kind = ctx.kind
    valid = _VALID if refused else "TRUE"
    start = con.execute("SELECT coalesce(max(respondent_key), 0) FROM survey_respondent").fetchall()[0][0]
    facility_sql = "NULL::VARCHAR"
    if kind.facility_type:
        id_col, name_col = kind.facility_columns
        facility_sql = f"r.{id_col}"
        writer.insert_sql("facility", f"""
            SELECT ? AS facility_type, {id_col} AS facility_id, arg_min({name_col}, rec) AS name,
                   arg_min(unit_system, rec) AS unit_system, arg_min(unit_code, rec) AS unit_code
            FROM survey_rows
            WHERE {valid} AND {id_col} NOT IN (
                SELECT f.facility_id FROM facility f JOIN batch b USING (batch_id)
                WHERE b.status = 'current' AND b.source = ? AND f.facility_type = ? AND b.batch_id IS DISTINCT FROM ?)
            GROUP BY {id_col} ORDER BY min(rec)""", [kind.facility_type, source, kind.facility_type, replaced],
                          count=False)
    codes = ctx.item_codes()
    if len(codes) > MAX_SLOTS:
        raise ValueError(f"{len(codes)} item columns: the compact answer layout holds at most {MAX_SLOTS}")
    # validated item codes (survey_instruments.ITEM_CODE) into fixed column names: a blank answer stays NULL
    answers = "".join(f', r."i_{c}"::SMALLINT AS {SLOT_COLUMNS[i]}' for i, c in enumerate(codes))
    # Rows carry their keys, so their physical order does not matter: letting DuckDB write in parallel is faster
    # on two cores (row groups still hold narrow ranges of keys).
    con.execute("SET preserve_insertion_order = false")
    try:
        writer.insert_sql("survey_respondent", f"""
            SELECT ? + r.rec AS respondent_key, ? AS survey, r.instrument_id, r.row_year AS year, r.respondent_id,
                   r.survey_date, r.unit_system, r.unit_code, {facility_sql} AS facility_id, r.school_level,
                   r.respondent_group, r.weight, r.sex, r.age_group, r.channel, r.stratum, r.psu{answers}
            FROM survey_records r
            WHERE {valid}""", [start, kind.survey])
    finally:
        con.execute("RESET preserve_insertion_order")
    write_slots(con, writer.batch_id, codes)
    refresh_batch(con, writer.batch_id)


def prepare_quarantine(con: duckdb.DuckDBPyConnection, layout: Layout) -> None:
    """Staging: `survey_quarantined`, every refused row as read (a JSON object of header -> cell) with its file
    row and all its reasons, in both languages; the file is read again for those rows only."""
    recs = [r[0] for r in con.execute(
        "SELECT DISTINCT rec FROM survey_problem UNION SELECT DISTINCT other_rec FROM survey_problem "
        "WHERE other_rec IS NOT NULL").fetchall()]
    rows = layout.file_rows(recs)
    read_text(con, layout, "survey_refused_text", "SELECT rec FROM survey_problem")
    register_table(con, "survey_rowmap", [{"rec": r, "file_row": n} for r, n in rows.items()],
                   {"rec": "BIGINT", "file_row": "BIGINT"})
    register_table(con, "survey_messages", [{"code": c, "en": en, "vi": vi} for c, (en, vi) in MESSAGES.items()],
                   {"code": "VARCHAR", "en": "VARCHAR", "vi": "VARCHAR"})
    pairs = [(header or f"#{i + 1}", f"cell_{i}") for i, header in enumerate(layout.headers)]
    record = "json_object(" + ", ".join(f"?, s.{cell}" for _h, cell in pairs) + ", 'extra', s.cell_extra)"

    def reason(lang: str) -> str:
        text = (f"replace(replace(m.{lang}, '{{detail}}', coalesce(p.detail_{lang}, '')), '{{row}}', "
                "coalesce(o.file_row::VARCHAR, '?'))")
        return (f"string_agg(CASE WHEN p.col <> '' THEN p.col || ' ' ELSE '' END "
                f"|| coalesce('[' || p.value || '] ', '') || {text}, '; ' ORDER BY p.col)")

    con.execute("DROP TABLE IF EXISTS survey_reasons")
    con.execute(f"""
        CREATE TEMP TABLE survey_reasons AS
        SELECT p.rec, {reason('en')} AS problems_en, {reason('vi')} AS problems_vi
        FROM survey_problem p JOIN survey_messages m ON m.code = p.code
        LEFT JOIN survey_rowmap o ON o.rec = p.other_rec
        GROUP BY p.rec""")
    con.execute("DROP TABLE IF EXISTS survey_quarantined")
    con.execute(f"""
        CREATE TEMP TABLE survey_quarantined AS
        SELECT q.rec, w.file_row, r.respondent_id, {record}::VARCHAR AS record, q.problems_en, q.problems_vi
        FROM survey_reasons q JOIN survey_refused_text s USING (rec) LEFT JOIN survey_rows r USING (rec)
        LEFT JOIN survey_rowmap w USING (rec)""", [h for h, _c in pairs])


def write_quarantine(writer: BatchWriter, survey: str) -> int:
    """The refused rows prepared by `prepare_quarantine`, under the batch, in file order."""
    return writer.insert_sql("survey_quarantine", """
        SELECT ? AS survey, file_row, respondent_id, record, problems_en, problems_vi
        FROM survey_quarantined ORDER BY rec""", [survey], count=False)


def breakdown(con: duckdb.DuckDBPyConnection, ctx: RowContext, *, refused: bool) -> list[tuple[str, int]]:
    """Staging: respondents to load per province (SIPAS), hospital or school, largest first (the valid rows,
    which are what the write inserts)."""
    valid = _VALID if refused else "TRUE"
    if ctx.kind.facility_type:
        id_col, name_col = ctx.kind.facility_columns
        return [(f"{fid} {name}", n) for fid, name, n in con.execute(
            f"SELECT r.{id_col}, any_value(f.{name_col}), count(*) FROM survey_rows r "
            f"JOIN (SELECT {id_col}, arg_min({name_col}, rec) AS {name_col} FROM survey_rows GROUP BY 1) f "
            f"ON f.{id_col} = r.{id_col} "
            f"WHERE {valid} GROUP BY 1 ORDER BY 3 DESC, 1").fetchall()]
    return [(f"{system}:{code} {name or ''}".strip(), n) for system, code, name, n in con.execute(
        "SELECT r.unit_system, r.unit_code, any_value(u.name_vi), count(*) FROM survey_rows r "
        "LEFT JOIN (SELECT code_system, code, any_value(name_vi) AS name_vi FROM unit GROUP BY ALL) u "
        "ON u.code_system = r.unit_system AND u.code = r.unit_code "
        f"WHERE {valid} GROUP BY 1, 2 ORDER BY 4 DESC, 1, 2").fetchall()]
