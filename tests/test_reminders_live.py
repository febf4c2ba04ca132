"""Reminders under real concurrency: three workers dispatching at once on PostgreSQL, and a
worker killed in the middle of a batch. Each reminder is sent once, nothing is lost."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select

from jobs.reminders import dispatch_reminders
from models import OutboundMessage, Person, Reminder, ReminderPriority, ReminderStatus
from tests.conftest import needs_real_services
from tests.helpers.processes import kill_tree, wait_for

pytestmark = [pytest.mark.integration, needs_real_services]
PEOPLE, EACH = 3000, 3


def _seed(app) -> None:
    now = datetime.now(UTC)
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        ids = [uuid.uuid4() for _ in range(PEOPLE)]
        session.execute(
            insert(Person),
            [
                {
                    "id": i,
                    "wecom_userid": f"rl{n:05d}",
                    "name": f"职工{n}",
                    "is_active": True,
                    "created_at": now,
                    "updated_at": now,
                }
                for n, i in enumerate(ids)
            ],
        )
        rows = [
            {
                "id": uuid.uuid4(),
                "person_id": person_id,
                "category": "meeting_soon",
                "obligation": f"live:{k}",
                "title": f"事项{k}",
                "reason": "测试",
                "path": "/m/",
                "due_at": now,
                "earliest_at": now - timedelta(minutes=5),
                "latest_at": now + timedelta(hours=1),
                "priority": ReminderPriority.normal,
                "status": ReminderStatus.planned,
                "deliver_at": now - timedelta(minutes=1),
                "created_at": now,
            }
            for person_id in ids
            for k in range(EACH)
        ]
        session.execute(insert(Reminder), rows)


def _settled(app) -> tuple[dict, int, int]:
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        statuses = dict(
            session.execute(select(Reminder.status, func.count()).group_by(Reminder.status)).all()
        )
        digests = session.scalar(select(func.count()).where(OutboundMessage.kind == "reminder_digest"))
        recipients = session.scalar(
            select(func.count(func.distinct(OutboundMessage.to_users))).where(
                OutboundMessage.kind == "reminder_digest"
            )
        )
    return statuses, digests, recipients


def test_three_workers_and_a_killed_one_send_each_reminder_once(integration_app, jobs, spawn):  # noqa: F811
    app = integration_app
    _seed(app)
    # A worker killed while it holds a batch: its transaction dies with it.
    jobs.enqueue(dispatch_reminders, job_id="reminders-doomed")
    doomed = spawn("jobs", "worker", "--queue", "default", "--name", "reminders-doomed")
    wait_for(lambda: jobs.queue("default").started_job_registry.count > 0, 30, "the dispatch to start")
    time.sleep(0.3)
    kill_tree(doomed.pid)
    doomed.wait(10)
    # Three workers, three dispatch runs at once (as two schedulers and a rescue would enqueue).
    for n in range(3):
        jobs.enqueue(dispatch_reminders, job_id=f"reminders-{n}")
    workers = [
        spawn("jobs", "worker", "--queue", "default", "--burst", "--name", f"reminders-w{n}")
        for n in range(3)
    ]
    for worker in workers:
        worker.wait(240)
    statuses, digests, recipients = _settled(app)
    assert statuses == {ReminderStatus.sent: PEOPLE * EACH}
    assert digests == PEOPLE and recipients == PEOPLE  # one digest each, none twice
