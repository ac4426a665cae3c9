"""Tables a page offers to download, as CSV or as an Excel workbook (openpyxl): one way
for every page, so every export is safe to open in a spreadsheet.

A cell never becomes a formula, whatever a person typed into a name or a reason (CSV
injection): CSV text starting = + - @ is prefixed with ', and workbook text is stored
as text.  CSV carries a byte-order mark so that Excel reads it as UTF-8.  Times are
shown as they are given (UK time), dates as dates."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Sequence

from flask import Response

MIMETYPES = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([f"'{v}" if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") else
                         v.strftime("%Y-%m-%d %H:%M") if isinstance(v, datetime) else
                         v.isoformat() if isinstance(v, date) else v for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(header: Sequence[str], rows: Sequence[Sequence], *, title: str,
               widths: Sequence[int] = ()) -> bytes:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]  # Excel's limit on a sheet's name
    sheet.append(list(header))
    for row in rows:
        sheet.append([v.replace(tzinfo=None) if isinstance(v, datetime) else v for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula, whatever was typed
            elif isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def download(kind: str, stem: str, header: Sequence[str], rows: Sequence[Sequence], *, title: str,
             widths: Sequence[int] = ()) -> Response:
    """The table as a file to save (`kind` csv or xlsx), named `stem`.`kind`; never
    cached, since it holds people's names and schools' details."""
    body = csv_bytes(header, rows) if kind == "csv" else xlsx_bytes(header, rows, title=title, widths=widths)
    response = Response(body, mimetype=MIMETYPES[kind])
    response.headers["Content-Disposition"] = f'attachment; filename="{stem}.{kind}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
