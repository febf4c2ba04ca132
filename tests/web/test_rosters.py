"""Rosters: a console upload checked row by row (all or nothing), replacing a period with
history kept and the members' reminders replanned; the API push with its scope."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from handlers import reminders
from handlers.api_tokens import create_token
from handlers.policy import Actor
from models import AuditEvent, Reminder, Role, RosterImport, RosterShift
from models.base import CHINA
from tests.helpers.pages import csrf, qr_login

pytestmark = pytest.mark.usefixtures("queues")
START = date(2026, 12, 7)


@pytest.fixture
def browser(app, db_session, emulator):
    return app.test_client()


def workbook(*rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["企业微信账号", "日期", "班次"])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(browser, page, content, name="roster.xlsx", start=START, end=START + timedelta(days=6)):
    return browser.post(
        "/admin/rosters",
        content_type="multipart/form-data",
        data={
            "csrf_token": csrf(page),
            "period_start": str(start),
            "period_end": str(end),
            "file": (io.BytesIO(content), name),
        },
    )


def test_a_bad_roster_is_refused_row_by_row_and_nothing_is_applied(browser, hospital, db_session):  # noqa: F811
    qr_login(browser, "sec01")
    page = browser.get("/admin/rosters").get_data(as_text=True)
    assert "夜班" in page and "下载模板" in page
    bad = upload(
        browser,
        page,
        workbook(
            ("nurse01", "2026-12-07", "N"),
            ("nurse01", "2026-12-07", "S"),  # a 24-hour 听班 the same day: overlaps the night
            ("nurse01", "2026-12-20", "D"),  # outside the period
            ("nurse01", "2026-12-09", "X"),  # unknown code
            ("surgeon01", "2026-12-07", "D"),  # another branch's member
            ("ghost", "2026-12-07", "D"),
        ),
    )
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "本次未导入任何排班" in text
    for line, words in (
        (2, "与第 3 行的班次时间重叠"),
        (4, "不在本次排班周期"),
        (5, "未知的班次“X”"),
        # Someone else's member and a stranger read alike: a roster reveals nobody (issue 16).
        (6, "不在您管理的党组织的党员名单中"),
        (7, "不在您管理的党组织的党员名单中"),
    ):
        assert f"第 {line} 行" in text and words in text
    assert db_session.scalar(select(func.count()).select_from(RosterShift)) == 0


def test_a_clean_roster_replaces_the_period_and_replans_reminders(browser, hospital, db_session):  # noqa: F811
    nurse = hospital["nurse"].person
    meeting_day = START + timedelta(days=1)
    reminder = reminders.remind(
        db_session,
        nurse,
        category="meeting_soon",
        obligation="test:roster",
        title="14:30 党课",
        reason="已报名",
        path="/m/meetings",
        due_at=datetime.combine(meeting_day, time(14, 30), CHINA),
        earliest=datetime.combine(meeting_day, time(7, 30), CHINA),
        latest=datetime.combine(meeting_day, time(14), CHINA),
        now=datetime.combine(START, time(9), CHINA),
    )
    db_session.commit()
    assert reminder.deliver_at.astimezone(CHINA).time() < time(8)  # no roster: early morning is fine
    qr_login(browser, "sec01")
    page = browser.get("/admin/rosters").get_data(as_text=True)
    first = upload(browser, page, workbook(("nurse01", START, "D"), ("nurse01", meeting_day, "休息")))
    assert "已导入 1 名党员的 2 个班次" in first.get_data(as_text=True)
    # The scheduling system changes its mind: a night shift into the meeting day.
    csv = "企业微信账号,日期,班次\nnurse01,2026-12-07,N\nnurse01,2026-12-08,R\n".encode("gbk")
    second = upload(browser, page, csv, name="排班.csv")
    assert "重新安排了 1 条待发提醒" in second.get_data(as_text=True)
    db_session.expire_all()
    moved = db_session.get(Reminder, reminder.id)
    assert moved.deliver_at.astimezone(CHINA).time() >= time(14) or "休息" in moved.plan_note
    live = db_session.scalars(select(RosterShift.code).where(RosterShift.superseded_by.is_(None))).all()
    assert sorted(live) == ["N", "R"]
    assert db_session.scalar(select(func.count()).select_from(RosterShift)) == 4  # history kept
    assert db_session.scalar(select(func.count()).select_from(RosterImport)) == 2
    assert db_session.scalar(select(func.count()).where(AuditEvent.action == "roster.import")) == 2


def test_the_api_push_keeps_to_the_tokens_scope(app, hospital, db_session):  # noqa: F811
    _, branch = create_token(
        db_session, Actor.cli(), name="排班系统", role=Role.secretary, org_code=hospital["cardio"].code
    )
    _, admin = create_token(db_session, Actor.cli(), name="运维", role=Role.sysadmin)
    db_session.commit()
    client = app.test_client()
    body = {
        "period_start": "2026-12-07",
        "period_end": "2026-12-13",
        "shifts": [
            {"userid": "nurse01", "day": "2026-12-07", "code": "N"},
            {"userid": "surgeon01", "day": "2026-12-07", "code": "D"},
        ],
    }
    outside = client.post("/api/v1/rosters", json=body, headers={"Authorization": f"Bearer {branch}"})
    assert outside.status_code == 422 and outside.get_json()["details"]["rows"][0]["index"] == 2
    assert (
        client.post("/api/v1/rosters", json=body, headers={"Authorization": f"Bearer {admin}"}).status_code
        == 403
    )
    body["shifts"] = body["shifts"][:1]
    done = client.post("/api/v1/rosters", json=body, headers={"Authorization": f"Bearer {branch}"})
    assert done.status_code == 201 and done.get_json()["shifts"] == 1


def test_the_office_names_its_own_shifts(browser, hospital, db_session):  # noqa: F811
    from models import ShiftCode

    qr_login(browser, "office01")
    page = browser.get("/admin/rosters").get_data(as_text=True)
    bad = browser.post(
        "/admin/rosters/codes",
        follow_redirects=True,
        data={
            "csrf_token": csrf(page),
            "code": "ZB",
            "label": "值班",
            "kind": "work",
            "starts": "",
            "ends": "",
        },
    )
    assert "须填写开始和结束时间" in bad.get_data(as_text=True)
    done = browser.post(
        "/admin/rosters/codes",
        follow_redirects=True,
        data={
            "csrf_token": csrf(page),
            "code": "ZB",
            "label": "24小时值班",
            "kind": "night",
            "starts": "08:00",
            "ends": "08:00",
        },
    )
    assert "已保存班次“ZB 24小时值班”" in done.get_data(as_text=True)
    assert db_session.get(ShiftCode, "ZB").kind == "night"
    qr_login(browser, "sec01")  # a secretary uploads rosters but does not rename shifts
    assert "新增或修改班次" not in browser.get("/admin/rosters").get_data(as_text=True)


def test_the_api_lists_the_reminders_of_members_in_scope(app, hospital, db_session):  # noqa: F811
    for person in (hospital["nurse"].person, hospital["surgeon"].person):
        reminders.remind(
            db_session,
            person,
            category="meeting_soon",
            obligation="test:api",
            title="党课",
            reason="已报名",
            path="/m/",
            due_at=datetime.combine(START, time(14), CHINA),
            earliest=datetime.combine(START, time(9), CHINA),
            latest=datetime.combine(START, time(13), CHINA),
            now=datetime.combine(START, time(8), CHINA),
        )
    _, branch = create_token(
        db_session, Actor.cli(), name="排班系统", role=Role.secretary, org_code=hospital["cardio"].code
    )
    db_session.commit()
    listed = app.test_client().get(
        "/api/v1/reminders?status=planned", headers={"Authorization": f"Bearer {branch}"}
    )
    assert listed.status_code == 200
    assert [(r["userid"], r["reason"]) for r in listed.get_json()["items"]] == [("nurse01", "已报名")]


def test_a_large_roster_is_imported_by_a_job_and_the_page_follows_it(
    browser, hospital, db_session, run_jobs, monkeypatch
):
    """issue 16 item 4: a long roster runs in the background job member imports use, not in
    the request (the threshold is lowered here so that a few rows stand for many)."""
    from web.admin import reminder_pages

    monkeypatch.setattr(reminder_pages, "BACKGROUND_ROSTER_ROWS", 2)
    qr_login(browser, "sec01")
    page = browser.get("/admin/rosters").get_data(as_text=True)
    rows = [("nurse01", f"2026-12-{7 + n:02d}", "D") for n in range(4)]
    queued = upload(browser, page, workbook(*rows))
    assert queued.status_code == 302 and "/admin/rosters/import/" in queued.headers["Location"]
    waiting = browser.get(queued.headers["Location"]).get_data(as_text=True)
    assert "等待处理" in waiting and 'http-equiv="refresh"' in waiting
    assert db_session.scalar(select(func.count()).select_from(RosterShift)) == 0
    run_jobs(("default",))
    done = browser.get(queued.headers["Location"]).get_data(as_text=True)
    assert "已导入 1 名党员的 4 个班次" in done and 'http-equiv="refresh"' not in done
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(RosterShift)) == 4
    # Someone else cannot follow (or learn of) this upload.
    other = browser.application.test_client()
    qr_login(other, "office01")
    assert other.get(queued.headers["Location"]).status_code == 404


def test_a_large_bad_roster_reports_its_rows_from_the_job(
    browser, hospital, db_session, run_jobs, monkeypatch
):
    from web.admin import reminder_pages

    monkeypatch.setattr(reminder_pages, "BACKGROUND_ROSTER_ROWS", 2)
    qr_login(browser, "sec01")
    page = browser.get("/admin/rosters").get_data(as_text=True)
    rows = [("nurse01", "2026-12-07", "D"), ("nurse01", "2026-12-08", "X"), ("nobody", "2026-12-09", "D")]
    queued = upload(browser, page, workbook(*rows))
    run_jobs(("default",))
    done = browser.get(queued.headers["Location"]).get_data(as_text=True)
    assert "本次未导入任何排班" in done and "第 3 行" in done and "第 4 行" in done
    assert db_session.scalar(select(func.count()).select_from(RosterShift)) == 0
