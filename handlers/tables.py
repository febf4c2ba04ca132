"""Uploaded tables (members, rosters, lessons, dues books): the one reader of a workbook or CSV —
the archive checked before parsing, rows streamed with limits on rows, columns and cell length,
the header checked against the template, the encodings Chinese Windows Excel writes, blank rows
skipped — and the one way every import reports what is wrong with its rows."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
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


#: What one uploaded table may be (issue 16 item 4): a workbook is a zip, and openpyxl would
#: load its shared strings whole and parse any row however wide — so the archive is checked
#: before parsing, and rows, columns and cell lengths while reading.
MAX_ARCHIVE_ENTRIES = 100
MAX_UNCOMPRESSED_BYTES = 32 * 1024 * 1024
MAX_ENTRY_BYTES = 16 * 1024 * 1024
#: Uncompressed ÷ compressed for any one entry: worksheets of real tables compress 5–20×.
MAX_RATIO = 50
MAX_COLUMNS = 40
MAX_CELL_CHARS = 10_000
UNREADABLE = "无法读取该文件，请使用从本页下载的模板（.xlsx 或 .csv）。"


def check_archive(content: bytes) -> None:
    """Refuse a workbook whose zip would expand beyond the limits, before any parser opens it."""
    try:
        entries = zipfile.ZipFile(io.BytesIO(content)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ValidationFailed(UNREADABLE, field="file") from None
    total = sum(entry.file_size for entry in entries)
    too_big = any(
        entry.file_size > MAX_ENTRY_BYTES or entry.file_size > max(entry.compress_size, 1) * MAX_RATIO
        for entry in entries
        if entry.file_size > 1024 * 1024  # small parts (styles, themes) may compress far better
    )
    if len(entries) > MAX_ARCHIVE_ENTRIES or total > MAX_UNCOMPRESSED_BYTES or too_big:
        raise ValidationFailed(
            "文件解压后过大或结构异常，请使用从本页下载的模板，删除多余的行、列和工作表。", field="file"
        )


def workbook_rows(content: bytes) -> Iterator[tuple[Any, ...]]:
    """The first worksheet's rows, streamed (read-only), each within MAX_COLUMNS and every text
    within MAX_CELL_CHARS — refused as soon as one is not."""
    check_archive(content)
    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
    except Exception:  # noqa: BLE001 - any unreadable upload gets the same clear answer
        raise ValidationFailed(UNREADABLE, field="file") from None
    for line, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield _within_limits(line, row)


def _within_limits(line: int, row: tuple[Any, ...] | list[Any]) -> tuple[Any, ...]:
    cells = tuple(row)
    while cells and cells[-1] in (None, ""):  # trailing blanks a spreadsheet keeps
        cells = cells[:-1]
    if len(cells) > MAX_COLUMNS:
        raise ValidationFailed(f"第 {line} 行超过 {MAX_COLUMNS} 列，请使用从本页下载的模板。", field="file")
    if any(isinstance(cell, str) and len(cell) > MAX_CELL_CHARS for cell in cells):
        raise ValidationFailed(f"第 {line} 行有单元格超过 {MAX_CELL_CHARS} 个字。", field="file")
    column = control_column(cells)
    if column:
        raise ValidationFailed(f"第 {line} 行{CONTROL_PROBLEM.format(column=column)}", field="file")
    return cells


def _csv_rows(content: bytes) -> Iterator[tuple[Any, ...]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("gb18030")  # Excel's "CSV" on a Chinese Windows
        except UnicodeDecodeError:
            raise ValidationFailed("无法读取该 CSV 文件（编码应为 UTF-8 或 GBK）。", field="file") from None
    csv.field_size_limit(MAX_CELL_CHARS + 1)
    try:
        for line, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            yield _within_limits(line, row)
    except csv.Error:
        raise ValidationFailed(
            f"CSV 有单元格超过 {MAX_CELL_CHARS} 个字或格式不正确。", field="file"
        ) from None


def read_table(
    filename: str, content: bytes, *, columns: tuple[str, ...], max_rows: int
) -> list[tuple[int, list[Any]]]:
    """(line number, cells) of each non-blank row after the header: the one reader of every
    uploaded table, streamed, stopping at the first row past `max_rows`."""
    rows = _csv_rows(content) if filename.lower().endswith(".csv") else workbook_rows(content)
    header = next(rows, None)
    if header is None or tuple(str(c or "").strip() for c in header[: len(columns)]) != columns:
        raise ValidationFailed(f"表头应为：{'、'.join(columns)}。", field="file")
    kept: list[tuple[int, list[Any]]] = []
    for line, cells in enumerate(rows, start=2):
        if line - 1 > max_rows:
            raise ValidationFailed(f"一次最多导入 {max_rows} 行。", field="file")
        if any(str(c or "").strip() for c in cells):
            kept.append((line, list(cells)))
    return kept
