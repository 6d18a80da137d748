"""What a survey load tells people: the reasons of every check in Vietnamese and English, the problems of the
file as a whole (its header; nothing under it), and the report of row problems, at most REPORT_CAP of each kind
(same check, same column) with file, row, column, value and reason, then how many more there are."""
from __future__ import annotations

import duckdb

from etl.loaders.survey_instruments import Instrument
from etl.loaders.survey_read import Layout
from etl.loaders.survey_spec import KINDS, HeaderMatch, SurveyKind, guess_kind
from etl.names import name_key, nearest
from etl.problems import Problem
from etl.readers import get_column_letter

REPORT_CAP = 1000  # problems listed per kind of problem; the rest are counted

# Reasons by check: (English, Vietnamese); {detail} and {row} are filled per problem.
MESSAGES = {
    "required": ("a value is required", "bắt buộc phải có giá trị"),
    "dup_in_file": ("respondent_id appears more than once in this file for {detail} (also row {row})",
                    "mã người trả lời bị trùng trong tệp, cùng năm {detail} (trùng dòng {row})"),
    "dup_loaded": ("respondent_id already loaded for {detail}", "mã người trả lời đã được nạp: {detail}"),
    "year": ("not a year: write the survey year as a whole number, such as 2024",
             "không phải năm: ghi năm khảo sát bằng số nguyên, ví dụ 2024"),
    "year_range": ("the year is outside the accepted range {detail}: write the year the survey was carried out",
                   "năm nằm ngoài khoảng chấp nhận {detail}: ghi năm thực hiện khảo sát"),
    "date": ("not a date: write dd/mm/yyyy or yyyy-mm-dd", "không phải ngày: ghi dd/mm/yyyy hoặc yyyy-mm-dd"),
    "date_range": ("the survey date is outside the accepted range {detail}: write the day the survey was carried "
                   "out as dd/mm/yyyy or yyyy-mm-dd (a date such as 01/01/1900, 01/01/1970 or 01/01/0001 usually "
                   "comes from an empty or mistyped cell in Excel)",
                   "ngày khảo sát nằm ngoài khoảng chấp nhận {detail}: ghi ngày thực hiện khảo sát dạng dd/mm/yyyy "
                   "hoặc yyyy-mm-dd (ngày như 01/01/1900, 01/01/1970 hay 01/01/0001 thường do ô trống hoặc gõ "
                   "nhầm trong Excel)"),
    "year_vs_date": ("the year differs from the survey date's year ({detail})",
                     "năm khác với năm của ngày khảo sát ({detail})"),
    "year_vs_option": ("the row is for {detail}, not the year given with --year",
                       "dòng này thuộc năm {detail}, không phải năm khai báo với --year"),
    "option_range": ("the year given with --year must be from {detail}: load again with the year the survey was "
                     "carried out", "năm khai báo với --year phải từ {detail}: hãy nạp lại với năm thực hiện khảo sát"),
    "no_year": ("no year: load with --year, or fill the year or survey_date column",
                "không có năm: nạp với --year, hoặc điền cột năm hay ngày khảo sát"),
    "weight": ("the weight must be a number greater than 0", "trọng số phải là số lớn hơn 0"),
    "partly_blank_weight": ("the weight is blank here but filled on {detail} other row(s): fill in every row's "
                            "weight, or leave the weight column blank on every row for an unweighted survey",
                            "trọng số để trống ở dòng này nhưng có ở {detail} dòng khác: hãy điền trọng số cho mọi "
                            "dòng, hoặc để trống cả cột nếu khảo sát không dùng trọng số"),
    "partly_blank_stratum": ("the stratum is blank here but filled on {detail} other row(s): fill in every row's "
                             "stratum, or leave the stratum column blank on every row if the sample was not "
                             "stratified",
                             "tầng mẫu để trống ở dòng này nhưng có ở {detail} dòng khác: hãy điền tầng mẫu cho mọi "
                             "dòng, hoặc để trống cả cột nếu mẫu không phân tầng"),
    "partly_blank_psu": ("the cluster (psu) is blank here but filled on {detail} other row(s): fill in every row's "
                         "cluster, or leave the psu column blank on every row",
                         "cụm (đơn vị mẫu cấp 1) để trống ở dòng này nhưng có ở {detail} dòng khác: hãy điền cụm "
                         "cho mọi dòng, hoặc để trống cả cột"),
    "coded": ("not an accepted value; use one of: {detail}", "giá trị không hợp lệ; dùng một trong: {detail}"),
    "province": ("{detail}", "{detail}"),
    "facility_in_file": ("{detail}", "{detail}"),
    "facility_registered": ("{detail}", "{detail}"),
    "answer": ("the answer must be a whole number {detail}", "câu trả lời phải là số nguyên {detail}"),
    "not_on_form": ("this item is not on the {detail} form; leave it blank",
                    "câu hỏi này không có trong phiếu {detail}; hãy để trống"),
    "no_answers": ("the row has no answers", "dòng không có câu trả lời nào"),
    "ragged": ("the row has more cells than the header has columns", "dòng có nhiều ô hơn số cột của tiêu đề"),
    "unnamed": ("a cell under a column with no header holds data", "có dữ liệu ở cột không có tiêu đề"),
}

_FILE_TEXT = {
    "missing": ("required column '{required}' is missing (accepted headers: {aliases})",
                "thiếu cột bắt buộc '{required}' (tên cột được chấp nhận: {aliases})"),
    "missing_items": ("item columns missing for the {form} form: {codes}",
                      "thiếu cột câu hỏi của phiếu {form}: {codes}"),
    "twice": ("columns '{first}' and '{other}' both mean '{meaning}'; keep one",
              "hai cột '{first}' và '{other}' cùng có nghĩa '{meaning}'; giữ một cột"),
    "unused": ("columns not used: {names}", "các cột không dùng đến: {names}"),
    "unused_named": ('{header} (did you mean "{suggestion}"?)', '{header} (có phải "{suggestion}"?)'),
    "is_it": ('; is it the column "{header}"? Rename it', '; có phải là cột "{header}"? Hãy đổi tên cột'),
    "wrong_kind": ("this looks like a {other_en} file, not a {this_en} file; load it as: "
                   "python -m etl load {other} FILE",
                   "tệp này có vẻ là tệp {other_vi}, không phải {this_vi}; hãy nạp bằng lệnh: "
                   "python -m etl load {other} FILE"),
    "header_only": ("header only, no data rows", "tệp chỉ có dòng tiêu đề, không có dòng dữ liệu"),
    "no_year": ("no year: load with --year Y, or add a year or survey_date column",
                "không có năm: nạp với --year Y, hoặc thêm cột năm hay ngày khảo sát"),
    "partly_blank": ("column {column} is filled on {filled:,} row(s) and blank on {blank:,} (the blank rows are "
                     "listed): it must be filled on every row or on none. {fix} This is a problem of the whole "
                     "file, so it is refused as a whole, also with --keep-valid",
                     "cột {column} có giá trị ở {filled:,} dòng và để trống ở {blank:,} dòng (các dòng trống được "
                     "liệt kê): cột này phải được điền ở mọi dòng hoặc để trống ở mọi dòng. {fix} Đây là lỗi của "
                     "cả tệp nên cả tệp bị từ chối, kể cả khi dùng --keep-valid"),
    "more": ("… and {n:,} more row(s) with this problem: {reason} (the report lists the first {cap:,} rows of each "
             "problem)", "… và {n:,} dòng khác có cùng lỗi: {reason} (báo cáo liệt kê {cap:,} dòng đầu của mỗi lỗi)"),
}


# How to fix a column filled on some rows only, by column: (English, Vietnamese).
_PARTLY_BLANK_FIX = {
    "weight": ("Fill in every row's weight, or leave the column blank on every row for an unweighted survey "
               "(every respondent then counts once).",
               "Hãy điền trọng số cho mọi dòng, hoặc để trống cả cột nếu khảo sát không dùng trọng số (khi đó mỗi "
               "người trả lời được tính một lần)."),
    "stratum": ("Fill in every row's stratum, or leave the column blank on every row if the sample was not "
                "stratified.",
                "Hãy điền tầng mẫu cho mọi dòng, hoặc để trống cả cột nếu mẫu không phân tầng."),
    "psu": ("Fill in every row's cluster (primary sampling unit), or leave the column blank on every row if the "
            "sample was not drawn in clusters (health and education figures then take the hospital or the school "
            "as the cluster).",
            "Hãy điền cụm (đơn vị mẫu cấp 1) cho mọi dòng, hoặc để trống cả cột nếu mẫu không chọn theo cụm (khi "
            "đó số liệu y tế lấy bệnh viện, giáo dục lấy trường làm cụm)."),
}


def _file_problem(name: str, key: str, row: int | None = None, column: str | None = None, severity: str = "error",
                  **args) -> Problem:
    en, vi = _FILE_TEXT[key]
    return Problem(name, row, column, None, en.format(**args), vi.format(**args), severity)


def header_problems(layout: Layout, kind: SurveyKind, match: HeaderMatch, instruments: list[Instrument],
                    items_by_survey: dict[str, list[str]], option_year: int | None) -> list[Problem]:
    """Missing and doubled columns, a file of another kind, no year, header only; unused columns as a warning."""
    name, row = layout.file_name, layout.header_row
    problems = []
    missing = missing_columns(kind, match)
    wrong = other_kind(layout, kind, match, instruments, items_by_survey)
    if wrong:  # the file's own kind is the one useful thing to say; its missing columns are noise
        return [wrong]
    suggested = header_suggestions(layout, kind, match, instruments)
    for column in missing:
        problems.append(_with_hint(_file_problem(name, "missing", row, column.name, required=column.name,
                                                 aliases=", ".join(column.aliases)), suggested, [column.name]))
    for column, first, other in match.duplicates:
        problems.append(_file_problem(name, "twice", row, layout.headers[other], first=layout.headers[first],
                                      other=layout.headers[other], meaning=column))
    if len(instruments) == 1:  # health forms are checked once the forms in the file are known
        problems += item_problems(layout, match, instruments, suggested)
    if option_year is None and "year" not in match.columns and "survey_date" not in match.columns:
        problems.append(_file_problem(name, "no_year", row))
    if match.unused:
        labels = [[_unused_label(layout.headers[p], suggested, lang) for p in match.unused] for lang in (0, 1)]
        en, vi = _FILE_TEXT["unused"]
        problems.append(Problem(name, row, None, None, en.format(names=", ".join(labels[0])),
                                vi.format(names=", ".join(labels[1])), "warning"))
    return problems


def missing_columns(kind: SurveyKind, match: HeaderMatch) -> list:
    """The required columns the file has no header for."""
    return [c for c in kind.columns if c.required and c.name not in match.columns]


def other_kind(layout: Layout, kind: SurveyKind, match: HeaderMatch, instruments: list[Instrument],
               items_by_survey: dict[str, list[str]]) -> Problem | None:
    """The one problem of a file of another survey kind (asked only when columns are missing), or None."""
    absent_items = any(code not in match.items for i in instruments for code in i.item_codes())
    if not (missing_columns(kind, match) or absent_items):
        return None
    other = guess_kind(layout.headers, items_by_survey, kind.survey)
    if not other:
        return None
    o = KINDS[other]
    return _file_problem(layout.file_name, "wrong_kind", layout.header_row, other=other, other_en=o.name_en,
                         other_vi=o.name_vi, this_en=kind.name_en, this_vi=kind.name_vi)


def content_problems(layout: Layout, records: int) -> list[Problem]:
    """After the full read: rows DuckDB could not split, and a file with a header and nothing under it."""
    problems = list(layout.malformed)
    if records == 0 and not problems:
        problems.append(_file_problem(layout.file_name, "header_only", layout.header_row))
    return problems


def item_problems(layout: Layout, match: HeaderMatch, instruments: list[Instrument],
                  suggested: dict[str, str] | None = None) -> list[Problem]:
    """Item columns a form needs that the file lacks, one problem per form listing them (and the file's unused
    header that looks like one of them)."""
    if suggested is None:
        suggested = _suggestions(layout, match, {}, [c for i in instruments for c in i.item_codes()])
    problems = []
    for instrument in instruments:
        absent = [code for code in instrument.item_codes() if code not in match.items]
        if absent:
            problems.append(_with_hint(_file_problem(layout.file_name, "missing_items", layout.header_row,
                                                     ", ".join(absent), form=instrument.form, codes=", ".join(absent)),
                                       suggested, absent))
    return problems


def header_suggestions(layout: Layout, kind: SurveyKind, match: HeaderMatch,
                       instruments: list[Instrument]) -> dict[str, str]:
    """Unused header -> the expected column or item it nearly spells ('C3x' -> 'C3', 'tinh thanh phos' ->
    'province'), compared without diacritics against the columns and items the file lacks."""
    columns = {name_key(spelling): c.name for c in kind.columns if c.name not in match.columns
               for spelling in (c.name, *c.aliases)}
    return _suggestions(layout, match, columns, [c for i in instruments for c in i.item_codes()])


def _suggestions(layout: Layout, match: HeaderMatch, columns: dict[str, str], codes: list[str]) -> dict[str, str]:
    candidates = dict(columns)
    candidates.update({name_key(code): code for code in codes if code not in match.items})
    found = {}
    for position in match.unused:
        suggestion = nearest(layout.headers[position], candidates)
        if suggestion:
            found[layout.headers[position]] = suggestion
    return found


def _unused_label(header: str, suggested: dict[str, str], lang: int) -> str:
    """An unused header as the report names it, with the column it nearly spells; lang 0 English, 1 Vietnamese."""
    if header not in suggested:
        return header
    return _FILE_TEXT["unused_named"][lang].format(header=header, suggestion=suggested[header])


def _with_hint(problem: Problem, suggested: dict[str, str], names: list[str]) -> Problem:
    """The problem of a missing column, naming the file's header that looks like it."""
    headers = [h for h, name in suggested.items() if name in names]
    if not headers:
        return problem
    en, vi = _FILE_TEXT["is_it"]
    listed = '", "'.join(headers)
    return Problem(problem.file, problem.row, problem.column, problem.value,
                   problem.message_en + en.format(header=listed), problem.message_vi + vi.format(header=listed),
                   problem.severity)


def partly_blank_problems(layout: Layout, match: HeaderMatch,
                          partly_blank: list[tuple[str, int, int]]) -> list[Problem]:
    """One problem of the whole file per weight, stratum or psu column filled on some rows only (the rows
    themselves are in the report)."""
    problems = []
    for column, filled, blank in partly_blank:
        label = column_label(layout, match, column)
        fix_en, fix_vi = _PARTLY_BLANK_FIX[column]
        en, vi = _FILE_TEXT["partly_blank"]
        problems.append(Problem(layout.file_name, None, label, None,
                                en.format(column=label, filled=filled, blank=blank, fix=fix_en),
                                vi.format(column=label, filled=filled, blank=blank, fix=fix_vi)))
    return problems


def column_label(layout: Layout, match: HeaderMatch, col: str) -> str:
    """The header as the file writes it, for a canonical column or item code."""
    if col.startswith("#"):  # an unnamed column: its spreadsheet letter
        return get_column_letter(int(col[1:]))
    position = match.position(col)
    return layout.headers[position] if position is not None else col


def report(con: duckdb.DuckDBPyConnection, layout: Layout, match: HeaderMatch, cap: int = REPORT_CAP) -> list[Problem]:
    """Problems of `survey_problem` for people: at most `cap` per (check, column), file rows worked out, the
    rest counted."""
    listed = con.execute(
        "SELECT rec, code, col, value, detail_en, detail_vi, other_rec FROM survey_problem "
        "QUALIFY row_number() OVER (PARTITION BY code, col ORDER BY rec) <= ? ORDER BY rec, col", [cap]).fetchall()
    counts = con.execute("SELECT code, col, count(*) FROM survey_problem GROUP BY ALL "
                         "HAVING count(*) > ? ORDER BY min(rec)", [cap]).fetchall()
    rows = layout.file_rows({r[0] for r in listed} | {r[6] for r in listed if r[6] is not None})
    name = layout.file_name
    problems, first = [], {}
    for rec, code, col, value, detail_en, detail_vi, other in listed:
        en, vi = MESSAGES[code]
        other_row = rows.get(other, "?") if other is not None else ""
        problem = Problem(name, rows.get(rec), column_label(layout, match, col) or None, value,
                          en.format(detail=detail_en or "", row=other_row),
                          vi.format(detail=detail_vi or "", row=other_row))
        first.setdefault((code, col), problem)
        problems.append(problem)
    positions = {c: i for i, c in enumerate(layout.headers)}
    problems.sort(key=lambda p: (p.row or 0, positions.get(p.column, -1)))
    for code, col, n in counts:
        example = first[(code, col)]
        en, vi = _FILE_TEXT["more"]
        problems.append(Problem(name, None, example.column, None,
                                en.format(n=n - cap, reason=example.message_en, cap=cap),
                                vi.format(n=n - cap, reason=example.message_vi, cap=cap)))
    return problems
