"""Read score sheets and survey files the way Vietnamese government offices export them.

Everything comes back as text (pandas "str" columns): offices mix decimal commas and points,
so parsing numbers is left to the caller, who knows what each column means. An .xlsx file's zip is checked by
etl.workbook_guard before openpyxl parses anything.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, closing
from dataclasses import FrozenInstanceError, dataclass, field, fields
from datetime import date, datetime, time
from itertools import chain, dropwhile, islice
from pathlib import Path
from typing import NoReturn
from xml.etree import ElementTree

import pandas as pd

from etl import limits as work_limits
from etl.limits import Limits
from etl.workbook_guard import GUARD_TEXT, check_workbook, reason, reject_zip


# openpyxl is imported where a workbook is opened or a column named, not with this module: importing it (and
# the imaging library it pulls in) is a quarter of a second that every CSV load and every app start would pay.
def get_column_letter(number: int) -> str:
    """The spreadsheet letters of a 1-based column number (openpyxl's)."""
    from openpyxl.utils import get_column_letter as letter

    return letter(number)


SAMPLE_BYTES = 64 * 1024  # detection never reads more than this
HEADER_SCAN_ROWS = 15  # the header must be among the first 15 rows (after leading blank rows)
_LOOKAHEAD = 10  # extra rows buffered so the last header candidate can see what follows it
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# What a rejected file looks like, as (Vietnamese, English) pairs like every user-facing text here.
_MAGIC = (  # files people upload by mistake
    (b"%PDF", ("tài liệu PDF", "a PDF document")), (b"\x89PNG", ("ảnh PNG", "a PNG image")),
    (b"\xff\xd8\xff", ("ảnh JPEG", "a JPEG image")), (b"GIF8", ("ảnh GIF", "a GIF image")),
    (b"\x1f\x8b", ("tệp nén gzip", "a gzip archive")), (b"Rar!", ("tệp nén RAR", "a RAR archive")),
    (b"7z\xbc\xaf", ("tệp nén 7-Zip", "a 7-Zip archive")), (b"{\\rtf", ("tài liệu RTF", "an RTF document")))
_HTML = ("trang HTML/XML (hệ thống web hay xuất dạng \".xls\"); hãy mở bằng Excel và lưu lại dạng .xlsx",
         "an HTML/XML page (web systems often export these as \".xls\"); open it in Excel and save it as .xlsx")
_MARKUP = ("<!doctype html", "<html", "<table", "<?xml", "<head", "<meta")
_SAVE_VI, _SAVE_EN = "Hãy lưu lại dưới dạng CSV UTF-8.", "Save the file again as CSV UTF-8."

# Every user-facing text in both languages: key -> (Vietnamese, English) templates.
_TEXT = {
    **GUARD_TEXT,
    "open": ("Không mở được tệp: {err}.", "Cannot open the file: {err}."),
    "too_large": ("Tệp quá lớn: {size}, vượt giới hạn {limit}.", "File too large: {size}, over the limit of {limit}."),
    "empty": ("Tệp rỗng, không có dữ liệu.", "Empty file: there is no data."),
    "xls": ("Đây là tệp Excel cũ (.xls) hoặc tệp Excel có mật khẩu. Hãy mở bằng Excel và lưu lại dưới dạng "
            ".xlsx hoặc CSV UTF-8.", "This is a legacy Excel .xls file (or a password-protected workbook). "
            "Open it in Excel and save it as .xlsx or CSV UTF-8."),
    "not_table": ("Không phải tệp văn bản (CSV) hay Excel (.xlsx): có vẻ là {what}.",
                  "Not a text (CSV) or Excel (.xlsx) file: it looks like {what}."),
    "encoding": ("Không nhận ra bảng mã (không phải UTF-8, UTF-16 hay Windows-1258). " + _SAVE_VI,
                 "Unknown text encoding (not UTF-8, UTF-16 or Windows-1258). " + _SAVE_EN),
    "decode": ("Có ký tự không đọc được theo bảng mã {enc}. " + _SAVE_VI, "Characters that are not valid {enc}. " + _SAVE_EN),
    "csv": ("Lỗi định dạng CSV ({err}); có thể thiếu dấu ngoặc kép đóng.",
            "Malformed CSV ({err}); perhaps a closing quote is missing."),
    "sheet": ("Không có trang tính \"{sheet}\". Các trang tính hiện có: {names}.",
              "No sheet \"{sheet}\". Available sheets: {names}."),
    "header_only": ("Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu.", "Header only, no data rows."),
    "ragged": ("Dòng có {cells} ô nhưng tiêu đề chỉ có {width} cột (ô thừa: \"{value}\").",
               "Row has {cells} cells but the header has {width} columns (extra value \"{value}\")."),
    "unnamed": ("Cột {n} ({col}) không có tiêu đề nhưng có dữ liệu \"{value}\".",
                "Column {n} ({col}) has no header but holds data \"{value}\"."),
    "duplicate": ("Tiêu đề \"{value}\" bị trùng ở cột {n1} ({col1}) và cột {n} ({col}).",
                  "Duplicate header \"{value}\" in column {n1} ({col1}) and column {n} ({col})."),
    # limits on the work a file makes (etl.limits; the workbook checks' own texts are in etl.workbook_guard)
    "rows": ("{what} có hơn {limit} dòng, vượt giới hạn. Hãy chia thành nhiều tệp.",
             "{what} has more than {limit} rows, over the limit. Split it into several files."),
    "columns": ("Dòng có ô thứ {cells} (cột {last}), vượt giới hạn {limit} cột. Hãy xóa các ô thừa cuối dòng.",
                "Row has a cell in position {cells} (column {last}), over the limit of {limit} columns. Delete the "
                "stray cells at the end of the row."),
    "cell": ("Ô dài {chars} ký tự, vượt giới hạn {limit} ký tự (mức tối đa của một ô Excel). Hãy rút ngắn nội dung "
             "ô; có thể thiếu dấu ngoặc kép đóng.", "Cell of {chars} characters, over the limit of {limit} (the most "
             "an Excel cell holds). Shorten it; perhaps a closing quote is missing."),
    "number": ("Số có {digits} chữ số trước dấu thập phân, quá lớn để lưu (tối đa {limit}). Hãy sửa giá trị.",
               "Number with {digits} digits before the decimal point, too large to store (at most {limit}). "
               "Correct the value."),
    "time": ("Đọc và kiểm tra tệp mất hơn {limit} giây, vượt giới hạn. Hãy chia thành nhiều tệp nhỏ hơn hoặc lưu "
             "dạng CSV UTF-8.", "Reading and checking the file took more than {limit} s, over the limit. Split it "
             "into smaller files or save it as CSV UTF-8."),
    # warnings
    "w_cp1258": ("Tệp không phải UTF-8 sau 64 KB đầu; đã đọc theo bảng mã Windows-1258",
                 "not UTF-8 after the first 64 KB; read as Windows-1258"),
    "w_two_rows": ("Đã gộp tiêu đề hai dòng (dòng {span})", "two-row header (rows {span}) combined"),
    "w_titles": ("Bỏ qua dòng tiêu đề phía trên bảng: dòng {span}", "title row{s} {span} skipped"),
    "w_blank": ("Bỏ qua {n} dòng trống", "{n} blank row{s} ignored"),
}

Row = tuple[int, list[str]]  # (1-based row/line number in the file, cleaned cells)


@dataclass(frozen=True)
class ReadProblem(Exception):
    """The file cannot be read at all; messages in Vietnamese and English."""

    file: str
    row: int | None
    column: str | None  # spreadsheet letter, e.g. "E"
    value: str | None
    message_vi: str
    message_en: str

    def __post_init__(self) -> None:
        Exception.__init__(self, self.message_en)  # keeps .args meaningful for logging

    def message(self, lang: str = "en") -> str:
        """The message prefixed with file, row and column, in "vi" or "en"."""
        vi = lang == "vi"
        where = [(self.row, "dòng" if vi else "row"), (self.column, "cột" if vi else "column")]
        prefix = ", ".join([self.file] + [f"{word} {at}" for at, word in where if at is not None])
        return f"{prefix}: {self.message_vi if vi else self.message_en}"

    def __str__(self) -> str:
        return self.message("en")

    def __reduce__(self):  # the dataclass __init__ is not Exception's, so pickle by fields
        return type(self), tuple(getattr(self, f.name) for f in fields(self))


def _exception_setattr(self: ReadProblem, name: str, value: object) -> None:
    # Python sets __traceback__/__cause__ on raised exceptions (contextlib does it with plain
    # assignment), which a frozen dataclass would refuse; fields stay frozen.
    if not (name.startswith("__") and name.endswith("__")):
        raise FrozenInstanceError(f"cannot assign to field {name!r}")
    object.__setattr__(self, name, value)


ReadProblem.__setattr__ = _exception_setattr  # type: ignore[method-assign]


@dataclass
class TableRead:
    """A table read from a file, all text, plus what was detected and skipped."""

    frame: pd.DataFrame  # "str" columns named by `header`; empty cells are NA; RangeIndex
    header: list[str]  # column names: header cells (two-row header combined), NFC, stripped
    header_row: int  # 1-based row of the (top) header row
    source_rows: list[int]  # 1-based file row of each frame row
    encoding: str | None  # "utf-8", "utf-8-sig", "utf-16", "cp1258"; None for xlsx
    delimiter: str | None  # ",", ";", "\t"; None for xlsx
    sheet: str | None
    warnings: list[str]
    warnings_vi: list[str] = field(default_factory=list)  # the same warnings in Vietnamese


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese diacritics, keeping case: "Đắk Lắk" -> "Dak Lak"."""
    bare = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", bare.replace("đ", "d").replace("Đ", "D"))


def normalise_header(text: str) -> str:
    """Comparable header key: "Điểm thẩm định" -> "diem_tham_dinh", " Tổng điểm  (%) " -> "tong_diem"."""
    return re.sub(r"[\W_]+", "_", strip_diacritics(text).lower()).strip("_")


def _texts(key: str, **args: object) -> tuple[str, str]:
    """(Vietnamese, English) text; an argument given as a (vi, en) pair is picked per language."""
    pick = lambda i: {k: v[i] if isinstance(v, tuple) else v for k, v in args.items()}  # noqa: E731
    return _TEXT[key][0].format(**pick(0)), _TEXT[key][1].format(**pick(1))


def _fail(file: str, key: str, *, row: int | None = None, column: int | None = None,
          value: str | None = None, **args: object) -> NoReturn:
    letter = None if column is None else get_column_letter(column + 1)
    if column is not None:
        args.update(n=column + 1, col=letter)
    raise ReadProblem(file, row, letter, value, *_texts(key, value=value, **args))


def _mb(n: int) -> str:
    return f"{n / 2**20:.1f} MB ({n:,} bytes)"


def _clean(value: str) -> str:
    # Windows-1258 exports carry combining tone marks, so NFC before anything compares text
    return unicodedata.normalize("NFC", value).strip().strip("\ufeff\u200b").strip()


def read_table(path: str | Path, *, display_name: str | None = None, sheet: str | int | None = None,
               expected_headers: Iterable[str] = (), max_bytes: int | None = None,
               limits: Limits | None = None, check_numbers: bool = True) -> TableRead:
    """Read a CSV/TSV (UTF-8, UTF-16, Windows-1258) or .xlsx file as text columns, or raise ReadProblem.

    The kind is sniffed from the content, never the extension; `sheet` applies to .xlsx only. `limits` (default:
    those in force, see etl.limits) bound the work: unpacked size, rows, columns, cell length, seconds; `max_bytes`
    overrides the file size limit. `check_numbers` refuses numbers too large to store (loaders that type cells in
    DuckDB turn it off: there an over-long number is a value problem of its row).
    """
    with work_limits.scope(limits):
        return _read_table(Path(path), display_name, sheet, expected_headers, max_bytes, check_numbers)


def _read_table(path: Path, display_name: str | None, sheet: str | int | None, expected_headers: Iterable[str],
                max_bytes: int | None, check_numbers: bool) -> TableRead:
    name = display_name or path.name
    limits = work_limits.active().limits
    max_bytes = limits.max_file_bytes if max_bytes is None else max_bytes
    expected = [key for key in map(normalise_header, expected_headers) if key]
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(SAMPLE_BYTES)
    except OSError as exc:
        _fail(name, "open", err=exc.strerror or exc)
    if size > max_bytes:
        _fail(name, "too_large", size=_mb(size), limit=_mb(max_bytes))
    if head.startswith(b"PK\x03\x04"):
        return _read_xlsx(path, name, sheet, expected, check_numbers)
    complete = size <= len(head)
    encoding, text = check_text_sample(head, complete, name)
    delimiter = _detect_delimiter(text, complete)
    # An all-ASCII sample proves nothing: the Vietnamese may start after 64 KB, in Windows-1258.
    attempts = [encoding, "cp1258"] if encoding == "utf-8" and head.isascii() else [encoding]
    for attempt in attempts:
        try:
            with path.open("rb") as raw, io.TextIOWrapper(raw, encoding=attempt, newline="") as stream:
                table = _assemble(_csv_rows(stream, delimiter, name), name, expected, grid=False,
                                  check_numbers=check_numbers, encoding=attempt, delimiter=delimiter, sheet=None)
        except UnicodeDecodeError:
            continue
        if attempt != encoding:
            vi, en = _texts("w_cp1258")
            table.warnings_vi.insert(0, vi)
            table.warnings.insert(0, en)
        return table
    _fail(name, "decode", enc=" / ".join(attempts), row=_bad_byte_line(path, encoding))


def check_text_sample(head: bytes, complete: bool, name: str) -> tuple[str, str]:
    """(encoding, text) of a text file's first 64 KB, or ReadProblem if the file is no text table at all
    (binary, a document or image, empty, an HTML page, an unknown encoding)."""
    _reject_binary(head, name)
    encoding, text = _detect_encoding(head, complete, name)
    if complete and not text.replace("\ufeff", "").strip():
        _fail(name, "empty")
    if text.lstrip("\ufeff \t\r\n").lower().startswith(_MARKUP):
        _fail(name, "not_table", what=_HTML)
    return encoding, text


def _reject_binary(head: bytes, name: str) -> None:
    if not head.strip():  # 0 bytes or only ASCII whitespace
        _fail(name, "empty")
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: .xls, or an encrypted .xlsx
        _fail(name, "xls")
    for magic, what in _MAGIC:
        if head.startswith(magic):
            _fail(name, "not_table", what=what)
    if b"\x00" in head and not head.startswith(_UTF16_BOMS):
        _fail(name, "not_table", what=("dữ liệu nhị phân", "binary data"))


def _detect_encoding(head: bytes, complete: bool, name: str) -> tuple[str, str]:
    if head.startswith(_UTF16_BOMS):
        candidates = ["utf-16"]  # Excel "Unicode text"
    else:
        candidates = ["utf-8-sig"] if head.startswith(codecs.BOM_UTF8) else ["utf-8", "cp1258"]
    for encoding in candidates:
        try:  # final=False buffers a character cut at the sample's end instead of failing on it
            return encoding, codecs.getincrementaldecoder(encoding)().decode(head, final=complete)
        except UnicodeDecodeError:
            continue
    _fail(name, "encoding")


def _detect_delimiter(text: str, complete: bool) -> str:
    """The delimiter giving the most rows of one consistent width (>= 2 columns) in the sample."""
    if not complete:
        text = text[: text.rfind("\n") + 1] or text
    best, best_key = ",", (0, 0)
    for delimiter in (",", ";", "\t"):
        try:
            records = list(islice(csv.reader(io.StringIO(text), delimiter=delimiter), 200))
        except csv.Error:
            continue
        if not complete and len(records) > 1:
            records.pop()  # may be cut inside a quoted multi-line field
        widths = Counter(len(r) for r in records if any(c.strip() for c in r))
        width, hits = max(widths.items(), key=lambda kv: (kv[1], kv[0]), default=(0, 0))
        if width >= 2 and (hits, width) > best_key:
            best, best_key = delimiter, (hits, width)
    return best


def _csv_rows(stream: io.TextIOBase, delimiter: str, name: str) -> Iterator[Row]:
    limits = work_limits.active().limits
    reader = csv.reader(stream, delimiter=delimiter, strict=True)  # an unclosed quote must not eat the file
    line = 1  # physical line where the current record starts (quoted fields may span lines)
    try:
        for cells in reader:
            if len(cells) > limits.max_columns:
                _fail(name, "columns", row=line, cells=f"{len(cells):,}", last=_letter(len(cells)),
                      limit=f"{limits.max_columns:,}")
            _check_cells(cells, name, line, limits)
            yield line, [_clean(c) for c in cells]
            line = reader.line_num + 1
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):  # the csv module's own cap, above ours
            _fail(name, "cell", row=line, chars=f"> {csv.field_size_limit():,}", limit=f"{limits.max_cell_chars:,}")
        _fail(name, "csv", err=exc, row=line)


def _letter(position: int) -> str:
    """Spreadsheet letter of a 1-based column, or the number where Excel has no letter for it."""
    return get_column_letter(position) if position <= 18_278 else f"#{position:,}"


def _check_cells(cells, name: str, row: int, limits: Limits) -> None:
    for i, value in enumerate(cells):
        if isinstance(value, str) and len(value) > limits.max_cell_chars:
            _fail(name, "cell", row=row, column=i, value=_shown(value), chars=f"{len(value):,}",
                  limit=f"{limits.max_cell_chars:,}")


def _shown(value: str, width: int = 60) -> str:
    return value if len(value) <= width else value[:width] + "…"


_NUMBERISH = re.compile(r"[+-]?[\d.,\s\u00a0]*\d[\d.,\s\u00a0]*%?")


def integer_digits(text: str) -> int | None:
    """Digits before the decimal point of a number as offices write it ('1.234.567,5' -> 7), else None.

    One separator is read as the decimal point, a repeated one as thousands; with both, the last is decimal."""
    if not _NUMBERISH.fullmatch(text):
        return None
    body = re.sub(r"[\s\u00a0%+-]", "", text)
    marks = [c for c in body if c in ".,"]
    if len(set(marks)) == 2:
        whole = body[: body.rfind(marks[-1])]
    elif len(marks) == 1:
        whole = body[: body.find(marks[0])]
    else:
        whole = body
    return len(re.sub(r"\D", "", whole).lstrip("0"))


def _bad_byte_line(path: Path, encoding: str) -> int | None:
    """Line of the first undecodable byte (the buffered text reader only knows its chunk)."""
    decoder, line = codecs.getincrementaldecoder(encoding)(), 1
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return line + chunk[: max(exc.start, 0)].count(b"\n")
            line += chunk.count(b"\n")
    return None


def _read_xlsx(path: Path, name: str, sheet: str | int | None, expected: list[str],
               check_numbers: bool = True) -> TableRead:
    check_workbook(path, name)  # sizes, compression, DTDs: before openpyxl parses anything
    limits = work_limits.active().limits
    with ExitStack() as stack:
        fh = stack.enter_context(path.open("rb"))
        import openpyxl

        try:  # a file object skips openpyxl's extension check: content decides, not the name
            wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
        except Exception:  # any failure: a zip that is not a workbook we can open
            reject_zip(path, name)
        stack.callback(wb.close)
        names = wb.sheetnames
        if sheet is None or isinstance(sheet, int):
            chosen = names[sheet or 0] if 0 <= (sheet or 0) < len(names) else None
        else:
            chosen = next((n for n in names if _clean(n).casefold() == _clean(sheet).casefold()), None)
        if chosen is None:
            _fail(name, "sheet", sheet=sheet, names=", ".join(f'"{n}"' for n in names), value=str(sheet))
        try:
            ws = wb[chosen]
            ws.reset_dimensions()  # exporters often write a wrong <dimension>, which would cut rows short
            # one row past the limit is enough to refuse (openpyxl fills a gap up to it with empty rows)
            values = ws.iter_rows(min_row=1, max_row=limits.max_rows + 1, values_only=True)
            return _assemble(_xlsx_rows(values, name, limits), name, expected, grid=True,
                             merged=lambda: _merged_ranges(ws), check_numbers=check_numbers,
                             encoding=None, delimiter=None, sheet=ws.title)
        except ReadProblem:
            raise
        except Exception as exc:  # openpyxl on a damaged part: XML errors, bad references, bad numbers...
            _fail(name, "damaged", err=reason(exc))


def _xlsx_rows(values: Iterator[tuple], name: str, limits: Limits) -> Iterator[Row]:
    for i, cells in enumerate(values, 1):
        if i > limits.max_rows:
            _fail(name, "rows", row=i, what=("Trang tính", "The sheet"), limit=f"{limits.max_rows:,}")
        if len(cells) > limits.max_columns:
            filled = _filled([c is not None and c != "" for c in cells])
            if filled > limits.max_columns:
                _fail(name, "columns", row=i, cells=f"{filled:,}", last=_letter(filled),
                      limit=f"{limits.max_columns:,}")
            cells = cells[: limits.max_columns]
        _check_cells(cells, name, i, limits)
        yield i, [_cell_text(v) for v in cells]


def _cell_text(value: object) -> str:
    """An Excel value as the text a person reads: 3.0 -> "3", 86.98 -> "86.98", dates ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):  # 15 significant digits like Excel: 86.97999999999999 -> "86.98"
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return _clean(str(value))  # str, int, timedelta, formula error codes


def _merged_ranges(ws) -> list[tuple[int, int, int, int]]:
    """(min_col, min_row, max_col, max_row) of merged cells; read-only sheets do not expose them."""
    from openpyxl.utils import range_boundaries

    found = []
    try:  # <mergeCells> follows <sheetData>: stream the sheet XML again (private openpyxl API, guarded)
        with ws._get_source() as src:
            for _, element in ElementTree.iterparse(src):
                tag = element.tag.rpartition("}")[2]
                if tag == "mergeCell":
                    found.append(range_boundaries(element.get("ref")))
                elif tag == "row":
                    element.clear()  # keep memory flat on big sheets
    except (AttributeError, ElementTree.ParseError, ValueError, TypeError):
        return []
    return found


def _filled(cells: list[str]) -> int:
    """Number of cells up to and including the last non-empty one."""
    return next((i + 1 for i in range(len(cells) - 1, -1, -1) if cells[i]), 0)


def _find_header(rows: list[list[str]], expected: list[str]) -> int:
    """Index of the header: first row naming >= 2 expected headers, else the first row shaped like one."""
    scan = rows[:HEADER_SCAN_ROWS]
    if expected:
        for i, cells in enumerate(scan):
            keys = [f"_{normalise_header(c)}_" for c in cells if c]  # whole-word containment
            if sum(any(f"_{e}_" in k for e in expected) for k in keys) >= min(2, len(expected)):
                return i
    counts = [sum(1 for c in cells if c) for cells in rows]
    candidates = [i for i in range(len(scan)) if counts[i] >= max(2, 0.6 * max(counts))]
    for i in candidates:
        below = next((j for j in range(i + 1, len(rows)) if counts[j]), None)
        # followed by a table row no wider than itself (else the real header is further down)
        if below is not None and counts[below] >= 2 and (
                _filled(rows[below]) <= _filled(rows[i]) or counts[below] <= counts[i]):
            return i
    return candidates[0] if candidates else 0


def _two_row_names(top: list[str], bottom: list[str], header_row: int,
                   ranges: list[tuple[int, int, int, int]]) -> list[str] | None:
    """Combine "Điểm" (merged over C:D) with "Thẩm định"/"Điều tra XHH" below; None if no such group."""
    group: dict[int, str] = {}
    for min_col, min_row, max_col, _ in ranges:
        if min_row == header_row and max_col > min_col and min_col <= len(top):
            group.update({c: top[min_col - 1] for c in range(min_col - 1, max_col)})
    if not any(c < len(bottom) and bottom[c] for c in group):
        return None
    width = max(len(top), len(bottom))
    top, bottom = top + [""] * (width - len(top)), bottom + [""] * (width - len(bottom))
    return [" ".join(p for p in (group.get(c) or top[c], bottom[c]) if p) for c in range(width)]


def _assemble(rows: Iterator[Row], name: str, expected: list[str], *, grid: bool,
              merged: Callable[[], list[tuple[int, int, int, int]]] | None = None, check_numbers: bool = True,
              **detected) -> TableRead:
    """Find the header, check the shape and build the frame. `grid`: a spreadsheet, not CSV."""
    scope = work_limits.active()
    limits = scope.limits
    notes: list[tuple[str, str]] = []  # warnings as (Vietnamese, English)
    with closing(iter(rows)) as source:
        pending = dropwhile(lambda row: not any(row[1]), source)
        head = list(islice(pending, HEADER_SCAN_ROWS + _LOOKAHEAD))
        if not head:
            _fail(name, "empty")
        h = _find_header([cells for _, cells in head], expected)
        header_row, names = head[h]
        rest = chain(head[h + 1:], pending)
        below = head[h + 1][1] if h + 1 < len(head) else []
        # data under an empty header cell right below the header: maybe a merged group label
        if merged and any(v and (c >= len(names) or not names[c]) for c, v in enumerate(below)):
            combined = _two_row_names(names, below, header_row, merged())
            if combined:
                names = combined
                next(rest)
                notes.append(_texts("w_two_rows", span=f"{header_row}-{header_row + 1}"))
        if header_row > 1:
            span = f"1-{header_row - 1}" if header_row > 2 else "1"
            notes.append(_texts("w_titles", span=span, s="s" if header_row > 2 else ""))
        names = [" ".join(n.split()) for n in names]  # a multi-line header cell becomes one line
        names = names[: _filled(names)]
        width = len(names)
        _check_duplicates(names, name, header_row)
        unnamed = [i for i, n in enumerate(names) if not n]
        data: list[list[str | None]] = []
        source_rows: list[int] = []
        blanks = gap = 0
        for count, (row_no, cells) in enumerate(rest, 1):
            if count % 4096 == 0 and scope.expired():
                _fail(name, "time", row=row_no, limit=f"{limits.seconds_per_file:g}")
            filled = _filled(cells)
            if not filled:
                gap += 1  # counted only if data follows: trailing blank rows are silent
                continue
            bad = next((i for i in unnamed if i < len(cells) and cells[i]), None)
            if bad is None and filled > width:
                bad = next(i for i in range(width, filled) if cells[i])
                if not grid:  # in CSV, extra cells mean a broken row, not an unnamed column
                    _fail(name, "ragged", row=row_no, value=cells[bad], cells=len(cells), width=width)
            if bad is not None:
                _fail(name, "unnamed", row=row_no, column=bad, value=cells[bad])
            blanks, gap = blanks + gap, 0
            if len(data) >= limits.max_rows:
                _fail(name, "rows", row=row_no, what=("Bảng", "The table"), limit=f"{limits.max_rows:,}")
            if check_numbers:
                _check_numbers(cells, name, row_no, limits)
            data.append([v or None for v in cells[:width]] + [None] * (width - len(cells)))
            source_rows.append(row_no)
    if not data:
        _fail(name, "header_only", row=header_row)
    if blanks:
        notes.append(_texts("w_blank", n=blanks, s="s" if blanks > 1 else ""))
    keep = [i for i, n in enumerate(names) if n]  # unnamed columns left are empty all the way down
    header = [names[i] for i in keep]
    frame = pd.DataFrame([[r[i] for i in keep] for r in data] if unnamed else data, columns=header, dtype="str")
    return TableRead(frame, header, header_row, source_rows, warnings=[en for _, en in notes],
                     warnings_vi=[vi for vi, _ in notes], **detected)


def _check_numbers(cells: list[str], name: str, row: int, limits: Limits) -> None:
    for i, value in enumerate(cells):
        # cheap filter first: only long cells can hold an over-long number
        if len(value) > limits.max_number_digits and value[0] in "+-0123456789":
            digits = integer_digits(value)
            if digits is not None and digits > limits.max_number_digits:
                _fail(name, "number", row=row, column=i, value=_shown(value), digits=f"{digits:,}",
                      limit=f"{limits.max_number_digits:,}")


def _check_duplicates(names: list[str], name: str, header_row: int) -> None:
    seen: dict[str, int] = {}
    for i, text in enumerate(names):
        if text and text in seen:
            _fail(name, "duplicate", row=header_row, column=i, value=text,
                  n1=seen[text] + 1, col1=get_column_letter(seen[text] + 1))
        seen.setdefault(text, i)
