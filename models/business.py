"""党建+业务 (issue 22 item 3): the hospital's own department measures by month — patient
satisfaction, complaints, quality indicators, research output; which measures exist is the
office's configuration, not code — and the 党员先锋岗 / 示范岗 recorded per department. Shown beside
the branch's Party figures for the same department; never a score that ranks people."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UUIDPrimaryKey, utcnow

#: The posts a department may hold.
VANGUARD_KINDS = ("党员先锋岗", "党员示范岗")


class BusinessMeasure(UUIDPrimaryKey, Base):
    __tablename__ = "business_measure"

    name: Mapped[str] = mapped_column(String(40), unique=True)
    unit: Mapped[str] = mapped_column(String(10), default="")
    #: Whether more is better (satisfaction) or worse (complaints): said beside the chart.
    higher_is_better: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[str] = mapped_column(String(100))


class DepartmentMeasure(UUIDPrimaryKey, Base):
    """One department's value of one measure for one month (the first of the month)."""

    __tablename__ = "department_measure"
    __table_args__ = (UniqueConstraint("department_id", "measure_id", "month"),)

    department_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("department.id"), index=True)
    measure_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_measure.id"), index=True)
    month: Mapped[date]
    value: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    imported_by: Mapped[str] = mapped_column(String(100))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class Vanguard(UUIDPrimaryKey, Base):
    """A 党员先锋岗 or 示范岗 held by a department from a date (until it is withdrawn)."""

    __tablename__ = "vanguard_post"

    department_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("department.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(60))
    since: Mapped[date]
    until: Mapped[date | None]
    recorded_by: Mapped[str] = mapped_column(String(100))
