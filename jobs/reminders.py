"""Every minute: start the repeating campaigns' occurrences that are due (their cards become
reminders), then send the reminders that are due (handlers/reminders.dispatch_due).

Several workers may run it at once (two schedulers, a rescue): each takes a disjoint set of
rows (SKIP LOCKED). It loops over batches until nothing due is left, each batch its own
transaction, so a worker killed mid-run loses at most the batch it held, which stays planned.
"""

from __future__ import annotations

from handlers import reminders
from handlers.learning import campaigns
from jobs import job
from jobs.context import unit_of_work

#: A run stops after this many batches; the next minute's run carries on.
MAX_BATCHES = 20


@job(queue="default", timeout=300, retries=2)
def dispatch_reminders() -> str:
    with unit_of_work() as session:
        occurrences = campaigns.run_series(session)
    total = reminders.DispatchReport()
    for _ in range(MAX_BATCHES):
        with unit_of_work() as session:
            report = reminders.dispatch_due(session)
        for name in ("sent", "digests", "cancelled", "held", "calls"):
            setattr(total, name, getattr(total, name) + getattr(report, name))
        if report.sent + report.cancelled + report.held < reminders.BATCH:
            break
    return f"{occurrences} series occurrences; {total}" if occurrences else str(total)
