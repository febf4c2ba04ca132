"""Campaigns (issue 6): lessons pushed to an audience with a deadline, through the reminder engine.

Each recipient gets one card per lesson at a moment their roster allows after the send time,
and — only if they have not completed it — one gentle reminder in the day before the deadline
(cancelled the moment they complete it). Identical cards for many members at the same moment go
out in calls of up to 1,000 recipients.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from handlers import audit, reminders
from handlers.errors import Forbidden, ValidationFailed
from handlers.policy import Actor, holds
from handlers.validation import require_text
from models import Campaign, Lesson, LessonStatus, Member, PartyOrg, Person, StudyRecord
from models.base import utcnow


def launch(
    session: Session,
    actor: Actor,
    *,
    title: str,
    lesson_ids: list[uuid.UUID],
    org_ids: list[uuid.UUID],
    send_at: datetime,
    deadline: datetime,
    now: datetime | None = None,
) -> Campaign:
    now = now or utcnow()
    if not holds(actor, "org.manage"):
        raise Forbidden("只有党委组织部可以推送学习。")
    lessons = list(session.scalars(select(Lesson).where(Lesson.id.in_(lesson_ids))))
    if (
        not lessons
        or len(lessons) != len(set(lesson_ids))
        or any(lesson.status != LessonStatus.published for lesson in lessons)
    ):
        raise ValidationFailed("请选择已发布的课程。", field="lesson_ids")
    if deadline <= max(send_at, now) + timedelta(hours=1):
        raise ValidationFailed("截止时间应晚于推送时间至少一小时。", field="deadline")
    orgs = list(session.scalars(select(PartyOrg).where(PartyOrg.id.in_(org_ids)))) if org_ids else []
    if len(orgs) != len(set(org_ids)):
        raise ValidationFailed("请选择党组织。", field="org_ids")
    campaign = Campaign(
        title=require_text(title, "title", "名称", 100),
        org_ids=[str(o.id) for o in orgs],
        lesson_ids=[str(lesson.id) for lesson in lessons],
        send_at=send_at,
        deadline=deadline,
        created_by=actor.label[:100],
        created_at=now,
    )
    session.add(campaign)
    session.flush()
    audience = _audience(session, orgs)
    asks = []
    for person in audience:
        for lesson in lessons:
            asks.append(
                reminders.Ask(
                    person,
                    "campaign_lesson",
                    f"campaign_lesson:{lesson.id}:{person.id}:{campaign.id}",
                    f"学习：{lesson.title}",
                    f"{campaign.title}，请于 {_local(deadline)} 前完成。",
                    f"/m/lessons/{lesson.id}",
                    due_at=deadline,
                    earliest=max(send_at, now),
                    latest=max(send_at, now) + timedelta(hours=12),
                )
            )
            # One gentle reminder in the last day, only if still not done (checked when it is due).
            asks.append(
                reminders.Ask(
                    person,
                    "campaign_deadline",
                    f"campaign_deadline:{lesson.id}:{person.id}:{campaign.id}",
                    f"即将截止：{lesson.title}",
                    f"{campaign.title}将于 {_local(deadline)} 截止，您还未完成。",
                    f"/m/lessons/{lesson.id}",
                    due_at=deadline,
                    earliest=deadline - timedelta(hours=24),
                    latest=deadline - timedelta(hours=1),
                )
            )
    reminders.remind_many(session, asks, now=now)
    campaign.recipients = len(audience)
    audit.record(
        session,
        actor,
        "campaign.launch",
        object_type="campaign",
        object_id=campaign.id,
        detail={"lessons": len(lessons), "recipients": len(audience)},
    )
    return campaign


def _audience(session: Session, orgs: list[PartyOrg]) -> list[Person]:
    query = (
        select(Person)
        .join(Member, Member.person_id == Person.id)
        .where(Member.left_at.is_(None), Person.is_active.is_(True))
    )
    if orgs:
        branches = select(PartyOrg.id).where(
            or_(*[PartyOrg.path.startswith(o.path, autoescape=True) for o in orgs])
        )
        query = query.where(Member.branch_id.in_(branches))
    return list(session.scalars(query.order_by(Person.wecom_userid)))


def _local(moment: datetime) -> str:
    from models.base import CHINA

    return f"{moment.astimezone(CHINA):%m月%d日 %H:%M}"


@reminders.obligation_check("campaign_deadline")
@reminders.obligation_check("campaign_lesson")
def _lesson_done(session: Session, key: str) -> bool:
    """Nothing to send once the member completed the lesson (the key names lesson and member)."""
    lesson_id, person_id, _campaign = key.split(":")
    return bool(
        session.scalar(
            select(StudyRecord.id)
            .join(Member, Member.id == StudyRecord.member_id)
            .where(
                Member.person_id == uuid.UUID(person_id),
                StudyRecord.lesson_id == uuid.UUID(lesson_id),
                StudyRecord.completed_at.is_not(None),
            )
        )
    )


def recent(session: Session) -> list[Campaign]:
    return list(session.scalars(select(Campaign).order_by(Campaign.created_at.desc()).limit(20)))
