import io

import openpyxl
import pandas as pd

from ui.export import csv_bytes, neutralise, xlsx_bytes


def test_formulas_are_neutralised_and_numbers_stay_numbers():
    frame = pd.DataFrame({"name": ["=HYPERLINK(\"x\")", "+1", "-cmd", "@SUM(A1)", "\tx", "Hà Nội"],
                          "value": [-1.5, 2, 3, 4, 5, 6]})
    text = csv_bytes(frame).decode("utf-8-sig")
    assert csv_bytes(frame).startswith(b"\xef\xbb\xbf")
    lines = text.splitlines()
    assert lines[1] == '"\'=HYPERLINK(""x"")",-1.5'
    assert "Hà Nội,6" in text
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(frame)))
    cells = [(row[0].value, row[1].value) for row in book.active.iter_rows(min_row=2)]
    assert cells[0] == ("'=HYPERLINK(\"x\")", -1.5) and cells[2] == ("'-cmd", 3)
    assert neutralise(-3) == -3
