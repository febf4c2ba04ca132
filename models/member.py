"""A Party membership (党员): the person, their status and their place in the org tree."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamps, UUIDPrimaryKey
from models.crypto import Codec, EncryptedField


class MemberStatus(enum.StrEnum):
    probationary = "probationary"  # 预备党员: takes part, does not vote
    full = "full"  # 正式党员


class DuesCategory(enum.StrEnum):
    """Which bracket table of the 2008 dues rules applies."""

    in_service = "in_service"
    retired = "retired"
    student = "student"
    unemployed = "unemployed"
    on_relief = "on_relief"


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, length=20, validate_strings=True)


DECIMAL: Codec[Decimal] = Codec(str, Decimal)


class Member(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "member"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), unique=True)
    status: Mapped[MemberStatus] = mapped_column(_enum(MemberStatus, "member_status"))
    #: 入党日期: the day the branch general assembly admitted them (probation starts).
    joined_on: Mapped[date | None]
    #: 转正日期; probation normally ends a year after joined_on (one extension allowed).
    full_on: Mapped[date | None]
    probation_ends_on: Mapped[date | None]
    #: The branch that keeps the member's 组织关系 (branch of record). None for a member of record
    #: elsewhere (a 规培 resident, a 进修 doctor) who takes part here: see MemberParticipation.
    branch_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("party_org.id"), index=True)
    #: Where the 组织关系 of a member of record elsewhere is kept, as written on their papers.
    record_org_name: Mapped[str | None] = mapped_column(String(200))
    #: The 党小组 within the branch of record, where the branch has groups.
    group_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("party_org.id"), index=True)
    dues_category: Mapped[DuesCategory] = mapped_column(
        _enum(DuesCategory, "dues_category"), default=DuesCategory.in_service
    )
    dues_base_ciphertext: Mapped[str | None] = mapped_column(Text)
    dues_base = EncryptedField[Decimal](codec=DECIMAL)
    #: The roster group (白班组, 夜班组, 二线听班 …) used for session planning and reminders.
    shift_group: Mapped[str | None] = mapped_column(String(32))
    #: Set when the 组织关系 moves out; the row stays for the record.
    left_at: Mapped[datetime | None]

    # -- the archive (党员档案): the national system's member record (handlers/archive) ---------------
    gender: Mapped[str | None] = mapped_column(String(2))
    #: 民族 is sensitive personal information (PIPL art. 28 reads it with 宗教信仰): encrypted.
    ethnicity_ciphertext: Mapped[str | None] = mapped_column(Text)
    ethnicity = EncryptedField[str]()
    native_place: Mapped[str | None] = mapped_column(String(60))  # 籍贯
    education: Mapped[str | None] = mapped_column(String(20))  # 学历
    degree: Mapped[str | None] = mapped_column(String(10))  # 学位
    job_post: Mapped[str | None] = mapped_column(String(20))  # 岗位
    technical_title: Mapped[str | None] = mapped_column(String(20))  # 技术职称
    applied_on: Mapped[date | None]  # 申请入党日期
    party_post: Mapped[str | None] = mapped_column(String(60))  # 党内职务 (current)
    #: 流动党员: kept in step with an open 流动党员活动证 record (handlers/archive/participations).
    is_mobile: Mapped[bool] = mapped_column(default=False)
    #: 失联党员 and since when (the national system records both).
    lost_contact: Mapped[bool] = mapped_column(default=False)
    lost_contact_on: Mapped[date | None]

    person = relationship("Person", back_populates="membership")
    branch = relationship("PartyOrg", foreign_keys=[branch_id])
    group = relationship("PartyOrg", foreign_keys=[group_id])
