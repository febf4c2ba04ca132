"""Learning (issue 6): the lesson library, each member's study records, quizzes, campaigns and
the points ledger.

A study record counts time on the server from heartbeats the lesson page sends while it is
visible (and, for video and audio, playing); the client never says how long it was open.
Completion credits the lesson's hours once per member per lesson. Points are a ledger of
outcomes (a lesson completed, a quiz passed, a meeting attended), never a stored total and
never shown beside anyone else's.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, Enum, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamps, UUIDPrimaryKey, utcnow


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, length=16, validate_strings=True)


class LessonKind(enum.StrEnum):
    article = "article"  # rich text, sanitised
    link = "link"  # a page on the hospital's intranet (or its media server)
    video = "video"  # an uploaded file served with range requests, or an intranet link
    audio = "audio"
    document = "document"  # a PDF
    quiz = "quiz"  # a standalone quiz: completing it means passing it


class LessonStatus(enum.StrEnum):
    draft = "draft"
    #: A secretary's proposal for their branch, waiting for the committee office.
    proposed = "proposed"
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
    #: Who it is meant for (comma-separated: secretary, organizer, new_member, member); empty
    #: means everyone. Used for recommendations and campaign audiences, never to refuse reading.
    audience_roles: Mapped[str] = mapped_column(String(100), default="")
    source: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[LessonStatus] = mapped_column(_enum(LessonStatus, "lesson_status"))
    created_by: Mapped[str] = mapped_column(String(100))
    published_at: Mapped[datetime | None]
    #: The uploaded file (video, audio, PDF), stored under MEDIA_DIR with a random name.
    media_name: Mapped[str | None] = mapped_column(String(64))
    media_type: Mapped[str | None] = mapped_column(String(40))
    media_size: Mapped[int | None] = mapped_column(Integer)
    #: Cover picture for the news card (random name under MEDIA_DIR); a default when empty.
    cover_name: Mapped[str | None] = mapped_column(String(64))
    #: The branch a secretary proposed it for (a proposal is reviewed by the committee office).
    proposed_for_org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("party_org.id"))
    review_note: Mapped[str | None] = mapped_column(String(200))
    #: A quiz passes at this share of correct answers (percent); None: the lesson has no quiz.
    pass_percent: Mapped[int | None] = mapped_column(Integer)

    @property
    def tag_list(self) -> list[str]:
        return [t for t in (t.strip() for t in self.tags.replace("，", ",").split(",")) if t]

    @property
    def role_list(self) -> list[str]:
        return [r for r in self.audience_roles.split(",") if r]


class QuestionKind(enum.StrEnum):
    single = "single"
    multiple = "multiple"
    true_false = "true_false"


class QuizQuestion(UUIDPrimaryKey, Base):
    """One question of a lesson's quiz; the answer never leaves the server before submission."""

    __tablename__ = "quiz_question"

    lesson_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("lesson.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[QuestionKind] = mapped_column(_enum(QuestionKind, "question_kind"))
    text: Mapped[str] = mapped_column(String(300))
    #: The options as shown (true/false questions have 正确, 错误).
    options: Mapped[list] = mapped_column(JSON)
    #: Indexes of the correct options (one for single and true/false).
    answer: Mapped[list] = mapped_column(JSON)
    #: 解析: why the answer is what it is, shown with the member's result (optional).
    explanation: Mapped[str | None] = mapped_column(String(500))


class QuizAttempt(UUIDPrimaryKey, Base):
    """A submitted quiz, scored on the server. The page's token makes a resubmission of the
    same answers (a double tap, a replay) the same attempt, scored once."""

    __tablename__ = "quiz_attempt"
    __table_args__ = (UniqueConstraint("member_id", "lesson_id", "token"),)

    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("member.id"), index=True)
    lesson_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("lesson.id"), index=True)
    token: Mapped[str] = mapped_column(String(64))
    answers: Mapped[dict] = mapped_column(JSON)
    correct: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    passed: Mapped[bool] = mapped_column(Boolean)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)


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

    #: The quiz passed (for a lesson with a quiz, completion also needs this).
    quiz_passed_at: Mapped[datetime | None]

    lesson = relationship("Lesson")


class Campaign(UUIDPrimaryKey, Base):
    """A push of lessons to an audience, with a deadline (one gentle reminder before it).

    A repeating campaign is a series: at each occurrence it pushes the published lessons
    carrying its tag that the series has not pushed yet (a monthly 微党课 on the first Monday).
    """

    __tablename__ = "campaign"

    title: Mapped[str] = mapped_column(String(100))
    #: The orgs whose members receive it (their subtrees); empty (and no other filter) means every member.
    org_ids: Mapped[list] = mapped_column(JSON, default=list)
    #: Narrow to members holding one of these roles (secretary, organizer, new_member, committee).
    roles: Mapped[list] = mapped_column(JSON, default=list)
    #: A hand-picked list of people (person ids) instead of orgs and roles.
    person_ids: Mapped[list] = mapped_column(JSON, default=list)
    lesson_ids: Mapped[list] = mapped_column(JSON)
    send_at: Mapped[datetime]
    deadline: Mapped[datetime]
    #: Greet each recipient by name (one call per member) rather than one card for all.
    personalised: Mapped[bool] = mapped_column(Boolean, default=False)
    #: "" (once), "weekly" or "monthly_first_monday".
    repeat: Mapped[str] = mapped_column(String(24), default="")
    series_tag: Mapped[str | None] = mapped_column(String(40))
    series_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("campaign.id"), index=True)
    next_run_at: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    recipients: Mapped[int] = mapped_column(Integer, default=0)


class CampaignRecipient(Base):
    """Who a campaign went to (the branch's completion view counts from here)."""

    __tablename__ = "campaign_recipient"

    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaign.id"), primary_key=True)
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("member.id"), primary_key=True, index=True)
    #: The member's branch when it was sent, for the branch's view.
    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("party_org.id"), index=True)
    #: When a manager's one-tap "remind those not started" reached this member (once).
    nudged_at: Mapped[datetime | None]


class PointEntry(UUIDPrimaryKey, Base):
    """One line of a member's points ledger: an outcome, the points it earned under the rules
    (zero once the day's cap for that activity is reached), never edited."""

    __tablename__ = "point_entry"
    __table_args__ = (UniqueConstraint("member_id", "source_key"),)

    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("member.id"), index=True)
    #: lesson, quiz, meeting (the rule catalogue's points.* keys).
    activity: Mapped[str] = mapped_column(String(16))
    #: What earned it ("lesson:<id>", "quiz:<id>", "meeting:<id>"): once per member.
    source_key: Mapped[str] = mapped_column(String(80))
    label: Mapped[str] = mapped_column(String(120))
    points: Mapped[int] = mapped_column(Integer)
    #: Beijing's day, for the daily cap.
    earned_on: Mapped[date] = mapped_column(Date, index=True)
    capped: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TrainingDay(UUIDPrimaryKey, Base):
    """Offline 集中学习 (a training day) recorded by the committee office: hours for those present."""

    __tablename__ = "training_day"

    title: Mapped[str] = mapped_column(String(100))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    hours: Mapped[Decimal] = mapped_column(Numeric(4, 1))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TrainingAttendance(Base):
    __tablename__ = "training_attendance"

    training_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("training_day.id"), primary_key=True)
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("member.id"), primary_key=True, index=True)
