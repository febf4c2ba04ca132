"""支部考核 (issue 22 item 4): the office's assessment of its branches for a year — items with
weights, each measured from the 数据中心's figures or entered with its evidence — and the grade the
committee gives each branch (五星, 四星 … or 标准化 levels, as the hospital uses). Branches, never
people."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UUIDPrimaryKey, utcnow


class AssessmentItem(UUIDPrimaryKey, Base):
    __tablename__ = "assessment_item"
    __table_args__ = (UniqueConstraint("year", "position"),)

    year: Mapped[int] = mapped_column(index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(60))
    #: Points the item is worth; a branch earns them in proportion to its measure (0–100%).
    weight: Mapped[int]
    #: Which figure measures it (handlers/stats/assessment.MEASURES), or "manual" (entered).
    source: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(100))


class AssessmentScore(UUIDPrimaryKey, Base):
    """A manual item's value for one branch (0–100%), with the evidence it rests on."""

    __tablename__ = "assessment_score"
    __table_args__ = (UniqueConstraint("item_id", "org_id"),)

    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assessment_item.id"), index=True)
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("party_org.id"), index=True)
    percent: Mapped[Decimal] = mapped_column(Numeric(5, 1))
    evidence: Mapped[str] = mapped_column(Text)
    entered_by: Mapped[str] = mapped_column(String(100))
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)


class AssessmentGrade(UUIDPrimaryKey, Base):
    __tablename__ = "assessment_grade"
    __table_args__ = (UniqueConstraint("org_id", "year"),)

    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("party_org.id"), index=True)
    year: Mapped[int]
    grade: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(200), default="")
    decided_by: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
