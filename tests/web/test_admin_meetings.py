"""Meetings and the compliance calendar in the console."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from models import Meeting, Reminder
from tests.helpers.pages import csrf, qr_login

pytestmark = pytest.mark.usefixtures("queues")
CHINA = timezone(timedelta(hours=8))


@pytest.fixture
def browser(app, db_session, emulator):
    return app.test_client()


def plan_form(page, org_id, **extra):
    day = (datetime.now(CHINA) + timedelta(days=2)).strftime("%Y-%m-%d")
    data = {
        "csrf_token": csrf(page),
        "org_id": str(org_id),
        "kinds": ["theme_day", "party_lecture"],
        "topic": "学习新修订的医疗质量条例",
        "agenda": "学习讨论",
        "venue_mode": "online",
        "online_room": "腾讯会议 888",
        "s0_label": "A场",
        "s0_date": day,
        "s0_start": "14:00",
        "s0_end": "15:00",
        "s0_shift": "白班组",
        "s1_label": "B场",
        "s1_date": day,
        "s1_start": "19:30",
        "s1_end": "20:30",
    }
    data.update(extra)
    return data


def test_the_office_plans_a_meeting_with_two_sessions(browser, hospital, db_session):  # noqa: F811
    qr_login(browser, "office01")
    page = browser.get("/admin/meetings/new").get_data(as_text=True)
    bad = browser.post("/admin/meetings/new", data=plan_form(page, hospital["cardio"].id, kinds=[]))
    assert bad.status_code == 422 and "请至少选择一种会议类型" in bad.get_data(as_text=True)
    assert "学习新修订的医疗质量条例" in bad.get_data(as_text=True)  # the form keeps what was typed
    done = browser.post(
        "/admin/meetings/new", data=plan_form(page, hospital["cardio"].id), follow_redirects=True
    )
    text = done.get_data(as_text=True)
    assert "党课、主题党日" in text and "A场" in text and "B场" in text and "李护士" in text
    meeting = db_session.scalars(select(Meeting)).one()
    assert len(meeting.sessions) == 2 and meeting.sessions[0].starts_at.astimezone(CHINA).hour == 14
    # The notice is planned for a moment that suits the member (the reminder engine sends it).
    notices = db_session.scalars(select(Reminder).where(Reminder.category == "meeting_notice")).all()
    assert [n.person.wecom_userid for n in notices] == ["nurse01"] and notices[
        0
    ].card_kind == "meeting_notice"
    listing = browser.get("/admin/meetings").get_data(as_text=True)
    assert "学习新修订的医疗质量条例" in listing
    calendar = browser.get("/admin/compliance").get_data(as_text=True)
    assert "心内科党支部" in calendar and "骨科党支部" in calendar and "主题党日" in calendar
    org_page = browser.get(f"/admin/compliance/{hospital['cardio'].id}").get_data(as_text=True)
    assert "李护士" in org_page and "不做排名" in org_page

    cancel = browser.post(
        f"/admin/meetings/{meeting.id}/cancel",
        data={"csrf_token": csrf(page), "reason": "改期"},
        follow_redirects=True,
    )
    assert "会议已取消" in cancel.get_data(as_text=True)


def test_a_secretary_cannot_open_another_branchs_meeting(browser, hospital, db_session):  # noqa: F811
    qr_login(browser, "office01")
    page = browser.get("/admin/meetings/new").get_data(as_text=True)
    browser.post("/admin/meetings/new", data=plan_form(page, hospital["cardio"].id))
    browser.post(
        "/admin/meetings/new", data=plan_form(page, hospital["surgeon"].branch_id, topic="骨科主题党日")
    )
    cardio, ortho = (
        db_session.scalars(select(Meeting).where(Meeting.org_id == org)).one()
        for org in (hospital["cardio"].id, hospital["surgeon"].branch_id)
    )
    qr_login(browser, "sec01")  # the cardiology secretary
    assert browser.get(f"/admin/meetings/{cardio.id}").status_code == 200
    refused = browser.get(f"/admin/meetings/{ortho.id}")
    assert refused.status_code == 404 and "骨科主题党日" not in refused.get_data(as_text=True)
    assert "骨科主题党日" not in browser.get("/admin/meetings").get_data(as_text=True)
    own = browser.get("/admin/compliance").get_data(as_text=True)
    assert "心内科党支部" in own and "骨科党支部" not in own


def test_the_record_exports_as_a_word_document(browser, hospital, db_session):  # noqa: F811
    from io import BytesIO

    from docx import Document

    from models import AuditEvent

    qr_login(browser, "office01")
    page = browser.get("/admin/meetings/new").get_data(as_text=True)
    browser.post("/admin/meetings/new", data=plan_form(page, hospital["cardio"].id))
    meeting = db_session.scalars(select(Meeting)).one()
    exported = browser.get(f"/admin/meetings/{meeting.id}/record.docx")
    assert exported.status_code == 200 and exported.mimetype.endswith("wordprocessingml.document")
    document = Document(BytesIO(exported.data))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [cell.text for row in document.tables[0].rows for cell in row.cells]
    assert "心内科党支部党课、主题党日记录" in text and "学习新修订的医疗质量条例" in cells
    assert "缺席人员" in cells and "李护士" in cells
    assert (
        db_session.scalar(select(AuditEvent).where(AuditEvent.action == "meeting.record_export")) is not None
    )
