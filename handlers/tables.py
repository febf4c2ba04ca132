"""Uploaded tables (members, rosters, lessons, dues books): reading a workbook or CSV — the header
checked against the template, the encodings Chinese Windows Excel writes, a row limit, blank rows
skipped — and the one way every import reports what is wrong with its rows."""

from __future__ import annotations

import csv
import io
from typing import Any, NamedTuple

from openpyxl import load_workbook

from handlers.errors import ValidationFailed
from handlers.validation import CONTROL


class RowProblem(NamedTuple):
    """What is wrong with one row of an uploaded table: its line in the sheet and a Chinese message
    (a plain pair too, for templates and JSON)."""

    line: int
    message: str


class ImportRefused(ValidationFailed):
    """Some rows have problems, so nothing was imported (imports are all or nothing)."""

    def __init__(self, problems: list[RowProblem], *, nothing_done: str) -> None:
        super().__init__(f"共 {len(problems)} 行有问题，{nothing_done}。", field="file")
        self.problems = problems


CONTROL_PROBLEM = "第 {column} 列含有不允许的控制字符（如 NUL），请删除后重新上传。"


def control_column(cells: list[Any] | tuple[Any, ...]) -> int | None:
    """The first column (from 1) whose text holds a control character no table may carry."""
    return next(
        (n for n, cell in enumerate(cells, start=1) if isinstance(cell, str) and CONTROL.search(cell)), None
    )


def read_table(
    filename: str, content: bytes, *, columns: tuple[str, ...], max_rows: int
) -> list[tuple[int, list[Any]]]:
    """(line number, cells) of each non-blank row after the header."""
    if filename.lower().endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = content.decode("gb18030")  # Excel's "CSV" on a Chinese Windows
            except UnicodeDecodeError:
                raise ValidationFailed(
                    "无法读取该 CSV 文件（编码应为 UTF-8 或 GBK）。", field="file"
                ) from None
        rows = list(csv.reader(io.StringIO(text)))
    else:
        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        except Exception:  # noqa: BLE001 - any unreadable upload gets the same clear answer
            raise ValidationFailed(
                "无法读取该文件，请使用从本页下载的模板（.xlsx 或 .csv）。", field="file"
            ) from None
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    if not rows or tuple(str(c or "").strip() for c in rows[0][: len(columns)]) != columns:
        raise ValidationFailed(f"表头应为：{'、'.join(columns)}。", field="file")
    if len(rows) - 1 > max_rows:
        raise ValidationFailed(f"一次最多导入 {max_rows} 行。", field="file")
    for line, cells in enumerate(rows, start=1):
        for column, cell in enumerate(cells, start=1):
            if isinstance(cell, str) and CONTROL.search(cell):
                raise ValidationFailed(
                    f"第 {line} 行第 {column} 列含有不允许的控制字符（如 NUL），请删除后重新上传。",
                    field="file",
                )
    return [
        (n, cells) for n, cells in enumerate(rows[1:], start=2) if any(str(c or "").strip() for c in cells)
    ]
