"""Reading a survey file into DuckDB without holding it in Python.

The layout (encoding, delimiter, title rows, header row) is found by the shared reader, etl.readers.read_table,
on the first 64 KB. What DuckDB cannot read (UTF-16, Windows-1258) is transcoded to UTF-8 in one streaming
pass, NFC-normalised as it goes. The file is then a SQL source with one text column per header position,
`cell_0` .. `cell_N`, plus `cell_extra`, the first non-empty cell beyond the header when a row has more cells
than the header has columns. `read_into` runs one query over that source into a temp table (the survey loader
types the answers in the same pass); a record is numbered by its position in that table (rowid + 1): blank
lines are not records, all-blank rows are.

File rows (as a spreadsheet numbers them) are worked out only for the records a report names: a second pass
over the file, made only when something is wrong; `read_text` likewise re-reads the cells of such records.
"""
from __future__ import annotations

import codecs
import csv
import io
import threading
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import duckdb
import numpy as np
import pandas as pd

from etl import limits as work_limits
from etl.problems import Problem
from etl.readers import HEADER_SCAN_ROWS, ReadProblem, check_text_sample, read_table
from etl.readers import _bad_byte_line, _detect_delimiter  # the shared reader's rules, not re-invented here
from etl.workbook_guard import check_workbook

SAMPLE_BYTES = 64 * 1024
SLACK = 32  # cells a row may have beyond the header and still be read (and reported as ragged)
CHUNK = 1 << 20
_REJECTS, _SCANS = "survey_csv_rejects", "survey_csv_scans"
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_MAX_BLANKED = 40  # broken rows in the sample set aside while finding the header
PREPARED = "utf8.csv"  # the UTF-8 copy `prescan` leaves in the work folder, with its encoding beside it

Progress = Callable[[float, str], None]

_TEXT = {
    "too_large": ("Tệp quá lớn: {size}, vượt giới hạn {limit}.", "File too large: {size}, over the limit of {limit}."),
    "decode": ("Có ký tự không đọc được theo bảng mã {enc}. Hãy lưu lại dưới dạng CSV UTF-8.",
               "Characters that are not valid {enc}. Save the file again as CSV UTF-8."),
    "malformed": ("Dòng không tách được thành các cột ({error}): \"{line}\"",
                  "Row cannot be split into columns ({error}): \"{line}\""),
    "w_cp1258": ("Tệp không phải UTF-8 sau 64 KB đầu; đã đọc theo bảng mã Windows-1258",
                 "not UTF-8 after the first 64 KB; read as Windows-1258"),
    "w_titles": ("Bỏ qua dòng tiêu đề phía trên bảng: dòng {span}", "title row(s) {span} skipped"),
    "line": ("Dòng dài hơn {limit} ký tự, vượt giới hạn. Kiểm tra dấu xuống dòng và dấu ngoặc kép; hãy lưu lại "
             "dưới dạng CSV UTF-8.", "Line longer than {limit} characters, over the limit. Check the line breaks "
             "and quotes; save the file again as CSV UTF-8."),
    "columns": ("Dòng có {cells} ô, vượt giới hạn {limit} cột. Hãy xóa các ô thừa cuối dòng.",
                "Row has {cells} cells, over the limit of {limit} columns. Delete the stray cells at the end of "
                "the row."),
    "cell": ("Ô dài {chars} ký tự, vượt giới hạn {limit} ký tự (mức tối đa của một ô Excel). Hãy rút ngắn nội dung "
             "ô; có thể thiếu dấu ngoặc kép đóng.", "Cell of {chars} characters, over the limit of {limit} (the most "
             "an Excel cell holds). Shorten it; perhaps a closing quote is missing."),
    "rows": ("Tệp có hơn {limit} dòng, vượt giới hạn. Hãy chia thành nhiều tệp.",
             "The file has more than {limit} rows, over the limit. Split it into several files."),
    "time": ("Đọc và kiểm tra tệp mất hơn {limit} giây, vượt giới hạn. Hãy chia thành nhiều tệp nhỏ hơn.",
             "Reading and checking the file took more than {limit} s, over the limit. Split it into smaller "
             "files."),
}


def _problem(file: str, key: str, row: int | None = None, value: str | None = None, severity: str = "error",
             **args) -> Problem:
    vi, en = _TEXT[key]
    return Problem(file, row, None, value, en.format(**args), vi.format(**args), severity)


class ReadRejected(Exception):
    """The file cannot be read as a table; `problems` say why (file-level: no row can be trusted)."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems[0].message_en if problems else "rejected")
        self.problems = problems


@dataclass
class Layout:
    """How a file is laid out and where DuckDB reads it from."""

    file_name: str
    headers: list[str]  # header text by position ('' for an unnamed column)
    header_row: int
    encoding: str | None  # None for a workbook
    delimiter: str | None
    sheet: str | None
    path: Path
    workdir: Path
    text_path: Path | None = None  # the UTF-8 file DuckDB reads (the original or a transcoded copy)
    warnings: list[Problem] = field(default_factory=list)
    malformed: list[Problem] = field(default_factory=list)  # rows DuckDB could not split: always refused
    parallel: bool = True
    _workbook_rows: list[int] | None = None
    _skipped_lines: set[int] = field(default_factory=set)

    @property
    def cells(self) -> list[str]:
        return [f"cell_{i}" for i in range(max(len(self.headers), 1))]

    def source(self, types: dict[str, str] | None = None, spill: bool = True) -> tuple[str, list]:
        """A SQL FROM item giving cell_0..cell_N and cell_extra, with its parameters. Cells are text unless
        `types` names a type for DuckDB's reader to parse them as (CSV only). Without `spill` the reader is not
        given the SLACK cells beyond the header: cell_extra is NULL, and a row with a non-empty cell there is a
        TOO MANY COLUMNS reject (DuckDB drops empty ones, which `spill` would read as NULL too)."""
        if self.text_path is None:
            return "survey_workbook", []
        slack = range(SLACK if spill else 0)
        columns = {c: "VARCHAR" for c in self.cells} | (types or {}) | {f"spill_{i}": "VARCHAR" for i in slack}
        spec = ", ".join(f"'{c}': '{t}'" for c, t in columns.items())  # names and types from code only
        extra = "NULL::VARCHAR"
        if spill:
            extra = "coalesce(" + ", ".join(f"nullif(trim(spill_{i}), '')" for i in slack) + ")"
        return (f"(SELECT {', '.join(self.cells)}, {extra} AS cell_extra "
                f"FROM read_csv(?, header = true, skip = ?, delim = ?, quote = '\"', escape = '\"', "
                f"auto_detect = false, null_padding = true, encoding = 'utf-8', columns = {{{spec}}}, "
                f"parallel = {str(self.parallel).lower()}, store_rejects = true, rejects_table = '{_REJECTS}', "
                f"rejects_scan = '{_SCANS}'))", [str(self.text_path), self.header_row - 1, self.delimiter])

    def file_rows(self, recs) -> dict[int, int]:
        """1-based file row of each record number asked for."""
        wanted = {int(r) for r in recs}
        if not wanted:
            return {}
        if self._workbook_rows is not None:
            rows = self._workbook_rows
            return {r: rows[r - 1] for r in wanted if 0 < r <= len(rows)}
        return _record_lines(self.text_path, self.delimiter, self.header_row, self._skipped_lines, wanted)


def _mb(n: int) -> str:
    return f"{n / 2**20:.1f} MB ({n:,} bytes)"


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).strip().strip("\ufeff\u200b").split())


def _size_and_head(path: Path, name: str, max_bytes: int) -> tuple[int, bytes]:
    """The file's size, refused over `max_bytes`, and its first bytes (the sample every check starts from)."""
    size = path.stat().st_size
    if size > max_bytes:
        raise ReadRejected([_problem(name, "too_large", size=_mb(size), limit=_mb(max_bytes))])
    with path.open("rb") as fh:
        return size, fh.read(SAMPLE_BYTES)


def open_file(con: duckdb.DuckDBPyConnection, path: Path, name: str, workdir: Path, *,
              expected_headers: list[str], sheet: str | int | None = None, max_bytes: int,
              progress: Progress | None = None) -> Layout:
    """Find the layout of `path` and make it readable by DuckDB, or raise ReadRejected / ReadProblem."""
    say = progress or (lambda _f, _s: None)
    size, head = _size_and_head(path, name, max_bytes)
    if head.startswith(b"PK\x03\x04"):
        say(0.05, "reading")
        table = read_table(path, display_name=name, sheet=sheet, expected_headers=expected_headers,
                           max_bytes=max_bytes, check_numbers=False)
        return _workbook_layout(con, table, name, path, workdir)
    sample = head if size <= len(head) else _cut_at_line(head)
    say(0.02, "detecting")
    table, encoding = _detect(sample, name, expected_headers, workdir)
    layout = Layout(name, _header_cells(sample, encoding, table.delimiter, table.header_row), table.header_row,
                    encoding, table.delimiter, None, path, workdir, text_path=path)
    if table.header_row > 1:
        span = f"1-{table.header_row - 1}" if table.header_row > 2 else "1"
        layout.warnings.append(_problem(name, "w_titles", severity="warning", span=span))
    prepared = _prepared(workdir)
    if prepared is not None:  # prescan read the whole file before the write lock and transcoded it then
        found, layout.text_path = prepared
        if found == "cp1258" and encoding != "cp1258":
            layout.warnings.append(_problem(name, "w_cp1258", severity="warning"))
        layout.encoding = found
    elif encoding in ("utf-16", "cp1258"):
        layout.text_path = _transcode(path, workdir / PREPARED, encoding, name, size, say)
    return layout


def prescan(path: Path, name: str, workdir: Path, *, max_bytes: int) -> None:
    """Check the file against the limits in force (etl.limits) before the database is opened for writing, and
    leave a UTF-8 copy in `workdir` when DuckDB cannot read it as it is; raise ReadRejected / ReadProblem.

    A workbook: its zip directory and parts (etl.workbook_guard.check_workbook). A text file: one streaming pass that
    splits records as Python's csv module does (quoted cells may span lines), each line read with a length cap so
    a file of one enormous line never sits in memory, refusing a line, a row's cell count, a cell or the number of
    rows over its limit. UTF-16 and Windows-1258 (also when it starts after a UTF-8-looking sample) are written out
    as UTF-8, NFC, in the same pass; open_file then uses that copy.
    """
    size, head = _size_and_head(path, name, max_bytes)
    if head.startswith(b"PK\x03\x04"):
        check_workbook(path, name)
        return
    check_text_sample(head, size <= len(head), name)  # not text at all: the reader's own reasons
    sample = head if size <= len(head) else _cut_at_line(head)
    encoding = _encoding_of(sample)
    delimiter = _detect_delimiter(sample.decode(encoding, errors="replace"), size <= len(head))
    target = workdir / PREPARED
    if encoding == "utf-8":
        try:
            if _fast_scan(path, name, delimiter):
                return
            _scan(path, name, "utf-8", delimiter, None)
            return
        except UnicodeDecodeError:
            encoding = "cp1258"  # read_table's rule: UTF-8 that stops being UTF-8 is Windows-1258
    try:
        _scan(path, name, encoding, delimiter, target if encoding in ("utf-16", "cp1258") else None)
    except UnicodeDecodeError:
        target.unlink(missing_ok=True)
        raise ReadRejected([_problem(name, "decode", row=_bad_byte_line(path, encoding), enc=encoding)]) from None
    if encoding in ("utf-16", "cp1258"):
        (workdir / (PREPARED + ".encoding")).write_text(encoding, "ascii")


_CHUNK = 8 << 20


def _longest_run(block: bytes) -> int:
    """Bytes in the longest stretch of `block` without a line feed: at least the length of its longest line, however
    lines are split (bytes.splitlines also splits at a lone carriage return)."""
    feeds = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == 0x0A)
    if not len(feeds):
        return len(block)
    return int(max(feeds[0], np.diff(feeds).max(initial=1) - 1, len(block) - feeds[-1] - 1))


def _fast_scan(path: Path, name: str, delimiter: str) -> bool:
    """The same checks as `_scan` for a UTF-8 file without any quote character, at C speed: lines are split in
    large binary chunks and cells counted with bytes.count (without quotes, a delimiter always separates cells).
    False as soon as a quote appears (then `_scan` reads the file record by record); UnicodeDecodeError as
    `_scan` would raise it."""
    scope = work_limits.active()
    limits = scope.limits
    sep = delimiter.encode("utf-8")

    def fail(key: str, row: int | None, **args) -> None:
        raise ReadRejected([_problem(name, key, row=row, **args)])

    lines_done, rest = 0, b""
    with path.open("rb") as raw:
        while True:
            chunk = raw.read(_CHUNK)
            data = rest + chunk
            if not chunk:
                cut = len(data)
            else:
                cut = data.rfind(b"\n") + 1
                if cut == 0:      # no line end in 8 MB: one line over any limit, or a quote-free giant
                    if len(data) > 4 * limits.max_line_chars:
                        fail("line", lines_done + 1, limit=f"{limits.max_line_chars:,}")
                    rest = data
                    continue
            block, rest = data[:cut], data[cut:]
            if b'"' in block:
                return False
            block.decode("utf-8")    # invalid UTF-8 raises, as the record reader would
            # Only a line at least this long can break a limit (a cell's characters and a row's cells are at most
            # its bytes): most blocks have none, and skip the line-by-line look.
            long_lines = _longest_run(block) >= min(limits.max_columns, limits.max_cell_chars + 1)
            for offset, line in enumerate(block.splitlines() if long_lines else ()):
                if len(line) > limits.max_cell_chars:   # bytes >= characters: only long lines need a closer look
                    text = line.decode("utf-8")
                    if len(text) > limits.max_line_chars:
                        fail("line", lines_done + offset + 1, limit=f"{limits.max_line_chars:,}")
                    longest = max(map(len, text.split(delimiter)), default=0)
                    if longest > limits.max_cell_chars:
                        fail("cell", lines_done + offset + 1, chars=f"{longest:,}", limit=f"{limits.max_cell_chars:,}")
                if line.count(sep) + 1 > limits.max_columns:
                    fail("columns", lines_done + offset + 1, cells=f"{line.count(sep) + 1:,}",
                         limit=f"{limits.max_columns:,}")
            lines_done += block.count(b"\n") + (0 if block.endswith(b"\n") or not block else 1)
            if lines_done > limits.max_rows + HEADER_SCAN_ROWS:
                fail("rows", limits.max_rows + HEADER_SCAN_ROWS + 1, limit=f"{limits.max_rows:,}")
            if scope.expired():
                fail("time", lines_done, limit=f"{limits.seconds_per_file:g}")
            if not chunk:
                return True


def _scan(path: Path, name: str, encoding: str, delimiter: str, target: Path | None) -> None:
    scope = work_limits.active()
    limits = scope.limits
    line_no = [0]

    def fail(key: str, row: int | None, **args) -> None:
        raise ReadRejected([_problem(name, key, row=row, **args)])

    def lines(fh, out) -> Iterator[str]:
        while True:
            line = fh.readline(limits.max_line_chars + 1)
            if not line:
                return
            if len(line) > limits.max_line_chars:
                fail("line", line_no[0] + 1, limit=f"{limits.max_line_chars:,}")
            line_no[0] += 1
            if out is not None:
                out.write(unicodedata.normalize("NFC", line))
            yield line

    with path.open("rb") as raw, io.TextIOWrapper(raw, encoding=encoding, newline="") as fh, \
            (target.open("w", encoding="utf-8", newline="") if target else _NoFile()) as out:
        source = lines(fh, out if target else None)
        reader = csv.reader(source, delimiter=delimiter)
        records, start = 0, 1
        try:
            for cells in reader:
                records += 1
                if len(cells) > limits.max_columns:
                    fail("columns", start, cells=f"{len(cells):,}", limit=f"{limits.max_columns:,}")
                longest = max(map(len, cells), default=0)
                if longest > limits.max_cell_chars:
                    fail("cell", start, chars=f"{longest:,}", limit=f"{limits.max_cell_chars:,}")
                if records > limits.max_rows + HEADER_SCAN_ROWS:
                    fail("rows", start, limit=f"{limits.max_rows:,}")
                if records % 4096 == 0 and scope.expired():
                    fail("time", start, limit=f"{limits.seconds_per_file:g}")
                start = line_no[0] + 1
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                fail("cell", start, chars=f"> {csv.field_size_limit():,}", limit=f"{limits.max_cell_chars:,}")
            for _ in source:  # a row csv cannot split is DuckDB's to report; the lines are still checked
                if line_no[0] % 65536 == 0 and scope.expired():
                    fail("time", line_no[0], limit=f"{limits.seconds_per_file:g}")


class _NoFile:
    def __enter__(self):
        return None

    def __exit__(self, *exc) -> None:
        return None


def _prepared(workdir: Path) -> tuple[str, Path] | None:
    """(encoding, UTF-8 copy) that prescan left in `workdir`, if any."""
    marker = workdir / (PREPARED + ".encoding")
    if marker.is_file() and (workdir / PREPARED).is_file():
        return marker.read_text("ascii").strip(), workdir / PREPARED
    return None


def read_into(con: duckdb.DuckDBPyConnection, layout: Layout, table: str, projection: str,
              params: list | None = None, progress: Progress | None = None,
              types: dict[str, str] | None = None) -> bool:
    """CREATE TEMP TABLE `table` AS SELECT `projection` FROM the file, every record in file order.

    A UTF-8 sample followed by other bytes means Windows-1258 (read_table's rule): the file is transcoded and
    read again. Rows DuckDB cannot split at all go to `layout.malformed`. With `types`, returns False when a
    cell could not be parsed as its type (DuckDB then leaves the row out: read again without `types`).
    """
    say = progress or (lambda _f, _s: None)
    sql = f"CREATE TEMP TABLE {table} AS SELECT {projection} FROM {{source}}"

    def read() -> list[tuple]:
        # Most files have no cell beyond the header: read them without the SLACK spill columns (parsing 32 more
        # columns per row is a tenth of the read) and again with them only when a row has such a cell.
        found = _run(con, layout, sql, params, table, types, spill=False)
        if any(r[1] == "TOO MANY COLUMNS" for r in found):
            found = _run(con, layout, sql, params, table, types)
        return found

    rejects = read()
    if layout.text_path is not None and any(r[1] == "INVALID ENCODING" for r in rejects):
        if layout.encoding != "utf-8":
            first = min(r[0] for r in rejects if r[1] == "INVALID ENCODING")
            line = _lines_at(layout.text_path, [first])[first]
            raise ReadRejected([_problem(layout.file_name, "decode", row=line, enc=layout.encoding)])
        layout.encoding = "cp1258"
        layout.text_path = _transcode(layout.path, layout.workdir / "utf8.csv", "cp1258", layout.file_name,
                                      layout.path.stat().st_size, say)
        layout.warnings.append(_problem(layout.file_name, "w_cp1258", severity="warning"))
        rejects = read()
    if any(r[1] == "CAST" for r in rejects):
        return False
    layout.malformed, layout._skipped_lines = _malformed(rejects, layout.text_path, layout.file_name) \
        if layout.text_path is not None else ([], set())
    return True


def read_text(con: duckdb.DuckDBPyConnection, layout: Layout, table: str, recs_sql: str) -> None:
    """CREATE TEMP TABLE `table` (rec, cell_0.., cell_extra) with the cells as written of the records
    `recs_sql` selects: the values a report shows and quarantine keeps (answers are typed when first read)."""
    _run(con, layout, f"CREATE TEMP TABLE {table} AS SELECT * FROM (SELECT row_number() OVER () AS rec, * "
                      f"FROM {{source}}) WHERE rec IN ({recs_sql})", [], table)


def _run(con: duckdb.DuckDBPyConnection, layout: Layout, sql: str, params: list | None, table: str,
         types: dict[str, str] | None = None, spill: bool = True) -> list[tuple]:
    """Run a query over the file's source; returns DuckDB's rejects as (byte position, error type, line)."""
    while True:
        source, source_params = layout.source(types, spill)
        con.execute(f"DROP TABLE IF EXISTS {table}")
        for name in (_REJECTS, _SCANS):
            con.execute(f"DROP TABLE IF EXISTS {name}")
        try:
            # parameters in the order they appear: the projection's, then the source's
            with _reader_memory(con):
                _within_time(con, layout.file_name, sql.replace("{source}", source),
                             list(params or []) + source_params)
            break
        except ReadRejected:
            raise
        except duckdb.Error as exc:
            # DuckDB's parallel reader cannot pad short rows when quoted cells span lines: read serially.
            if not layout.parallel or "null_padding" not in str(exc):
                raise
            layout.parallel = False
    if layout.text_path is None:
        return []
    rows = con.execute(f"SELECT byte_position, error_type, csv_line FROM {_REJECTS} ORDER BY byte_position").fetchall()
    for name in (_REJECTS, _SCANS):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    return rows


@contextmanager
def _reader_memory(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """DuckDB's memory limit while its reader runs: the reader's limit a load's staging connection carries
    (etl.load.staging_memory), then the load's again. A connection without one keeps its limit throughout."""
    read, load = con.execute("SELECT getvariable('par_read_memory'), getvariable('par_load_memory')").fetchall()[0]
    if read is None or load is None:
        yield
        return
    con.execute("SET memory_limit = ?", [read])
    try:
        yield
    finally:
        try:
            con.execute("SET memory_limit = ?", [load])
        except duckdb.InterruptException:   # the time limit's interrupt landed just after the read: once more
            con.execute("SET memory_limit = ?", [load])


def _within_time(con: duckdb.DuckDBPyConnection, name: str, sql: str, params: list) -> None:
    """Run `sql`, interrupted when the file's time limit (etl.limits) runs out."""
    scope = work_limits.active()
    remaining = scope.remaining()
    refused = ReadRejected([_problem(name, "time", limit=f"{scope.limits.seconds_per_file:g}")])
    if remaining <= 0:
        raise refused
    timer = threading.Timer(remaining, con.interrupt)
    timer.daemon = True
    timer.start()
    try:
        con.execute(sql, params)
    except duckdb.InterruptException:
        raise refused from None
    finally:
        timer.cancel()


def _cut_at_line(head: bytes) -> bytes:
    """The sample up to its last complete line (two-byte newlines in UTF-16)."""
    if head.startswith(codecs.BOM_UTF16_LE):
        cut = max((i for i in _find_all(head, b"\n\x00") if i % 2 == 0), default=-2)
    elif head.startswith(codecs.BOM_UTF16_BE):
        cut = max((i for i in _find_all(head, b"\x00\n") if i % 2 == 0), default=-2)
    else:
        cut = head.rfind(b"\n") - 1
    return head[: cut + 2] if cut >= 0 else head


def _find_all(data: bytes, needle: bytes) -> Iterator[int]:
    start = data.find(needle)
    while start >= 0:
        yield start
        start = data.find(needle, start + 1)


def _encoding_of(sample: bytes) -> str:
    """The same decision etl.readers makes: a UTF-16 or UTF-8 BOM, else UTF-8 if it decodes, else Windows-1258."""
    if sample.startswith(_UTF16_BOMS):
        return "utf-16"
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1258"


def _detect(sample: bytes, name: str, expected: list[str], workdir: Path):
    """read_table on the sample: the layout, and the file's problems if it is not a table at all.

    A row of the sample that read_table refuses (a ragged row, data under an unnamed column) is not the whole
    file's problem here: it is blanked and the layout found without it; DuckDB's full read and the row checks
    report every such row with the others.
    """
    path = workdir / "sample.bin"
    path.write_bytes(sample)
    try:
        table = read_table(path, display_name=name, expected_headers=expected, check_numbers=False)
        return table, _encoding_of(sample) if table.encoding is None else table.encoding
    except ReadProblem as first:
        if first.row is None:
            raise
        encoding = _encoding_of(sample)
        try:
            # physical lines as csv numbers them (str.splitlines would also split at \x1c, \x85, \u2028...)
            lines = sample.decode(encoding).split("\n")
            lines = [line + "\n" for line in lines[:-1]] + lines[-1:]
        except UnicodeDecodeError:
            raise first from None
        blanked: list[int] = []
        problem = first
        while len(blanked) < _MAX_BLANKED and problem.row is not None and 1 <= problem.row <= len(lines):
            blanked.append(problem.row)
            lines[problem.row - 1] = "\n"
            path.write_bytes("".join(lines).encode("utf-8"))
            try:
                table = read_table(path, display_name=name, expected_headers=expected, check_numbers=False)
            except ReadProblem as again:
                problem = again
                continue
            if table.header_row < min(blanked):
                return table, encoding
            break
        raise first from None


def _header_cells(sample: bytes, encoding: str, delimiter: str, header_row: int) -> list[str]:
    """Every cell of the header record, unnamed ones included, so positions match the file's columns."""
    text = sample.decode(encoding, errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    for cells in reader:
        if line == header_row:
            names = [_clean(c) for c in cells]
            while names and not names[-1]:
                names.pop()
            return names
        line = reader.line_num + 1
    return []


def _transcode(path: Path, target: Path, encoding: str, name: str, size: int, say: Progress) -> Path:
    """Rewrite the file as UTF-8 (NFC) one megabyte at a time; lines keep their numbers."""
    decoder = codecs.getincrementaldecoder(encoding)()
    line = 1
    done = 0
    shown = 0.0
    with path.open("rb") as raw, target.open("w", encoding="utf-8", newline="") as out:
        pending = ""
        while True:
            chunk = raw.read(CHUNK)
            try:
                text = pending + decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                at = line + chunk[: max(exc.start, 0)].count(b"\n")
                raise ReadRejected([_problem(name, "decode", row=at, enc=encoding)]) from exc
            cut = text.rfind("\n") + 1 if chunk else len(text)
            # A tone mark may arrive in the next chunk: normalise whole lines only.
            out.write(unicodedata.normalize("NFC", text[:cut]))
            pending = text[cut:]
            line += chunk.count(b"\n")
            done += len(chunk)
            if chunk and done / size >= shown + 0.1:  # a line per tenth of the file, not per megabyte
                shown = done / size
                say(0.02 + 0.2 * shown, "transcoding")
            if not chunk:
                break
    return target


def _lines_at(source: Path, positions: list[int]) -> dict[int, int]:
    """Physical line number of each byte position, in one pass."""
    wanted = sorted(set(positions))
    found: dict[int, int] = {}
    line, offset, i = 1, 0, 0
    with source.open("rb") as fh:
        while i < len(wanted) and (chunk := fh.read(CHUNK)):
            while i < len(wanted) and wanted[i] < offset + len(chunk):
                found[wanted[i]] = line + chunk[: wanted[i] - offset].count(b"\n")
                i += 1
            line += chunk.count(b"\n")
            offset += len(chunk)
    for position in wanted[i:]:
        found[position] = line
    return found


def _malformed(rejects: list[tuple], source: Path, name: str) -> tuple[list[Problem], set[int]]:
    """Rows DuckDB could not split (far too many cells, a stray quote): one problem per row."""
    if not rejects:
        return [], set()
    lines = _lines_at(source, [r[0] for r in rejects])
    problems, seen = [], set()
    for position, error, text in rejects:
        line = lines[position]
        if line in seen:
            continue
        seen.add(line)
        shown = " ".join(str(text or "").split())[:120]
        problems.append(_problem(name, "malformed", row=line, value=None, error=error.lower(), line=shown))
    return problems, seen


def _record_lines(source: Path, delimiter: str, header_row: int, skipped: set[int], wanted: set[int]) -> dict[int, int]:
    """Record number -> file line, re-reading the UTF-8 file with Python's csv module, which splits records as
    DuckDB does (quoted cells may span lines; blank lines are not records; rows DuckDB refused are skipped)."""
    found: dict[int, int] = {}
    last = max(wanted)
    with source.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        line, rec = 1, 0
        try:
            for cells in reader:
                start, line = line, reader.line_num + 1
                if start <= header_row or not cells or start in skipped:
                    continue
                rec += 1
                if rec in wanted:
                    found[rec] = start
                    if rec >= last:
                        break
        except csv.Error:  # a cell over csv's own limit (prescan refuses those): rows after it go unnamed
            pass
    return found


def _workbook_layout(con: duckdb.DuckDBPyConnection, table, name: str, path: Path, workdir: Path) -> Layout:
    """A workbook read by read_table (small in practice) becomes the temp table survey_workbook."""
    frame = table.frame
    cells = pd.DataFrame({f"cell_{i}": frame.iloc[:, i] for i in range(frame.shape[1])})
    con.execute("DROP TABLE IF EXISTS survey_workbook")
    con.register("_survey_frame", cells)
    try:
        con.execute("CREATE TEMP TABLE survey_workbook AS SELECT *, NULL::VARCHAR AS cell_extra FROM _survey_frame")
    finally:
        con.unregister("_survey_frame")
    warnings = [Problem(name, None, None, None, en, vi, "warning")
                for en, vi in zip(table.warnings, table.warnings_vi or table.warnings)]
    return Layout(name, list(table.header), table.header_row, None, None, table.sheet, path, workdir,
                  warnings=warnings, _workbook_rows=list(table.source_rows))
