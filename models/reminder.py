"""Reminders: one row per person per obligation, planned for a good moment, sent once.

The feature that owns an obligation (a meeting's check-in window, an approval step's
deadline …) creates the reminder with the window in which it is useful; the planner picks the
delivery time from the member's roster and quiet hours; the dispatcher sends what is due —
alone, or folded into one digest with others due close together — and cancels what is no
longer needed (the member checked in, the step was decided).
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime, time

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UUIDPrimaryKey, utcnow


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, length=16, validate_strings=True)


class ReminderStatus(enum.StrEnum):
    planned = "planned"
    sent = "sent"
    cancelled = "cancelled"
    failed = "failed"


class ReminderPriority(enum.StrEnum):
    #: For a moment the member chose (the 签到 card of the session they are at): sent as the
    #: window opens, whatever the hour or roster says.
    immediate = "immediate"
    urgent = "urgent"  # may reach a member on duty; never waits for a digest
    normal = "normal"
    low = "low"  # waits for the member's preferred time when there is one


class Reminder(UUIDPrimaryKey, Base):
    __tablename__ = "reminder"
    __table_args__ = (
        UniqueConstraint("person_id", "obligation"),
        Index("ix_reminder_due", "status", "deliver_at"),
    )

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    category: Mapped[str] = mapped_column(String(32), index=True)
    #: The obligation's key, e.g. "approval_slot:<id>": what is checked before sending.
    obligation: Mapped[str] = mapped_column(String(160))
    title: Mapped[str] = mapped_column(String(100))
    #: Why the member gets it, in their words (shown on the card and the H5 page).
    reason: Mapped[str] = mapped_column(String(200))
    #: Lines shown on the card under the reason (a weekly summary's items), if any.
    detail: Mapped[str | None] = mapped_column(Text)
    #: A card of the feature's own to send instead of the plain reminder card (the 签到 card):
    #: its outbox kind, facts and dedupe key (card updates find it by that key). Never folded
    #: into a digest: its buttons must stay its own.
    card_kind: Mapped[str | None] = mapped_column(String(32))
    card_params: Mapped[dict | None] = mapped_column(JSON)
    card_key: Mapped[str | None] = mapped_column(String(200))
    #: Where the reminder leads (an H5 path).
    path: Mapped[str] = mapped_column(String(300))
    due_at: Mapped[datetime]
    earliest_at: Mapped[datetime]
    latest_at: Mapped[datetime]
    priority: Mapped[ReminderPriority] = mapped_column(_enum(ReminderPriority, "reminder_priority"))
    status: Mapped[ReminderStatus] = mapped_column(_enum(ReminderStatus, "reminder_status"))
    deliver_at: Mapped[datetime]
    #: Why it goes at that moment ("夜班后休息至 14:00", "避开免打扰时段").
    plan_note: Mapped[str | None] = mapped_column(String(100))
    snoozed: Mapped[bool] = mapped_column(default=False)
    sent_at: Mapped[datetime | None]
    #: The outbox row that carried it (alone or in a digest).
    outbox_key: Mapped[str | None] = mapped_column(String(200))
    cancelled_reason: Mapped[str | None] = mapped_column(String(100))
    #: Why it did not reach the member (status failed): WeCom's answer in the office's words.
    failure_reason: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person = relationship("Person")


class ReminderPreference(Base):
    """A member's own settings: quiet hours other than the hospital's, a preferred time."""

    __tablename__ = "reminder_preference"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), primary_key=True)
    quiet_start: Mapped[time | None]
    quiet_end: Mapped[time | None]
    preferred_time: Mapped[time | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReminderPause(Base):
    """A category the committee office paused hospital-wide (planned rows wait, none is sent)."""

    __tablename__ = "reminder_pause"

    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    paused_by: Mapped[str] = mapped_column(String(100))
    paused_at: Mapped[datetime] = mapped_column(default=utcnow)
