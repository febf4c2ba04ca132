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
    # Found at the forgery itself: an unkeyed event after keyed ones (whoever forged it had no key).
    assert audit.verify_chain(db_session).broken_at == forged.id


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


# --- a chain an insider cannot rewrite (issue 16 item 6) --------------------------------------


def _recompute_without_the_key(session, from_id):
    """What a database superuser can do: edit, then recompute every later hash with SHA-256 —
    but not the HMAC, whose key is outside the database."""
    import hashlib

    events = session.scalars(select(AuditEvent).where(AuditEvent.id >= from_id).order_by(AuditEvent.id)).all()
    previous = session.scalar(select(AuditEvent.hash).where(AuditEvent.id == from_id - 1))
    for event in events:
        event.prev_hash = previous
        event.key_id = None  # unkeyed: the only hash they can make
        event.hash = hashlib.sha256(event.canonical()).hexdigest()
        previous = event.hash
        session.execute(
            text(
                "UPDATE audit_event SET prev_hash = :p, hash = :h, key_id = NULL, actor_label = :a"
                " WHERE id = :id"
            ),
            {"p": event.prev_hash, "h": event.hash, "a": event.actor_label, "id": event.id},
        )
    session.expire_all()


def test_events_are_signed_with_the_chain_key(db_session):
    events = _write(db_session, 3)
    assert {e.key_id for e in events} == {"ta1"} and audit.verify_chain(db_session).ok


def test_a_rewritten_and_recomputed_chain_is_found_without_the_key(db_session):
    events = _write(db_session, 6)
    _without_guard(db_session)
    target = events[3]
    target.actor_label = "李四"
    _recompute_without_the_key(db_session, target.id)
    report = audit.verify_chain(db_session)
    assert report.broken_at == target.id and "未签名" in report.reason


def test_the_last_rows_deleted_are_found_against_the_anchor(db_session, tmp_path):
    ids = [e.id for e in _write(db_session, 6)]
    anchor_file = tmp_path / "anchors.log"
    audit.write_anchor(str(anchor_file), audit.anchor_now(db_session))
    _without_guard(db_session)
    db_session.execute(text("DELETE FROM audit_event WHERE id > :id"), {"id": ids[2]})
    db_session.expire_all()
    assert audit.verify_chain(db_session).ok  # the chain alone cannot tell a tail was cut
    report = audit.verify_chain(db_session, audit.read_anchors(str(anchor_file)))
    assert not report.ok and report.broken_at == ids[3] and "链尾" in report.reason


def test_an_event_rewritten_with_the_key_itself_still_differs_from_its_anchor(db_session, tmp_path):
    """Even someone holding the key (a stolen AUDIT_CHAIN_KEY) cannot change an anchored event."""
    events = _write(db_session, 4)
    anchors = [audit.anchor_now(db_session)]
    _without_guard(db_session)
    last = events[-1]
    last.detail = '{"x": 1}'
    last.hash = last.compute_hash()
    db_session.execute(
        text("UPDATE audit_event SET detail = :d, hash = :h WHERE id = :id"),
        {"d": last.detail, "h": last.hash, "id": last.id},
    )
    db_session.expire_all()
    report = audit.verify_chain(db_session, anchors)
    assert report.broken_at == last.id and "锚点" in report.reason


def test_the_daily_anchor_leaves_the_database(app, db_session, make_person, queues, tmp_path, monkeypatch):
    from jobs import maintenance
    from models import OutboundMessage, Role, RoleGrant

    monkeypatch.setitem(app.config, "AUDIT_ANCHOR_FILE", str(tmp_path / "anchors.log"))  # this test's own
    auditor = make_person(wecom_userid="auditor1", name="审计员")
    db_session.add(RoleGrant(person_id=auditor.id, role=Role.auditor, org_id=None))
    _write(db_session, 2)
    db_session.commit()
    with app.app_context():
        assert maintenance.anchor_audit_chain().startswith("anchored at event")
    anchors = audit.read_anchors(app.config["AUDIT_ANCHOR_FILE"])
    assert anchors and anchors[-1].up_to_id >= 2
    told = db_session.scalar(select(OutboundMessage).where(OutboundMessage.dedupe_key.like("audit-anchor:%")))
    assert told.to_users == "auditor1" and anchors[-1].hash in told.params["content"]
