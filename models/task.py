"""任务督办: work the office or a 总支 sends down to branches or named people, and the loop each
recipient goes through — 收到, 办理, 提交, then accepted or returned for 整改 with a new deadline —
until every recipient is accepted and the task closes. A branch's annual work plan is tasks it sets
itself; the 组织生活 monthly report is a task that comes back each month."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Enum, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UUIDPrimaryKey, utcnow


class TaskKind(enum.StrEnum):
    sent = "sent"  #: 督办: sent down by the office or a 总支
    plan = "plan"  #: 年度工作计划: an item a branch sets itself
    monthly_report = "monthly_report"  #: 组织生活月报: one each month, to every branch named


class DoneBy(enum.StrEnum):
    """What counts as done: what a recipient's submission must carry."""

    report = "report"  #: a written report
    files = "files"  #: one or more files
    number = "number"  #: a figure (how many took part, how many were visited …)
    meeting = "meeting"  #: a meeting of the branch, linked
    campaign = "campaign"  #: a study campaign, linked


class AssignmentStatus(enum.StrEnum):
    sent = "sent"  #: 待接收
    acknowledged = "acknowledged"  #: 办理中
    submitted = "submitted"  #: 待审核
    returned = "returned"  #: 整改中
    accepted = "accepted"  #: 已完成


def _enum(cls: type[enum.StrEnum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, length=20, validate_strings=True)


class Task(UUIDPrimaryKey, Base):
    __tablename__ = "task"
    __table_args__ = (Index("ix_task_series_period", "series_id", "period"),)

    kind: Mapped[TaskKind] = mapped_column(_enum(TaskKind, "task_kind"))
    title: Mapped[str] = mapped_column(String(60))
    body: Mapped[str] = mapped_column(Text)  #: what to do
    why: Mapped[str] = mapped_column(Text, default="")  #: why (the document or decision behind it)
    done_by: Mapped[DoneBy] = mapped_column(_enum(DoneBy, "task_done_by"))
    deadline: Mapped[date]
    #: The desk that sent it and reviews it: an org's leaders, or None for the 党委 office.
    sender_org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("party_org.id"), index=True)
    sender_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"))
    sender_label: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: When the last recipient was accepted.
    closed_at: Mapped[datetime | None]
    #: A plan item's year.
    plan_year: Mapped[int | None]
    #: Monthly reports: the series (its first month's task id) and the month ("2026-11").
    series_id: Mapped[uuid.UUID | None]
    period: Mapped[str | None] = mapped_column(String(7))
    #: The series still runs: next month's report is sent on the 1st.
    recurring: Mapped[bool] = mapped_column(default=False)

    assignments: Mapped[list[TaskAssignment]] = relationship(
        back_populates="task", order_by="TaskAssignment.created_at"
    )


class TaskAssignment(UUIDPrimaryKey, Base):
    """One recipient of a task: a branch (its secretary, or 组织委员, owes each step) or a person."""

    __tablename__ = "task_assignment"

    task_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("task.id"), index=True)
    org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("party_org.id"), index=True)
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), index=True)
    status: Mapped[AssignmentStatus] = mapped_column(_enum(AssignmentStatus, "task_status"), index=True)
    #: The deadline this recipient works to: the task's, or the new one set on a return.
    deadline: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    #: The latest submission (each one is kept in the events too).
    report: Mapped[str | None] = mapped_column(Text)
    number: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    linked_id: Mapped[uuid.UUID | None]
    returns: Mapped[int] = mapped_column(default=0)
    #: Escalated to the recipient's superior (once): when, and to whom.
    escalated_at: Mapped[datetime | None]
    escalated_to: Mapped[str | None] = mapped_column(String(100))

    task: Mapped[Task] = relationship(back_populates="assignments")
    org = relationship("PartyOrg")
    person = relationship("Person")
    events: Mapped[list[TaskEvent]] = relationship(order_by="TaskEvent.at")


class TaskEvent(UUIDPrimaryKey, Base):
    """A step of the loop as it happened: 收到, 提交 (with what was submitted), 退回 (with the reason
    and the new deadline), 通过, 督办."""

    __tablename__ = "task_event"

    assignment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("task_assignment.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    step: Mapped[str] = mapped_column(String(16))
    by_label: Mapped[str] = mapped_column(String(100))
    text: Mapped[str | None] = mapped_column(Text)
    deadline: Mapped[date | None]
