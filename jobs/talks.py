"""Daily, 08:41 in Beijing: before each 组织生活会 (within rule talk.remind_days_before) the committee
members who still owe 谈心谈话 are reminded, through the reminder engine (handlers/talks.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers import talks
from jobs import job
from jobs.context import unit_of_work
from models.base import CHINA


@job(queue="default", timeout=300, retries=2)
def talks_daily() -> str:
    today = datetime.now(UTC).astimezone(CHINA).date()
    with unit_of_work() as session:
        planned = talks.queue_reminders(session, today)
    return f"{planned} talk reminders planned"
