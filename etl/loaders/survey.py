"""Survey files (`python -m etl load sipas|health|education FILE`): staged and checked inside DuckDB, then
written all or nothing (or, with --keep-valid, the valid rows, the others quarantined with their reasons).

Staging runs on etl.load's staging connection (an in-memory DuckDB with the store attached read-only), so
reading, typing and checking a million rows never holds the store's write lock; the temp tables it leaves
(`survey_stage`, `survey_rows`, `survey_problem`, the quarantine rows) are what the write, on the same connection
once the store is attached for writing, only inserts.

The steps, each in its own module: survey_instruments (the questionnaires), survey_spec (what the columns mean),
survey_read (the file's layout, read by DuckDB), survey_rows (typed rows and answers, provinces resolved),
survey_validate (row checks), survey_report (what is wrong, where) and survey_write (the rows to write, and the
inserts under the batch).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import duckdb

from etl.db import first_row
from etl.loaders import LoaderSpec, OptionError, StagedLoad
from etl.loaders.survey_instruments import InstrumentError, instruments_from_store, instruments_from_yaml
from etl.loaders.survey_read import Layout, ReadRejected, open_file
from etl.loaders.survey_rows import YEAR_RANGE, RowContext, build_rows, stage
from etl.loaders.survey_spec import KINDS, SURVEYS, match_headers
from etl.loaders.survey_report import (REPORT_CAP, content_problems, header_problems, item_problems,
                                        missing_columns, other_kind, partly_blank_problems, report)
from etl.loaders.survey_validate import RowChecks
from etl.loaders.survey_write import (breakdown, prepare_quarantine, retire_replaced, write_quarantine,
                                      write_survey)
from etl.problems import LoadRejected, LoadResult, Problem
from etl.readers import ReadProblem

# Options that belong to the PAR INDEX kinds; given with a survey they are a usage error, not ignored.
PAR_OPTIONS = ("level", "parent", "framework", "stage", "allow_incomplete", "create_units", "replace")


@dataclass
class SurveyLoadResult(LoadResult):
    """A survey load: rows refused (quarantined with --keep-valid) and respondents per province, hospital or
    school, for the summary printed after the one-line result."""

    rejected: int = 0
    breakdown: list[tuple[str, int]] = field(default_factory=list)
    breakdown_of: str = "province"  # province | hospital | school


def check_options(options: dict) -> dict:
    """--year (optional), --keep-valid, --replace-batch BATCH_ID, --sheet; PAR INDEX options refused."""
    for key in PAR_OPTIONS:
        if options.get(key):
            hint = "; to put a corrected file in place of an earlier batch use --replace-batch BATCH_ID" \
                if key == "replace" else ""
            raise OptionError(f"--{key.replace('_', '-')} is not an option of survey loads{hint}")
    year = options.get("year")
    if year is not None:
        try:
            options["year"] = int(year)
        except (TypeError, ValueError) as exc:
            raise OptionError(f"--year must be a year, not {year!r}") from exc
        if not YEAR_RANGE[0] <= options["year"] <= YEAR_RANGE[1]:
            raise OptionError(f"--year must be between {YEAR_RANGE[0]} and {YEAR_RANGE[1]}")
    replace = options.get("replace_batch")
    if replace is not None:
        try:
            options["replace_batch"] = int(replace)
        except (TypeError, ValueError) as exc:
            raise OptionError(f"--replace-batch must be a batch number, not {replace!r}") from exc
    options["keep_valid"] = bool(options.get("keep_valid"))
    return options


def _refuse(name: str, en: str, vi: str) -> LoadRejected:
    return LoadRejected([Problem(name, None, None, None, en, vi)])


def _check_batch_state(con: duckdb.DuckDBPyConnection, survey: str, name: str, sha256: str, source: str,
                       replace: int | None) -> None:
    """The batch to replace exists and is a current batch of this survey; the same file is not current twice."""
    if replace is not None:
        row = first_row(con, "SELECT kind, source, status FROM batch WHERE batch_id = ?", [replace])
        if row is None or row[0] != survey or row[1] != source or row[2] != "current":
            state = "does not exist" if row is None else f"is a {row[2]} {row[1]} {row[0]} batch"
            state_vi = "không tồn tại" if row is None else f"là lô {row[0]} ({row[1]}, {row[2]})"
            raise _refuse(name, f"--replace-batch {replace}: batch {replace} {state}; name a current {source} "
                                f"{survey} batch (python -m etl batches lists them)",
                          f"--replace-batch {replace}: lô {replace} {state_vi}; hãy chọn một lô {survey} ({source}) "
                          "đang hiện hành (xem bằng lệnh python -m etl batches)")
    same = first_row(con, "SELECT batch_id FROM batch WHERE kind = ? AND sha256 = ? AND status = 'current' "
                          "AND batch_id IS DISTINCT FROM ?", [survey, sha256, replace])
    if same:
        raise _refuse(name, f"this file was already loaded as batch {same[0]}; remove that batch first to load it "
                            "again", f"tệp này đã được nạp (lô {same[0]}); hãy gỡ lô đó trước nếu muốn nạp lại")


def _expected_headers(survey: str, item_codes: list[str]) -> list[str]:
    """Header spellings distinctive enough to find the header row (one-word Vietnamese ones such as 'tinh'
    or 'nam' also appear in title rows)."""
    columns = KINDS[survey].columns
    return [c.name for c in columns] + [a for c in columns for a in c.aliases if "_" in a] + item_codes


def stage_survey(con: duckdb.DuckDBPyConnection, path: Path, name: str, options: dict, *, survey: str, sha256: str,
                 source: str, max_bytes: int, workdir: Path,
                 progress: Callable[[float, str], None] | None = None) -> StagedLoad:
    """Stage, type and check the file; return how to write it, or raise LoadRejected with every problem.

    `con` is etl.load's staging connection: the store's tables read unqualified, attached read-only (nothing here
    can write to it). The StagedLoad's `write(writer)` runs on the same connection once etl.load has attached the
    store for writing, and reads the temp tables made here."""
    say = progress or (lambda _f, _s: None)
    kind = KINDS[survey]
    replace = options.get("replace_batch")
    try:
        instruments = instruments_from_store(con, survey)
    except InstrumentError as exc:
        raise _refuse(name, str(exc), str(exc)) from exc
    items_by_survey = {s: [i.code for inst in instruments_from_yaml(s) for i in inst.items] for s in SURVEYS}
    codes = list(dict.fromkeys(c for inst in instruments for c in inst.item_codes()))
    _check_batch_state(con, survey, name, sha256, source, replace)
    try:
        layout = open_file(con, path, name, workdir, expected_headers=_expected_headers(survey, codes),
                           sheet=options.get("sheet"), max_bytes=max_bytes, progress=say)
        match = match_headers(layout.headers, kind, codes)
        wrong = other_kind(layout, kind, match, instruments, items_by_survey)
        if wrong:  # rows checked against the wrong questionnaire would only bury the one useful message
            raise LoadRejected(layout.warnings + [wrong])
        # A header problem does not stop the checks: every column and row that can still be checked is, so that
        # one report lists everything to fix (a missing column's own rows are not listed again, see below).
        problems = header_problems(layout, kind, match, instruments, items_by_survey, options.get("year"))
        ctx = RowContext(kind, instruments, match, options.get("year"))
        say(0.25, "reading")
        stage(con, layout, ctx, progress=say)
    except ReadProblem as exc:
        raise LoadRejected([Problem(exc.file, exc.row, exc.column, exc.value, exc.message_en, exc.message_vi)]) \
            from exc
    except ReadRejected as exc:
        raise LoadRejected(exc.problems) from exc
    except duckdb.Error as exc:  # a file DuckDB's reader gives up on even when told to skip bad rows
        reason = str(exc).strip().splitlines()[0]
        raise _refuse(name, f"the file cannot be read as a table: {reason}. Save it again as CSV UTF-8 or .xlsx",
                      f"không đọc được tệp thành bảng: {reason}. Hãy lưu lại dưới dạng CSV UTF-8 hoặc .xlsx") from exc
    say(0.45, "checking")
    build_rows(con, ctx)
    records = con.execute("SELECT count(*) FROM survey_rows").fetchall()[0][0]
    problems += content_problems(layout, records)
    if len(instruments) > 1:  # health: the forms used decide which item columns must be there
        used = {r[0] for r in con.execute("SELECT DISTINCT instrument_id FROM survey_rows").fetchall()}
        problems += item_problems(layout, match, [i for i in instruments if i.instrument_id in used])
    if records == 0:  # nothing under the header: nothing more to check
        _refuse_if_errors(layout, problems)
    checks = RowChecks(con, layout, ctx, source=source, replaced_batch=replace)
    checks.run()
    _drop_echoes(con, kind, match, problems)
    rejected, valid = checks.outcome()
    whole_file = _errors(problems)
    if rejected or whole_file:
        found = report(con, layout, match, REPORT_CAP) if rejected else []
        # a column filled on some rows only is the whole file's problem: no subset of its rows is right to load
        whole = partly_blank_problems(layout, match, checks.partly_blank)
        if whole_file or whole or not options.get("keep_valid") or valid == 0:
            raise LoadRejected(layout.warnings + problems + whole + found)
        # kept rows load; the report stays with the result as warnings, the rows in survey_quarantine
        problems += [Problem(p.file, p.row, p.column, p.value, p.message_en, p.message_vi, "warning") for p in found]
    return _prepared(con, layout, ctx, layout.warnings + problems, rejected, valid, source=source, replace=replace,
                     say=say)


def _drop_echoes(con: duckdb.DuckDBPyConnection, kind, match, problems: list[Problem]) -> None:
    """Row problems that only repeat a header problem: 'a value is required' on every row of a missing column,
    'no year' on every row of a file already told it has no year column."""
    missing = [c.name for c in missing_columns(kind, match)]
    if missing:
        con.execute("DELETE FROM survey_problem WHERE code = 'required' AND list_contains(?, col)", [missing])
    if "year" not in match.columns and "survey_date" not in match.columns and _errors(problems):
        con.execute("DELETE FROM survey_problem WHERE code = 'no_year'")


def _refuse_if_errors(layout: Layout, problems: list[Problem]) -> None:
    if _errors(problems):
        raise LoadRejected(layout.warnings + problems)


def _errors(problems: list[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


def _prepared(con: duckdb.DuckDBPyConnection, layout: Layout, ctx: RowContext, problems: list[Problem],
              rejected: int, valid: int, *, source: str, replace: int | None, say) -> StagedLoad:
    """Everything the write needs, made while staging; the write itself only inserts."""
    survey = ctx.kind.survey
    years = ", ".join(str(r[0]) for r in con.execute(
        "SELECT DISTINCT row_year FROM survey_rows WHERE row_year IS NOT NULL ORDER BY 1").fetchall())
    note = f"{survey} {years}: {valid} respondents" + (f", {rejected} rows quarantined" if rejected else "")
    if rejected:
        prepare_quarantine(con, layout)
    by_place = breakdown(con, ctx, refused=rejected > 0)

    def write(writer) -> None:
        say(0.6, "writing")
        if replace is not None:
            retire_replaced(writer, replace)
        write_survey(writer, ctx, source=source, replaced=replace, refused=rejected > 0)
        if rejected:
            write_quarantine(writer, survey)
        say(1.0, "done")

    def finish(writer) -> SurveyLoadResult:
        warnings = [p for p in problems if p.severity == "warning"]
        return SurveyLoadResult(writer.batch_id, survey, writer.rows, layout.file_name, warnings,
                                writer.replaced_batch_id, rejected=rejected, breakdown=by_place,
                                breakdown_of=ctx.kind.facility_type or "province")

    return StagedLoad(write, finish, note)


def _spec(survey: str, vi: str, en: str) -> LoaderSpec:
    def stage_this_survey(con, path, name, options, **context):
        return stage_survey(con, path, name, options, survey=survey, **context)

    return LoaderSpec(kind=survey, description_vi=vi, description_en=en, columns=(), validate=None,
                      check_options=check_options, stage=stage_this_survey)


SPECS = (
    _spec("sipas", "Tệp khảo sát SIPAS (Chỉ số hài lòng về sự phục vụ hành chính)",
          "SIPAS survey files (satisfaction with public administrative services)"),
    _spec("health", "Tệp khảo sát hài lòng người bệnh (nội trú, ngoại trú)",
          "Health satisfaction survey files (inpatient, outpatient)"),
    _spec("education", "Tệp khảo sát hài lòng về dịch vụ giáo dục công", "Education satisfaction survey files"),
)
