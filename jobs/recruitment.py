"""Daily, 08:53 in Beijing: what every open 发展党员 way owes today goes to whoever owes it — the
talk, the half-yearly 考察, the 思想汇报, the 上级党委's approval, the 转正 (handlers/recruitment/
deadlines.py), and in November next year's 发展计划 (plans.py); the reminder engine times each
around the recipient's roster."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers.recruitment import deadlines, plans
from jobs import job
from jobs.context import unit_of_work
from models.base import CHINA


@job(queue="default", timeout=600, retries=2)
def recruitment_daily() -> str:
    today = datetime.now(UTC).astimezone(CHINA).date()
    with unit_of_work() as session:
        planned = deadlines.queue_reminders(session, today) + plans.queue_reminders(session, today)
    return f"{planned} recruitment reminders planned"
