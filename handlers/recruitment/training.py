"""Those who train and sponsor the person, and what the training leaves in writing: 1–2
培养联系人 (细则 art. 9) and 2 入党介绍人 (党章 art. 5), all 正式党员; the person's quarterly
思想汇报, the 联系人's half-yearly 考察 and the talks — encrypted, read by the person and the
branch that develops them."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handlers import audit
from handlers.errors import Conflict, NotFound, ValidationFailed
from handlers.policy import Actor
from handlers.recruitment.pipeline import find
from handlers.recruitment.steps import OPEN
from handlers.rules_recruitment import RULES_2014
from handlers.validation import require_text
from models import Member, MemberStatus, Person
from models.base import local_today
from models.recruitment import Recruit, RecruitNote, RecruitRole

ROLE_LIMITS = {"mentor": (1, 2, "培养联系人"), "sponsor": (2, 2, "入党介绍人")}
NOTE_KINDS = {"thought_report": "思想汇报", "review": "培养考察", "talk": "谈话记录"}


def assign(
    session: Session, actor: Actor, *, recruit_id: uuid.UUID, member_id: uuid.UUID, role: str
) -> RecruitRole:
    recruit = find(session, actor, recruit_id)
    if role not in ROLE_LIMITS:
        raise ValidationFailed("身份不正确。", field="role")
    _, most, label = ROLE_LIMITS[role]
    member = session.get(Member, member_id)
    if member is None or member.left_at is not None:
        raise NotFound("党员不存在。")
    if member.status != MemberStatus.full:
        raise ValidationFailed(f"{label}应为正式党员（{RULES_2014}）。", field="member_id")
    if member.person_id == recruit.person_id:
        raise ValidationFailed(f"不能做自己的{label}。", field="member_id")
    count = session.scalar(
        select(func.count()).where(RecruitRole.recruit_id == recruit.id, RecruitRole.role == role)
    )
    if count >= most:
        raise Conflict(f"{label}最多 {most} 名。")
    if session.scalar(
        select(RecruitRole.id).where(
            RecruitRole.recruit_id == recruit.id, RecruitRole.member_id == member.id, RecruitRole.role == role
        )
    ):
        raise Conflict(f"已是{label}。")
    row = RecruitRole(recruit_id=recruit.id, member_id=member.id, role=role, assigned_on=local_today())
    session.add(row)
    audit.record(
        session, actor, "recruit.role", object_type="recruit", object_id=recruit.id, detail={"role": role}
    )
    return row


def roles_of(session: Session, recruit: Recruit) -> list[RecruitRole]:
    return list(
        session.scalars(
            select(RecruitRole).where(RecruitRole.recruit_id == recruit.id).order_by(RecruitRole.role)
        )
    )


def add_note(
    session: Session, actor: Actor, *, recruit_id: uuid.UUID, kind: str, written_on: date | None, text: str
) -> RecruitNote:
    """A 考察 or talk by the branch or a 联系人 of the person (the branch's own record)."""
    recruit = find(session, actor, recruit_id)
    return _note(session, recruit, actor.label, kind, written_on, text)


def add_own_report(session: Session, person: Person, *, text: str) -> RecruitNote:
    """The person's own 思想汇报, from the phone."""
    recruit = session.scalar(select(Recruit).where(Recruit.person_id == person.id, Recruit.stage.in_(OPEN)))
    if recruit is None:
        raise NotFound("您没有正在进行的入党培养。")
    return _note(session, recruit, person.name, "thought_report", local_today(), text)


def _note(
    session: Session, recruit: Recruit, author: str, kind: str, written_on: date | None, text: str
) -> RecruitNote:
    if kind not in NOTE_KINDS:
        raise ValidationFailed("记录类型不正确。", field="kind")
    if recruit.stage not in OPEN:
        raise Conflict("发展程序已结束。")
    written_on = written_on or local_today()
    if written_on > local_today():
        raise ValidationFailed("日期不能晚于今天。", field="written_on")
    note = RecruitNote(recruit_id=recruit.id, kind=kind, written_on=written_on, author_label=author)
    session.add(note)
    session.flush()  # the id is part of the ciphertext's associated data
    note.text = require_text(text, "text", NOTE_KINDS[kind], max_length=5000)
    return note


def notes_of(session: Session, recruit: Recruit) -> list[RecruitNote]:
    return list(
        session.scalars(
            select(RecruitNote).where(RecruitNote.recruit_id == recruit.id).order_by(RecruitNote.written_on)
        )
    )


def eligible(session: Session, recruit: Recruit) -> list[Member]:
    """The branch's 正式党员 who may train or sponsor the person."""
    return list(
        session.scalars(
            select(Member)
            .join(Person, Person.id == Member.person_id)
            .where(
                Member.branch_id == recruit.org_id,
                Member.left_at.is_(None),
                Member.status == MemberStatus.full,
                Member.person_id != recruit.person_id,
            )
            .order_by(Person.name)
        )
    )


def mentored_by(session: Session, person: Person) -> list[Recruit]:
    """Those the person trains as 培养联系人, still on the way."""
    return list(
        session.scalars(
            select(Recruit)
            .join(RecruitRole, RecruitRole.recruit_id == Recruit.id)
            .join(Member, Member.id == RecruitRole.member_id)
            .where(Member.person_id == person.id, RecruitRole.role == "mentor", Recruit.stage.in_(OPEN))
            .order_by(Recruit.applied_on)
        )
    )


def add_mentor_review(session: Session, person: Person, *, recruit_id: uuid.UUID, text: str) -> RecruitNote:
    """The 培养联系人's half-yearly 考察, from the phone (细则 art. 11)."""
    recruit = next((r for r in mentored_by(session, person) if r.id == recruit_id), None)
    if recruit is None:
        raise NotFound("您不是该同志的培养联系人。")
    return _note(session, recruit, person.name, "review", local_today(), text)
