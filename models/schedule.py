"""The periodic schedule's durable state: when each periodic job is next due.

Kept in the database so the schedule survives scheduler restarts, and claimed with a
compare-and-set on next_due_at so two schedulers never enqueue the same run.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class ScheduleEntry(Base):
    __tablename__ = "schedule_entry"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_due_at: Mapped[datetime]
    last_enqueued_at: Mapped[datetime | None]
    last_job_id: Mapped[str | None] = mapped_column(String(120))
