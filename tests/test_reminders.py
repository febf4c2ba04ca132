"""The reminder engine: planning around quiet hours, night shifts and duty; cancelling what
is no longer owed; digests and the hourly allowance; identical notices in one call."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from handlers import reminders
from models import (
    OutboundMessage,
    Reminder,
    ReminderPause,
    ReminderPreference,
    ReminderPriority,
    ReminderStatus,
    RosterImport,
    RosterShift,
)
from models.base import CHINA

DAY = date(2026, 12, 2)


def bj(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime.combine(day, time(hour, minute), CHINA)


@pytest.fixture
def nurse(make_person):
    return make_person(wecom_userid="rm-nurse", name="护士吴")


def shift(db_session, person, code, starts, ends):
    batch = RosterImport(
        period_start=DAY, period_end=DAY, source="upload", imported_by="测试", members=1, shifts=1
    )
    db_session.add(batch)
    db_session.flush()
    db_session.add(
        RosterShift(
            person_id=person.id,
            day=starts.date(),
            code=code,
            starts_at=starts,
            ends_at=ends,
            import_id=batch.id,
        )
    )
    db_session.flush()


def remind(
    db_session, person, earliest, latest, *, priority=ReminderPriority.normal, obligation=None, now=None
):
    return reminders.remind(
        db_session,
        person,
        category="meeting_soon",
        obligation=obligation or f"test:{uuid.uuid4()}",
        title="14:00 主题党日",
        reason="您已报名参加",
        path="/m/meetings",
        due_at=latest,
        earliest=earliest,
        latest=latest,
        priority=priority,
        now=now or earliest,
    )


def test_after_a_night_shift_the_reminder_waits_for_the_end_of_rest(db_session, nurse):
    shift(db_session, nurse, "N", bj(17, 30, DAY - timedelta(days=1)), bj(8))
    row = remind(db_session, nurse, bj(7, 30), bj(18))
    local = row.deliver_at.astimezone(CHINA)
    assert time(14, 3) <= local.time() <= time(14, 11) and local.date() == DAY  # off the 14:00 peak
    assert "夜班后休息至 14:00" in row.plan_note
    # Without the roster the same reminder goes when asked (07:30 is outside quiet hours)…
    other = remind(db_session, reminders_person(db_session), bj(7, 30), bj(18))
    assert other.deliver_at.astimezone(CHINA).time() < time(8)


def reminders_person(db_session):
    from handlers import people
    from handlers.policy import Actor

    return people.create_person(db_session, Actor.cli(), wecom_userid="rm-free", name="医师郑")


def test_quiet_hours_and_duty_move_a_reminder_but_an_urgent_one_reaches_the_ward(db_session, nurse):
    late = remind(db_session, nurse, bj(23, 10), bj(12, 0, DAY + timedelta(days=1)))
    assert late.deliver_at.astimezone(CHINA).date() == DAY + timedelta(days=1)
    assert time(7, 0) <= late.deliver_at.astimezone(CHINA).time() <= time(7, 11)
    shift(db_session, nurse, "D", bj(8), bj(17, 30))
    normal = remind(db_session, nurse, bj(9), bj(20))
    assert normal.deliver_at.astimezone(CHINA).time() >= time(17, 33) and "白班当班" in normal.plan_note
    urgent = remind(db_session, nurse, bj(9), bj(9, 40), priority=ReminderPriority.urgent)
    assert urgent.deliver_at == bj(9)
    # A member's own quiet hours and preferred time.
    db_session.add(
        ReminderPreference(
            person_id=nurse.id, quiet_start=time(20), quiet_end=time(9), preferred_time=time(19, 15)
        )
    )
    db_session.flush()
    evening = remind(db_session, nurse, bj(18), bj(21), priority=ReminderPriority.low)
    assert evening.deliver_at == bj(19, 15) and evening.plan_note == "按您设定的提醒时间"


def test_the_same_obligation_is_one_reminder_and_a_met_one_is_never_sent(db_session, nurse, monkeypatch):
    met = set()
    reminders.OBLIGATION_MET["fake"] = lambda session, key: key in met
    first = remind(db_session, nurse, bj(10), bj(12), obligation="fake:a")
    again = remind(db_session, nurse, bj(10, 20), bj(12), obligation="fake:a")
    assert first is again and db_session.scalar(select(Reminder.deliver_at)) == again.deliver_at
    remind(db_session, nurse, bj(10), bj(12), obligation="fake:b")
    met.add("a")
    report = reminders.dispatch_due(db_session, now=bj(12))
    assert report.sent == 1 and report.cancelled == 1
    assert first.status == ReminderStatus.cancelled and first.cancelled_reason == "事项已办理，无需提醒"
    [sent] = db_session.scalars(select(OutboundMessage).where(OutboundMessage.kind == "reminder")).all()
    assert sent.to_users == "rm-nurse"
    assert reminders.cancel(db_session, "fake:b", "x") == 0  # already sent: nothing to cancel
    del reminders.OBLIGATION_MET["fake"]


def test_forty_in_a_minute_arrive_as_digests_within_the_hourly_allowance(db_session, nurse):
    for n in range(40):
        remind(db_session, nurse, bj(9, 50), bj(12), obligation=f"test:{n}")
    report = reminders.dispatch_due(db_session, now=bj(10, 5))
    assert report.sent == 40 and report.digests == 1
    [digest] = db_session.scalars(
        select(OutboundMessage).where(OutboundMessage.kind == "reminder_digest")
    ).all()
    assert len(digest.params["items"]) == 40
    # The allowance (4 an hour by default): three more batches go, the fifth waits an hour.
    for batch in range(4):
        for n in range(3):
            remind(db_session, nurse, bj(10, 10 + batch), bj(12), obligation=f"later:{batch}:{n}")
        report = reminders.dispatch_due(db_session, now=bj(10, 10 + batch))
    assert report.held == 3 and report.sent == 0
    held = db_session.scalars(select(Reminder).where(Reminder.status == ReminderStatus.planned)).all()
    assert {r.deliver_at for r in held} == {bj(11, 13)}
    assert db_session.scalar(select(OutboundMessage.id).where(OutboundMessage.to_users.contains("|"))) is None


def test_identical_notices_for_many_members_go_in_calls_of_a_thousand(db_session):
    from handlers import people
    from handlers.policy import Actor

    cli = Actor.cli()
    staff = [
        people.create_person(db_session, cli, wecom_userid=f"rm{n:04d}", name=f"职工{n}") for n in range(2500)
    ]
    for person in staff:
        reminders.remind(
            db_session,
            person,
            category="meeting_soon",
            obligation="test:all",
            title="明日全院大会",
            reason="全院党员大会",
            path="/m/",
            due_at=bj(16),
            earliest=bj(15),
            latest=bj(16),
            priority=ReminderPriority.urgent,
            now=bj(15),
        )
    report = reminders.dispatch_due(db_session, now=bj(15, 1))
    assert report.sent == 2500 and report.calls == 3
    sizes = sorted(len(r.to_users.split("|")) for r in db_session.scalars(select(OutboundMessage)))
    assert sizes == [500, 1000, 1000]


def test_a_paused_category_waits(db_session, nurse):
    remind(db_session, nurse, bj(10), bj(12))
    db_session.add(ReminderPause(category="meeting_soon", paused_by="组织部"))
    db_session.flush()
    assert reminders.dispatch_due(db_session, now=bj(12)).sent == 0
    db_session.delete(db_session.get(ReminderPause, "meeting_soon"))
    db_session.flush()
    assert reminders.dispatch_due(db_session, now=bj(12)).sent == 1


def test_a_summary_card_lists_its_items(app):
    from wecom.render import render

    params = {
        "title": "病理科党支部有 2 项组织生活即将到期",
        "reason": "请及时安排",
        "path": "/m/meetings",
        "detail": "支委会：3月，03月31日前\n党小组会（第1党小组）：3月，03月31日前",
        "category": "compliance_due",
    }
    with app.test_request_context():
        message, summary = render("reminder", params)
    rows = message["template_card"]["horizontal_content_list"]
    assert rows[0] == {"keyname": "支委会", "value": "3月，03月31日前"} and len(rows) == 2
    assert message["template_card"]["card_action"]["url"].endswith("/m/meetings")
