"""委员会: who sits on an org's committee (书记, 副书记, 委员), seat by seat, with its history.

A seat is held by a member from the day they were elected until it ends (换届, transfer,
resignation); ended seats stay as the record. Roles (handlers/roles) are separate: the
security officer grants the 支部书记 role; the seat records the election.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UUIDPrimaryKey, utcnow


class CommitteePost(enum.StrEnum):
    secretary = "secretary"  # 书记
    deputy_secretary = "deputy_secretary"  # 副书记
    organization = "organization"  # 组织委员
    publicity = "publicity"  # 宣传委员
    discipline = "discipline"  # 纪检委员
    member = "member"  # 其他委员 (青年委员, 统战委员 …)


class CommitteeSeat(UUIDPrimaryKey, Base):
    __tablename__ = "committee_seat"
    __table_args__ = (
        # One live seat per member per org, and one live 书记 per org; ended seats are history.
        Index(
            "uq_committee_seat_live_member",
            "org_id",
            "member_id",
            unique=True,
            postgresql_where=text("ended_on IS NULL"),
            sqlite_where=text("ended_on IS NULL"),
        ),
        Index(
            "uq_committee_seat_live_secretary",
            "org_id",
            unique=True,
            postgresql_where=text("ended_on IS NULL AND post = 'secretary'"),
            sqlite_where=text("ended_on IS NULL AND post = 'secretary'"),
        ),
    )

    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("party_org.id"), index=True)
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("member.id"), index=True)
    post: Mapped[CommitteePost] = mapped_column(
        Enum(CommitteePost, name="committee_post", native_enum=False, length=20, validate_strings=True)
    )
    elected_on: Mapped[date]
    ended_on: Mapped[date | None]
    ended_reason: Mapped[str | None] = mapped_column(String(200))
    recorded_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    org = relationship("PartyOrg")
    member = relationship("Member")
