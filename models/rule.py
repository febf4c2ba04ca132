"""A hospital's own setting of a catalogue rule (handlers/rules.py holds the national defaults)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UUIDPrimaryKey, utcnow


class RuleOverride(UUIDPrimaryKey, Base):
    __tablename__ = "rule_override"
    __table_args__ = (Index("ix_rule_override_key_from", "key", "effective_from"),)

    key: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSON)
    #: The override applies to dates on and after this one; earlier dates keep the earlier value.
    effective_from: Mapped[date]
    #: The hospital's own document that decided it (文件名称、文号).
    note: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
