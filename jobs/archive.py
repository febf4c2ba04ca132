"""Daily, 09:23 in Beijing: the office warned once of each 介绍信 whose 回执 has not come within its
validity; 流动党员 marks kept in step with their 活动证 periods; today's 政治生日 cards planned
(the reminder engine times each around the member's roster)."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers import transfers
from handlers.archive import birthdays, participations
from handlers.policy import Actor
from jobs import job
from jobs.context import unit_of_work
from models.base import CHINA


@job(queue="default", timeout=600, retries=2)
def archive_daily() -> str:
    today = datetime.now(UTC).astimezone(CHINA).date()
    with unit_of_work() as session:
        overdue = transfers.warn_overdue_letters(session, today)
        mobile = participations.sync_mobile_flags(session, Actor.system("流动党员期限"), today)
        cards = birthdays.queue_cards(session, today)
    return f"{overdue} overdue-letter warnings, {mobile} mobile marks changed, {cards} birthday cards planned"
