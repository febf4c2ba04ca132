"""The lesson library in the console: a lesson written with a script loses it; drafts publish."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import Lesson, LessonStatus
from tests.web.test_admin import csrf, hospital, qr_login  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("queues")


def test_the_office_writes_publishes_and_archives_a_lesson(app, db_session, hospital, emulator):  # noqa: F811
    browser = app.test_client()
    qr_login(browser, "office01")
    page = browser.get("/admin/lessons").get_data(as_text=True)
    form = {
        "csrf_token": csrf(page),
        "kind": "article",
        "title": "廉洁行医十条",
        "summary": "",
        "body_html": "<p>第一条<script>steal()</script></p>",
        "credit_hours": "0.5",
        "min_minutes": "10",
    }
    bad = browser.post("/admin/lessons", data={**form, "credit_hours": "abc"})
    assert bad.status_code == 422 and "学时应为" in bad.get_data(as_text=True)
    assert "廉洁行医十条" in browser.post("/admin/lessons", data=form).get_data(as_text=True)
    lesson = db_session.scalar(select(Lesson))
    assert lesson.body_html == "<p>第一条</p>" and lesson.status == LessonStatus.draft
    done = browser.post(
        f"/admin/lessons/{lesson.id}/status",
        data={"csrf_token": csrf(page), "status": "published"},
        follow_redirects=True,
    )
    assert "已发布" in done.get_data(as_text=True)
    qr_login(browser, "sec01")  # a secretary reads lessons on the phone; the library is the office's
    assert browser.get("/admin/lessons").status_code == 403
