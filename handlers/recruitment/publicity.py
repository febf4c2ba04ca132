"""The 公示 before a person moves to 积极分子, 发展对象, 预备党员 or 正式党员: name, branch, stage, the
period in working days (handlers/workdays.py counts holidays and 调休) and where to send
objections — on the hospital's 党务公开 page and as a notice to the branch's members. Objections
received are recorded and hold the next step until handled."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import audit, notices, rules, workdays
from handlers.errors import Conflict, NotFound, ValidationFailed
from handlers.policy import Actor
from handlers.recruitment.pipeline import find
from handlers.recruitment.steps import STAGE_LABELS
from handlers.validation import require_text
from models.base import local_today
from models.recruitment import RecruitPublicity, RecruitStage

#: The stage a 公示 may be put up for, from the stage the person is at.
NEXT = {
    RecruitStage.applicant: RecruitStage.activist,
    RecruitStage.activist: RecruitStage.candidate,
    RecruitStage.candidate: RecruitStage.probationary,
    RecruitStage.probationary: RecruitStage.full,
}


def start(
    session: Session,
    actor: Actor,
    *,
    recruit_id: uuid.UUID,
    working_days: int | None = None,
    starts_on: date | None = None,
    contact: str = "",
) -> tuple[RecruitPublicity, workdays.Span]:
    recruit = find(session, actor, recruit_id)
    if recruit.stage not in NEXT:
        raise Conflict("发展程序已结束。")
    stage = NEXT[recruit.stage]
    starts_on = starts_on or local_today()  # an earlier day: a 公示 held on paper, recorded now
    if starts_on < recruit.applied_on or starts_on > local_today() + timedelta(days=30):
        raise ValidationFailed("公示开始日期不正确。", field="starts_on")
    minimum = int(rules.value(session, "recruit.publicity_working_days", starts_on))
    working_days = minimum if working_days is None else int(working_days)
    if working_days < minimum:
        raise ValidationFailed(f"公示不少于 {minimum} 个工作日（本院规则）。", field="working_days")
    span = workdays.working_span(session, starts_on, working_days)
    contact = require_text(contact or "支部书记或党委组织部", "contact", "意见反映渠道", max_length=100)
    body = (
        f"{recruit.person.name}，{recruit.org.name}，拟确定为{STAGE_LABELS[stage]}。"
        f"公示期 {span.starts_on:%Y年%m月%d日} 至 {span.ends_on:%Y年%m月%d日}（{working_days} 个工作日）。"
        f"如有意见，请在公示期内向{contact}反映。"
    )
    title = f"{STAGE_LABELS[stage]}公示"
    publication = notices.put_up(
        session,
        actor,
        title=title,
        body=body,
        starts_on=span.starts_on,
        ends_on=span.ends_on,
        source="recruit",
    )
    row = RecruitPublicity(
        recruit_id=recruit.id,
        stage=stage,
        starts_on=span.starts_on,
        ends_on=span.ends_on,
        working_days=working_days,
        publication_id=publication.id,
    )
    session.add(row)
    if span.ends_on >= local_today():  # a 公示 held on paper and over already is recorded, not announced
        notices.send(
            session,
            actor,
            title=title,
            body=body + (f"\n{span.note}" if span.note else ""),
            org_ids=[recruit.org_id],
            needs_ack=False,
        )
    audit.record(
        session,
        actor,
        "recruit.publicity",
        object_type="recruit",
        object_id=recruit.id,
        detail={"stage": stage.value},
    )
    return row, span


def one(session: Session, actor: Actor, publicity_id: uuid.UUID) -> RecruitPublicity:
    row = session.get(RecruitPublicity, publicity_id)
    if row is None:
        raise NotFound("公示不存在。")
    find(session, actor, row.recruit_id)
    return row


def record_objection(session: Session, actor: Actor, *, publicity_id: uuid.UUID) -> RecruitPublicity:
    """An objection received during the 公示 (its content is kept on paper or in the 信箱)."""
    row = one(session, actor, publicity_id)
    row.objections += 1
    audit.record(session, actor, "recruit.objection", object_type="recruit", object_id=row.recruit_id)
    return row


def handle_objections(
    session: Session, actor: Actor, *, publicity_id: uuid.UUID, note: str
) -> RecruitPublicity:
    row = one(session, actor, publicity_id)
    if row.objections == row.objections_handled:
        raise Conflict("没有待处理的意见。")
    row.handling_note = require_text(note, "note", "处理情况", max_length=2000)
    row.objections_handled = row.objections
    audit.record(session, actor, "recruit.objection_handled", object_type="recruit", object_id=row.recruit_id)
    return row


def of(session: Session, recruit_id: uuid.UUID) -> list[RecruitPublicity]:
    return list(
        session.scalars(
            select(RecruitPublicity)
            .where(RecruitPublicity.recruit_id == recruit_id)
            .order_by(RecruitPublicity.starts_on)
        )
    )
