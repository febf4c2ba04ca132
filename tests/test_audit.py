"""The audit chain: every handler change appends; any edit, deletion or insertion is found."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from handlers import audit
from handlers.policy import Actor
from models import AuditEvent
from tests.conftest import needs_postgresql

ACTOR = Actor(kind="person", id="p-1", label="张三", source_ip="10.0.0.8")


def _without_guard(session):
    """Simulate an attacker with direct database access: switch the append-only trigger off."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only"))


def _write(session, n=5):
    return [audit.record(session, ACTOR, "test.action", object_type="thing", object_id=i) for i in range(n)]


def test_events_chain_to_their_predecessor(db_session):
    events = _write(db_session)
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash and after.id == before.id + 1
    assert audit.verify_chain(db_session).ok


def test_verify_names_an_edited_event(db_session):
    events = _write(db_session)
    _without_guard(db_session)
    db_session.execute(
        text("UPDATE audit_event SET actor_label = '李四' WHERE id = :id"), {"id": events[2].id}
    )
    db_session.expire_all()
    report = audit.verify_chain(db_session)
    assert report.broken_at == events[2].id and "修改" in report.reason


def test_verify_names_a_deleted_event(db_session):
    events = _write(db_session)
    _without_guard(db_session)
    db_session.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": events[1].id})
    db_session.expire_all()
    assert audit.verify_chain(db_session).broken_at == events[2].id


def test_verify_names_an_inserted_event(db_session):
    events = _write(db_session)
    _without_guard(db_session)
    # Shift the tail up by one and slip a forged event into the gap, with a self-consistent hash.
    last = events[-1]
    forged = AuditEvent(
        id=last.id + 1,
        occurred_at=datetime.now(UTC),
        actor_type="person",
        actor_id="x",
        actor_label="伪造",
        action="person.reveal",
        result="ok",
        prev_hash=last.hash,
    )
    forged.hash = forged.compute_hash()
    db_session.add(forged)
    db_session.flush()
    genuine_next = audit.record(db_session, ACTOR, "after")
    db_session.execute(
        text("UPDATE audit_event SET prev_hash = :h WHERE id = :id"), {"h": last.hash, "id": genuine_next.id}
    )
    db_session.expire_all()
    assert audit.verify_chain(db_session).broken_at == genuine_next.id


@needs_postgresql
def test_database_refuses_update_and_delete_of_audit_rows(db_session):
    event = _write(db_session, 1)[0]
    for statement in (
        "UPDATE audit_event SET result = 'ok' WHERE id = :id",
        "DELETE FROM audit_event WHERE id = :id",
    ):
        with pytest.raises(DBAPIError, match="append-only"), db_session.begin_nested():
            db_session.execute(text(statement), {"id": event.id})


def test_prune_keeps_retention_and_leaves_a_verifiable_chain(db_session, monkeypatch):
    long_ago = datetime.now(UTC) - timedelta(days=400)
    monkeypatch.setattr(audit, "utcnow", lambda: long_ago)
    old = _write(db_session, 3)
    monkeypatch.undo()
    recent = _write(db_session, 2)
    first_id = db_session.scalar(select(func.min(AuditEvent.id)))

    removed = audit.prune_expired(db_session, retention_months=12)

    assert removed == old[-1].id - first_id + 1
    assert db_session.get(AuditEvent, recent[0].id) is not None
    prune_record = db_session.scalars(select(AuditEvent).where(AuditEvent.action == audit.PRUNE_ACTION)).one()
    assert json.loads(prune_record.detail)["up_to_id"] == old[-1].id
    assert audit.verify_chain(db_session).ok


def test_retention_below_six_months_is_refused(db_session):
    with pytest.raises(ValueError, match="六个月"):
        audit.prune_expired(db_session, retention_months=5)


def test_months_before_clamps_the_day():
    assert audit.months_before(datetime(2026, 3, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)
    assert audit.months_before(datetime(2026, 1, 15, tzinfo=UTC), 12) == datetime(2025, 1, 15, tzinfo=UTC)


def test_cli_audit_verify_reports_the_edited_row_by_id(db_session, runner):
    events = _write(db_session)
    assert "审计链完整" in runner.invoke(args=["audit", "verify"]).output
    _without_guard(db_session)
    db_session.execute(text("UPDATE audit_event SET action = 'nothing' WHERE id = :id"), {"id": events[3].id})
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code != 0
    assert f"第 {events[3].id} 条" in result.output
