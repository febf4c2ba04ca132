"""Campuses (院区) and their venues; a venue may carry a geofence for check-in."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamps, UUIDPrimaryKey


class Campus(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "campus"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(200))

    venues: Mapped[list[Venue]] = relationship(back_populates="campus", order_by="Venue.name")


class Venue(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "venue"

    campus_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campus.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    #: Geofence centre (GCJ-02, as WeCom's getLocation returns it) and radius. A check-in keeps
    #: only pass/fail and a distance band, never the member's coordinates (PIPL art. 28).
    geofence_lat: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    geofence_lng: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    geofence_radius_m: Mapped[int | None]

    campus: Mapped[Campus] = relationship(back_populates="venues")
