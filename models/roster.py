"""Rosters (排班): who works which shift when, imported from the hospital's scheduling system.

Shift codes are configuration (`shift_code`): each hospital names its shifts its own way
(白班, 夜班, 二线听班, 休息 …). A roster import replaces a period for the members it covers:
the shifts it replaces are kept, marked superseded by the import, so the history of what
the roster said at any time remains.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime, time

from sqlalchemy import Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UUIDPrimaryKey, utcnow


class ShiftKind(enum.StrEnum):
    work = "work"  # on duty: only short, urgent notices
    night = "night"  # on duty overnight; a rest period follows
    standby = "standby"  # 二线听班: reachable, not on the ward
    rest = "rest"  # 休息


class ShiftCode(Base):
    __tablename__ = "shift_code"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    label: Mapped[str] = mapped_column(String(32))
    kind: Mapped[ShiftKind] = mapped_column(Enum(ShiftKind, name="shift_kind", native_enum=False, length=16))
    #: Local (Beijing) clock times; an end before the start means the shift ends the next day.
    starts: Mapped[time | None]
    ends: Mapped[time | None]


class RosterImport(UUIDPrimaryKey, Base):
    """One upload or API push: the period it replaces and who sent it."""

    __tablename__ = "roster_import"

    period_start: Mapped[date]
    period_end: Mapped[date]
    source: Mapped[str] = mapped_column(String(16))  # "upload" or "api"
    imported_by: Mapped[str] = mapped_column(String(100))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    members: Mapped[int] = mapped_column(Integer)
    shifts: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)


class RosterShift(UUIDPrimaryKey, Base):
    __tablename__ = "roster_shift"
    __table_args__ = (Index("ix_roster_shift_person_time", "person_id", "starts_at"),)

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"))
    day: Mapped[date]
    code: Mapped[str] = mapped_column(ForeignKey("shift_code.code"))
    #: UTC; a rest day has no times.
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    import_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("roster_import.id"), index=True)
    #: The later import that replaced this shift (history is kept, never deleted).
    superseded_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("roster_import.id"))

    shift = relationship("ShiftCode")
