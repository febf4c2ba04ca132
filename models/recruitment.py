"""发展党员: a person's way from application to full membership (《中国共产党发展党员工作细则》,
reference/domain-notes.md §B5) — the stage they are at, each of the 25 steps as a recorded fact,
the votes at the 支部党员大会, the people who train and sponsor them, the notes of their training
(encrypted: they are an assessment of a person), the 公示 at each stage with any objections, and
the working-day calendar those 公示 are counted in."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Enum, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamps, UUIDPrimaryKey, utcnow
from models.crypto import EncryptedField


class RecruitStage(enum.StrEnum):
    applicant = "applicant"  #: 申请人
    activist = "activist"  #: 入党积极分子
    candidate = "candidate"  #: 发展对象
    probationary = "probationary"  #: 预备党员
    full = "full"  #: 正式党员 (the way is done)
    not_admitted = "not_admitted"  #: 不予发展 / 退回
    cancelled = "cancelled"  #: 取消预备资格
    transferred = "transferred"  #: 转出 (continues elsewhere)


def _enum(cls: type[enum.StrEnum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, length=20, validate_strings=True)


class Recruit(UUIDPrimaryKey, Timestamps, Base):
    """One person's way through the pipeline, in the branch that develops them."""

    __tablename__ = "recruit"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("party_org.id"), index=True)
    stage: Mapped[RecruitStage] = mapped_column(_enum(RecruitStage, "recruit_stage"), index=True)
    applied_on: Mapped[date]
    #: The days the rules count from: training from the 党委备案 of the activist (step 4), the
    #: candidacy from its 备案 (step 8), probation from the 支部大会 (step 15).
    activist_on: Mapped[date | None]
    candidate_on: Mapped[date | None]
    admitted_on: Mapped[date | None]
    probation_ends_on: Mapped[date | None]
    #: The one extension of the probation (6 to 12 months), if any.
    extended_months: Mapped[int | None]
    full_on: Mapped[date | None]
    closed_on: Mapped[date | None]
    closed_reason: Mapped[str | None] = mapped_column(String(200))
    #: 材料归档: the files of handlers/recruitment/documents.ARCHIVE_FILES confirmed in the 人事档案.
    archived_files: Mapped[list[str] | None] = mapped_column(JSON)

    person = relationship("Person")
    org = relationship("PartyOrg")
    steps: Mapped[list[RecruitStep]] = relationship(order_by="RecruitStep.step", back_populates="recruit")


class RecruitStep(UUIDPrimaryKey, Base):
    """One of the 25 steps, done: when, by whom, and its evidence (minutes, a vote, an approval
    number, a file)."""

    __tablename__ = "recruit_step"
    __table_args__ = (UniqueConstraint("recruit_id", "step"),)

    recruit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("recruit.id"), index=True)
    step: Mapped[int]
    done_on: Mapped[date]
    evidence: Mapped[str] = mapped_column(String(200), default="")
    meeting_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("meeting.id"))
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    recruit: Mapped[Recruit] = relationship(back_populates="steps")


class RecruitRole(UUIDPrimaryKey, Base):
    """A full member who trains (培养联系人) or sponsors (入党介绍人) the person."""

    __tablename__ = "recruit_role"
    __table_args__ = (UniqueConstraint("recruit_id", "member_id", "role"),)

    recruit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("recruit.id"), index=True)
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("member.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))  #: "mentor" or "sponsor"
    assigned_on: Mapped[date]

    member = relationship("Member")


class RecruitVote(UUIDPrimaryKey, Base):
    """A vote of the 支部党员大会 on the person: to admit, to make full, to extend or to cancel
    the probation. The rule counts those who *should* attend, not those present."""

    __tablename__ = "recruit_vote"
    __table_args__ = (UniqueConstraint("recruit_id", "question", "held_on"),)

    recruit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("recruit.id"), index=True)
    question: Mapped[str] = mapped_column(String(16))  #: admit, full, extend, cancel
    meeting_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("meeting.id"))
    held_on: Mapped[date]
    should_attend: Mapped[int]  #: voting 正式党员 who should attend
    present: Mapped[int]  #: of them, present
    yes: Mapped[int]
    no: Mapped[int]
    abstain: Mapped[int]
    #: Written opinions of absent voting members, counted with the votes.
    written_yes: Mapped[int] = mapped_column(default=0)
    written_no: Mapped[int] = mapped_column(default=0)
    passed: Mapped[bool]
    recorded_by: Mapped[str] = mapped_column(String(100))


class RecruitNote(UUIDPrimaryKey, Base):
    """What the training leaves in writing: the person's 思想汇报, the 培养联系人's half-yearly
    考察, the talks. An assessment of a person: encrypted at rest, read by them and their branch."""

    __tablename__ = "recruit_note"

    recruit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("recruit.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  #: thought_report, review, talk
    written_on: Mapped[date]
    author_label: Mapped[str] = mapped_column(String(100))
    text_ciphertext: Mapped[str | None] = mapped_column(Text)
    text = EncryptedField[str]()


class RecruitPublicity(UUIDPrimaryKey, Base):
    """A 公示 of the person at a stage: its working-day period, and the objections it drew."""

    __tablename__ = "recruit_publicity"

    recruit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("recruit.id"), index=True)
    stage: Mapped[RecruitStage] = mapped_column(_enum(RecruitStage, "recruit_publicity_stage"))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    working_days: Mapped[int]
    publication_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("publication.id"))
    #: An objection received and not yet handled blocks advancement.
    objections: Mapped[int] = mapped_column(default=0)
    objections_handled: Mapped[int] = mapped_column(default=0)
    handling_note: Mapped[str | None] = mapped_column(Text)


class RecruitPlan(UUIDPrimaryKey, Base):
    """A branch's 发展计划 for a year: the number it proposes to admit (by the end of November,
    rule recruit.plan_propose_month) and the number the 党委 issues (rule recruit.plan_issue_month)."""

    __tablename__ = "recruit_plan"
    __table_args__ = (UniqueConstraint("org_id", "year"),)

    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("party_org.id"), index=True)
    year: Mapped[int]
    proposed: Mapped[int | None]
    proposed_by: Mapped[str | None] = mapped_column(String(100))
    proposed_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(String(200), default="")
    issued: Mapped[int | None]
    issued_by: Mapped[str | None] = mapped_column(String(100))
    issued_at: Mapped[datetime | None]


class DocumentTemplate(Base):
    """A Word template the office has put in place of a shipped one (a letter it signs), kept in
    the database so every server renders the same; deleting the row restores the shipped one."""

    __tablename__ = "document_template"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    filename: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class CalendarDay(Base):
    """A day the office marks against the State Council's schedule: a 法定节假日 or a 调休 working
    day the bundled calendar does not know (a new year's schedule, a local correction)."""

    __tablename__ = "calendar_day"

    day: Mapped[date] = mapped_column(primary_key=True)
    is_workday: Mapped[bool]
    note: Mapped[str] = mapped_column(String(60), default="")


class CalendarYear(Base):
    """A year whose holidays and 调休 the office has confirmed in the console (the bundled
    calendar's own years need no confirming)."""

    __tablename__ = "calendar_year"

    year: Mapped[int] = mapped_column(primary_key=True)
    confirmed_by: Mapped[str] = mapped_column(String(100))
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow)
