"""Row checks of a survey file, in SQL over the typed tables of etl.loaders.survey_rows.

Each check writes one row per problem to the temp table `survey_problem` (rec, code, col, value, detail_en,
detail_vi, other_rec); etl.loaders.survey_report turns them into the report, and with --keep-valid the rows
without problems load while the others are quarantined with all their reasons.
"""
from __future__ import annotations

import duckdb

from etl.codesystems import EARLIEST_DATE, latest_date
from etl.loaders.survey_read import Layout, read_text
from etl.loaders.survey_rows import (CODED_COLUMNS, NOT_A_VALID_ANSWER, RowContext, accepted_values, allowed_values,
                                     register_table)
from etl.loaders.survey_spec import VOCABULARY, describe_values
from etl.names import name_key

# Columns that describe how the whole sample was drawn: a file fills them on every row or on none. What "filled"
# means, in survey_rows: the weight as written (a weight that is not a number is its own problem), the stratum
# and psu as stored.
ALL_OR_NONE = {"weight": "weight_text", "stratum": "stratum", "psu": "psu"}


class RowChecks:
    """The row checks of one load, written to `survey_problem`."""

    def __init__(self, con: duckdb.DuckDBPyConnection, layout: Layout, ctx: RowContext, *, source: str,
                 replaced_batch: int | None):
        self.con, self.layout, self.ctx = con, layout, ctx
        self.source, self.replaced = source, replaced_batch
        self.records = con.execute("SELECT count(*) FROM survey_rows").fetchall()[0][0]
        # (column, rows filled, rows blank) of each ALL_OR_NONE column filled on some rows only: a problem of
        # the whole file, which --keep-valid cannot work around (etl.loaders.survey_report.partly_blank_problems)
        self.partly_blank: list[tuple[str, int, int]] = []
        con.execute("DROP TABLE IF EXISTS survey_problem")
        con.execute("CREATE TEMP TABLE survey_problem (rec BIGINT, code VARCHAR, col VARCHAR, value VARCHAR, "
                    "detail_en VARCHAR, detail_vi VARCHAR, other_rec BIGINT)")

    def _add(self, code: str, col: str, value_sql: str, where: str, params: list | None = None,
             detail: tuple[str, str] = ("", ""), detail_sql: tuple[str, str] | None = None,
             other_sql: str = "NULL", source: str = "survey_rows") -> None:
        en, vi = detail_sql or ("?", "?")
        values = [] if detail_sql else list(detail)
        self.con.execute(
            f"INSERT INTO survey_problem SELECT rec, ?, ?, {value_sql}, {en}, {vi}, {other_sql} FROM {source} "
            f"WHERE {where}", [code, col] + values + (params or []))

    def run(self) -> None:
        """Every row check; each reads only the columns it needs."""
        self.respondents()
        self.years()
        self.values()
        self.all_or_none()
        self.provinces()
        if self.ctx.kind.facility_type:
            self.facilities()
        self.answers()
        self.shape()
        self.fill_answer_values()

    def respondents(self) -> None:
        self._add("required", "respondent_id", "NULL", "respondent_id IS NULL")
        # within the file: the same id twice in one year; first only whether any is (cheaper than listing them:
        # most files have none)
        repeated = self.con.execute("""
            SELECT count(*) FROM (SELECT 1 FROM survey_rows WHERE respondent_id IS NOT NULL AND row_year IS NOT NULL
                                  GROUP BY respondent_id, row_year HAVING count(*) > 1)""").fetchall()[0][0]
        if repeated:
            self.con.execute("""
                INSERT INTO survey_problem
                SELECT r.rec, 'dup_in_file', 'respondent_id', r.respondent_id, r.row_year::VARCHAR,
                       r.row_year::VARCHAR, CASE WHEN r.rec = d.first_rec THEN d.second_rec ELSE d.first_rec END
                FROM survey_rows r JOIN (
                    SELECT respondent_id, row_year, min(rec) AS first_rec, list(rec ORDER BY rec)[2] AS second_rec
                    FROM survey_rows WHERE respondent_id IS NOT NULL AND row_year IS NOT NULL
                    GROUP BY ALL HAVING count(*) > 1) d
                  ON d.respondent_id = r.respondent_id AND d.row_year = r.row_year""")
        # against what is loaded: current batches of the same source, except the batch being replaced
        self.con.execute("""
            INSERT INTO survey_problem
            SELECT r.rec, 'dup_loaded', 'respondent_id', r.respondent_id,
                   printf('%s %d, batch %d', ?, r.row_year, min(l.batch_id)),
                   printf('%s năm %d, lô %d', ?, r.row_year, min(l.batch_id)), NULL
            FROM survey_rows r
            JOIN survey_respondent l ON l.respondent_id = r.respondent_id AND l.year = r.row_year AND l.survey = ?
            JOIN batch b ON b.batch_id = l.batch_id
            WHERE b.status = 'current' AND b.source = ? AND b.batch_id IS DISTINCT FROM ?
            GROUP BY r.rec, r.respondent_id, r.row_year""",
                         [self.ctx.kind.survey, self.ctx.kind.survey, self.ctx.kind.survey, self.source,
                          self.replaced])

    def years(self) -> None:
        """Years and dates: written as such, and within EARLIEST_DATE .. 31 December of next year (a 1970 or 0001
        date is an empty or mistyped cell, never a survey); the row's year agreeing with its date and --year."""
        first, last = EARLIEST_DATE, latest_date()
        accepted = (f"{first:%d/%m/%Y} to {last:%d/%m/%Y}", f"{first:%d/%m/%Y} đến {last:%d/%m/%Y}")
        number = "TRY_CAST(year_text AS DOUBLE)"
        whole = f"coalesce({number} % 1 = 0, false)"
        self._add("year", "year", "year_text", f"year_text IS NOT NULL AND year_num IS NULL AND NOT {whole}")
        self._add("year_range", "year", "year_text", f"{whole} AND NOT {number} BETWEEN ? AND ?",
                  [first.year, last.year], detail=(f"{first.year} to {last.year}", f"{first.year} đến {last.year}"))
        self._add("date", "survey_date", "survey_date_text", "survey_date_text IS NOT NULL AND survey_date IS NULL")
        self._add("date_range", "survey_date", "survey_date_text",
                  "survey_date IS NOT NULL AND (survey_date < ? OR survey_date > ?)", [first, last], detail=accepted)
        self._add("year_vs_date", "year", "year_text", "year(survey_date) <> year_num",
                  detail_sql=("strftime(survey_date, '%d/%m/%Y')", "strftime(survey_date, '%d/%m/%Y')"))
        if self.ctx.option_year is not None and not first.year <= self.ctx.option_year <= last.year:
            # rows that take their year from --year only (etl.loaders.survey checks a wider range)
            self._add("option_range", "year", "NULL", "year_text IS NULL AND survey_date IS NULL",
                      detail=(f"{first.year} to {last.year}, not {self.ctx.option_year}",
                              f"{first.year} đến {last.year}, không phải {self.ctx.option_year}"))
        if self.ctx.option_year is not None:
            self._add("year_vs_option", "survey_date" if "survey_date" in self.ctx.match.columns else "year",
                      "coalesce(survey_date_text, year_text)", "row_year <> ?", [self.ctx.option_year],
                      detail_sql=("row_year::VARCHAR", "row_year::VARCHAR"))
        self._add("no_year", "year", "NULL", "row_year IS NULL AND year_text IS NULL AND survey_date_text IS NULL")
        self._add("weight", "weight", "weight_text",
                  "weight_text IS NOT NULL AND (weight IS NULL OR NOT isfinite(weight) OR weight <= 0)")

    def values(self) -> None:
        required = {c.name for c in self.ctx.kind.columns if c.required}
        for column in CODED_COLUMNS:
            if column not in self.ctx.match.columns:
                continue
            allowed = allowed_values(self.ctx, column) or tuple(VOCABULARY[column])
            self._add("coded", column, f"{column}_text", f"{column}_text IS NOT NULL AND {column} IS NULL",
                      detail=(describe_values(allowed, "en"), describe_values(allowed, "vi")))
            if column in required:
                self._add("required", column, "NULL", f"{column}_text IS NULL")

    def all_or_none(self) -> None:
        """A weight, stratum or psu column filled on some rows and blank on others: the blank rows are named.

        A blank weight is not 1 and a blank cluster is not a cluster of its own: the file is ambiguous, and only
        the person who made it knows what the blanks mean."""
        present = [c for c in ALL_OR_NONE if c in self.ctx.match.columns]
        if not present or not self.records:
            return
        filled = self.con.execute(
            "SELECT " + ", ".join(f"count({ALL_OR_NONE[c]})" for c in present) + " FROM survey_rows").fetchall()[0]
        for column, n in zip(present, filled):
            if 0 < n < self.records:
                self.partly_blank.append((column, n, self.records - n))
                self._add(f"partly_blank_{column}", column, "NULL", f"{ALL_OR_NONE[column]} IS NULL",
                          detail=(f"{n:,}", f"{n:,}"))

    def provinces(self) -> None:
        self._add("required", "province", "NULL", "province IS NULL")
        self._add("province", "province", "province", "province IS NOT NULL AND province_problem_en IS NOT NULL",
                  detail_sql=("province_problem_en", "province_problem_vi"))

    def facilities(self) -> None:
        """A hospital or school is one id, one name, one province: within the file and against the register."""
        kind = self.ctx.kind
        id_col, name_col = kind.facility_columns
        self._add("required", id_col, "NULL", f"{id_col} IS NULL")
        self._add("required", name_col, "NULL", f"{name_col} IS NULL")
        seen = self.con.execute(
            f"SELECT {id_col}, {name_col}, unit_system, unit_code, min(rec) FROM survey_rows "
            f"WHERE {id_col} IS NOT NULL AND {name_col} IS NOT NULL AND unit_code IS NOT NULL GROUP BY ALL "
            "ORDER BY 5").fetchall()
        registered = {row[0]: row for row in self.con.execute(
            "SELECT f.facility_id, f.name, f.unit_system, f.unit_code, f.batch_id FROM facility f "
            "JOIN batch b USING (batch_id) WHERE b.status = 'current' AND b.source = ? AND f.facility_type = ? "
            "AND b.batch_id IS DISTINCT FROM ? ORDER BY f.batch_id", [self.source, kind.facility_type,
                                                                     self.replaced]).fetchall()}
        links = {(a, b, c, d) for a, b, c, d in self.con.execute(
            "SELECT from_system, from_code, to_system, to_code FROM unit_lineage").fetchall()}
        variants: dict[str, list[tuple]] = {}
        for facility_id, name, system, code, _rec in seen:
            variants.setdefault(facility_id, []).append((name, system, code))
        label_en, label_vi = ("hospital", "bệnh viện") if kind.facility_type == "hospital" else ("school", "trường")
        rows = []
        for facility_id, forms in variants.items():
            keys = {(name_key(n), s, c) for n, s, c in forms}
            if len(keys) > 1:
                listed = "; ".join(f"'{n}' in {s}:{c}" for n, s, c in forms[:4])
                rows.append({"id": facility_id, "code": "facility_in_file",
                             "en": f"{label_en} {facility_id} appears with different names or provinces in this "
                                   f"file: {listed}",
                             "vi": f"{label_vi} {facility_id} có nhiều tên hoặc tỉnh khác nhau trong tệp: {listed}"})
                continue
            known = registered.get(facility_id)
            if known is None:
                continue
            name, system, code = forms[0]
            same_unit = (known[2], known[3]) == (system, code) or (known[2], known[3], system, code) in links
            if name_key(known[1]) != name_key(name) or not same_unit:
                rows.append({"id": facility_id, "code": "facility_registered",
                             "en": f"{label_en} {facility_id} is registered as '{known[1]}' in {known[2]}:{known[3]} "
                                   f"(batch {known[4]}); this file says '{name}' in {system}:{code}",
                             "vi": f"{label_vi} {facility_id} đã đăng ký là '{known[1]}' tại {known[2]}:{known[3]} "
                                   f"(lô {known[4]}); tệp này ghi '{name}' tại {system}:{code}"})
        if rows:
            register_table(self.con, "survey_facility_conflict", rows,
                           {"id": "VARCHAR", "code": "VARCHAR", "en": "VARCHAR", "vi": "VARCHAR"})
            self.con.execute(
                f"INSERT INTO survey_problem SELECT r.rec, f.code, ?, r.{id_col}, f.en, f.vi, NULL "
                f"FROM survey_rows r JOIN survey_facility_conflict f ON f.id = r.{id_col}", [id_col])

    def answers(self) -> None:
        """Answers typed NOT_A_VALID_ANSWER when read; with several forms, each row against its own form."""
        codes = self.ctx.item_codes()
        if not codes:
            return
        stage = "(SELECT rowid + 1 AS rec, * FROM survey_stage WHERE NOT blank)"
        # the least answer of each item (cheaper than counting): an item whose least is above NOT_A_VALID_ANSWER
        # has none to report
        least = self.con.execute("SELECT " + ", ".join(f'min("i_{c}")' for c in codes) + f" FROM {stage}").fetchall()[0]
        for code, low in zip(codes, least):
            if low is not None and low <= NOT_A_VALID_ANSWER:
                self._add("answer", code, "NULL", f'"i_{code}" = {NOT_A_VALID_ANSWER}', detail=self._scale(code),
                          source=stage)
        if len(self.ctx.instruments) > 1:
            self._per_form(codes, stage)
        every = " AND ".join(f'"i_{c}" IS NULL' for c in codes)
        self._add("no_answers", "", "NULL", every, source=stage)

    def _per_form(self, codes: list[str], stage: str) -> None:
        """Health: an answer on the other form's item, or outside its own form's scale."""
        for code in codes:
            having = self.ctx.items_of(code)
            valid = " ".join(f"WHEN '{i.instrument_id}' THEN s.\"i_{code}\" IN "
                             f"({', '.join(str(v) for v in accepted_values(i, item))})" for i, item in having)
            on_form = ", ".join(f"'{i.instrument_id}'" for i, _item in having)
            self.con.execute(f"""
                INSERT INTO survey_problem
                SELECT s.rec, CASE WHEN r.instrument_id IN ({on_form}) THEN 'answer' ELSE 'not_on_form' END, ?, NULL,
                       CASE WHEN r.instrument_id IN ({on_form}) THEN ? ELSE r.form END,
                       CASE WHEN r.instrument_id IN ({on_form}) THEN ? ELSE r.form END, NULL
                FROM {stage} s JOIN survey_rows r USING (rec)
                WHERE s."i_{code}" >= 0 AND r.instrument_id IS NOT NULL
                  AND NOT coalesce(CASE r.instrument_id {valid} ELSE FALSE END, FALSE)""",
                             [code, *self._scale(code)])

    def _scale(self, code: str) -> tuple[str, str]:
        """'from 1 to 5 (or 0: did not use / no opinion)' for an item, over the forms that have it."""
        ranges = sorted({(item.value_min, item.value_max, instrument.na_code if instrument.accepts_na(item) else None)
                         for instrument, item in self.ctx.items_of(code)}, key=lambda r: (r[0], r[1], r[2] is None))
        low, high, na = ranges[0]
        en, vi = f"from {low} to {high}", f"từ {low} đến {high}"
        if na is not None:
            en += f" (or {na}: did not use / no opinion)"
            vi += f" (hoặc {na}: không sử dụng / không ý kiến)"
        return en, vi

    def shape(self) -> None:
        stage = "(SELECT rowid + 1 AS rec, * FROM survey_stage WHERE NOT blank)"
        self._add("ragged", "", "extra", "extra IS NOT NULL", source=stage)
        for position, header in enumerate(self.layout.headers):
            if not header:
                self._add("unnamed", f"#{position + 1}", f"trim(unnamed_{position})",
                          f"nullif(trim(unnamed_{position}), '') IS NOT NULL", source=stage)

    def fill_answer_values(self) -> None:
        """Answers are typed as they are read; the text of the refused ones is read again for the report."""
        codes = [c for (c,) in self.con.execute(
            "SELECT DISTINCT col FROM survey_problem WHERE value IS NULL AND code IN ('answer', 'not_on_form')")
            .fetchall()]
        if not codes:
            return
        read_text(self.con, self.layout, "survey_answer_text",
                  "SELECT rec FROM survey_problem WHERE code IN ('answer', 'not_on_form')")
        for code in codes:
            self.con.execute(
                f"UPDATE survey_problem p SET value = trim(t.cell_{self.ctx.match.items[code]}) "
                "FROM survey_answer_text t WHERE t.rec = p.rec AND p.col = ? AND p.code IN ('answer', 'not_on_form')",
                [code])

    def outcome(self) -> tuple[int, int]:
        """(rows with a problem, rows without)."""
        rejected = self.con.execute("SELECT count(DISTINCT rec) FROM survey_problem").fetchall()[0][0]
        return rejected, self.records - rejected
