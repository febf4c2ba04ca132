"""The outbound 介绍信 as Word: 存根, the letter and its 回执 (python-docx)."""

from __future__ import annotations

import uuid
from io import BytesIO

from sqlalchemy.orm import Session

from handlers import audit
from handlers.errors import NotFound
from handlers.policy import Actor, can
from handlers.transfers.lookups import get_transfer
from models import MemberStatus, TransferKind


def letter_document(session: Session, actor: Actor, transfer_id: uuid.UUID) -> bytes:
    """The outbound 介绍信 as Word: 存根, the letter and its 回执, with the fields §B6 names
    (党费交至年月 and the validity among them). Audited: it carries the member's identity."""
    from docx import Document
    from docx.shared import Pt

    transfer = get_transfer(session, actor, transfer_id)
    if transfer.kind != TransferKind.outbound:
        raise NotFound()
    if not can(session, actor, "member.edit", obj=transfer.from_branch):
        raise NotFound()
    member = transfer.member
    person = member.person
    age = ""
    if person.birth_date:
        on = transfer.effective_on
        age = str(
            on.year
            - person.birth_date.year
            - ((on.month, on.day) < (person.birth_date.month, person.birth_date.day))
        )
    sex = member.gender or ""
    status = "预备" if member.status == MemberStatus.probationary else "正式"
    valid_days = (transfer.valid_until - transfer.effective_on).days if transfer.valid_until else ""
    dues = transfer.dues_paid_to or "    年  月"
    dues_text = dues.replace("-", " 年 ") + " 月" if transfer.dues_paid_to else dues
    number = transfer.letter_number or "    "
    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(12)

    def part(title: str, lines: list[str]) -> None:
        doc.add_heading(title, level=2)
        for line in lines:
            doc.add_paragraph(line)

    part(
        "中国共产党党员组织关系介绍信（存根）",
        [
            f"第 {number} 号",
            f"{person.name}同志（{sex}，{age}岁，{member.ethnicity or ''}），系中共{status}党员，"
            f"组织关系由{transfer.from_branch.name}转到{transfer.destination}。",
            f"党费交到 {dues_text}。",
            f"{transfer.effective_on:%Y 年 %m 月 %d 日}",
        ],
    )
    part(
        "中国共产党党员组织关系介绍信",
        [
            f"第 {number} 号",
            f"{transfer.destination}：",
            f"    {person.name}同志（{sex}，{age}岁，{member.ethnicity or ''}），系中共{status}党员，"
            f"身份证号码 {person.id_number or ''}，由{transfer.from_branch.name}去{transfer.destination}，"
            f"请转接组织关系。该同志党费已交到 {dues_text}。",
            f"（有效期 {valid_days} 天，至 {transfer.valid_until}）",
            f"{transfer.from_branch.name}（盖章）",
            f"{transfer.effective_on:%Y 年 %m 月 %d 日}",
        ],
    )
    part(
        "回执",
        [
            f"第 {number} 号",
            f"{transfer.from_branch.name}：",
            f"    {person.name}同志的党员组织关系已转达我处，特此回复。",
            "接收党组织（盖章）",
            "    年  月  日",
        ],
    )
    out = BytesIO()
    doc.save(out)
    audit.record(
        session,
        actor,
        "member.transfer_letter",
        object_type="member",
        object_id=member.id,
        detail={"transfer": str(transfer.id)},
    )
    return out.getvalue()
