"""Role grants: a person holds a role over an org subtree (or the whole hospital)."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UUIDPrimaryKey, utcnow


class Role(enum.StrEnum):
    member = "member"
    group_leader = "group_leader"  # 党小组长
    secretary = "secretary"  # 支部书记
    organizer = "organizer"  # 组织委员
    committee_office = "committee_office"  # 党委组织部 / 党办
    # 三员: separated duties (等保2.0)
    sysadmin = "sysadmin"
    security_officer = "security_officer"
    auditor = "auditor"
    #: A 大屏 in the Party committee room: a display token that reads figures and nothing else.
    display = "display"


RoleType = Enum(Role, name="role", native_enum=False, length=20, validate_strings=True)


class RoleGrant(UUIDPrimaryKey, Base):
    __tablename__ = "role_grant"
    __table_args__ = (
        # One live grant of a role over one subtree; revoked grants stay as history.
        Index(
            "uq_role_grant_live",
            "person_id",
            "role",
            "org_id",
            unique=True,
            postgresql_where=text("revoked_at IS NULL"),
            sqlite_where=text("revoked_at IS NULL"),
        ),
    )

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    role: Mapped[Role] = mapped_column(RoleType)
    #: Root of the subtree the role covers; NULL means the whole hospital.
    org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("party_org.id"))
    granted_by: Mapped[str | None] = mapped_column(String(100))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    person = relationship("Person")
    org = relationship("PartyOrg")
