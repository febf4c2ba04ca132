"""Learning (issue 6, first part): the lesson library and each member's study records.

A study record counts time on the server from heartbeats the lesson page sends while it is
visible; the client never says how long it was open. Completion credits the lesson's hours
once per member per lesson.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Enum, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamps, UUIDPrimaryKey, utcnow


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, length=16, validate_strings=True)


class LessonKind(enum.StrEnum):
    article = "article"  # rich text, sanitised
    link = "link"  # a page on the hospital's intranet


class LessonStatus(enum.StrEnum):
    draft = "draft"
    published = "published"
    archived = "archived"


class Lesson(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "lesson"

    kind: Mapped[LessonKind] = mapped_column(_enum(LessonKind, "lesson_kind"))
    title: Mapped[str] = mapped_column(String(100))
    summary: Mapped[str] = mapped_column(String(200), default="")
    #: Sanitised on the way in (nh3): no script, no event handler, no javascript: link.
    body_html: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(300))
    #: Study hours (学时) the lesson credits when completed.
    credit_hours: Mapped[Decimal] = mapped_column(Numeric(4, 1))
    #: Seconds of visible reading that complete it (and the most that is ever counted).
    min_seconds: Mapped[int] = mapped_column(Integer)
    tags: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[LessonStatus] = mapped_column(_enum(LessonStatus, "lesson_status"))
    created_by: Mapped[str] = mapped_column(String(100))
    published_at: Mapped[datetime | None]


class StudyRecord(UUIDPrimaryKey, Base):
    __tablename__ = "study_record"
    __table_args__ = (UniqueConstraint("member_id", "lesson_id"),)

    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("member.id"), index=True)
    lesson_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("lesson.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_beat_at: Mapped[datetime | None]
    #: Visible seconds counted by the server (never more than the lesson's min_seconds).
    seconds: Mapped[int] = mapped_column(Integer, default=0)
    completed_at: Mapped[datetime | None]
    credited_hours: Mapped[Decimal] = mapped_column(Numeric(4, 1), default=Decimal("0"))

    lesson = relationship("Lesson")


class Campaign(UUIDPrimaryKey, Base):
    """A push of lessons to an audience, with a deadline (one gentle reminder before it)."""

    __tablename__ = "campaign"

    title: Mapped[str] = mapped_column(String(100))
    #: The orgs whose members receive it (their subtrees); empty means every member.
    org_ids: Mapped[list] = mapped_column(JSON, default=list)
    lesson_ids: Mapped[list] = mapped_column(JSON)
    send_at: Mapped[datetime]
    deadline: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
