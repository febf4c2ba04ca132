"""Lessons and honest study time (issue 6, first part: the library, reading, hours).

Time is counted by the server: the lesson page sends a heartbeat every BEAT_SECONDS while it is
visible (a tab in the background sends none), and each beat adds the time since the previous
one, at most BEAT_CAP — so a page left open in a drawer, a replayed request or a forged one
cannot add more than really passed, and nothing beyond the lesson's own length counts.
Completion credits the lesson's hours once per member and lesson. Points, quizzes and
campaigns come later; nothing here ranks anyone.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

import nh3
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handlers import audit, reminders, rules
from handlers.errors import Forbidden, NotFound, ValidationFailed
from handlers.policy import Actor, holds
from handlers.validation import require_text
from models import (
    Attendance,
    Lesson,
    LessonKind,
    LessonStatus,
    MeetingKind,
    MeetingSession,
    Person,
    ReminderPriority,
    StudyRecord,
    meeting_obligation,
)
from models.base import CHINA, utcnow

BEAT_SECONDS = 15
#: A beat counts at most this much: a little over the interval, for a slow phone network.
BEAT_CAP = 20
#: What an article may keep: text structure, emphasis, lists, tables, images and plain links.
ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "blockquote",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
    "a",
    "span",
    "hr",
}


def sanitize(html: str) -> str:
    """Article HTML as it may be stored: a stored script never runs."""
    return nh3.clean(html or "", tags=ALLOWED_TAGS, url_schemes={"http", "https"})


def _require_editor(actor: Actor) -> None:
    if not holds(actor, "org.manage"):
        raise Forbidden("只有党委组织部可以编辑和发布课程。")


def create_lesson(
    session: Session,
    actor: Actor,
    *,
    kind: str,
    title: str,
    summary: str,
    body_html: str = "",
    url: str = "",
    credit_hours: str,
    min_minutes: str,
    tags: str = "",
    source: str = "",
) -> Lesson:
    _require_editor(actor)
    try:
        lesson_kind = LessonKind(kind)
    except ValueError:
        raise ValidationFailed("请选择课程类型。", field="kind") from None
    try:
        credit = Decimal(credit_hours)
    except InvalidOperation:
        credit = Decimal(-1)
    if not Decimal("0") <= credit <= Decimal("8") or credit.as_tuple().exponent < -1:
        raise ValidationFailed("学时应为 0–8，最多一位小数。", field="credit_hours")
    if not str(min_minutes).isdigit() or not 1 <= int(min_minutes) <= 180:
        raise ValidationFailed("有效学习时长应为 1–180 分钟。", field="min_minutes")
    body = sanitize(body_html)
    if lesson_kind == LessonKind.article and not body.strip():
        raise ValidationFailed("请填写文章内容。", field="body_html")
    url = (url or "").strip()
    if lesson_kind == LessonKind.link and not url.startswith(("http://", "https://")):
        raise ValidationFailed("请填写以 http:// 或 https:// 开头的链接。", field="url")
    lesson = Lesson(
        kind=lesson_kind,
        title=require_text(title, "title", "标题", 100),
        summary=(summary or "").strip()[:200],
        body_html=body,
        url=url or None,
        credit_hours=credit,
        min_seconds=int(min_minutes) * 60,
        tags=(tags or "").strip()[:200],
        source=(source or "").strip()[:100],
        status=LessonStatus.draft,
        created_by=actor.label[:100],
    )
    session.add(lesson)
    session.flush()
    audit.record(session, actor, "lesson.create", object_type="lesson", object_id=lesson.id)
    return lesson


def set_status(session: Session, actor: Actor, lesson_id: uuid.UUID, status: str) -> Lesson:
    _require_editor(actor)
    lesson = session.get(Lesson, lesson_id)
    if lesson is None:
        raise NotFound("课程不存在。")
    try:
        lesson.status = LessonStatus(status)
    except ValueError:
        raise ValidationFailed("状态不正确。", field="status") from None
    if lesson.status == LessonStatus.published and lesson.published_at is None:
        lesson.published_at = utcnow()
    audit.record(session, actor, f"lesson.{lesson.status.value}", object_type="lesson", object_id=lesson.id)
    return lesson


def all_lessons(session: Session) -> list[Lesson]:
    return list(session.scalars(select(Lesson).order_by(Lesson.created_at.desc())))


def published(session: Session) -> list[Lesson]:
    return list(
        session.scalars(
            select(Lesson).where(Lesson.status == LessonStatus.published).order_by(Lesson.published_at.desc())
        )
    )


def _open_lesson(session: Session, lesson_id: uuid.UUID | str) -> Lesson:
    try:
        lesson = session.get(Lesson, uuid.UUID(str(lesson_id)))
    except ValueError:
        lesson = None
    if lesson is None or lesson.status != LessonStatus.published:
        raise NotFound("课程不存在或已下架。")
    return lesson


def open_lesson(
    session: Session, person: Person, lesson_id: uuid.UUID | str, now: datetime | None = None
) -> StudyRecord:
    """The member opens a lesson: their record for it (created once; reopening keeps it)."""
    now = now or utcnow()
    lesson = _open_lesson(session, lesson_id)
    member = person.membership
    if member is None:
        raise Forbidden("课程学习记录仅对党员开放。")
    record = session.scalar(
        select(StudyRecord).where(StudyRecord.member_id == member.id, StudyRecord.lesson_id == lesson.id)
    )
    if record is None:
        record = StudyRecord(
            member_id=member.id, lesson_id=lesson.id, year=now.astimezone(CHINA).year, opened_at=now
        )
        session.add(record)
    record.last_beat_at = now  # counting starts from this opening, not from the last visit
    session.flush()
    return record


def beat(
    session: Session, person: Person, lesson_id: uuid.UUID | str, now: datetime | None = None
) -> StudyRecord:
    """One heartbeat from a visible lesson page: add the time since the previous one (at most
    BEAT_CAP, never past the lesson's length); complete and credit once."""
    now = now or utcnow()
    lesson = _open_lesson(session, lesson_id)
    member = person.membership
    record = (
        session.scalar(
            select(StudyRecord)
            .where(StudyRecord.member_id == member.id, StudyRecord.lesson_id == lesson.id)
            .with_for_update()
        )
        if member
        else None
    )
    if record is None or record.last_beat_at is None:
        # A beat for a lesson this member never opened: counted as nothing, and noted.
        audit.record(
            session,
            Actor(kind="person", id=str(person.id), label=person.name, person_id=person.id),
            "study.beat_refused",
            object_type="lesson",
            object_id=lesson.id,
            result="refused",
            detail={"reason": "not_opened"},
        )
        raise Forbidden("请先打开课程。")
    elapsed = (now - record.last_beat_at).total_seconds()
    record.last_beat_at = now
    if elapsed > 0:
        record.seconds = min(lesson.min_seconds, record.seconds + int(min(elapsed, BEAT_CAP)))
    if record.completed_at is None and record.seconds >= lesson.min_seconds:
        record.completed_at, record.credited_hours = now, lesson.credit_hours
    return record


def format_hours(value: Decimal | int) -> str:
    """学时 as people write them: 32, 0.5, 1.5 (not 32.0)."""
    text = f"{Decimal(value).quantize(Decimal('0.1')):f}"
    return text[:-2] if text.endswith(".0") else text


@dataclass(frozen=True)
class YearHours:
    online: Decimal
    lectures: Decimal
    target: int

    @property
    def total(self) -> Decimal:
        return self.online + self.lectures

    @property
    def remaining(self) -> Decimal:
        return max(Decimal(self.target) - self.total, Decimal("0"))


def hours_this_year(session: Session, person: Person, now: datetime | None = None) -> YearHours:
    """This year's hours toward 32 (56 for secretaries and committee members), by source:
    lessons completed here, and 党课 attended (credited per the rule catalogue)."""
    from handlers.policy import load_actor
    from models import CommitteeSeat, Role

    now = now or utcnow()
    year = now.astimezone(CHINA).year
    member = person.membership
    if member is None:
        return YearHours(Decimal("0"), Decimal("0"), 0)
    online = session.scalar(
        select(func.coalesce(func.sum(StudyRecord.credited_hours), 0)).where(
            StudyRecord.member_id == member.id, StudyRecord.year == year
        )
    )
    start = datetime(year, 1, 1, tzinfo=CHINA)
    lectures = session.scalar(
        select(func.count(func.distinct(Attendance.meeting_id)))
        .join(MeetingSession, MeetingSession.id == Attendance.session_id)
        .join(meeting_obligation, meeting_obligation.c.meeting_id == Attendance.meeting_id)
        .where(
            Attendance.member_id == member.id,
            Attendance.present.is_(True),
            meeting_obligation.c.kind == MeetingKind.party_lecture,
            MeetingSession.starts_at >= start,
            MeetingSession.starts_at < start.replace(year=year + 1),
        )
    )
    leads = any(
        g.role in (Role.secretary, Role.organizer) for g in load_actor(session, person).grants
    ) or bool(
        session.scalar(
            select(CommitteeSeat.id).where(
                CommitteeSeat.member_id == member.id, CommitteeSeat.ended_on.is_(None)
            )
        )
    )
    target = rules.value(session, "study.leader_hours" if leads else "study.member_hours", now.date())
    per_lecture = rules.value(session, "study.lecture_hours", now.date())
    return YearHours(Decimal(online), Decimal(lectures or 0) * per_lecture, target)


def record_of(session: Session, person: Person, lesson: Lesson) -> StudyRecord | None:
    member = person.membership
    if member is None:
        return None
    return session.scalar(
        select(StudyRecord).where(StudyRecord.member_id == member.id, StudyRecord.lesson_id == lesson.id)
    )


def queue_pace_reminders(session: Session, today: date) -> int:
    """In the last quarter, one reminder a month to each member still short of this year's hours
    (a private nudge, never a list of who is behind). Returns how many were planned."""
    from models import Member

    if today.month < 10:
        return 0
    now = utcnow()
    members = session.scalars(
        select(Person)
        .join(Member, Member.person_id == Person.id)
        .where(Member.left_at.is_(None), Person.is_active.is_(True))
    ).all()
    asks = []
    for person in members:
        hours = hours_this_year(session, person, now)
        if not hours.remaining:
            continue
        asks.append(
            reminders.Ask(
                person,
                "study_pace",
                f"study_pace:{person.id}:{today:%Y-%m}",
                f"本年还差 {format_hours(hours.remaining)} 学时",
                f"今年已学 {format_hours(hours.total)} / {hours.target} 学时，年底前请抽空完成"
                "（在线课程、党课均可）。",
                "/m/study",
                due_at=datetime(today.year, 12, 31, 12, tzinfo=CHINA),
                earliest=now,
                latest=now + timedelta(days=3),
                priority=ReminderPriority.low,
            )
        )
    return reminders.remind_many(session, asks, now=now)


@reminders.obligation_check("study_pace")
def _caught_up(session: Session, key: str) -> bool:
    person = session.get(Person, uuid.UUID(key.split(":")[0]))
    return person is None or not hours_this_year(session, person).remaining
