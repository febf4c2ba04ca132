"""A member's reminders on the phone: why each came, snooze once, their own timing."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from handlers import reminders
from models import ReminderPreference, ReminderStatus
from models.base import CHINA, local_today
from tests.helpers.pages import csrf, login

pytestmark = pytest.mark.usefixtures("queues")


def test_a_member_sees_why_snoozes_once_and_sets_their_hours(app, db_session, make_person, emulator):
    nurse = make_person(wecom_userid="h5-nurse", name="护士冯")
    # Midday in Beijing tomorrow: outside anyone's quiet hours, whenever the test runs.
    now = datetime.combine(local_today() + timedelta(days=1), time(12), CHINA)
    row = reminders.remind(
        db_session,
        nurse,
        category="meeting_soon",
        obligation="test:h5",
        title="党课",
        reason="您已报名参加检验科党支部的会议",
        path="/m/meetings",
        due_at=now + timedelta(hours=3),
        earliest=now - timedelta(minutes=5),
        latest=now + timedelta(hours=3),
        priority="urgent",
        now=now - timedelta(minutes=5),
    )
    reminders.dispatch_due(db_session, now=now)
    db_session.commit()
    phone = app.test_client()
    page = login(phone, "h5-nurse", "/m/reminders").get_data(as_text=True)
    assert "为什么提醒：您已报名参加检验科党支部的会议" in page and "稍后再提醒" in page
    snoozed = phone.post(
        f"/m/reminders/{row.id}/snooze", data={"csrf_token": csrf(page)}, follow_redirects=True
    )
    assert "再提醒您一次" in snoozed.get_data(as_text=True)
    db_session.expire_all()
    assert row.status == ReminderStatus.planned and row.snoozed
    again = phone.post(
        f"/m/reminders/{row.id}/snooze", data={"csrf_token": csrf(page)}, follow_redirects=True
    )
    assert "只能稍后提醒一次" in again.get_data(as_text=True)

    half = phone.post(
        "/m/reminders/settings",
        data={"csrf_token": csrf(page), "quiet_start": "21:00"},
        follow_redirects=True,
    )
    assert "请同时填写开始和结束" in half.get_data(as_text=True)
    saved = phone.post(
        "/m/reminders/settings",
        follow_redirects=True,
        data={
            "csrf_token": csrf(page),
            "quiet_start": "21:00",
            "quiet_end": "08:30",
            "preferred_time": "19:40",
        },
    )
    assert "已保存" in saved.get_data(as_text=True)
    pref = db_session.scalar(select(ReminderPreference))
    assert (pref.quiet_start.hour, pref.quiet_end.minute, pref.preferred_time.minute) == (21, 30, 40)
