"""Campuses (院区) and their venues; a venue may carry a geofence for check-in."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamps, UUIDPrimaryKey


class Campus(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "campus"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(200))
    #: An offline map of the campus (an attachment) and the GCJ-02 box its edges show, so a
    #: venue's centre can be picked by clicking on it: no online map is loaded in the hospital.
    map_attachment_id: Mapped[uuid.UUID | None]
    map_north: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    map_south: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    map_west: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    map_east: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))

    venues: Mapped[list[Venue]] = relationship(back_populates="campus", order_by="Venue.name")

    @property
    def map_bounds(self) -> tuple[float, float, float, float] | None:
        """(north, south, west, east) when the map is placed, else None."""
        edges = (self.map_north, self.map_south, self.map_west, self.map_east)
        return None if any(e is None for e in edges) else tuple(float(e) for e in edges)  # type: ignore[return-value]


class Venue(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "venue"

    campus_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campus.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    #: Geofence centre (GCJ-02, as WeCom's getLocation returns it) and radius. A check-in keeps
    #: only pass/fail and a distance band, never the member's coordinates (PIPL art. 28).
    geofence_lat: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    geofence_lng: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    geofence_radius_m: Mapped[int | None]
    #: Whether check-in by QR here must be near the centre (the office turns it on per venue).
    geofence_on: Mapped[bool] = mapped_column(default=False)
    address: Mapped[str | None] = mapped_column(String(200))
    #: A venue meetings used is never deleted, only retired: new meetings cannot pick it.
    retired_at: Mapped[datetime | None]

    campus: Mapped[Campus] = relationship(back_populates="venues")

    @property
    def fences(self) -> bool:
        """Check-in here is checked against the geofence."""
        return bool(
            self.geofence_on
            and self.geofence_radius_m
            and self.geofence_lat is not None
            and self.geofence_lng is not None
        )
