"""Tests for etl.readers: the same table as real offices export it, and the files they upload by mistake."""
from __future__ import annotations

import csv
import io
import pickle
import unicodedata
from datetime import date

import openpyxl
import pandas as pd
import pytest

from etl.readers import ReadProblem, normalise_header, read_table, strip_diacritics

HEADER = ["STT", "Tên đơn vị", "Loại", "Điểm thẩm định", "Tổng điểm (%)", "Ghi chú"]
ROWS = [
    ["1", "Thừa Thiên Huế", "Tỉnh", "61.5", "86.98", "Sáp nhập\n2025"],
    ["2", "Bộ Văn hóa, Thể thao và Du lịch", "Bộ", "58", "80.1", ""],
    ["3", "Đắk Lắk", "Tỉnh", "55.25", "79", ""],
]
TONES = "\u0300\u0301\u0303\u0309\u0323"  # the five tone marks cp1258 has as combining characters


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


def to_cp1258(text: str) -> bytes:
    """Encode like a real Windows-1258 export: base letter (ư, ê, ă...) plus a combining tone mark."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
            out.append((base + "".join(c for c in parts if c in TONES)).encode("cp1258"))
    return b"".join(out)


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def expected_frame() -> pd.DataFrame:
    data = [[v or None for v in row] for row in ROWS]
    return pd.DataFrame(data, columns=HEADER, dtype="str")


def xlsx_with_titles(path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "PAR 2023"
    ws.append(["BẢNG XẾP HẠNG CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2023"])
    ws.merge_cells("A1:F1")
    ws.append(["(Kèm theo Quyết định số 323/QĐ-BNV)"])
    ws.append(HEADER)
    ws.append([1, "Thừa Thiên Huế", "Tỉnh", 61.5, 86.98, "Sáp nhập\n2025"])
    ws.append([2.0, "Bộ Văn hóa, Thể thao và Du lịch", "Bộ", 58.0, 80.1, None])
    ws.append([3, "Đắk Lắk", "Tỉnh", 55.25, 79, None])
    wb.create_sheet("Ghi chú").append(["nothing here"])
    wb.save(path)


def test_same_table_from_every_export_format(tmp_path):
    text = csv_text([HEADER, *ROWS])
    xlsx = tmp_path / "bang.xlsx"
    xlsx_with_titles(xlsx)
    cases = {
        "utf8.csv": (text.encode("utf-8"), "utf-8", ","),
        "bom.csv": (text.encode("utf-8-sig"), "utf-8-sig", ","),
        "unicode.txt": (csv_text([HEADER, *ROWS], "\t").encode("utf-16"), "utf-16", "\t"),
        "win1258.csv": (to_cp1258(csv_text([HEADER, *ROWS], ";")), "cp1258", ";"),
    }
    expected = expected_frame()
    for name, (data, encoding, delimiter) in cases.items():
        table = read_table(write(tmp_path, name, data))
        pd.testing.assert_frame_equal(table.frame, expected)
        assert (table.encoding, table.delimiter, table.sheet) == (encoding, delimiter, None), name
        assert table.header == HEADER and table.header_row == 1
        assert table.source_rows == [2, 4, 5], name  # the quoted note spans lines 2-3
        assert table.warnings == []
    table = read_table(xlsx)
    pd.testing.assert_frame_equal(table.frame, expected)
    assert (table.encoding, table.delimiter, table.sheet) == (None, None, "PAR 2023")
    assert table.header_row == 3 and table.source_rows == [4, 5, 6]
    assert table.warnings == ["title rows 1-2 skipped"]
    assert table.warnings_vi == ["Bỏ qua dòng tiêu đề phía trên bảng: dòng 1-2"]
    assert isinstance(table.frame.index, pd.RangeIndex)
    assert all(dtype == "str" for dtype in table.frame.dtypes)


def test_cp1258_bytes_really_hold_combining_tones(tmp_path):
    data = to_cp1258("Tỉnh;Tên\nThừa Thiên Huế;Đắk Lắk\n")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert "\u0300" in data.decode("cp1258")  # ừ is stored as ư + combining grave
    table = read_table(write(tmp_path, "t.csv", data))
    assert table.frame.iloc[0].tolist() == ["Thừa Thiên Huế", "Đắk Lắk"]
    assert unicodedata.is_normalized("NFC", table.frame.iloc[0, 0])


def test_semicolon_file_keeps_decimal_commas_as_text(tmp_path):
    text = "Tỉnh;Điểm;Xếp hạng\r\nHà Nội;86,98;3\r\n\"Bà Rịa; Vũng Tàu\";90,5;2\r\n"
    table = read_table(write(tmp_path, "s.csv", text.encode("utf-8")))
    assert table.delimiter == ";"
    assert table.frame["Điểm"].tolist() == ["86,98", "90,5"]
    assert table.frame["Tỉnh"].tolist() == ["Hà Nội", "Bà Rịa; Vũng Tàu"]


def test_ragged_row_names_row_and_counts(tmp_path):
    text = "a,b,c\n1,2,3\n4,5,6\n7,8,9,10\n"
    with pytest.raises(ReadProblem) as err:
        read_table(write(tmp_path, "r.csv", text.encode()), display_name="diem.csv")
    problem = err.value
    assert (problem.file, problem.row, problem.value) == ("diem.csv", 4, "10")
    assert str(problem) == 'diem.csv, row 4: Row has 4 cells but the header has 3 columns (extra value "10").'
    assert problem.message("vi").startswith("diem.csv, dòng 4: Dòng có 4 ô")


def test_unclosed_quote_names_the_row_where_it_opens(tmp_path):
    text = 'Tỉnh,Điểm\nHuế,1\n"Bộ Nội vụ,2\nHà Nội,3\n'
    with pytest.raises(ReadProblem) as err:
        read_table(write(tmp_path, "q.csv", text.encode()))
    assert err.value.row == 3 and "closing quote is missing" in str(err.value)
    assert "thiếu dấu ngoặc kép đóng" in err.value.message_vi


def test_short_rows_padded_and_trailing_empty_cells_allowed(tmp_path):
    table = read_table(write(tmp_path, "p.csv", b"a,b,c\n1,2\n4,5,6,,\n"))
    assert table.frame["c"].isna().tolist() == [True, False]


def test_blank_rows_dropped_with_source_rows(tmp_path):
    text = "Tỉnh,Điểm\n\nHà Nội,1\n,\n\nHuế,2\n\n\n"
    table = read_table(write(tmp_path, "b.csv", text.encode()))
    assert table.frame["Tỉnh"].tolist() == ["Hà Nội", "Huế"]
    assert table.source_rows == [3, 6]
    assert table.warnings == ["3 blank rows ignored"]  # trailing blank lines are not counted


def test_header_only_and_empty_files(tmp_path):
    with pytest.raises(ReadProblem, match="Header only, no data rows") as err:
        read_table(write(tmp_path, "h.csv", "Tỉnh,Điểm\r\n\r\n".encode()))
    assert err.value.row == 1 and "không có dòng dữ liệu" in err.value.message_vi
    for i, data in enumerate([b"", b"  \r\n", b"\xef\xbb\xbf", "\n".encode("utf-16")]):
        with pytest.raises(ReadProblem, match="Empty file"):
            read_table(write(tmp_path, f"e{i}.csv", data))


@pytest.mark.parametrize("data, what", [
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
    (b"abc\x00\x01\x02def", "binary data"),
])
def test_non_table_files_rejected(tmp_path, data, what):
    with pytest.raises(ReadProblem) as err:
        read_table(write(tmp_path, "diem.csv", data))
    assert str(err.value) == f"diem.csv: Not a text (CSV) or Excel (.xlsx) file: it looks like {what}."
    assert err.value.message_vi.startswith("Không phải tệp văn bản")


def test_legacy_xls_rejected(tmp_path):
    with pytest.raises(ReadProblem, match=r"legacy Excel \.xls.*save it as \.xlsx or CSV") as err:
        read_table(write(tmp_path, "old.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)))
    assert "lưu lại dưới dạng .xlsx" in err.value.message_vi


def test_word_document_rejected(tmp_path):
    import zipfile
    path = tmp_path / "bang.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    with pytest.raises(ReadProblem, match="looks like a Word document"):
        read_table(path)


def test_html_export_rejected(tmp_path):
    with pytest.raises(ReadProblem, match="HTML/XML page"):
        read_table(write(tmp_path, "x.xls", b"<html><table><tr><td>1</td></tr></table></html>"))


def test_oversize_file_rejected(tmp_path):
    path = write(tmp_path, "big.csv", b"a,b\n" + b"1,2\n" * 1000)
    with pytest.raises(ReadProblem) as err:
        read_table(path, max_bytes=2048)
    assert "File too large: 0.0 MB (4,004 bytes), over the limit of 0.0 MB (2,048 bytes)" in str(err.value)
    assert "vượt giới hạn" in err.value.message_vi


def test_missing_file(tmp_path):
    with pytest.raises(ReadProblem, match="Cannot open the file"):
        read_table(tmp_path / "nope.csv")


def test_merged_two_row_xlsx_header(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Bảng 1. Kết quả PAR INDEX 2023"])
    ws.append(["STT", "Tên bộ", "Điểm", None, "Tổng điểm"])
    ws.append([None, None, "Thẩm định", "Điều tra XHH", None])
    for cells in ("A1:E1", "C2:D2", "A2:A3", "B2:B3", "E2:E3"):
        ws.merge_cells(cells)
    ws.append([1, "Bộ Tư pháp", 61.86, 28.1, 89.95])
    ws.append([2, "Ngân hàng Nhà nước Việt Nam", 62.67, 27.21, 89.89])
    path = tmp_path / "upload.tmp"  # content decides, not the extension
    wb.save(path)
    table = read_table(path)
    assert table.header == ["STT", "Tên bộ", "Điểm Thẩm định", "Điểm Điều tra XHH", "Tổng điểm"]
    assert table.header_row == 2 and table.source_rows == [4, 5]
    assert table.frame["Điểm Điều tra XHH"].tolist() == ["28.1", "27.21"]
    assert table.warnings == ["two-row header (rows 2-3) combined", "title row 1 skipped"]


def test_xlsx_values_as_text_and_sheet_choice(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Tóm tắt"
    ws = wb.create_sheet("Số liệu")
    ws.append(["Ngày", "Điểm", "Số", "Tỷ lệ"])
    ws.append([date(2024, 4, 6), 3.0, 12, 86.97999999999999])
    path = tmp_path / "s.xlsx"
    wb.save(path)
    for sheet in ("Số liệu", 1):
        table = read_table(path, sheet=sheet)
        assert table.sheet == "Số liệu"
        assert table.frame.iloc[0].tolist() == ["2024-04-06", "3", "12", "86.98"]
    with pytest.raises(ReadProblem) as err:
        read_table(path, sheet="2023")
    assert 'No sheet "2023". Available sheets: "Tóm tắt", "Số liệu".' in str(err.value)
    assert "Các trang tính hiện có" in err.value.message_vi
    with pytest.raises(ReadProblem, match="Available sheets"):
        read_table(path, sheet=5)


def test_xlsx_data_beyond_header_is_unnamed_column(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Tỉnh", "Điểm", "Hạng", "Nhóm"])
    ws.append(["Huế", 1, 2, "A"])
    ws.append(["Hà Nội", 3, 4, "A", "ghi chú lạc"])
    path = tmp_path / "u.xlsx"
    wb.save(path)
    with pytest.raises(ReadProblem) as err:
        read_table(path)
    assert (err.value.row, err.value.column) == (3, "E")
    assert "Column 5 (E) has no header" in str(err.value) and "Cột 5 (E)" in err.value.message_vi

    wb = openpyxl.Workbook()  # an empty header cell that is not merged is no group label
    wb.active.append(["Tỉnh", None, "Hạng"])
    wb.active.append(["Huế", "x", 1])
    wb.save(path)
    with pytest.raises(ReadProblem, match=r"row 2, column B: Column 2 \(B\) has no header"):
        read_table(path)


def test_empty_header_cell_with_data_in_csv(tmp_path):
    with pytest.raises(ReadProblem) as err:
        read_table(write(tmp_path, "e.csv", b"a,b,,d\n1,2,,4\n5,6,x,8\n"))
    assert str(err.value) == 'e.csv, row 3, column C: Column 3 (C) has no header but holds data "x".'


def test_empty_column_without_header_or_data_is_dropped(tmp_path):
    table = read_table(write(tmp_path, "e.csv", b"a,,b,\n1,,2,\n"))
    assert table.header == ["a", "b"] and table.frame.columns.tolist() == ["a", "b"]


def test_duplicate_headers(tmp_path):
    with pytest.raises(ReadProblem) as err:
        read_table(write(tmp_path, "d.csv", " Điểm ,Tỉnh,Điểm\n1,2,3\n".encode()))
    assert 'Duplicate header "Điểm" in column 1 (A) and column 3 (C).' in str(err.value)
    assert err.value.row == 1 and err.value.value == "Điểm"


def test_expected_headers_find_header_below_wide_title_rows(tmp_path):
    text = ("BẢNG ĐIỂM,,,\nĐơn vị: điểm,Năm 2024,Kỳ 1,\n,,,\n"
            "Tên tỉnh,Tổng điểm (%),Hạng,Nhóm\nHuế,86.98,1,A\nHà Nội,80,2,B\n")
    table = read_table(write(tmp_path, "x.csv", text.encode()), expected_headers=["Tỉnh", "tong diem", "Hạng"])
    assert table.header_row == 4 and table.header == ["Tên tỉnh", "Tổng điểm (%)", "Hạng", "Nhóm"]
    assert table.warnings == ["title rows 1-3 skipped"]
    assert table.source_rows == [5, 6]


def test_header_found_by_shape_without_expected_headers(tmp_path):
    text = "Bảng xếp hạng SIPAS 2023\nNguồn: Bộ Nội vụ\nTỉnh\tChỉ số\tHạng\nHuế\t85,1\t1\nHà Nội\t84\t2\n"
    table = read_table(write(tmp_path, "t.tsv", text.encode()))
    assert (table.delimiter, table.header_row, table.header) == ("\t", 3, ["Tỉnh", "Chỉ số", "Hạng"])


def test_normalise_header_and_strip_diacritics():
    assert normalise_header("Điểm thẩm định") == "diem_tham_dinh"
    assert normalise_header("Câu 1") == "cau_1"
    assert normalise_header(" Tổng điểm  (%) ") == "tong_diem"
    assert normalise_header(unicodedata.normalize("NFD", "Điều tra XHH")) == "dieu_tra_xhh"
    assert strip_diacritics("Đắk Lắk") == "Dak Lak"
    assert strip_diacritics(unicodedata.normalize("NFD", "Thừa Thiên Huế")) == "Thua Thien Hue"


def test_large_csv_with_character_straddling_sample_boundary(tmp_path):
    header = "Mã,Tên tỉnh,Ý kiến\n".encode()
    filler = b"".join(f"{i},Ha Noi,tot\n".encode() for i in range(4000))
    assert len(header) + len(filler) < 65536 - 40
    pad = 65535 - (len(header) + len(filler)) - len(b"x,Hu")
    special = f"x,{'a' * pad}Huế,ok\n".encode()  # 'ế' is 3 bytes and starts at byte 65535
    start = len(header) + len(filler) + special.index("ế".encode())
    assert start == 65535
    tail = "".join(f"{i},Đắk Lắk,rất tốt\n" for i in range(4000, 200_000)).encode()
    data = header + filler + special + tail
    with pytest.raises(UnicodeDecodeError):  # a naive strict decode of the sample would fail here
        data[:65536].decode("utf-8")
    path = write(tmp_path, "big.csv", data)
    assert path.stat().st_size > 5 * 1024 * 1024
    table = read_table(path)
    assert table.encoding == "utf-8" and table.delimiter == ","
    assert len(table.frame) == 200_001
    assert table.frame.iloc[4000, 1] == "a" * pad + "Huế"
    assert table.frame.iloc[-1].tolist() == ["199999", "Đắk Lắk", "rất tốt"]


def test_windows1258_after_ascii_sample_is_still_read(tmp_path):
    ascii_part = b"ma,ten\n" + b"".join(f"{i},Ha Noi\n".encode() for i in range(10_000))
    path = write(tmp_path, "w.csv", ascii_part + to_cp1258("99999,Thừa Thiên Huế\n"))
    table = read_table(path)
    assert table.frame.iloc[-1].tolist() == ["99999", "Thừa Thiên Huế"]
    assert table.warnings == ["not UTF-8 after the first 64 KB; read as Windows-1258"]


def test_invalid_utf8_after_the_sample_is_reported_with_its_line(tmp_path):
    rows = "".join(f"{i},Hà Nội\n" for i in range(8000)).encode()
    assert len(rows) > 65536
    path = write(tmp_path, "m.csv", "Mã,Tên\n".encode() + rows + b"8000,Hu\xea\n")  # one cp1258 'ê'
    with pytest.raises(ReadProblem) as err:
        read_table(path)
    assert err.value.row == 8002 and "not valid utf-8" in str(err.value)


def test_read_problem_is_frozen_and_survives_context_managers():
    from contextlib import contextmanager
    from dataclasses import FrozenInstanceError

    @contextmanager
    def noop():
        yield

    with pytest.raises(ReadProblem) as err:
        with noop():
            raise ReadProblem("f.csv", 2, "B", "x", "lỗi", "bad")
    assert str(err.value) == "f.csv, row 2, column B: bad"
    with pytest.raises(FrozenInstanceError):
        err.value.row = 3
    assert pickle.loads(pickle.dumps(err.value)) == err.value
