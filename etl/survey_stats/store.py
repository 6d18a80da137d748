"""Running the statistics step on DuckDB and writing its results under their batches, in the caller's transaction."""
from __future__ import annotations

import re

import duckdb
import pandas as pd

from etl.survey_stats.plan import SLOT_COLUMNS, PlanError, StatsPlan, make_plan, survey_slots
from etl.survey_stats.sql import OUTPUTS, steps
from metrics.satisfaction.instrument import instrument_items

STAT_TABLES = ("survey_stat_cell", "survey_stat_set", "survey_stat_pair", "survey_stat_value", "survey_stat_score",
               "survey_stat_reliability")


def run_steps(con: duckdb.DuckDBPyConnection, plan: StatsPlan, source: str) -> None:
    """Every step under its own name (ss_*), read by the later steps and by `write_stats`: a temp table, or a view
    when one later step alone reads it and it is no output (DuckDB then works it out row by row inside that step,
    once, instead of writing a million per-respondent rows to read them back once)."""
    ordered = steps(plan, source)
    drop_steps(con, [step.name for step in ordered])
    for i, step in enumerate(ordered):
        reads = sum(len(re.findall(rf"\b{step.name}\b", later.sql)) for later in ordered[i + 1:])
        kind = "VIEW" if reads == 1 and step.name not in OUTPUTS else "TABLE"
        con.execute(f"CREATE TEMP {kind} {step.name} AS {step.sql}")


def drop_steps(con: duckdb.DuckDBPyConnection, names: list[str]) -> None:
    """Drop the steps' tables and views (views first: they read the tables)."""
    kinds = dict(con.execute("SELECT table_name, table_type FROM information_schema.tables "
                             "WHERE table_catalog = 'temp' AND table_name IN (SELECT unnest(?))", [names]).fetchall())
    for name in sorted(kinds, key=lambda n: kinds[n] != "VIEW"):
        con.execute(f"DROP {'VIEW' if kinds[name] == 'VIEW' else 'TABLE'} temp.main.{name}")


def _register(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
    con.register(name, frame)


def write_stats(con: duckdb.DuckDBPyConnection, plan: StatsPlan) -> None:
    """Insert the ss_* results into the store's survey_stat_* tables, indices mapped to the store's codes."""
    maps = {
        "ss_set_map": pd.DataFrame({"set_no": range(len(plan.sets)), "set_kind": [s[0] for s in plan.sets],
                                    "set_code": [s[1] for s in plan.sets]}),
        "ss_dim_map": pd.DataFrame({"dim": range(len(plan.dims)), "dimension_code": list(plan.dims)}),
        "ss_slot_map": pd.DataFrame({"slot": range(1, len(plan.slots) + 1), "item_code": list(plan.slots)}),
    }
    for name, frame in maps.items():
        _register(con, name, frame)
    try:
        con.execute("""INSERT INTO survey_stat_cell BY NAME SELECT batch_id, g, survey, year, instrument_id,
                       unit_system, unit_code, facility_id, school_level, respondent_group, stratum, cl, respondents
                       FROM ss_cells""")
        con.execute("""INSERT INTO survey_stat_set BY NAME
                       SELECT c.batch_id, s.g, m.set_kind, m.set_code, s.n, s.m, s.ys, s.weighted > 0 AS weighted,
                              s.wx, s.wys, s.wyv, s.w2xx, s.w2xys, s.w2ysys, s.w2xyv, s.w2yvyv, s.na, s.sw, s.sw2,
                              s.swa, s.sw2a
                       FROM ss_set_stats s JOIN ss_cells c USING (g) JOIN ss_set_map m USING (set_no)
                       WHERE s.n > 0""")
        if len(plan.pairs) > 1:
            con.execute("""INSERT INTO survey_stat_pair BY NAME
                           SELECT c.batch_id, p.g, a.dimension_code AS dim_a, b.dimension_code AS dim_b, p.yx, p.yy,
                                  p.xx
                           FROM ss_pair_stats p JOIN ss_cells c USING (g) JOIN ss_dim_map a ON a.dim = p.dim_a
                           JOIN ss_dim_map b ON b.dim = p.dim_b""")
        con.execute("""INSERT INTO survey_stat_value BY NAME
                       SELECT c.batch_id, v.g, m.item_code, v.value, v.c, v.cw, v.cw2, v.weighted > 0 AS weighted
                       FROM ss_value_stats v JOIN ss_cells c USING (g) JOIN ss_slot_map m USING (slot)""")
        con.execute("""INSERT INTO survey_stat_score BY NAME
                       SELECT c.batch_id, s.g, m.set_kind, m.set_code, s.score, s.respondents
                       FROM ss_score_stats s JOIN ss_cells c USING (g) JOIN ss_set_map m USING (set_no)""")
        con.execute("""INSERT INTO survey_stat_reliability BY NAME
                       SELECT c.batch_id, r.g, c.instrument_id, d.dimension_code,
                              CASE WHEN r.slot > 0 THEN m.item_code END AS item_code, r.n, r.s, r.ss
                       FROM ss_reliability_stats r JOIN ss_cells c USING (g) JOIN ss_dim_map d USING (dim)
                       LEFT JOIN ss_slot_map m ON m.slot = r.slot""")
    finally:
        for name in maps:
            con.unregister(name)
        drop_steps(con, ["ss_cells", "ss_valid", "ss_resp", "ss_set_stats", "ss_pair_wide", "ss_pair_stats",
                         "ss_value_stats", "ss_score_stats", "ss_reliability_stats"])


def write_slots(con: duckdb.DuckDBPyConnection, batch_id: int, slots: list[str], first: int = 1) -> None:
    """Which item each answer column holds in `batch_id` (slots[0] in column `first`)."""
    frame = pd.DataFrame({"batch_id": batch_id, "slot": range(first, first + len(slots)), "item_code": slots})
    con.register("ss_slots", frame)
    try:
        con.execute("INSERT INTO survey_slot SELECT batch_id::INTEGER, slot::SMALLINT, item_code FROM ss_slots")
    finally:
        con.unregister("ss_slots")


def batch_slots(con: duckdb.DuckDBPyConnection, batch_id: int) -> list[str]:
    return [r[0] for r in con.execute("SELECT item_code FROM survey_slot WHERE batch_id = ? ORDER BY slot",
                                      [batch_id]).fetchall()]


def refresh_batch(con: duckdb.DuckDBPyConnection, batch_id: int) -> None:
    """(Re)compute the statistics of one stored survey batch from its respondents' compact answers: what a load
    does after writing them; also used by the migration and by code that writes respondents itself (the demo)."""
    survey = con.execute("SELECT any_value(survey) FROM survey_respondent WHERE batch_id = ?",
                         [batch_id]).fetchall()[0][0]
    for table in STAT_TABLES:
        con.execute(f"DELETE FROM {table} WHERE batch_id = ?", [batch_id])
    if survey is None:
        return
    plan = make_plan(con, survey, batch_slots(con, batch_id))
    columns = ", ".join(SLOT_COLUMNS)
    con.execute(f"""CREATE OR REPLACE TEMP VIEW ss_source AS
                    SELECT batch_id, survey, year, instrument_id, unit_system, unit_code, facility_id, school_level,
                           respondent_group, stratum, psu, weight, {columns}
                    FROM survey_respondent WHERE batch_id = {int(batch_id)}""")
    try:
        run_steps(con, plan, "ss_source")
        write_stats(con, plan)
    finally:
        con.execute("DROP VIEW IF EXISTS ss_source")


def put_answers(con: duckdb.DuckDBPyConnection, batch_id: int, answers: pd.DataFrame | str) -> None:
    """Store answers given long (respondent_key, item_code, value) in the compact columns of `batch_id`'s
    respondents, extending the batch's slot layout with new items (in instrument order), then recompute the
    batch's statistics. `answers`: a DataFrame, or the name of a relation chosen by code (the migration's old
    table). For code that writes respondents itself: the migration of a store, tests."""
    if isinstance(answers, pd.DataFrame):
        con.register("ss_long", answers)
        relation = "ss_long"
    else:
        relation = answers
    try:
        _put(con, batch_id, relation)
    finally:
        if isinstance(answers, pd.DataFrame):
            con.unregister("ss_long")
    refresh_batch(con, batch_id)


def _put(con: duckdb.DuckDBPyConnection, batch_id: int, relation: str) -> None:
    slots = batch_slots(con, batch_id)
    survey = con.execute("SELECT any_value(survey) FROM survey_respondent WHERE batch_id = ?",
                         [batch_id]).fetchall()[0][0]
    mine = f"(SELECT * FROM {relation} WHERE respondent_key IN " \
           "(SELECT respondent_key FROM survey_respondent WHERE batch_id = $batch))"
    codes = {r[0] for r in con.execute(f"SELECT DISTINCT item_code FROM {mine}", {"batch": batch_id}).fetchall()}
    order = survey_slots(instrument_items(con, survey)) if survey else []
    added = [c for c in order if c in codes and c not in slots] + sorted(codes - set(slots) - set(order))
    if len(slots) + len(added) > len(SLOT_COLUMNS):
        raise PlanError(f"batch {batch_id}: more than {len(SLOT_COLUMNS)} items")
    layout = slots + added
    if added:
        write_slots(con, batch_id, added, first=len(slots) + 1)
    if not codes:
        return
    columns = [SLOT_COLUMNS[layout.index(c)] for c in sorted(codes, key=layout.index)]
    picks = ", ".join(f"max(CASE WHEN s.slot = {layout.index(c) + 1} THEN a.value END) AS {SLOT_COLUMNS[layout.index(c)]}"
                      for c in sorted(codes, key=layout.index))
    sets = ", ".join(f"{c} = w.{c}::SMALLINT" for c in columns)
    con.execute(f"""
        UPDATE survey_respondent r SET {sets}
        FROM (SELECT a.respondent_key, {picks}
              FROM {mine} a JOIN survey_slot s ON s.batch_id = $batch AND s.item_code = a.item_code
              GROUP BY a.respondent_key) w
        WHERE r.respondent_key = w.respondent_key AND r.batch_id = $batch""", {"batch": batch_id})
