"""Every few minutes: expire requests whose moment has passed (leave after the meeting),
remind deciders of overdue steps once, and escalate what stays undecided once."""

from __future__ import annotations

from handlers import approvals
from jobs import job
from jobs.context import unit_of_work


@job(queue="default", timeout=300, retries=2)
def sweep_approvals() -> str:
    with unit_of_work() as session:
        expired = approvals.expire_overdue(session)
    with unit_of_work() as session:
        reminded, escalated = approvals.escalate_overdue(session)
    return f"{expired} expired, {reminded} reminded, {escalated} escalated"
