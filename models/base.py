"""Declarative base shared by every model: naming convention, UTC datetimes, UUID keys."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import DateTime, MetaData, Uuid
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

#: Constraint names are deterministic so Alembic migrations can name them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


#: Hospitals keep Beijing time (UTC+8, no daylight saving). Calendar days — 今天, due dates,
#: the year of an obligation — are Beijing's, whatever the server's clock zone.
CHINA = timezone(timedelta(hours=8))


def local_today() -> date:
    return datetime.now(CHINA).date()


def local_text(moment: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A moment as people here read it: Beijing time, by `pattern` (to the minute unless it says
    otherwise); "" for none. The one formatter for pages, cards, messages and exports (the
    templates' `|local` filter is this)."""
    if moment is None:
        return ""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # naive values are UTC
    return aware.astimezone(CHINA).strftime(pattern)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite hands back naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC datetimes")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime, uuid.UUID: Uuid}


class UUIDPrimaryKey:
    """An application-generated UUID key, assigned at construction.

    Encrypted fields bind their ciphertext to the row id (associated data), so the id must
    exist before the first encrypted value is set — an autoincrement key does not.
    """

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)

    def __init__(self, **kwargs: Any) -> None:
        self.id = kwargs.pop("id", None) or uuid.uuid4()
        super().__init__(**kwargs)


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
