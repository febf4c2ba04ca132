"""What WeCom did not deliver is never counted as delivered: message/send answers errcode 0 and
names the recipients it could not reach (invaliduser, unlicenseduser; doc 90236), or refuses a
send whose every recipient is invalid (81013). Either way those members' reminders fail with
WeCom's reason, shown in the console's reminder list, and nothing is retried."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from handlers import reminders
from models import OutboundMessage, OutboundStatus, Reminder, ReminderPriority, ReminderStatus
from models.base import utcnow
from tests.helpers.pages import qr_login

pytestmark = pytest.mark.usefixtures("queues")


def remind_now(db_session, people, obligation):
    now = utcnow()
    for person in people:
        reminders.remind(
            db_session,
            person,
            category="meeting_soon",
            obligation=obligation,
            title="今晚党课",
            reason="您已报名参加",
            path="/m/",
            due_at=now,
            earliest=now,
            latest=now,
            priority=ReminderPriority.urgent,
            now=now,
        )
    reminders.dispatch_due(db_session, now=now)
    db_session.commit()


def statuses(db_session):
    db_session.expire_all()
    return {r.person.wecom_userid: (r.status, r.failure_reason) for r in db_session.scalars(select(Reminder))}


def test_recipients_wecom_names_as_not_reached_fail_with_the_reason(
    app, browser, hospital, db_session, emulator, run_jobs, make_person
):
    clerk = make_person(wecom_userid="clerk01", name="未授权职员")
    # The directory the app sees: the nurse and the clerk; the surgeon is outside the 可见范围,
    # and the clerk holds no 接口许可.
    emulator.state.users = {
        u: {"userid": u, "name": u, "department": [1], "main_department": 1, "status": 1}
        for u in ("nurse01", "clerk01", "office01", "sec01")
    }
    emulator.state.unlicensed = {"clerk01"}
    remind_now(db_session, [hospital["nurse"].person, hospital["surgeon"].person, clerk], "test:undelivered")
    run_jobs()

    seen = statuses(db_session)
    assert seen["nurse01"] == (ReminderStatus.sent, None)
    assert seen["surgeon01"][0] == ReminderStatus.failed and "可见范围" in seen["surgeon01"][1]
    assert seen["clerk01"][0] == ReminderStatus.failed and "接口许可" in seen["clerk01"][1]
    row = db_session.scalar(select(OutboundMessage))
    assert row.status == OutboundStatus.sent  # the nurse was reached
    assert row.undelivered == {"surgeon01": "invaliduser", "clerk01": "unlicenseduser"}
    assert [d.to_user for d in emulator.state.deliveries] == ["nurse01"]
    assert reminders.counts(db_session) == {"sent": 1, "failed": 2}

    # The office sees who was not reached and why, in the reminder list.
    qr_login(browser, "office01")
    page = browser.get("/admin/reminders?status=failed").get_data(as_text=True)
    assert "王医生" in page and "不在应用可见范围内" in page and "未授权职员" in page and "李护士" not in page


def test_a_send_with_no_valid_recipient_fails_once_and_is_never_retried(
    app, hospital, db_session, emulator, run_jobs
):
    emulator.state.users = {"office01": {"userid": "office01", "name": "o", "department": [1]}}
    remind_now(db_session, [hospital["surgeon"].person], "test:nobody")
    run_jobs()
    run_jobs()
    row = db_session.scalar(select(OutboundMessage))
    db_session.refresh(row)
    assert row.status == OutboundStatus.failed and row.errcode == 81013 and row.attempts == 1
    assert row.undelivered == {"surgeon01": "invaliduser"}
    assert emulator.state.api_calls["message/send"] == 1
    assert statuses(db_session)["surgeon01"][0] == ReminderStatus.failed
