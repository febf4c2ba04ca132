"""The one reader of uploaded tables against hostile files (issue 16 item 4): a row of a million
cells, a 200 MB shared string, far too many rows — each refused with a clear message, quickly,
without the server's memory growing (measured with tracemalloc)."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from handlers import tables
from handlers.errors import ValidationFailed
from handlers.rosters import TEMPLATE_COLUMNS

MIB = 1024 * 1024


def _template_workbook() -> bytes:
    book = Workbook()
    book.active.append(list(TEMPLATE_COLUMNS))
    book.active.append(["nurse01", "2026-12-07", "N"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _replace(content: bytes, name: str, data: bytes) -> bytes:
    """The same workbook with one part replaced (or added), as a crafted upload would be."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != name:
                target.writestr(item, source.read(item.filename))
        target.writestr(name, data)
    return out.getvalue()


def _sheet(cells_xml: bytes) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><sheetData>' + cells_xml + b"</sheetData></worksheet>"
    )


def _refused_lightly(content: bytes, filename: str = "roster.xlsx") -> str:
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(ValidationFailed) as refused:
            tables.read_table(filename, content, columns=TEMPLATE_COLUMNS, max_rows=50_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 200 * MIB, f"peak {peak / MIB:.0f} MiB"
    assert time.monotonic() - started < 5
    return refused.value.message


def test_a_row_of_a_million_cells_is_refused_before_it_is_parsed():
    row = b'<row r="1">' + b"<c><v>1</v></c>" * 1_000_000 + b"</row>"
    bomb = _replace(_template_workbook(), "xl/worksheets/sheet1.xml", _sheet(row))
    assert len(bomb) < 200 * 1024  # small on the wire
    assert "解压后过大" in _refused_lightly(bomb)


def test_a_200_mb_shared_string_is_refused_before_it_is_loaded():
    strings = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'
        + b"a" * (200 * MIB)
        + b"</t></si></sst>"
    )
    bomb = _replace(_template_workbook(), "xl/sharedStrings.xml", strings)
    assert "解压后过大" in _refused_lightly(bomb)


def test_a_wide_row_within_the_archive_limits_is_refused_at_that_row():
    book = Workbook()
    book.active.append(list(TEMPLATE_COLUMNS))
    book.active.append(["x"] * (tables.MAX_COLUMNS + 5))
    out = io.BytesIO()
    book.save(out)
    assert f"第 2 行超过 {tables.MAX_COLUMNS} 列" in _refused_lightly(out.getvalue())


def test_too_many_rows_stop_the_reading_at_the_limit():
    header = ",".join(TEMPLATE_COLUMNS) + "\r\n"
    lines = "nurse01,2026-12-07,N\r\n" * 60_000
    assert "一次最多导入 50000 行" in _refused_lightly((header + lines).encode(), "roster.csv")


def test_a_long_cell_is_refused():
    header = ",".join(TEMPLATE_COLUMNS) + "\r\n"
    assert "个字" in _refused_lightly(
        (header + "nurse01,2026-12-07," + "N" * 20_000 + "\r\n").encode(), "r.csv"
    )
