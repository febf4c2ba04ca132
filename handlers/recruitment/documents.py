"""The 发展党员纪实表 as a Word document: one row per step with its date, evidence and who
recorded it, the votes with their arithmetic, the 公示 periods and the 材料归档 checklist —
generated from the record ("enter once, use many times"), never typed twice."""

from __future__ import annotations

import uuid
from io import BytesIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from sqlalchemy.orm import Session

from handlers import audit
from handlers.errors import Conflict
from handlers.policy import Actor
from handlers.recruitment import publicity, votes
from handlers.recruitment.pipeline import done, find
from handlers.recruitment.steps import ARCHIVE_FILES, STAGE_LABELS, STEPS


def record_docx(session: Session, actor: Actor, recruit_id: uuid.UUID) -> tuple[str, bytes]:
    """(file name, .docx bytes) of the person's 纪实表; the export is audited."""
    recruit = find(session, actor, recruit_id)
    steps = done(recruit)
    document = Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = "宋体", Pt(11)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run("发展党员工作纪实表")
    run.bold, run.font.size = True, Pt(18)
    who = f"姓名：{recruit.person.name}　　党支部：{recruit.org.name}"
    document.add_paragraph(f"{who}　　目前阶段：{STAGE_LABELS[recruit.stage]}")
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("步骤", "阶段", "完成日期", "依据", "记录人"), strict=True):
        cell.text = text
    for step in STEPS:
        row = table.add_row().cells
        fact = steps.get(step.number)
        row[0].text, row[1].text = f"{step.number}. {step.label}", STAGE_LABELS[step.stage]
        row[2].text = f"{fact.done_on:%Y-%m-%d}" if fact else ""
        row[3].text, row[4].text = (fact.evidence, fact.recorded_by) if fact else ("", "")
    document.add_paragraph().add_run("支部党员大会表决").bold = True
    for vote in votes.of(session, recruit.id):
        document.add_paragraph(
            f"{vote.held_on:%Y-%m-%d} {votes.QUESTIONS[vote.question]}：{votes.explain(vote)}"
        )
    document.add_paragraph().add_run("公示").bold = True
    for row in publicity.of(session, recruit.id):
        objections = (
            f"，收到意见 {row.objections} 条，已处理 {row.objections_handled} 条" if row.objections else ""
        )
        document.add_paragraph(
            f"{STAGE_LABELS[row.stage]}公示：{row.starts_on:%Y-%m-%d} 至 {row.ends_on:%Y-%m-%d}"
            f"（{row.working_days} 个工作日）{objections}"
        )
    document.add_paragraph().add_run("材料归档清单").bold = True
    archived = set(recruit.archived_files or [])
    for name in ARCHIVE_FILES:
        document.add_paragraph(f"{'☑' if name in archived else '☐'} {name}")
    out = BytesIO()
    document.save(out)
    audit.record(session, actor, "recruit.export", object_type="recruit", object_id=recruit.id)
    return f"{recruit.org.code}-{recruit.applied_on:%Y%m%d}-record.docx", out.getvalue()


def mark_archived(session: Session, actor: Actor, recruit_id: uuid.UUID, files: list[str]) -> list[str]:
    """Tick the files confirmed in the 人事档案 (the list replaces the earlier one); 材料归档 (step
    25) waits until every one is ticked."""
    recruit = find(session, actor, recruit_id)
    if 24 not in done(recruit):
        raise Conflict("转正审批后才能归档材料。")
    recruit.archived_files = [name for name in ARCHIVE_FILES if name in set(files)]
    audit.record(
        session,
        actor,
        "recruit.archive_files",
        object_type="recruit",
        object_id=recruit.id,
        detail={"files": len(recruit.archived_files)},
    )
    return recruit.archived_files
