"""Daily, 08:47 in Beijing: last month's 组织生活 report sent to each series' branches (on the 1st,
or the first run after it), and the reminders today's open tasks call for — before a deadline,
weekly once it has passed, and to the desk when a submission waits for review."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers import tasks
from jobs import job
from jobs.context import unit_of_work
from models.base import CHINA


@job(queue="default", timeout=600, retries=2)
def tasks_daily() -> str:
    today = datetime.now(UTC).astimezone(CHINA).date()
    with unit_of_work() as session:
        reports = tasks.roll_monthly(session, today)
    with unit_of_work() as session:
        planned = tasks.queue_reminders(session, today)
    return f"{reports} monthly reports sent, {planned} task reminders planned"
