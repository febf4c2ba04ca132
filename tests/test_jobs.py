"""Jobs foundation: after-commit enqueue, job specs, the durable schedule, the reconciler."""

import json
import time
import zlib
from datetime import UTC, datetime, timedelta

import pytest
from rq.serializers import JSONSerializer
from sqlalchemy import select

from jobs import job, maintenance, scheduler
from jobs.maintenance import PendingWork
from models import AuditEvent, ScheduleEntry
from tests import jobs_for_tests
from tests.conftest import build_app

NOW = datetime(2026, 11, 22, 9, 3, 20, tzinfo=UTC)


@pytest.fixture
def database(app, db_session):
    """The app's Database; the db_session fixture binds its sessions to this test's transaction."""
    return app.extensions["dangjian.db"]


def queued_ids(queues, name):
    return list(queues.queue(name).job_ids)


def test_enqueue_happens_after_commit_and_never_for_a_rollback(db_session, queues):
    queues.enqueue_after_commit(db_session, jobs_for_tests.record_visit, "committed")
    assert queued_ids(queues, "default") == []
    db_session.commit()
    assert len(queued_ids(queues, "default")) == 1

    queues.enqueue_after_commit(db_session, jobs_for_tests.record_visit, "rolled-back")
    db_session.rollback()
    db_session.commit()  # a later commit must not resurrect the dropped callback
    assert len(queued_ids(queues, "default")) == 1


def test_jobs_are_json_with_timeout_and_retry(queues):
    enqueued = queues.enqueue(jobs_for_tests.record_visit, "x", job_id="visit-x")
    assert queues.queue("default").serializer is JSONSerializer
    payload = json.loads(
        zlib.decompress(queues.redis.hget("rq:job:visit-x", "data"))
    )  # pickle would not parse
    assert payload[0] == "tests.jobs_for_tests.record_visit" and payload[2] == ["x"]
    assert enqueued.timeout == 60 and enqueued.retries_left == 2


def test_a_job_without_retry_cannot_be_declared():
    with pytest.raises(ValueError, match="Retry"):
        job(retries=0)(lambda: None)
    for periodic in scheduler.SCHEDULE:
        spec = periodic.func.job_spec
        assert spec.retries >= 1 and spec.timeout >= 1


def test_schedule_enqueues_each_due_run_once(database, db_session, queues):
    first = scheduler.tick(queues=queues, db=database, now=NOW)
    assert sorted(j.split("-")[1] for j in first) == sorted(p.name for p in scheduler.SCHEDULE)
    assert scheduler.tick(queues=queues, db=database, now=NOW) == []
    assert scheduler.tick(queues=queues, db=database, now=NOW + timedelta(seconds=30)) == []
    later = scheduler.tick(queues=queues, db=database, now=NOW + timedelta(minutes=1))
    assert [j.split("-")[1] for j in later] == ["reconcile", "reminders"]


def test_a_missed_run_is_caught_up_once_after_downtime(database, db_session, queues):
    scheduler.tick(queues=queues, db=database, now=NOW)
    back = NOW + timedelta(hours=5)  # scheduler was down for five hours
    caught_up = scheduler.tick(queues=queues, db=database, now=back)
    assert sorted(j.split("-")[1] for j in caught_up) == [
        "approval_sweep",
        "close_ballots",
        "expire_sessions",
        "reconcile",
        "reminders",
    ]
    entry = db_session.get(ScheduleEntry, "expire_sessions")
    assert entry.next_due_at > back  # the other four missed hourly slots are skipped
    assert scheduler.tick(queues=queues, db=database, now=back) == []


def test_claim_rolls_back_when_redis_refuses(database, db_session, queues, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(queues, "enqueue", refuse)
    with pytest.raises(ConnectionError):
        scheduler.tick(queues=queues, db=database, now=NOW)
    monkeypatch.undo()
    assert scheduler.tick(queues=queues, db=database, now=NOW)  # still due: nothing was lost


def test_reconciler_reenqueues_work_that_redis_lost(app, db_session, queues, monkeypatch):
    source_calls = []

    def outbox_like_source(session, now):
        source_calls.append(now)
        return [PendingWork(jobs_for_tests.record_visit, ("lost",), "deliver-lost")]

    monkeypatch.setattr(maintenance, "RECONCILE_SOURCES", [outbox_like_source])
    with app.app_context():
        assert maintenance.reconcile() == 1
        assert maintenance.reconcile() == 0  # still queued: not enqueued twice
        queues.redis.flushdb()  # Redis loses everything
        assert maintenance.reconcile() == 1
    assert queued_ids(queues, "default") == ["deliver-lost"]


def test_expire_sessions_job_deletes_only_dead_sessions(app, db_session, make_person):
    from models import WebSession

    person = make_person()
    now = datetime.now(UTC)
    db_session.add_all(
        [
            WebSession(token_hash="live" * 16, person_id=person.id, expires_at=now + timedelta(hours=1)),
            WebSession(token_hash="dead" * 16, person_id=person.id, expires_at=now - timedelta(seconds=1)),
            WebSession(
                token_hash="idle" * 16,
                person_id=person.id,
                expires_at=now + timedelta(hours=1),
                last_seen_at=now - timedelta(hours=2),
            ),
        ]
    )
    db_session.flush()
    with app.app_context():
        assert maintenance.expire_sessions() == 2
    assert [s.token_hash[:4] for s in db_session.scalars(select(WebSession))] == ["live"]


def test_nightly_verification_fails_loudly_on_a_broken_chain(app, db_session):
    from handlers import audit
    from handlers.policy import Actor

    for i in range(3):
        audit.record(db_session, Actor.system(), "x", object_id=i)
    with app.app_context():
        assert maintenance.verify_audit_chain() >= 3
        _tamper(db_session)
        with pytest.raises(maintenance.AuditChainBroken):
            maintenance.verify_audit_chain()


def _tamper(session):
    from sqlalchemy import text

    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only"))
    session.execute(
        text("UPDATE audit_event SET actor_label = 'x' WHERE id = (SELECT min(id) FROM audit_event)")
    )


def test_embedded_runner_works_jobs_and_retries_in_process(tmp_path):
    """The demo default: no REDIS_URL, jobs run in a thread on the Redis stand-in."""
    from jobs.worker import EmbeddedRunner
    from models import migrate

    app = build_app(f"sqlite:///{tmp_path}/embedded.db", REDIS_URL=None)
    migrate.upgrade(app.extensions["dangjian.db"].engine)
    queues = app.extensions["dangjian.jobs"]
    assert queues.embedded
    jobs_for_tests.FLAKY_STATE["calls"] = 0
    queues.enqueue(jobs_for_tests.flaky_once, "embedded")
    runner = EmbeddedRunner(app, poll_seconds=0.1)
    runner.start()
    try:
        deadline = time.monotonic() + 20
        with app.app_context():
            db = app.extensions["dangjian.db"]
            while time.monotonic() < deadline:
                with db.unit_of_work() as session:
                    labels = list(
                        session.scalars(select(AuditEvent.object_id).where(AuditEvent.action == "test.visit"))
                    )
                    scheduled = session.scalar(
                        select(ScheduleEntry.last_job_id).where(ScheduleEntry.name == "reconcile")
                    )
                if labels and scheduled:
                    break
                time.sleep(0.1)
    finally:
        runner.stop()
        runner.join(5)
    assert labels == ["embedded"], "the failing first attempt was retried once"
    assert jobs_for_tests.FLAKY_STATE["calls"] == 2
    assert scheduled, "the embedded runner also ticks the periodic schedule"
