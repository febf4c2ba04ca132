"""What is due for a member and what to read next (为您推荐): from the member's roles and the tags
of what they completed, never engagement metrics."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    Lesson,
    LessonStatus,
    Person,
    StudyRecord,
)
from models.base import CHINA, utcnow


def roles_of(session: Session, person: Person, today: date | None = None) -> set[str]:
    """Which AUDIENCE_ROLES a member has: their grants, a live committee seat, being new."""
    from handlers.policy import load_actor
    from models import CommitteeSeat, MemberStatus, Role

    member = person.membership
    if member is None:
        return set()
    today = today or utcnow().astimezone(CHINA).date()
    roles = {
        {Role.secretary: "secretary", Role.organizer: "organizer"}[g.role]
        for g in load_actor(session, person).grants
        if g.role in (Role.secretary, Role.organizer)
    }
    if session.scalar(
        select(CommitteeSeat.id).where(CommitteeSeat.member_id == member.id, CommitteeSeat.ended_on.is_(None))
    ):
        roles.add("committee")
    if member.status == MemberStatus.probationary or (
        member.joined_on and member.joined_on > today - timedelta(days=365)
    ):
        roles.add("new_member")
    return roles


@dataclass(frozen=True)
class DueLesson:
    lesson: Lesson
    deadline: datetime
    campaign_title: str


@dataclass(frozen=True)
class StudyPlan:
    """A member's lesson page: what a campaign asked of them, and what to read next."""

    due: list[DueLesson]
    next_for_you: list[Lesson]
    records: dict


#: Recommendations look at this many of the newest published lessons (a library grows for years).
RECOMMEND_FROM = 200


def plan_for(
    session: Session, person: Person, now: datetime | None = None, *, suggestions: int = 3
) -> StudyPlan:
    """What is due (campaign lessons not completed, nearest deadline first) and "next for you":
    published lessons not done yet, chosen from the member's roles and the themes (tags) of
    what they completed — never from what others clicked, liked or how long anyone stayed.
    With suggestions=0 only what is due is worked out (the hours page)."""
    from models import Campaign, CampaignRecipient

    now = now or utcnow()
    member = person.membership
    newest = (
        list(
            session.scalars(
                select(Lesson)
                .where(Lesson.status == LessonStatus.published)
                .order_by(Lesson.published_at.desc())
                .limit(RECOMMEND_FROM)
            )
        )
        if suggestions
        else []
    )
    if member is None:
        return StudyPlan([], newest[:suggestions], {})
    campaigns = session.scalars(
        select(Campaign)
        .join(CampaignRecipient, CampaignRecipient.campaign_id == Campaign.id)
        .where(CampaignRecipient.member_id == member.id, Campaign.deadline > now - timedelta(days=30))
        .order_by(Campaign.deadline)
    ).all()
    asked = {uuid.UUID(i) for c in campaigns for i in c.lesson_ids}
    by_id = {lesson.id: lesson for lesson in newest}
    missing = asked - set(by_id)
    if missing:
        by_id.update(
            (lesson.id, lesson)
            for lesson in session.scalars(
                select(Lesson).where(Lesson.id.in_(missing), Lesson.status == LessonStatus.published)
            )
        )
    records = {
        r.lesson_id: r
        for r in session.scalars(
            select(StudyRecord).where(
                StudyRecord.member_id == member.id, StudyRecord.lesson_id.in_(list(by_id))
            )
        )
    }
    due: dict = {}
    for campaign in campaigns:
        for lesson_id in campaign.lesson_ids:
            lesson = by_id.get(uuid.UUID(lesson_id))
            record = records.get(lesson.id) if lesson else None
            if lesson and not (record and record.completed_at) and lesson.id not in due:
                due[lesson.id] = DueLesson(lesson, campaign.deadline, campaign.title)
    if not suggestions:
        return StudyPlan(list(due.values()), [], records)
    roles = roles_of(session, person, now.astimezone(CHINA).date())
    themes = {t for r in records.values() if r.completed_at for t in by_id[r.lesson_id].tag_list}

    def fit(lesson: Lesson) -> tuple:
        meant_for_me = bool(set(lesson.role_list) & roles)
        meant_for_others = bool(lesson.role_list) and not meant_for_me
        return (-meant_for_me, meant_for_others, -len(set(lesson.tag_list) & themes))

    candidates = [
        lesson
        for lesson in newest  # newest first; the sort below is stable
        if lesson.id not in due and not (records.get(lesson.id) and records[lesson.id].completed_at)
    ]
    return StudyPlan(list(due.values()), sorted(candidates, key=fit)[:suggestions], records)
