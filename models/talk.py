"""谈心谈话: who talked with whom in a branch's year before the 组织生活会 (the note encrypted, seen
by the two and the secretary only), and the gaps the secretary explained instead."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UUIDPrimaryKey, utcnow
from models.crypto import EncryptedField


class Talk(UUIDPrimaryKey, Base):
    """One talk between two people (stored in a fixed order: the smaller person id first)."""

    __tablename__ = "talk"

    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("party_org.id"), index=True)
    year: Mapped[int]
    first_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"))
    second_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"))
    held_on: Mapped[date]
    note_ciphertext: Mapped[str | None] = mapped_column(Text)
    note = EncryptedField[str]()
    recorded_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TalkGap(UUIDPrimaryKey, Base):
    """A pair the year's plan asked for that did not talk, with the secretary's reason."""

    __tablename__ = "talk_gap"
    __table_args__ = (UniqueConstraint("org_id", "year", "first_id", "second_id"),)

    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("party_org.id"), index=True)
    year: Mapped[int]
    first_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"))
    second_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"))
    reason: Mapped[str] = mapped_column(String(200))
    explained_by: Mapped[str] = mapped_column(String(100))
