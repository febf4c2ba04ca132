"""Reading a workbook or CSV someone uploaded (rosters, lessons): the header checked against the
template, the encodings Chinese Windows Excel writes, a row limit, blank rows skipped."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import load_workbook

from handlers.errors import ValidationFailed


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
    return [
        (n, cells) for n, cells in enumerate(rows[1:], start=2) if any(str(c or "").strip() for c in cells)
    ]
