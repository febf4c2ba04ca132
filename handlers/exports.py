"""The one writer of every workbook and CSV the product hands out (exports and templates alike).

Whatever is stored — a member named `=HYPERLINK(…)` typed through the API, a subject typed on a
phone, a control character that slipped in before the input boundary refused it — comes out
as inert text: OWASP's CSV-injection rule (text starting with = + - @, tab or carriage return is
prefixed with a single quote), every workbook cell a text cell, and the characters a workbook
cannot hold (C0 controls other than tab, newline and carriage return) replaced, so one odd value
never makes an export fail for everyone.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook

from handlers.validation import CONTROL

#: Where a spreadsheet would start a formula (OWASP "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
REPLACEMENT = "\ufffd"

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"


def cell_text(value: Any) -> str:
    """A value as an export shows it: text, never a formula, nothing a sheet cannot store."""
    if value is None:
        return ""
    text = CONTROL.sub(REPLACEMENT, str(value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def workbook(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """One sheet: the header, then the rows, every cell a text cell."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    for values in [columns, *rows]:
        sheet.append([cell_text(v) for v in values])
    for row in sheet.iter_rows():
        for cell in row:
            cell.data_type = "s"  # text, whatever the value looks like (a number, a date, "=1+1")
            cell.number_format = "@"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A CSV with a BOM, so that Excel on a Chinese Windows opens it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out)
    for values in [columns, *rows]:
        writer.writerow([cell_text(v) for v in values])
    return "\ufeff" + out.getvalue()
