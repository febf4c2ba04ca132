"""Leaving the way, or lengthening it: 不予发展 (or 退回) before admission; the probation extended
once, by 6 to 12 months, or the 预备党员 status cancelled — each after a vote of the 支部党员大会
(党章 art. 7, 细则 art. 32); 转出 to continue elsewhere."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy.orm import Session

from handlers import audit
from handlers.errors import Conflict, ValidationFailed
from handlers.policy import Actor
from handlers.recruitment.pipeline import CHARTER, find, vote_passed
from handlers.recruitment.steps import OPEN, STAGE_LABELS
from handlers.validation import require_text
from handlers.workdays import months_after
from models.base import local_today, utcnow
from models.recruitment import Recruit, RecruitStage

BEFORE_ADMISSION = (RecruitStage.applicant, RecruitStage.activist, RecruitStage.candidate)


def _close(session: Session, actor: Actor, recruit: Recruit, stage: RecruitStage, reason: str) -> Recruit:
    recruit.stage, recruit.closed_on = stage, local_today()
    recruit.closed_reason = require_text(reason, "reason", "原因", max_length=200)
    audit.record(
        session,
        actor,
        "recruit.close",
        object_type="recruit",
        object_id=recruit.id,
        detail={"to": stage.value},
    )
    return recruit


def not_admit(session: Session, actor: Actor, *, recruit_id: uuid.UUID, reason: str) -> Recruit:
    recruit = find(session, actor, recruit_id)
    if recruit.stage not in BEFORE_ADMISSION:
        raise Conflict(f"{STAGE_LABELS[recruit.stage]}不能作不予发展处理。")
    return _close(session, actor, recruit, RecruitStage.not_admitted, reason)


def transfer_out(session: Session, actor: Actor, *, recruit_id: uuid.UUID, reason: str) -> Recruit:
    recruit = find(session, actor, recruit_id)
    if recruit.stage not in OPEN:
        raise Conflict("发展程序已结束。")
    return _close(session, actor, recruit, RecruitStage.transferred, reason)


def _passed_vote(session: Session, recruit: Recruit, question: str, on: date) -> None:
    refusal = f"需经支部党员大会表决通过（{CHARTER}第七条）。"
    vote_passed(session, recruit, question, on, refusal=refusal, field="held_on")


def extend_probation(
    session: Session, actor: Actor, *, recruit_id: uuid.UUID, months: int, held_on: date
) -> Recruit:
    """The probation extended once, by 6 to 12 months, after the 支部大会 voted it."""
    recruit = find(session, actor, recruit_id)
    if recruit.stage != RecruitStage.probationary:
        raise Conflict("只有预备党员可以延长预备期。")
    if recruit.extended_months:
        raise ValidationFailed(f"预备期只能延长一次（{CHARTER}第七条）。", field="months")
    if not 6 <= int(months) <= 12:
        raise ValidationFailed(f"延长预备期不能少于半年，最长不超过一年（{CHARTER}第七条）。", field="months")
    _passed_vote(session, recruit, "extend", held_on)
    recruit.extended_months = int(months)
    recruit.probation_ends_on = months_after(recruit.probation_ends_on, int(months))
    audit.record(
        session,
        actor,
        "recruit.extend",
        object_type="recruit",
        object_id=recruit.id,
        detail={"months": int(months)},
    )
    return recruit


def cancel_probation(
    session: Session, actor: Actor, *, recruit_id: uuid.UUID, held_on: date, reason: str
) -> Recruit:
    """取消预备党员资格 after the 支部大会 voted it: the membership of record ends with it."""
    recruit = find(session, actor, recruit_id)
    if recruit.stage != RecruitStage.probationary:
        raise Conflict("只有预备党员可以取消预备党员资格。")
    _passed_vote(session, recruit, "cancel", held_on)
    member = recruit.person.membership
    if member is not None and member.left_at is None:
        member.left_at = utcnow()
    return _close(session, actor, recruit, RecruitStage.cancelled, reason)


def probation_left(recruit: Recruit, today: date | None = None) -> timedelta | None:
    if recruit.stage != RecruitStage.probationary or recruit.probation_ends_on is None:
        return None
    return recruit.probation_ends_on - (today or local_today())
