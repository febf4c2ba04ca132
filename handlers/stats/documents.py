"""A data pack's documents: Word (python-docx) and PDF (reportlab, its Chinese from the Adobe
STSong-Light CID font every PDF reader supplies, so no font file is shipped). Each figure is its
table with the words of a masked cell, and a bar chart: drawn as vector bars in the PDF, as a
bar of ▇ in a table cell in Word (python-docx writes no chart objects) — the numbers beside it."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.shared import Pt
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from handlers.stats.model import Series
from models.base import CHINA

FONT = "STSong-Light"
RED = colors.HexColor("#c8161d")
BAR_CELLS = 20


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _bar(value: Any, top: float) -> str:
    number = _number(value)
    if number is None or top <= 0:
        return ""
    return "▇" * max(1, round(BAR_CELLS * number / top)) if number > 0 else ""


def _cell(value: Any, unit: str) -> str:
    return f"{value}{unit}" if _number(value) is not None and unit == "%" else str(value)


def to_docx(content: Any) -> bytes:
    document = Document()
    style = document.styles["Normal"]
    style.font.size = Pt(10.5)
    document.add_heading(content.title, level=0)
    generated = content.generated.astimezone(CHINA)
    document.add_paragraph(
        f"范围：{content.scope}　期间：{content.period}　生成时间：{generated:%Y年%m月%d日 %H:%M}"
    )
    document.add_paragraph(
        "人数少于5人的统计不细分（显示为“人数过少不显示”“少于5人”“不单独显示”）；不列出个人名次。"
    )
    document.add_heading("本期工作", level=1)
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in content.facts:
        row = table.add_row().cells
        row[0].text, row[1].text = label, value
    for figure in content.figures:
        document.add_heading(f"{figure.title}（{figure.period}）", level=1)
        document.add_paragraph(f"口径：{figure.definition}")
        for series in figure.series:
            _docx_series(document, series)
    if content.sheet is not None:
        _docx_sheet(document, content.sheet)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _docx_series(document: Any, series: Series) -> None:
    document.add_heading(series.title, level=2)
    top = max((_number(v) or 0 for _, v in series.rows), default=0)
    headers = ["项目", f"数值（{series.unit}）", "图示"] + ([series.compare_label] if series.compare else [])
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
    for n, (label, value) in enumerate(series.rows):
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = label, _cell(value, series.unit), _bar(value, top)
        if series.compare:
            cells[3].text = _cell(series.compare[n], series.unit)


def _docx_sheet(document: Any, sheet: Any) -> None:
    document.add_heading(f"支部考核（{sheet.year}年）", level=1)
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("项目", "分值", "完成程度", "得分"), strict=True):
        cell.text = text
    for line in sheet.lines:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = line.item.title, str(line.item.weight)
        cells[2].text = f"{line.percent}%" if line.percent is not None else "暂无数据"
        cells[3].text = str(line.points)
    grade = sheet.grade.grade if sheet.grade else "未评定"
    document.add_paragraph(f"合计 {sheet.total} 分（满分 {sheet.full_marks} 分）。等次：{grade}。")


def _styles() -> dict[str, ParagraphStyle]:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return {
        "title": ParagraphStyle("title", fontName=FONT, fontSize=18, leading=24, spaceAfter=6),
        "h1": ParagraphStyle("h1", fontName=FONT, fontSize=14, leading=20, spaceBefore=10, spaceAfter=4),
        "h2": ParagraphStyle("h2", fontName=FONT, fontSize=11.5, leading=16, spaceBefore=6, spaceAfter=2),
        "body": ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=14),
    }


def _pdf_table(rows: list[list[str]]) -> Table:
    table = Table(rows, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#b8bcc4")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f4f5f7")),
            ]
        )
    )
    return table


def _pdf_chart(series: Series) -> Drawing | None:
    values = [_number(v) for _, v in series.rows]
    if not values or any(v is None for v in values) or not any(values):
        return None  # a masked or empty series is its table alone
    height = 18 * len(values) + 20
    drawing = Drawing(160 * mm, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 70, 10, 160 * mm - 90, height - 20
    chart.data = [values]
    chart.categoryAxis.categoryNames = [label for label, _ in series.rows]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.reverseDirection = True
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = FONT
    chart.bars[0].fillColor = RED
    drawing.add(chart)
    return drawing


def to_pdf(content: Any) -> bytes:
    styles = _styles()
    generated = content.generated.astimezone(CHINA)
    story: list[Any] = [
        Paragraph(content.title, styles["title"]),
        Paragraph(
            f"范围：{content.scope}　期间：{content.period}　生成时间：{generated:%Y年%m月%d日 %H:%M}",
            styles["body"],
        ),
        Paragraph("人数少于5人的统计不细分；不列出个人名次。", styles["body"]),
        Paragraph("本期工作", styles["h1"]),
        _pdf_table([[label, value] for label, value in content.facts] or [["—", "—"]]),
    ]
    for figure in content.figures:
        story += [
            Paragraph(f"{figure.title}（{figure.period}）", styles["h1"]),
            Paragraph(f"口径：{figure.definition}", styles["body"]),
        ]
        for series in figure.series:
            story.append(Paragraph(series.title, styles["h2"]))
            chart = _pdf_chart(series)
            if chart is not None:
                story.append(chart)
            rows = [["项目", f"数值（{series.unit}）"] + ([series.compare_label] if series.compare else [])]
            for n, (label, value) in enumerate(series.rows):
                rows.append(
                    [label, _cell(value, series.unit)]
                    + ([_cell(series.compare[n], series.unit)] if series.compare else [])
                )
            story += [_pdf_table(rows), Spacer(1, 4)]
    if content.sheet is not None:
        sheet = content.sheet
        story += [Paragraph(f"支部考核（{sheet.year}年）", styles["h1"])]
        rows = [["项目", "分值", "完成程度", "得分"]] + [
            [
                line.item.title,
                str(line.item.weight),
                f"{line.percent}%" if line.percent is not None else "暂无数据",
                str(line.points),
            ]
            for line in sheet.lines
        ]
        story += [
            _pdf_table(rows),
            Paragraph(f"合计 {sheet.total} 分（满分 {sheet.full_marks} 分）。", styles["body"]),
        ]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title=content.title, leftMargin=18 * mm, rightMargin=18 * mm).build(
        story
    )
    return out.getvalue()
