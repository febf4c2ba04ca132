"""任务督办 in the console, on the phone and in the API: the office sends with a file and a named
member; a hostile file is refused in Chinese with nothing written; the branch's secretary
submits from the phone; the API gives steps by number, never a report's text, and a token out of
scope finds nothing."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from models import AssignmentStatus, Role, Task, TaskAssignment
from models.base import local_today
from tests.helpers.pages import csrf, login, qr_login

pytestmark = pytest.mark.usefixtures("queues")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _form(page, **fields):
    data = {
        "csrf_token": csrf(page),
        "title": "报送志愿服务情况",
        "body": "请于截止日前报送本季度志愿服务情况。",
        "done_by": "report",
        "deadline": f"{local_today() + timedelta(days=7):%Y-%m-%d}",
        "people": "",
    }
    data.update(fields)
    return data


def test_the_office_sends_and_a_secretary_submits_from_the_phone(browser, hospital, db_session):
    qr_login(browser, "office01")
    page = browser.get("/admin/tasks").get_data(as_text=True)
    assert "心内科党支部" in page and "发出任务" in page
    hostile = browser.post(
        "/admin/tasks",
        data={
            **_form(page, org_ids=str(hospital["cardio"].id)),
            "files": (io.BytesIO(b"MZ\x90\x00"), "方案.pdf"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "文件" in hostile and "任务已发出" not in hostile
    assert db_session.scalar(select(func.count()).select_from(Task)) == 0  # nothing half-written
    past = browser.post(
        "/admin/tasks",
        data=_form(page, org_ids=str(hospital["cardio"].id), deadline="2020-01-01"),
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "截止日期不能早于今天" in past
    sent = browser.post(
        "/admin/tasks",
        data={
            **_form(page, org_ids=str(hospital["cardio"].id), people="surgeon01"),
            "files": (io.BytesIO(PDF), "方案.pdf"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "任务已发出，共 2 个接收方" in sent and "方案.pdf" in sent
    row = db_session.scalar(select(TaskAssignment).where(TaskAssignment.org_id == hospital["cardio"].id))

    phone = browser.application.test_client()
    listing = login(phone, "sec01", "/m/tasks").get_data(as_text=True)
    assert "报送志愿服务情况" in listing and "待接收" in listing
    opened = phone.get(f"/m/tasks/{row.id}").get_data(as_text=True)
    assert "方案.pdf" in opened and "收到" in opened
    phone.post(f"/m/tasks/{row.id}/ack", data={"csrf_token": csrf(opened)})
    done = phone.post(
        f"/m/tasks/{row.id}/submit",
        data={"csrf_token": csrf(opened), "report": "本季度志愿服务 12 人次。"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "已提交，等待审核" in done
    db_session.expire_all()
    assert db_session.get(TaskAssignment, row.id).status == AssignmentStatus.submitted
    # The surgeon (named) sees only their own; the nurse has none and cannot open the branch's.
    nurse = browser.application.test_client()
    assert "目前没有任务" in login(nurse, "nurse01", "/m/tasks").get_data(as_text=True)
    assert nurse.get(f"/m/tasks/{row.id}").status_code == 404


def test_the_tasks_api_counts_steps_and_keeps_reports_in_the_console(
    client, hospital, token, conforms, db_session, make_actor
):
    from handlers import tasks

    task = tasks.send(
        db_session,
        make_actor(Role.committee_office, None),
        title="报送材料",
        body="正文",
        done_by="report",
        deadline=local_today() + timedelta(days=3),
        org_ids=[hospital["cardio"].id],
    )
    row = task.assignments[0]
    row.status, row.report = AssignmentStatus.submitted, "机密的报告正文"
    db_session.flush()
    office = token(Role.committee_office)
    listing = client.get("/api/v1/tasks", headers=office)
    conforms("/tasks", 200, listing.get_json())
    (item,) = listing.get_json()["items"]
    assert item["recipients"] == 1 and item["by_status"]["submitted"] == 1
    one = client.get(f"/api/v1/tasks/{task.id}", headers=office)
    conforms("/tasks/{task_id}", 200, one.get_json())
    assert one.get_json()["assignments"][0]["recipient"] == "心内科党支部"
    assert "机密的报告正文" not in one.get_data(as_text=True)
    secretary = token(Role.secretary, hospital["cardio"].code)
    assert client.get("/api/v1/tasks", headers=secretary).get_json()["total"] == 0
    assert client.get(f"/api/v1/tasks/{task.id}", headers=secretary).status_code == 404
