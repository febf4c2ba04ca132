"""民主评议党员 (domain notes §B2): a branch's yearly evaluation of its members — each writes a
self-assessment, members grade each other on a secret ballot (the ballot engine), the committee
proposes a grade per member, the 支部党员大会 decides, the 上级党委 confirms; a 不合格 opens the
follow-up the rules require. 预备党员 take part but are not graded."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamps, UUIDPrimaryKey
from models.crypto import EncryptedField

#: The grades, best first (条例; 共产党员网's guide).
GRADES = ("优秀", "合格", "基本合格", "不合格")
#: What the rules require after a 不合格: education and a deadline to put it right, or 劝退.
FOLLOW_UPS = ("限期改正", "劝退")


class ReviewStage(enum.StrEnum):
    open = "open"  #: self-assessments and the 互评 ballot
    proposed = "proposed"  #: the committee has proposed a grade per member
    decided = "decided"  #: the 支部党员大会 has adopted them
    confirmed = "confirmed"  #: the 上级党委 has confirmed; members see their own result


class MemberReview(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "member_review"
    __table_args__ = (UniqueConstraint("org_id", "year"),)

    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("party_org.id"), index=True)
    year: Mapped[int]
    stage: Mapped[ReviewStage] = mapped_column(
        Enum(ReviewStage, native_enum=False, length=16), default=ReviewStage.open
    )
    #: The 互评: one grade question per graded member, on the ballot engine.
    ballot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ballot.id"))
    opened_by: Mapped[str] = mapped_column(String(100))
    proposed_by: Mapped[str | None] = mapped_column(String(100))
    #: The 支部党员大会 that decided, and its vote on the grades as a whole.
    meeting_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("meeting.id"))
    should_attend: Mapped[int | None]
    present: Mapped[int | None]
    yes: Mapped[int | None]
    no: Mapped[int | None]
    abstain: Mapped[int | None]
    decided_by: Mapped[str | None] = mapped_column(String(100))
    confirmed_at: Mapped[datetime | None]
    confirmed_by: Mapped[str | None] = mapped_column(String(100))

    entries: Mapped[list[ReviewEntry]] = relationship(cascade="all, delete-orphan")


class ReviewEntry(UUIDPrimaryKey, Base):
    """One member in the year's evaluation: their self-assessment (encrypted) and grade."""

    __tablename__ = "review_entry"
    __table_args__ = (UniqueConstraint("review_id", "person_id"),)

    review_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("member_review.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    #: False for a 预备党员: they take part but are not graded.
    graded: Mapped[bool] = mapped_column(default=True)
    self_assessment_ciphertext: Mapped[str | None] = mapped_column(Text)
    self_assessment = EncryptedField[str]()
    proposed_grade: Mapped[str | None] = mapped_column(String(8))
    #: The grade the 支部党员大会 decided (final once the review is confirmed).
    grade: Mapped[str | None] = mapped_column(String(8))
    #: After a 不合格: 限期改正 (with a deadline) or 劝退, as recorded by the branch.
    follow_up: Mapped[str | None] = mapped_column(String(8))
    follow_up_due: Mapped[date | None]
    follow_up_note_ciphertext: Mapped[str | None] = mapped_column(Text)
    follow_up_note = EncryptedField[str]()
    follow_up_by: Mapped[str | None] = mapped_column(String(100))


#: 两优一先: the awards a branch nominates for, and whether the nominee is a person or the branch.
AWARDS = {"优秀共产党员": True, "优秀党务工作者": True, "先进基层党组织": False}


class NominationStatus(enum.StrEnum):
    voting = "voting"  #: the branch's vote is open
    passed = "passed"  #: the branch agreed (more than half of its voters); with the office
    failed = "failed"  #: the branch did not agree
    approved = "approved"  #: the office accepted the nomination
    rejected = "rejected"  #: the office did not


class Nomination(UUIDPrimaryKey, Timestamps, Base):
    """One nominee for one of 两优一先, put to the branch's vote (one grade question on its ballot)
    and then to the office."""

    __tablename__ = "nomination"

    year: Mapped[int]
    award: Mapped[str] = mapped_column(String(16))
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("party_org.id"), index=True)
    #: None when the nominee is the branch itself (先进基层党组织).
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"))
    reason: Mapped[str] = mapped_column(Text)
    ballot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ballot.id"), index=True)
    position: Mapped[int]
    status: Mapped[NominationStatus] = mapped_column(
        Enum(NominationStatus, native_enum=False, length=16), default=NominationStatus.voting
    )
    agreed: Mapped[int | None]
    voters: Mapped[int | None]
    nominated_by: Mapped[str] = mapped_column(String(100))
    reviewed_by: Mapped[str | None] = mapped_column(String(100))
    review_note: Mapped[str | None] = mapped_column(String(200))
