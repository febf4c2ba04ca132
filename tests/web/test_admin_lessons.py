"""The lesson library in the console: a lesson written with a script loses it; drafts publish."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import Lesson, LessonStatus
from tests.helpers.pages import csrf, qr_login

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
    saved = browser.post("/admin/lessons", data=form, follow_redirects=True).get_data(as_text=True)
    assert "“廉洁行医十条”已保存为草稿" in saved
    lesson = db_session.scalar(select(Lesson))
    assert lesson.body_html == "<p>第一条</p>" and lesson.status == LessonStatus.draft
    done = browser.post(
        f"/admin/lessons/{lesson.id}/status",
        data={"csrf_token": csrf(page), "status": "published"},
        follow_redirects=True,
    )
    assert "已发布" in done.get_data(as_text=True)
    qr_login(browser, "sec01")  # a secretary may propose lessons for the branch, never publish one
    library = browser.get("/admin/lessons").get_data(as_text=True)
    assert "提议课程" in library and "廉洁行医十条" in library and 'value="published"' not in library
    refused = browser.post(
        f"/admin/lessons/{lesson.id}/status",
        data={"csrf_token": csrf(library), "status": "archived"},
        follow_redirects=True,
    )
    assert "只有党委组织部可以编辑和发布课程" in refused.get_data(as_text=True)


def test_the_office_pushes_a_lesson_to_a_branch(app, db_session, hospital, emulator):  # noqa: F811
    from handlers import learning
    from handlers.policy import Actor
    from models import Campaign, Reminder

    lesson = learning.create_lesson(
        db_session,
        Actor.cli(),
        kind="link",
        title="微党课",
        summary="",
        url="https://intranet/v/2",
        credit_hours="1",
        min_minutes="5",
    )
    learning.set_status(db_session, Actor.cli(), lesson.id, status="published")
    db_session.commit()
    browser = app.test_client()
    qr_login(browser, "office01")
    page = browser.get("/admin/campaigns").get_data(as_text=True)
    form = {
        "csrf_token": csrf(page),
        "title": "十二月学习",
        "lesson_ids": [str(lesson.id)],
        "org_ids": [str(hospital["cardio"].id)],
        "send_at": "2099-12-01T09:00",
        "deadline": "2099-12-01T09:30",
    }
    bad = browser.post("/admin/campaigns", data=form)
    assert bad.status_code == 422 and "截止时间应晚于推送时间" in bad.get_data(as_text=True)
    done = browser.post(
        "/admin/campaigns", data={**form, "deadline": "2099-12-10T18:00"}, follow_redirects=True
    )
    # A send time in the future is 已安排, in the notice and in the list — nothing has gone yet.
    shown = done.get_data(as_text=True)
    assert done.status_code == 200 and "已安排于 12月01日 09:00 推送“十二月学习”给 1 位党员" in shown
    assert "已推送" not in shown and "<td>已安排</td>" in shown
    assert db_session.scalar(select(Campaign)).recipients == 1  # 心内科: 李护士
    assert {r.category for r in db_session.scalars(select(Reminder))} == {
        "campaign_lesson",
        "campaign_deadline",
    }
