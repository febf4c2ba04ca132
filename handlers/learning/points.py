"""Points (积分): a private ledger of outcomes, never a total kept in a column, never a ranking.

What earns points and how many a day count are rules in the catalogue (points.*): completing a
lesson, passing a quiz, attending a meeting whose record was signed off. Logging in and time on
screen earn nothing (DOMAIN.md, rules for the product). Each outcome is credited once per member
(the ledger's unique key); past the day's cap for an activity the outcome is still written, with
zero points and marked capped, so the member sees why.

Only the member reads their own ledger. Nothing in this module answers "who has the most".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from handlers import rules
from models import Member, PointEntry
from models.base import CHINA, utcnow

#: activity → (rule for the points it earns, rule for the day's cap)
ACTIVITIES = {
    "lesson": ("points.lesson", "points.lesson_daily_cap"),
    "quiz": ("points.quiz", "points.quiz_daily_cap"),
    "meeting": ("points.meeting", "points.meeting_daily_cap"),
}
ACTIVITY_LABELS = {"lesson": "完成课程", "quiz": "测验合格", "meeting": "参加组织生活"}


def award(
    session: Session,
    member: Member,
    activity: str,
    *,
    source_key: str,
    label: str,
    now: datetime | None = None,
) -> PointEntry | None:
    """Credit an outcome once. None when this outcome was already credited."""
    now = now or utcnow()
    points_rule, cap_rule = ACTIVITIES[activity]
    if session.scalar(
        select(PointEntry.id).where(PointEntry.member_id == member.id, PointEntry.source_key == source_key)
    ):
        return None
    day = now.astimezone(CHINA).date()
    # The member's row is the lock that serialises their awards: two outcomes in the same second
    # cannot both fit under a cap that has room for one.
    session.scalar(select(Member.id).where(Member.id == member.id).with_for_update())
    earned_today = session.scalar(
        select(func.coalesce(func.sum(PointEntry.points), 0)).where(
            PointEntry.member_id == member.id, PointEntry.activity == activity, PointEntry.earned_on == day
        )
    )
    worth = rules.value(session, points_rule, day)
    granted = max(0, min(worth, rules.value(session, cap_rule, day) - earned_today))
    entry = PointEntry(
        member_id=member.id,
        activity=activity,
        source_key=source_key[:80],
        label=label[:120],
        points=granted,
        earned_on=day,
        capped=granted < worth,
        created_at=now,
    )
    try:
        with session.begin_nested():  # the same outcome credited by a simultaneous request
            session.add(entry)
    except IntegrityError:
        return None
    return entry


@dataclass(frozen=True)
class Ledger:
    entries: list[PointEntry]
    total: int
    this_year: int


def ledger_of(session: Session, member: Member, now: datetime | None = None, *, limit: int = 50) -> Ledger:
    """The member's own points: the latest lines and the sums (added up, never stored)."""
    year = (now or utcnow()).astimezone(CHINA).year
    entries = list(
        session.scalars(
            select(PointEntry)
            .where(PointEntry.member_id == member.id)
            .order_by(PointEntry.created_at.desc())
            .limit(limit)
        )
    )
    total, this_year = session.execute(
        select(
            func.coalesce(func.sum(PointEntry.points), 0),
            func.coalesce(
                func.sum(PointEntry.points).filter(PointEntry.earned_on >= datetime(year, 1, 1).date()), 0
            ),
        ).where(PointEntry.member_id == member.id)
    ).one()
    return Ledger(entries, int(total), int(this_year))
