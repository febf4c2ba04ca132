"""Weekly: tell each secretary which statutory meetings fall due soon with nothing planned (and,
once a month, how many members are months behind with their dues; and whoever has an open 信箱
message, once a week), and the committee office
which branches are behind (one card each, through the reminder engine)."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers import compliance, dues, learning, mailbox
from jobs import job
from jobs.context import unit_of_work
from models.base import CHINA


@job(queue="default", timeout=600, retries=2)
def warn_due_obligations() -> str:
    today = datetime.now(UTC).astimezone(CHINA).date()
    with unit_of_work() as session:
        queued = compliance.queue_due_warnings(session, today)
        office = compliance.queue_overdue_summary(session, today)
        terms = compliance.queue_term_reminders(session, today)
        pace = learning.queue_pace_reminders(session, today)
        unpaid = dues.queue_unpaid_reminders(session, today)
        letters = mailbox.queue_open_reminders(session, today)
    return (
        f"{queued} secretaries told, {office} of the committee office sent the overdue summary, "
        f"{terms} reminded of 换届, {pace} members reminded of their study hours, "
        f"{unpaid} secretaries told of unpaid dues, {letters} reminded of open 信箱 messages"
    )
