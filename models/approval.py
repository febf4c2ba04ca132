"""Approvals: one engine for every Party process that needs a yes (请假, 活动申报, 党费减免 …).

A request runs through steps in order. A step is one or more *slots* decided in parallel
(co-signers); a slot is decided by any one of the people it names — by role over an org (the
branch secretary, the committee office) or a named person (a committee member who
co-signs). Every slot of a step must approve for the request to move on; one rejection
rejects the request. A rejected request may be resubmitted: it starts again at the first
step in a new *round*, and the old round's slots (and the cards that name them) are dead.

The request's form is JSON validated by its kind (handlers/approval_kinds). The history
the applicant and deciders see is `approval_event`; the audit trail records the same
transitions for the auditor.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import (
    JSON,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UUIDPrimaryKey, utcnow
from models.role import Role, RoleType


def _enum(cls: type[enum.Enum], name: str, length: int = 16) -> Enum:
    return Enum(cls, name=name, native_enum=False, length=length, validate_strings=True)


class ApprovalStatus(enum.StrEnum):
    draft = "draft"
    pending = "pending"
    approved = "approved"
    rejected = "rejected"
    withdrawn = "withdrawn"
    expired = "expired"


#: The only moves the state machine allows (resubmission is rejected → pending).
TRANSITIONS: dict[ApprovalStatus, frozenset[ApprovalStatus]] = {
    ApprovalStatus.draft: frozenset({ApprovalStatus.pending, ApprovalStatus.withdrawn}),
    ApprovalStatus.pending: frozenset(
        {ApprovalStatus.approved, ApprovalStatus.rejected, ApprovalStatus.withdrawn, ApprovalStatus.expired}
    ),
    ApprovalStatus.rejected: frozenset({ApprovalStatus.pending}),
    ApprovalStatus.approved: frozenset(),
    ApprovalStatus.withdrawn: frozenset(),
    ApprovalStatus.expired: frozenset(),
}

#: A request in one of these holds its dedupe key (one open leave request per meeting and member).
OPEN_STATUSES = ("draft", "pending", "approved")


class SlotStatus(enum.StrEnum):
    waiting = "waiting"  # a later step, not yet reached
    pending = "pending"
    approved = "approved"
    rejected = "rejected"
    skipped = "skipped"  # a rule skipped the step (e.g. the applicant is the secretary)
    closed = "closed"  # the request ended (withdrawn, expired, rejected elsewhere) before this slot decided


class ApprovalRequest(UUIDPrimaryKey, Base):
    __tablename__ = "approval_request"
    __table_args__ = (
        Index(
            "uq_approval_request_open",
            "dedupe_key",
            unique=True,
            postgresql_where=text("status IN ('draft', 'pending', 'approved')"),
            sqlite_where=text("status IN ('draft', 'pending', 'approved')"),
        ),
    )

    kind: Mapped[str] = mapped_column(String(32), index=True)
    title: Mapped[str] = mapped_column(String(120))
    #: The org whose deciders decide and whose managers may see it (the applicant's branch).
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("party_org.id"), index=True)
    applicant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    form: Mapped[dict] = mapped_column(JSON)
    status: Mapped[ApprovalStatus] = mapped_column(_enum(ApprovalStatus, "approval_status"), index=True)
    #: The step being decided (pending only), counted from 0.
    current_step: Mapped[int | None] = mapped_column(Integer)
    round: Mapped[int] = mapped_column(Integer, default=1)
    #: What makes a request unique while open, e.g. "meeting_leave:<meeting>:<member>".
    dedupe_key: Mapped[str | None] = mapped_column(String(160))
    #: The object the request is about (a meeting for leave), for look-ups from that side.
    subject_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    org = relationship("PartyOrg")
    applicant = relationship("Person")
    slots = relationship(
        "ApprovalSlot",
        back_populates="request",
        order_by="(ApprovalSlot.round, ApprovalSlot.step, ApprovalSlot.position)",
        cascade="all, delete-orphan",
    )
    events = relationship(
        "ApprovalEvent", order_by="ApprovalEvent.at", cascade="all, delete-orphan", back_populates="request"
    )


class ApprovalSlot(UUIDPrimaryKey, Base):
    """One decision inside a step. Cards and button keys name the slot, so a tap on a card of
    an earlier step or round finds a slot that is no longer pending and is refused politely."""

    __tablename__ = "approval_slot"
    __table_args__ = (UniqueConstraint("request_id", "round", "step", "position"),)

    request_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("approval_request.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    step: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)
    step_name: Mapped[str] = mapped_column(String(40))
    #: Who decides: anyone holding `role` over `org_id`, or exactly `person_id`.
    role: Mapped[Role | None] = mapped_column(RoleType)
    org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("party_org.id"))
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"))
    status: Mapped[SlotStatus] = mapped_column(_enum(SlotStatus, "approval_slot_status"), index=True)
    due_at: Mapped[datetime | None] = mapped_column(index=True)
    reminded_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"))
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None]
    comment: Mapped[str | None] = mapped_column(String(500))

    request = relationship("ApprovalRequest", back_populates="slots")
    org = relationship("PartyOrg")
    person = relationship("Person", foreign_keys=[person_id])


class ApprovalEvent(UUIDPrimaryKey, Base):
    """The request's history as its applicant and deciders see it."""

    __tablename__ = "approval_event"

    request_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("approval_request.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(24))
    comment: Mapped[str | None] = mapped_column(Text)

    request = relationship("ApprovalRequest", back_populates="events")


class ApprovalDelegation(UUIDPrimaryKey, Base):
    """A decider away (leave, 援疆) lets someone else decide for a period. Audited."""

    __tablename__ = "approval_delegation"

    from_person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    to_person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    from_person = relationship("Person", foreign_keys=[from_person_id])
    to_person = relationship("Person", foreign_keys=[to_person_id])
