"""Offline 集中培训 (training days): the committee office records a day and who attended; the
hours count toward each attendee's year like a 党课 attended (learning.hours_this_year)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from handlers import audit, rules
from handlers.errors import Forbidden, ValidationFailed
from handlers.policy import Actor, holds
from handlers.validation import require_text
from models import Member, TrainingAttendance, TrainingDay
from models.base import local_today


@dataclass(frozen=True)
class RecordedDay:
    day: TrainingDay
    attendees: int


def default_hours(session: Session) -> Decimal:
    return Decimal(rules.value(session, "study.training_day_hours"))


def record_day(
    session: Session,
    actor: Actor,
    *,
    title: str,
    held_on: date | None,
    hours: Decimal,
    person_ids: list[uuid.UUID],
) -> RecordedDay:
    if not holds(actor, "org.manage"):
        raise Forbidden("只有党委组织部可以记录集中培训。")
    if held_on is None or held_on > local_today():
        raise ValidationFailed("请填写培训日期（不能晚于今天）。", field="held_on")
    if not Decimal("0.5") <= hours <= Decimal("16") or hours.as_tuple().exponent < -1:
        raise ValidationFailed("学时应为 0.5–16，最多一位小数。", field="hours")
    if not person_ids:
        raise ValidationFailed("请填写参加培训的党员账号。", field="people")
    day = TrainingDay(
        title=require_text(title, "title", "培训名称", max_length=100),
        held_on=held_on,
        hours=hours,
        created_by=actor.label[:100],
    )
    session.add(day)
    session.flush()
    member_ids = session.scalars(select(Member.id).where(Member.person_id.in_(person_ids))).all()
    session.execute(insert(TrainingAttendance), [{"training_id": day.id, "member_id": m} for m in member_ids])
    audit.record(
        session,
        actor,
        "training.record",
        object_type="training_day",
        object_id=day.id,
        detail={"attendees": len(member_ids), "hours": str(hours)},
    )
    return RecordedDay(day, len(member_ids))


def recent(session: Session, limit: int = 30) -> list[tuple[TrainingDay, int]]:
    rows = session.execute(
        select(TrainingDay, func.count(TrainingAttendance.member_id))
        .outerjoin(TrainingAttendance, TrainingAttendance.training_id == TrainingDay.id)
        .group_by(TrainingDay.id)
        .order_by(TrainingDay.held_on.desc())
        .limit(limit)
    ).all()
    return [(day, n) for day, n in rows]
