"""From the file to typed rows, in SQL.

One pass of DuckDB over the file (etl.loaders.survey_read) builds the temp table `survey_stage`: the text of
every non-item column the file has (`<column>_text`), each answer already typed (`i_<item>` SMALLINT: NULL when
blank, NOT_A_VALID_ANSWER when not a whole number on the item's scale), the first cell beyond the header
(`extra`), cells under unnamed headers (`unnamed_<n>`) and `blank` for all-blank rows. A record's number is its
position: rowid + 1. Answers are never held as text: the few a report names are read again from the file.

`survey_rows` then types and codes the other columns (dates, years, weights, forms, levels, groups, sex,
channel), picks the instrument and resolves the province to (code system, code). Coded values and the (province,
date, year) cells are typed and resolved once per distinct value written (a million-row file has a few hundred, in
`survey_keys`), then joined back; `survey_records` is the same rows with their answers, as a view the write reads.
Identifiers in the SQL come from code or from validated item codes; file content only ever arrives as a value.
"""
from __future__ import annotations

import copy
import unicodedata
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from etl.codesystems import UnitResolver, reference_date, system_for
from etl.loaders.survey_instruments import Instrument, Item
from etl.loaders.survey_read import Layout, Progress, read_into
from etl.loaders.survey_spec import HeaderMatch, SurveyKind, value_lookup
from etl.names import name_key

NOT_A_VALID_ANSWER = -1
DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d"]
YEAR_RANGE = (1990, 2100)
TEXT_COLUMNS = ("respondent_id", "province", "age_group", "hospital_id", "hospital_name", "school_id", "school_name",
                "stratum", "psu")
CODED_COLUMNS = ("sex", "channel", "form", "school_level", "respondent_group")
OTHER_COLUMNS = ("year", "survey_date", "weight")
# Cells that decide a row's province and year: typed and resolved once per distinct combination written (a
# million-row file has a few hundred), never once per row.
KEY_CELLS = ("province", "survey_date", "year")


@dataclass
class RowContext:
    """What typing the rows needs to know about the load."""

    kind: SurveyKind
    instruments: list[Instrument]
    match: HeaderMatch
    option_year: int | None
    coded: dict[str, dict[str, str | None]] = field(default_factory=dict)  # column -> text written -> value

    def item_codes(self) -> list[str]:
        """Every item of the kind's instruments that the file has a column for, in instrument order."""
        seen = dict.fromkeys(code for i in self.instruments for code in i.item_codes())
        return [code for code in seen if code in self.match.items]

    def items_of(self, code: str) -> list[tuple[Instrument, Item]]:
        return [(i, item) for i in self.instruments for item in i.items if item.code == code]


def accepted_values(instrument: Instrument, item: Item) -> list[int]:
    """The whole numbers an item accepts: its scale, and 0 where the form has 'did not use / no opinion'."""
    values = list(range(int(item.value_min), int(item.value_max) + 1))
    if instrument.accepts_na(item) and int(instrument.na_code) not in values:
        values.append(int(instrument.na_code))
    return values


def _accepts(number: str, values: list[int]) -> str:
    """SQL true when `number` (a DOUBLE) is one of `values`, written as ranges: 'x BETWEEN 1 AND 5 OR x = 0'.

    Never `x IN (...)`: DuckDB rewrites a list of constants into a join, and a join does not keep the rows in
    file order, which the record numbers (rowid + 1) rely on.
    """
    runs: list[list[int]] = []
    for value in sorted(set(values)):
        if runs and value == runs[-1][1] + 1:
            runs[-1][1] = value
        else:
            runs.append([value, value])
    tests = [f"{number} = {a}" if a == b else f"{number} BETWEEN {a} AND {b}" for a, b in runs]
    return f"(({' OR '.join(tests)}) AND {number} = floor({number}))"


def _answer_from_text(cell: str, values: list[int]) -> str:
    """SQL typing one answer cell written as text: a whole number on the scale, NULL when blank, else
    NOT_A_VALID_ANSWER."""
    parsed = f"TRY_CAST({cell} AS DOUBLE)"
    return (f"(CASE WHEN {cell} IS NULL OR trim({cell}) = '' THEN NULL "
            f"WHEN {_accepts(parsed, values)} THEN {parsed} ELSE {NOT_A_VALID_ANSWER} END)::SMALLINT")


def _answer_from_number(cell: str, values: list[int]) -> str:
    """The same for a cell DuckDB's reader already parsed as a DOUBLE."""
    return (f"(CASE WHEN {_accepts(cell, values)} THEN {cell} "
            f"WHEN {cell} IS NOT NULL THEN {NOT_A_VALID_ANSWER} END)::SMALLINT")


def stage(con: duckdb.DuckDBPyConnection, layout: Layout, ctx: RowContext, progress: Progress | None = None) -> None:
    """Read the file once into `survey_stage` (see the module's docstring).

    First DuckDB's reader parses the answer columns itself, as fast as reading a typed CSV gets; a file with
    any answer that is not a number (text, ' 4') is read again as text and typed in SQL. Either way every
    answer off the scale becomes NOT_A_VALID_ANSWER for the checks to report. The query is a plain projection
    (no joins, no IN lists) so that the table keeps the file's order and rowid + 1 is the record number.
    """
    items = ctx.item_codes()
    cells = {code: f"cell_{ctx.match.items[code]}" for code in items}
    values = {code: sorted({v for i, item in ctx.items_of(code) for v in accepted_values(i, item)}) for code in items}
    columns = [f"cell_{ctx.match.columns[name]} AS {name}_text" for name in TEXT_COLUMNS + CODED_COLUMNS + OTHER_COLUMNS
               if name in ctx.match.columns]  # a column the file lacks is a NULL in survey_rows, not here
    columns += [f"cell_{i} AS unnamed_{i}" for i, header in enumerate(layout.headers) if not header]
    text_cells = [c for c in layout.cells if c not in cells.values()]
    # COALESCE stops at the first non-blank cell, so this costs one trim for most rows
    blank_text = "coalesce(" + ", ".join([f"nullif(trim({c}), '')" for c in text_cells] + ["cell_extra"]) + ") IS NULL"
    common = columns + ["cell_extra AS extra"]
    if layout.text_path is not None:
        # DOUBLE, not SMALLINT: DuckDB's reader rounds '3.5' into a SMALLINT, and 3.5 must be refused
        typed = [f'{_answer_from_number(cells[c], values[c])} AS "i_{c}"' for c in items]
        blank = " AND ".join([blank_text] + [f"{cells[c]} IS NULL" for c in items])
        if read_into(con, layout, "survey_stage", ", ".join(common + typed + [f"({blank}) AS blank"]),
                     progress=progress, types={cells[c]: "DOUBLE" for c in items}):
            return
    typed = [f'{_answer_from_text(cells[c], values[c])} AS "i_{c}"' for c in items]
    blank = "coalesce(" + ", ".join(f"nullif(trim({c}), '')" for c in layout.cells) + ", cell_extra) IS NULL"
    read_into(con, layout, "survey_stage", ", ".join(common + typed + [f"{blank} AS blank"]), progress=progress)


def allowed_values(ctx: RowContext, column: str) -> tuple[str, ...] | None:
    """The canonical values a coded column accepts (None: the module's whole vocabulary)."""
    if column == "form":
        return tuple(i.form for i in ctx.instruments)
    if column in ("school_level", "respondent_group"):
        attr = "school_levels" if column == "school_level" else "respondent_groups"
        values = [v for i in ctx.instruments for v in getattr(i, attr)]
        return tuple(dict.fromkeys(values)) or None
    return None


def register_table(con: duckdb.DuckDBPyConnection, name: str, rows: list[dict], types: dict[str, str]) -> None:
    """A temp table `name` with the given column types from Python rows (types from code, never from input)."""
    con.execute(f"DROP TABLE IF EXISTS {name}")
    frame = pd.DataFrame(rows, columns=list(types), dtype=object)
    con.register("_survey_frame", frame)
    try:
        casts = ", ".join(f"{column}::{sql_type} AS {column}" for column, sql_type in types.items())
        con.execute(f"CREATE TEMP TABLE {name} AS SELECT {casts} FROM _survey_frame")
    finally:
        con.unregister("_survey_frame")


def _resolve_coded(con: duckdb.DuckDBPyConnection, ctx: RowContext) -> None:
    """Distinct written values of each coded column present -> canonical value (None when not accepted)."""
    forms = {i.form: i.instrument_id for i in ctx.instruments}
    for column in CODED_COLUMNS:
        if column not in ctx.match.columns:
            continue
        lookup = value_lookup(column, allowed_values(ctx, column))
        written = [r[0] for r in con.execute(
            f"SELECT DISTINCT trim({column}_text) FROM survey_stage WHERE NOT blank AND "
            f"nullif(trim({column}_text), '') IS NOT NULL").fetchall()]
        ctx.coded[column] = {text: lookup.get(name_key(unicodedata.normalize("NFC", text))) for text in written}
        rows = [{"raw": raw, "value": value, "instrument_id": forms.get(value) if column == "form" else None}
                for raw, value in ctx.coded[column].items()]
        register_table(con, f"survey_map_{column}", rows,
                       {"raw": "VARCHAR", "value": "VARCHAR", "instrument_id": "VARCHAR"})


@dataclass(frozen=True)
class _Column:
    """A column of survey_rows: its SQL over the stage `s` and the key cells `k`, or None when it is NULL for
    every row of this file (the file lacks the column), and its type."""

    name: str
    sql: str | None
    sql_type: str = "VARCHAR"
    per_key: bool = False  # comes from survey_keys: the same for every row of one key


def _row_columns(ctx: RowContext) -> list[_Column]:
    """survey_rows' columns in order: rec, the text columns (NFC, trimmed), the coded and other columns as written
    (trimmed), the coded values, instrument, date, year, weight, the row's year and its province resolved."""
    present = ctx.match.columns
    out = [_Column("rec", "s.rec", "BIGINT")]
    for c in TEXT_COLUMNS:
        if c == "province":
            out.append(_Column(c, "k.province", per_key=True))
        else:
            out.append(_Column(c, f"nullif(trim(nfc_normalize(s.{c}_text)), '')" if c in present else None))
    for c in CODED_COLUMNS + OTHER_COLUMNS:
        if c in KEY_CELLS:
            out.append(_Column(f"{c}_text", f"k.{c}_trimmed", per_key=True))
        else:
            out.append(_Column(f"{c}_text", f"nullif(trim(s.{c}_text), '')" if c in present else None))
    out += [_Column(c, f"m_{c}.value" if c in ctx.coded else None) for c in CODED_COLUMNS]
    if len(ctx.instruments) > 1:  # health: the form column picks the instrument (none: the header is reported)
        out.append(_Column("instrument_id", "m_form.instrument_id" if "form" in ctx.coded else None))
    else:
        out.append(_Column("instrument_id", _literal(ctx.instruments[0].instrument_id), per_key=True))
    out += [_Column("survey_date", "k.survey_date", "DATE", per_key=True),
            _Column("year_num", "k.year_num", "INTEGER", per_key=True),
            _Column("weight", "TRY_CAST(replace(trim(s.weight_text), ',', '.') AS DOUBLE)" if "weight" in present
                    else None, "DOUBLE"),
            _Column("row_year", "k.row_year", "INTEGER", per_key=True)]
    out += [_Column(c, f"k.{c}", per_key=True)
            for c in ("unit_system", "unit_code", "province_problem_en", "province_problem_vi")]
    return out


def build_rows(con: duckdb.DuckDBPyConnection, ctx: RowContext) -> None:
    """`survey_records` and `survey_rows`: one typed row per non-blank record, province resolved.

    `survey_records` is a view (stage joined to the few distinct keys and coded values, answers included): what
    the write reads, in one pass. `survey_rows`, what the checks read many times, keeps in memory only what
    differs from row to row (the record, its key and the per-row cells the file has): a view adds the rest from
    `survey_keys`, so a million rows stay a few dozen megabytes, not several hundred."""
    _resolve_coded(con, ctx)
    _resolve_keys(con, ctx)
    columns = _row_columns(ctx)
    joins = [f"LEFT JOIN survey_map_{c} m_{c} ON m_{c}.raw = trim(s.{c}_text)" for c in CODED_COLUMNS
             if c in ctx.coded]
    on = " AND ".join(f"k.{c}_text IS NOT DISTINCT FROM s.{c}_text" for c in KEY_CELLS if c in ctx.match.columns)
    answers = "".join(f', s."i_{c}"' for c in ctx.item_codes())
    for name, kind in (("survey_rows", "VIEW"), ("survey_records", "VIEW"), ("survey_row_cells", "TABLE")):
        con.execute(f"DROP {kind} IF EXISTS {name}")
    con.execute(f"""
        CREATE TEMP VIEW survey_records AS
        SELECT {', '.join(f'{c.sql or "NULL"}::{c.sql_type} AS {c.name}' for c in columns)}, k.key_no{answers}
        FROM (SELECT rowid + 1 AS rec, * FROM survey_stage WHERE NOT blank) s
        JOIN survey_keys k ON {on or 'TRUE'} {' '.join(joins)}""")
    kept = [c.name for c in columns if c.sql is not None and not c.per_key]
    con.execute(f"CREATE TEMP TABLE survey_row_cells AS SELECT {', '.join(kept)}, key_no FROM survey_records")
    shown = [f"d.{c.name}" if c.name in kept else f"{c.sql or 'NULL'}::{c.sql_type} AS {c.name}" for c in columns]
    con.execute(f"CREATE TEMP VIEW survey_rows AS SELECT {', '.join(shown)} "
                "FROM survey_row_cells d JOIN survey_keys k USING (key_no)")


def _resolve_keys(con: duckdb.DuckDBPyConnection, ctx: RowContext) -> None:
    """`survey_keys`: each distinct (province, survey_date, year) as written (`<cell>_text`, NULL where the file
    lacks the column), numbered (`key_no`), with what survey_rows shows of it: the cells trimmed, the province's
    name, the date, the year, the row's year (date, else year, else --year) and the province resolved."""
    present = [c for c in KEY_CELLS if c in ctx.match.columns]

    def cell(column: str) -> str:
        return f"{column}_text" if column in present else "NULL::VARCHAR"

    option_year = "NULL" if ctx.option_year is None else str(int(ctx.option_year))
    formats = ", ".join(f"'{f}'" for f in DATE_FORMATS)
    low, high = YEAR_RANGE
    written = ", ".join(f"{cell(c)} AS {c}_text" for c in KEY_CELLS)
    con.execute("DROP TABLE IF EXISTS survey_key_cells")
    con.execute(f"""
        CREATE TEMP TABLE survey_key_cells AS
        SELECT *, coalesce(year(survey_date), year_num, {option_year}::INTEGER) AS row_year FROM (
            SELECT {', '.join(f'{c}_text' for c in KEY_CELLS)},
                   {', '.join(f"nullif(trim({c}_text), '') AS {c}_trimmed" for c in KEY_CELLS)},
                   nullif(trim(nfc_normalize(province_text)), '') AS province,
                   try_strptime(trim(survey_date_text), [{formats}])::DATE AS survey_date,
                   CASE WHEN TRY_CAST(year_text AS DOUBLE) BETWEEN {low} AND {high}
                             AND TRY_CAST(year_text AS DOUBLE) % 1 = 0
                        THEN TRY_CAST(year_text AS DOUBLE)::INTEGER END AS year_num
            FROM (SELECT DISTINCT {written} FROM survey_stage WHERE NOT blank))""")
    _resolve_provinces(con)
    con.execute("DROP TABLE IF EXISTS survey_keys")
    con.execute("""
        CREATE TEMP TABLE survey_keys AS
        SELECT CAST(row_number() OVER () AS INTEGER) AS key_no, k.*, u.unit_system, u.unit_code,
               u.problem_en AS province_problem_en, u.problem_vi AS province_problem_vi
        FROM survey_key_cells k LEFT JOIN survey_units u
          ON u.province = k.province AND u.row_year = k.row_year
         AND coalesce(u.survey_date, DATE '1000-01-01') = coalesce(k.survey_date, DATE '1000-01-01')""")


def _literal(text: str) -> str:
    """A SQL string literal of a value from the store (an instrument id), quotes doubled."""
    return "'" + str(text).replace("'", "''") + "'"


def _resolve_provinces(con: duckdb.DuckDBPyConnection) -> None:
    """Each distinct (province as written, date, year) resolved in the code system in force on that date (or,
    with a year alone, that year), as etl.codesystems decides."""
    combos = con.execute(
        "SELECT DISTINCT province, survey_date, row_year FROM survey_key_cells "
        "WHERE province IS NOT NULL AND row_year IS NOT NULL").fetchall()
    resolvers: dict[str, UnitResolver] = {}
    rows = []
    for province, on_date, year in combos:
        system = system_for("province", year=year, on_date=on_date)
        if system not in resolvers:
            resolvers[system] = UnitResolver(con, system, reference_date(year, on_date))
        resolver = copy.copy(resolvers[system])  # the names are read once; only the date differs
        resolver.on_date = reference_date(year, on_date)
        found = resolver.resolve(province)
        rows.append({"province": province, "survey_date": on_date, "row_year": year,
                     "unit_system": found.code_system, "unit_code": found.code,
                     "problem_en": found.problem, "problem_vi": found.problem_vi})
    register_table(con, "survey_units", rows, {
        "province": "VARCHAR", "survey_date": "DATE", "row_year": "INTEGER", "unit_system": "VARCHAR",
        "unit_code": "VARCHAR", "problem_en": "VARCHAR", "problem_vi": "VARCHAR"})
