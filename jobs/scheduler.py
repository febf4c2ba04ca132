"""Periodic work: `flask jobs scheduler` (or the embedded runner) enqueues what is due.

The schedule's state is the `schedule_entry` table, so it survives restarts. A run that was
missed while no scheduler ran is caught up once (not once per missed slot). Each run is
claimed with a compare-and-set on `next_due_at` inside the same transaction that enqueues
it, so two schedulers running together enqueue it once.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from jobs import (
    JobQueues,
    approvals,
    archive,
    ballots,
    compliance,
    directory,
    maintenance,
    recruitment,
    reminders,
    talks,
    tasks,
    workbench,
)
from models import ScheduleEntry
from models.db import Database

logger = logging.getLogger(__name__)

#: Slots are aligned to this origin so every scheduler computes the same due times.
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Periodic:
    name: str
    every: timedelta
    func: Callable[..., Any]
    #: Offset inside the period, e.g. 03:17 for nightly work (avoids the :00/:30 peaks).
    offset: timedelta = timedelta(0)

    def slot_at_or_before(self, moment: datetime) -> datetime:
        steps = math.floor((moment - EPOCH - self.offset) / self.every)
        return EPOCH + self.offset + steps * self.every


SCHEDULE: tuple[Periodic, ...] = (
    Periodic("reconcile", timedelta(minutes=1), maintenance.reconcile),
    Periodic("reminders", timedelta(minutes=1), reminders.dispatch_reminders),
    # Off the :00/:30 peaks: minutes 7, 17, 27 … of every hour.
    Periodic("approval_sweep", timedelta(minutes=10), approvals.sweep_approvals, timedelta(minutes=7)),
    Periodic("expire_sessions", timedelta(hours=1), maintenance.expire_sessions, timedelta(minutes=7)),
    Periodic(
        "verify_audit_chain",
        timedelta(days=1),
        maintenance.verify_audit_chain,
        timedelta(hours=2, minutes=17),
    ),
    Periodic("prune_audit", timedelta(days=1), maintenance.prune_audit, timedelta(hours=3, minutes=41)),
    # After the night's verification: the chain's head leaves the database once a day.
    Periodic(
        "anchor_audit_chain",
        timedelta(days=1),
        maintenance.anchor_audit_chain,
        timedelta(hours=2, minutes=47),
    ),
    # 01:53 in Beijing (UTC+8): after the HR system's evening changes reach WeCom, before the
    # morning shift logs in.
    Periodic("directory_sync", timedelta(days=1), directory.sync_directory, timedelta(hours=17, minutes=53)),
    # The template is re-applied daily (an admin may have reset it); members' figures are
    # repaired after the directory sync, 05:31 in Beijing, before the day shift.
    Periodic(
        "workbench_template",
        timedelta(days=1),
        workbench.set_workbench_template,
        timedelta(hours=21, minutes=17),
    ),
    Periodic(
        "workbench_refresh",
        timedelta(days=1),
        workbench.refresh_all_workbenches,
        timedelta(hours=21, minutes=31),
    ),
    # Mondays 09:13 in Beijing (2026-01-05 was a Monday): the week's due meetings, to secretaries.
    Periodic(
        "compliance_warnings",
        timedelta(days=7),
        compliance.warn_due_obligations,
        timedelta(days=4, hours=1, minutes=13),
    ),
    # 09:23 in Beijing: letters overdue, 流动党员 periods, today's 政治生日 cards.
    Periodic("archive_daily", timedelta(days=1), archive.archive_daily, timedelta(hours=1, minutes=23)),
    # 08:47 in Beijing: the month's 组织生活 reports go out; task deadlines and overdue follow-ups.
    Periodic("tasks_daily", timedelta(days=1), tasks.tasks_daily, timedelta(minutes=47)),
    # 08:53 in Beijing: 发展党员 deadlines (talk, 考察, 思想汇报, approval, 转正).
    Periodic("recruitment_daily", timedelta(days=1), recruitment.recruitment_daily, timedelta(minutes=53)),
    # 08:41 in Beijing: 谈心谈话 owed before a 组织生活会.
    Periodic("talks_daily", timedelta(days=1), talks.talks_daily, timedelta(minutes=41)),
    # Results of ballots closed in the last five minutes (minutes 3, 8, 13 …).
    Periodic("close_ballots", timedelta(minutes=5), ballots.close_ballots, timedelta(minutes=3)),
    Periodic(
        "prune_callback_receipts",
        timedelta(days=1),
        maintenance.prune_callback_receipts,
        timedelta(hours=4, minutes=13),
    ),
)


def tick(
    db: Database, queues: JobQueues, now: datetime | None = None, schedule: tuple[Periodic, ...] = SCHEDULE
) -> list[str]:
    """Enqueue every periodic job that is due; return the job ids enqueued by this call."""
    now = now or datetime.now(UTC)
    enqueued = []
    for periodic in schedule:
        job_id = _claim_and_enqueue(db, queues, periodic, now)
        if job_id:
            enqueued.append(job_id)
    return enqueued


def _ensure_entry(db: Database, periodic: Periodic, now: datetime) -> None:
    try:
        with db.unit_of_work() as session:
            if session.get(ScheduleEntry, periodic.name) is None:
                # A new entry is due at the current slot, so a fresh install runs it once now.
                session.add(ScheduleEntry(name=periodic.name, next_due_at=periodic.slot_at_or_before(now)))
    except IntegrityError:
        pass  # another scheduler created it first


def _claim_and_enqueue(db: Database, queues: JobQueues, periodic: Periodic, now: datetime) -> str | None:
    _ensure_entry(db, periodic, now)
    with db.unit_of_work() as session:
        due = session.scalar(select(ScheduleEntry.next_due_at).where(ScheduleEntry.name == periodic.name))
        if due is None or due > now:
            return None
        next_due = periodic.slot_at_or_before(now) + periodic.every  # skip every missed slot but this one
        job_id = f"periodic-{periodic.name}-{due:%Y%m%dT%H%M%S}"
        claimed = session.execute(
            update(ScheduleEntry)
            .where(ScheduleEntry.name == periodic.name, ScheduleEntry.next_due_at == due)
            .values(next_due_at=next_due, last_enqueued_at=now, last_job_id=job_id)
        ).rowcount
        if claimed != 1:
            return None  # another scheduler took this run
        # Enqueue before the claim commits: if Redis is down the claim rolls back and the next
        # tick tries again. If the commit then fails, the run is enqueued without its claim
        # and may run once more; periodic jobs are idempotent.
        queues.enqueue(periodic.func, job_id=job_id)
    logger.info("scheduled %s (due %s)", periodic.name, due.isoformat())
    return job_id


def run_forever(db: Database, queues: JobQueues, stop: threading.Event, interval: float = 5.0) -> None:
    logger.info("scheduler started: %s", ", ".join(p.name for p in SCHEDULE))
    while not stop.is_set():
        try:
            tick(db, queues)
        except Exception:
            logger.exception("scheduler tick failed; retrying in %.0f s", interval)
        stop.wait(interval)
