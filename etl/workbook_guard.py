"""Checks of an .xlsx file's zip before anything parses it: what it unpacks to, how hard it is compressed, XML that
would attack the parser (DOCTYPE/ENTITY: XXE, billion laughs), XML in another encoding, and sheets with more rows
than the limit (etl.limits). openpyxl's parse (etl.readers) and the survey prescan (etl.loaders.survey_read) run
only on a workbook that passed. Refusals are etl.readers.ReadProblem reports in Vietnamese and English.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import NoReturn
from zlib import error as zlib_error

from etl import limits as work_limits

# Texts of the checks here as (Vietnamese, English) templates; etl.readers holds them with its own texts.
GUARD_TEXT = {
    "damaged": ("Tệp Excel bị hỏng, không đọc được ({err}). Hãy mở bằng Excel và lưu lại dưới dạng .xlsx.",
                "Damaged Excel workbook that cannot be read ({err}). Open it in Excel and save it again as .xlsx."),
    "unpacked": ("Tệp Excel giải nén ra {size}, vượt giới hạn {limit}. Hãy xóa dữ liệu thừa hoặc chia thành "
                 "nhiều tệp.", "The Excel file unpacks to {size}, over the limit of {limit}. Remove unused data "
                 "or split it into several files."),
    "strings": ("Bảng chuỗi dùng chung của tệp Excel giải nén ra {size}, vượt giới hạn {limit}. Hãy chia thành "
                "nhiều tệp hoặc lưu dạng CSV UTF-8.", "The Excel file's shared strings unpack to {size}, over the "
                "limit of {limit}. Split it into several files or save it as CSV UTF-8."),
    "ratio": ("Phần \"{part}\" của tệp Excel nén {ratio}:1, vượt giới hạn {limit}:1 (có thể là \"bom nén\"). "
              "Hãy mở bằng Excel và lưu lại.", "Part \"{part}\" of the Excel file is compressed {ratio}:1, over "
              "the limit of {limit}:1 (a zip bomb?). Open it in Excel and save it again."),
    "dtd": ("Phần \"{part}\" của tệp Excel có khai báo DOCTYPE/ENTITY; Excel không bao giờ ghi như vậy (có thể là "
            "tấn công XXE hoặc \"billion laughs\"). Hãy mở bằng Excel và lưu lại.", "Part \"{part}\" of the Excel "
            "file declares a DOCTYPE or ENTITY, which Excel never writes (an XXE or billion-laughs attack?). "
            "Open it in Excel and save it again."),
    "xml_encoding": ("Phần \"{part}\" của tệp Excel không phải XML UTF-8. Hãy mở bằng Excel và lưu lại.",
                     "Part \"{part}\" of the Excel file is not UTF-8 XML. Open it in Excel and save it again."),
}
_ZIP_KINDS = (  # zip members that tell what a non-workbook zip is
    ("xl/", ("tệp Excel bị hỏng", "a damaged Excel workbook")), ("word/", ("tài liệu Word", "a Word document")),
    ("ppt/", ("bản trình chiếu PowerPoint", "a PowerPoint presentation")),
    ("content.xml", ("tệp OpenDocument; hãy lưu lại dạng .xlsx", "an OpenDocument file; save it as .xlsx")))


def _fail(file: str, key: str, **args: object) -> NoReturn:
    from etl.readers import _fail as fail  # local import: etl.readers imports this module

    fail(file, key, **args)


def _mb(n: int) -> str:
    return f"{n / 2**20:.1f} MB ({n:,} bytes)"


def reason(exc: BaseException) -> str:
    """A short, path-free reason: the exception's kind and first line, never a file name of this server."""
    text = str(exc).splitlines()[0] if str(exc) else ""
    text = re.sub(r"(/[\w.\-]+){2,}", "…", text)[:120]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# What Python's zipfile raises on a damaged or unusual archive (ValueError covers bad UTF-8 names).
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError,
               RuntimeError, zlib_error)
_XML_DECLARED = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)[\"']")
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row(?=[\s/>])([^>]{0,200})")
_ROW_NUMBER = re.compile(rb"\sr\s*=\s*[\"']\s*(\d{1,20})")
_DANGER = (b"<!DOCTYPE", b"<!ENTITY")
_BIG_PART = 1 * 2**20  # parts smaller than this may compress as well as they like


def check_workbook(path: str | Path, name: str) -> None:
    """Refuse a zip whose parts would cost too much or would attack the XML parser, before anything parses it.

    From the zip directory: the total unpacked size, the shared strings' size and each large part's compression
    ratio (the directory is binding: Python's zipfile never unpacks more than it declares). Then every part is
    unpacked as a stream (within those sizes) and refused if it declares a DOCTYPE or ENTITY, or is XML in an
    encoding other than UTF-8; worksheet rows are counted on the way, so a sheet of two million rows is refused
    before openpyxl parses one. A zip that is no workbook at all is left to openpyxl and reject_zip.
    """
    path = Path(path)
    scope = work_limits.active()
    limits = scope.limits
    try:
        archive = zipfile.ZipFile(path)
    except ZIP_ERRORS:
        reject_zip(path, name)
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        total = sum(m.file_size for m in members)
        if total > limits.max_unpacked_bytes:
            _fail(name, "unpacked", size=_mb(total), limit=_mb(limits.max_unpacked_bytes))
        for member in members:
            if member.filename.lower().endswith("sharedstrings.xml") and \
                    member.file_size > limits.max_shared_strings_bytes:
                _fail(name, "strings", size=_mb(member.file_size), limit=_mb(limits.max_shared_strings_bytes))
            if member.file_size > _BIG_PART and \
                    member.file_size > limits.max_compression_ratio * max(member.compress_size, 1):
                ratio = member.file_size // max(member.compress_size, 1)
                _fail(name, "ratio", part=_part(member.filename), ratio=f"{ratio:,}",
                      limit=f"{limits.max_compression_ratio:,}")
        for member in members:
            _scan_part(archive, member, name, scope)


def _part(filename: str) -> str:
    shown = filename.encode("ascii", "replace").decode("ascii")
    return shown if len(shown) <= 80 else shown[:80] + "…"


def _scan_part(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str, scope) -> None:
    limits = scope.limits
    is_sheet = member.filename.lower().startswith("xl/worksheets/")
    rows, tail, first = 0, b"", True
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(1 << 20):
                if first:
                    first = False
                    start = chunk[:4]
                    if start.startswith((b"\xff\xfe", b"\xfe\xff")) or start[:2] in (b"<\x00", b"\x00<"):
                        _fail(name, "xml_encoding", part=_part(member.filename))
                    declared = _XML_DECLARED.match(chunk[:512])
                    if declared and declared.group(1).strip().lower() not in (b"utf-8", b"utf8"):
                        _fail(name, "xml_encoding", part=_part(member.filename))
                buf = tail + chunk
                if any(d in buf for d in _DANGER):
                    _fail(name, "dtd", part=_part(member.filename))
                if is_sheet:  # rows whose tag ends in this chunk (a tag inside `tail` was counted already)
                    for match in _ROW_TAG.finditer(buf):
                        if match.end() > len(tail):
                            rows += 1
                            number = _ROW_NUMBER.search(match.group(1))  # <row r="2000000">: openpyxl would
                            if number:  # hand back every empty row above it
                                rows = max(rows, int(number.group(1)))
                    if rows > limits.max_rows:
                        _fail(name, "rows", what=(f"Trang tính \"{_part(member.filename)}\"",
                                                  f"Sheet part \"{_part(member.filename)}\""),
                              limit=f"{limits.max_rows:,}")
                tail = buf[-512:]
                if scope.expired():
                    _fail(name, "time", limit=f"{limits.seconds_per_file:g}")
    except ZIP_ERRORS as exc:  # bad CRC, truncated stream, unknown compression or version, encryption
        _fail(name, "damaged", err=reason(exc))  # (a ReadProblem raised above is none of these: it passes)


def reject_zip(path: Path, name: str) -> NoReturn:
    """Refuse a zip that is no workbook, saying what it looks like (a Word document, a damaged workbook...)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.namelist()
    except ZIP_ERRORS:
        members = []
    for prefix, what in _ZIP_KINDS:
        if any(m.startswith(prefix) for m in members):
            _fail(name, "not_table", what=what)
    _fail(name, "not_table", what=("tệp nén ZIP", "a ZIP archive"))
