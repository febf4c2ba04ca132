"""The Party organisation tree: 党委 → 党总支 → 党支部 → 党小组.

It is not the HR department tree: a 联合支部 spans several departments, listed in
`party_org_department`.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import Column, Enum, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamps, UUIDPrimaryKey


class OrgKind(enum.StrEnum):
    committee = "committee"  # 党委
    general_branch = "general_branch"  # 党总支
    branch = "branch"  # 党支部
    group = "group"  # 党小组


OrgKindType = Enum(OrgKind, name="org_kind", native_enum=False, length=20, validate_strings=True)

party_org_department = Table(
    "party_org_department",
    Base.metadata,
    Column("org_id", ForeignKey("party_org.id", ondelete="CASCADE"), primary_key=True),
    Column("department_id", ForeignKey("department.id", ondelete="CASCADE"), primary_key=True),
)


class PartyOrg(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "party_org"

    kind: Mapped[OrgKind] = mapped_column(OrgKindType)
    name: Mapped[str] = mapped_column(String(100))
    #: The unit's own code, used by exports and `--org CODE` on the CLI.
    code: Mapped[str] = mapped_column(String(32), unique=True)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("party_org.id"), index=True)
    #: Materialised path of ancestor ids, "/<root>/…/<self>/": a subtree is one prefix match,
    #: which is what every role-scoped query needs.
    path: Mapped[str] = mapped_column(String(400), index=True)
    campus_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("campus.id"))
    established_on: Mapped[date | None]
    #: The current committee's term (支部 3 years, 基层党委 5 years).
    term_started_on: Mapped[date | None]
    term_ends_on: Mapped[date | None]
    dissolved_at: Mapped[datetime | None]
    #: 政治生日 cards to the branch's members on their anniversary (the secretary may turn them off).
    political_birthday_cards: Mapped[bool] = mapped_column(default=True)

    parent: Mapped[PartyOrg | None] = relationship(remote_side="PartyOrg.id")
    departments = relationship("Department", secondary=party_org_department)

    def set_parent(self, parent: PartyOrg | None) -> None:
        """Place this org under `parent`; callers moving a subtree also rewrite descendants."""
        self.parent = parent
        self.parent_id = parent.id if parent else None
        self.path = (parent.path if parent else "/") + f"{self.id.hex}/"

    @property
    def is_joint_branch(self) -> bool:
        """A 联合支部: one branch for members of several departments."""
        return self.kind == OrgKind.branch and len(self.departments) > 1
