"""Real processes on real PostgreSQL and Redis: RQ workers that fork, die and recover; two
schedulers at once; the database at rest as pg_dump sees it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from demo import seed_demo
from jobs import maintenance, outbox
from models import OutboundMessage, OutboundStatus, Person
from tests import jobs_for_tests
from tests.conftest import EMULATOR_CORP, TEST_AUDIT_KEY, TEST_FIELD_KEYS, TEST_REDIS_URL, needs_real_services
from tests.helpers.processes import ROOT, events, kill_tree, wait_for

pytestmark = [pytest.mark.integration, needs_real_services]


def test_forking_worker_runs_jobs_with_a_fresh_database_connection(integration_app, jobs, spawn):
    for label in ("fork-1", "fork-2", "fork-3"):
        jobs.enqueue(jobs_for_tests.record_visit, label)
    worker = spawn("jobs", "worker", "--burst", "--queue", "default")
    assert worker.wait(60) == 0, worker.log.read_text()[-2000:]
    assert sorted(events(integration_app, "test.visit"))[-3:] == ["fork-1", "fork-2", "fork-3"]


def test_a_killed_worker_is_detected_within_minutes_and_the_job_runs_again(integration_app, jobs, spawn):
    jobs.enqueue(jobs_for_tests.slow_visit, "killed", 20, job_id="slow-killed")
    first = spawn("jobs", "worker", "--queue", "default", "--name", "doomed")
    wait_for(lambda: "killed" in events(integration_app, "test.start"), 60, "the job to start")
    # The node dies: worker and work horse alike (RQ puts the horse in a session of its own,
    # so killing the worker's process group alone would leave it running).
    kill_tree(first.pid)
    first.wait(10)
    killed_at = time.monotonic()

    spawn("jobs", "worker", "--queue", "default", "--name", "rescuer")
    wait_for(lambda: "killed" in events(integration_app, "test.done"), 300, "the abandoned job to re-run")
    assert time.monotonic() - killed_at < 240, "abandoned job must be noticed within minutes"
    assert events(integration_app, "test.start").count("killed") == 2  # at-least-once: it ran again
    assert events(integration_app, "test.done").count("killed") == 1


def test_two_schedulers_enqueue_each_periodic_run_once(integration_app, jobs, spawn):
    from jobs import QUEUE_NAMES
    from jobs.scheduler import SCHEDULE

    with integration_app.extensions["dangjian.db"].unit_of_work() as session:
        session.execute(__import__("sqlalchemy").text("DELETE FROM schedule_entry"))
    schedulers = [spawn("jobs", "scheduler", "--interval", "0.2") for _ in range(2)]
    time.sleep(6)
    for process in schedulers:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(10)
    queued = [
        job_id for name in QUEUE_NAMES for job_id in jobs.queue(name).job_ids
    ]  # periodic jobs use several
    assert sorted(queued) == sorted(set(queued)), "a run was enqueued twice"
    names = sorted(job_id.split("-")[1] for job_id in queued)
    # Each entry's first run once; a minute boundary inside the 6 s may add one more run of
    # each every-minute entry (reconcile, reminders), never a second run of the same slot.
    assert set(names) == {p.name for p in SCHEDULE}
    every_minute = [p.name for p in SCHEDULE if p.every == timedelta(minutes=1)]
    assert len(names) - len(SCHEDULE) <= len(every_minute)


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump not installed")
def test_pg_dump_of_a_seeded_database_holds_no_id_number_or_mobile_in_plaintext(integration_app):
    database = integration_app.extensions["dangjian.db"]
    with database.unit_of_work() as session:
        if not session.scalar(
            select(func.count()).select_from(Person).where(Person.wecom_userid.like("demo%"))
        ):
            seed_demo(session)
    with database.unit_of_work() as session:
        people = session.scalars(select(Person).where(Person.wecom_userid.like("demo%"))).all()
        secrets = {p.id_number for p in people} | {p.mobile for p in people}
        names = {p.name for p in people}
    url = database.engine.url
    schema = url.query["options"].split("=", 1)[1]
    dump = subprocess.run(
        [
            "pg_dump",
            "-h",
            url.host,
            "-p",
            str(url.port or 5432),
            "-U",
            url.username,
            "-n",
            schema,
            "--data-only",
            url.database,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert sum(name in dump for name in names) > 500, "the dump holds the seeded rows"
    leaked = [s for s in secrets if s in dump]
    assert len(secrets) > 1000 and leaked == []


TOKEN_RACE = """
import sys, time
from app import create_app
app = create_app()
start = float(sys.argv[1])
time.sleep(max(0, start - time.time()))
print(app.extensions["dangjian.wecom_client"].access_token()[:12])
"""


def test_two_processes_starting_together_fetch_one_token(integration_app, jobs, emulator, spawn):
    env = {
        **os.environ,
        "APP_ENV": "test",
        "DATABASE_URL": integration_app.config["DATABASE_URL"],
        "REDIS_URL": TEST_REDIS_URL,
        "SECRET_KEY": "z" * 40,
        "FIELD_KEYS": TEST_FIELD_KEYS,
        "AUDIT_CHAIN_KEY": TEST_AUDIT_KEY,
        "WECOM_EMULATOR": "0",
        "WECOM_API_BASE": integration_app.config["WECOM_API_BASE"],
        **EMULATOR_CORP,
    }
    start = str(time.time() + 3)
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", TOKEN_RACE, start], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [r.communicate(timeout=60)[0].strip() for r in racers]
    assert outputs[0] == outputs[1] and outputs[0]
    assert emulator.state.gettoken_calls == 1


def test_killing_a_worker_during_a_1000_member_broadcast_leaves_each_member_one_message(
    integration_app, jobs, emulator, spawn
):
    members = [f"m{i:04d}" for i in range(1000)]
    emulator.state.latency_ms = 5
    with integration_app.app_context(), integration_app.extensions["dangjian.db"].unit_of_work() as session:
        for userid in members:  # personalised: one row (one call) per member
            session.add(
                OutboundMessage(
                    kind="text",
                    to_users=userid,
                    params={"content": f"{userid}：本周五主题党日"},
                    dedupe_key=f"broadcast-1:{userid}",
                )
            )
    # A flush this large goes out in batch jobs (100 rows each, threads inside).
    assert len(jobs.queue("push").job_ids) == 1000 // outbox.BATCH_SIZE

    doomed = spawn("jobs", "worker", "--queue", "push", "--name", "broadcast-doomed")
    wait_for(lambda: len(emulator.state.deliveries) >= 250, 120, "the broadcast to get going")
    kill_tree(doomed.pid)
    doomed.wait(10)

    # What production runs: a worker, and the scheduler's reconcile every minute (here every 5 s).
    spawn("jobs", "worker", "--queue", "push", "--name", "broadcast-rescue")

    def statuses() -> set[OutboundStatus]:
        with integration_app.extensions["dangjian.db"].unit_of_work() as session:
            return set(
                session.scalars(
                    select(OutboundMessage.status).where(OutboundMessage.dedupe_key.like("broadcast-1:%"))
                )
            )

    def settled() -> bool:
        """Everyone served and every row marked: the dead worker's batch had claimed its rows all
        at once, so those it sent but never marked are rescued (and marked) after their claim
        goes stale — a resend WeCom's duplicate check swallows."""
        with integration_app.app_context():
            maintenance.reconcile()
        served = {d.to_user for d in emulator.state.deliveries} >= set(members)
        return served and statuses() == {OutboundStatus.sent}

    deadline = time.monotonic() + 240
    while not settled() and time.monotonic() < deadline:
        time.sleep(5)
    time.sleep(3)  # let anything in flight land, so that a duplicate would be seen

    per_member = {}
    # Only this broadcast's members: the seeded demo hospital earlier in the module has
    # notices of its own in the outbox, which these workers deliver too.
    wanted = set(members)
    for delivery in emulator.state.deliveries:
        if delivery.to_user in wanted:
            per_member[delivery.to_user] = per_member.get(delivery.to_user, 0) + 1
    assert per_member == dict.fromkeys(members, 1), "each member exactly one message"
    assert emulator.state.dropped == []
    assert statuses() == {OutboundStatus.sent}
