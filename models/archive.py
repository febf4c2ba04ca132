"""党员档案 beyond the member row: the history of every change, the lists hung on a member
(奖惩, 培训, 党内职务 over time) and where they take part (条例 art. 16)."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UUIDPrimaryKey, utcnow
from models.crypto import EncryptedField


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, length=16, validate_strings=True)


class ArchiveChange(UUIDPrimaryKey, Base):
    """One field of one member's archive changed: old and new value (both encrypted, since the
    field may be a sensitive one), who, when, why and through what (console, import, 更正申请)."""

    __tablename__ = "member_archive_change"

    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("member.id"), index=True)
    field: Mapped[str] = mapped_column(String(32))
    old_value_ciphertext: Mapped[str | None] = mapped_column(Text)
    old_value = EncryptedField[str]()
    new_value_ciphertext: Mapped[str | None] = mapped_column(Text)
    new_value = EncryptedField[str]()
    source: Mapped[str] = mapped_column(String(16))  # console, import, correction, api, transfer
    reason: Mapped[str | None] = mapped_column(String(200))
    changed_by: Mapped[str] = mapped_column(String(100))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class EntryKind(enum.StrEnum):
    reward = "reward"  # 奖励
    sanction = "sanction"  # 处分 (seen by the branch of record and the office only)
    training = "training"  # 培训
    party_post = "party_post"  # 党内职务 held (here or before joining this hospital)


class ArchiveEntry(UUIDPrimaryKey, Base):
    """One line of a list on a member's archive: a reward, a sanction, a training, a post held."""

    __tablename__ = "member_archive_entry"

    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("member.id"), index=True)
    kind: Mapped[EntryKind] = mapped_column(_enum(EntryKind, "archive_entry_kind"))
    title: Mapped[str] = mapped_column(String(100))
    #: Who awarded, imposed or ran it (批准机关 / 培训单位 / 所在党组织).
    issuer: Mapped[str | None] = mapped_column(String(100))
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(String(500))
    recorded_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ParticipationDirection(enum.StrEnum):
    #: Takes part in an org here while the 组织关系 is elsewhere (or in another branch here).
    here = "here"
    #: Of record here, posted elsewhere for the period (援疆, 进修外出, 流动党员): excused locally.
    away = "away"


class ParticipationKind(enum.StrEnum):
    residency = "residency"  # 规培
    visiting = "visiting"  # 进修
    posting = "posting"  # 援派 (援疆, 援外, 对口帮扶)
    rotation = "rotation"  # 多院区轮转
    mobile = "mobile"  # 流动党员 (away under six months or unable to transfer)
    other = "other"


class MemberParticipation(UUIDPrimaryKey, Base):
    """A period in which a member takes part in the life of an org here (direction here), or is
    away from their branch of record (direction away), with its dates."""

    __tablename__ = "member_participation"

    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("member.id"), index=True)
    direction: Mapped[ParticipationDirection] = mapped_column(
        _enum(ParticipationDirection, "participation_direction")
    )
    kind: Mapped[ParticipationKind] = mapped_column(_enum(ParticipationKind, "participation_kind"))
    #: The org here whose meetings, lessons and reminders they get (direction here).
    org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("party_org.id"), index=True)
    #: Where they are (direction away): the place and the org they take part in there.
    place: Mapped[str | None] = mapped_column(String(200))
    #: 《流动党员活动证》 number, for a 流动党员.
    certificate_number: Mapped[str | None] = mapped_column(String(40))
    starts_on: Mapped[date]
    #: The last day of the period; None while open-ended (a 多院区 rotation without an end yet).
    ends_on: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(String(500))
    recorded_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    member = relationship("Member")
    org = relationship("PartyOrg")


def participating_on(day: date, direction: ParticipationDirection = ParticipationDirection.here):
    """The SQL condition "this participation covers `day`" (in the given direction)."""
    from sqlalchemy import and_, or_

    return and_(
        MemberParticipation.direction == direction,
        MemberParticipation.starts_on <= day,
        or_(MemberParticipation.ends_on.is_(None), MemberParticipation.ends_on >= day),
    )
