"""Workbooks for import tests, built as the console's templates lay them out."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook

from handlers import member_import


def workbook(*rows, header=member_import.TEMPLATE_COLUMNS):
    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(list(row))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def row(userid, id_number, code="XN01", kind="正式党员", mobile="13800138000", joined="2010-07-01"):
    return ["张三", userid, id_number, mobile, code, kind, joined, "白班组"]
