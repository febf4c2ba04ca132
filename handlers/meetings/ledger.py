"""A meeting's 台账 (record) as a Word document, laid out as branches file it on paper:
the facts table (time, place, who should attend, who came, who was on leave or absent), the
agenda, the minutes, the resolutions, and any corrections appended after sign-off.

Generated from the event record ("enter once, use many times"), never typed twice.
"""

from __future__ import annotations

import uuid
from io import BytesIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from sqlalchemy.orm import Session

from handlers import audit, meetings
from handlers.policy import Actor
from models import Response
from models.base import CHINA


def record_docx(session: Session, actor: Actor, meeting_id: uuid.UUID) -> tuple[str, bytes]:
    """(file name, .docx bytes) of the meeting's record; the export is audited."""
    meeting = meetings.get_meeting(session, actor, meeting_id, manage=True)
    lines = meetings.roster(session, actor, meeting.id)
    present = [line for line in lines if line.attendance and line.attendance.present]
    on_leave = [
        line for line in lines if line.invitation.response == Response.on_leave and line not in present
    ]
    absent = [line for line in lines if line not in present and line not in on_leave]
    names = lambda group: "、".join(line.invitation.member.person.name for line in group) or "无"  # noqa: E731

    document = Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = "宋体", Pt(12)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(f"{meeting.org.name}{meetings.title_of(session, meeting)}记录")
    run.bold, run.font.size = True, Pt(18)

    facts = [
        ("会议主题", meeting.topic),
        ("会议时间", "；".join(f"{s.label} {meetings.when_text(s)}" for s in meeting.sessions)),
        ("会议地点", meetings.place_text(meeting)),
        ("应到人数", f"{len(lines)} 人（其中有表决权 {sum(1 for x in lines if x.invitation.voting)} 人）"),
        ("实到人数", f"{len(present)} 人"),
        ("请假人员", names(on_leave)),
        ("缺席人员", names(absent)),
        ("安排人", meeting.planned_by),
        (
            "记录签署",
            f"{meeting.signed_off_by}（{meeting.signed_off_at:%Y-%m-%d}）"
            if meeting.signed_off_at
            else "未签署",
        ),
    ]
    table = document.add_table(rows=len(facts), cols=2)
    table.style = "Table Grid"
    for row, (label, value) in zip(table.rows, facts, strict=True):
        row.cells[0].text, row.cells[1].text = label, value
    for title, body in (
        ("议程", meeting.agenda),
        ("会议内容", meeting.minutes),
        ("决议事项", meeting.resolutions),
    ):
        document.add_paragraph().add_run(title).bold = True
        document.add_paragraph(body or "（无）")
    corrections = meetings.corrections(session, meeting)
    if corrections:
        document.add_paragraph().add_run("更正记录").bold = True
        for correction in corrections:
            document.add_paragraph(f"{correction.made_at:%Y-%m-%d} {correction.made_by}：{correction.text}")
    out = BytesIO()
    document.save(out)
    audit.record(session, actor, "meeting.record_export", object_type="meeting", object_id=meeting.id)
    start = meeting.sessions[0].starts_at.astimezone(CHINA)
    return f"{start:%Y%m%d}-{meeting.org.code}-record.docx", out.getvalue()
