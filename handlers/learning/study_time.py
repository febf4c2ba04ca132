"""Honest study time: the page sends a beat every BEAT_SECONDS while visible (a tab in the background
sends none; a video page also says how long it played), and each beat adds the time since the
previous one, at most BEAT_CAP — so a page left open in a drawer, a replayed request or a forged
one cannot add more than really passed."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import audit
from handlers.errors import Forbidden
from handlers.learning import points
from handlers.learning.library import published_lesson
from handlers.policy import Actor
from models import (
    Lesson,
    LessonKind,
    Person,
    StudyRecord,
)
from models.base import CHINA, utcnow

BEAT_SECONDS = 15


#: A beat counts at most this much: a little over the interval, for a slow phone network.
BEAT_CAP = 20


#: A page's own count may run ahead of the server's clock by this much (network jitter).
CLAIM_TOLERANCE = 3


def open_lesson(
    session: Session, person: Person, lesson_id: uuid.UUID | str, *, now: datetime | None = None
) -> StudyRecord:
    """The member opens a lesson: their record for it (created once; reopening keeps it)."""
    now = now or utcnow()
    lesson = published_lesson(session, lesson_id)
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
    session: Session,
    person: Person,
    lesson_id: uuid.UUID | str,
    *,
    now: datetime | None = None,
    claimed: int | None = None,
) -> StudyRecord:
    """One heartbeat from a visible lesson page: add the time since the previous one (at most
    BEAT_CAP, never past the lesson's length); complete and credit once.

    `claimed` is what the page says it counted since its last beat (a video page counts only
    while the video plays, so a paused video claims 0). It can lower what is counted, never
    raise it: a claim of more time than has passed is ignored and audited."""
    now = now or utcnow()
    lesson = published_lesson(session, lesson_id)
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
        raise Forbidden("请先打开课程。").audited_as(
            _reader(person),
            "study.beat_refused",
            object_type="lesson",
            object_id=lesson.id,
            result="refused",
            detail={"reason": "not_opened"},
        )
    elapsed = max(0.0, (now - record.last_beat_at).total_seconds())
    record.last_beat_at = now
    counted = min(elapsed, BEAT_CAP)
    if claimed is not None:
        if claimed > elapsed + CLAIM_TOLERANCE:
            _refused_beat(
                session, person, lesson, {"reason": "overclaim", "claimed": claimed, "elapsed": int(elapsed)}
            )
        counted = min(counted, max(claimed, 0))
    record.seconds = min(lesson.min_seconds, record.seconds + int(counted))
    # A standalone quiz is completed by passing it, not by time.
    if (
        record.completed_at is None
        and record.seconds >= lesson.min_seconds
        and lesson.kind != LessonKind.quiz
    ):
        record.completed_at, record.credited_hours = now, lesson.credit_hours
        points.award(
            session,
            member,
            "lesson",
            source_key=f"lesson:{lesson.id}",
            label=f"完成课程：{lesson.title}",
            now=now,
        )
    return record


def _refused_beat(session: Session, person: Person, lesson: Lesson, detail: dict) -> None:
    audit.record(
        session,
        _reader(person),
        "study.beat_refused",
        object_type="lesson",
        object_id=lesson.id,
        result="refused",
        detail=detail,
    )


def _reader(person: Person) -> Actor:
    return Actor(kind="person", id=str(person.id), label=person.name, person_id=person.id)


def record_of(session: Session, person: Person, lesson: Lesson) -> StudyRecord | None:
    member = person.membership
    if member is None:
        return None
    return session.scalar(
        select(StudyRecord).where(StudyRecord.member_id == member.id, StudyRecord.lesson_id == lesson.id)
    )
