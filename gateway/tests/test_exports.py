"""Downloads are safe to open in a spreadsheet: nothing a person typed becomes a
formula, CSV says it is UTF-8, and times and dates stay readable."""
from __future__ import annotations

import io
from datetime import date, datetime

from gateway.web.exports import csv_bytes, xlsx_bytes

HEADER = ["School", "Reason", "When", "Review on", "Staff"]
ROWS = [["=HYPERLINK(\"http://evil.test\")", "+44 7700 900000", datetime(2026, 10, 5, 16, 0), date(2027, 1, 8), 12],
        ["Ashby Primary", "@SUM(A1)", datetime(2026, 10, 6, 9, 30), None, 0],
        ["Brook Academy", "-1", None, None, None]]


def test_csv_keeps_typed_text_as_text():
    text = csv_bytes(HEADER, ROWS).decode("utf-8")
    assert text.startswith("\ufeffSchool,Reason,When,Review on,Staff")
    lines = text.splitlines()
    assert lines[1] == "\"'=HYPERLINK(\"\"http://evil.test\"\")\",'+44 7700 900000,2026-10-05 16:00,2027-01-08,12"
    assert lines[2] == "Ashby Primary,'@SUM(A1),2026-10-06 09:30,,0"
    assert lines[3] == "Brook Academy,'-1,,,"


def test_a_workbook_stores_text_never_formulas():
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx_bytes(HEADER, ROWS, title="A title longer than Excel's thirty-one",
                                               widths=(30, 20))))
    sheet = book.active
    assert sheet.title == "A title longer than Excel's thi"
    assert [c.value for c in sheet[1]] == HEADER
    formula = sheet["A2"]
    assert formula.value == "=HYPERLINK(\"http://evil.test\")" and formula.data_type == "s"
    assert sheet["C2"].value == datetime(2026, 10, 5, 16, 0) and sheet["C2"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet["D2"].number_format == "yyyy-mm-dd"
    assert sheet.column_dimensions["A"].width == 30
