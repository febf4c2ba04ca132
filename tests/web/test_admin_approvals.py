"""Approvals in the console (the office's list, filters, export, deciding its step) and in
the API (list, create for a member, decide by a token holding the step's role)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from handlers import approvals
from handlers.api_tokens import create_token
from handlers.policy import Actor
from models import ApprovalRequest, ApprovalStatus, AuditEvent, Person, Role
from tests.helpers.pages import csrf, qr_login

pytestmark = pytest.mark.usefixtures("queues")
PLAN = {"title": "参观院史馆", "held_on": "2099-05-04", "venue": "院史馆", "budget": "600", "plan": "参观"}


@pytest.fixture
def browser(app, db_session, emulator):
    return app.test_client()


@pytest.fixture
def filed(db_session, hospital):  # noqa: F811
    """A plan past the branch step (now at the office), and a general request still at the branch."""
    nurse = hospital["nurse"].person
    secretary = db_session.scalar(select(Person).where(Person.wecom_userid == "sec01"))
    from handlers.policy import load_actor
    from models import RoleGrant

    db_session.add(RoleGrant(person_id=nurse.id, role=Role.organizer, org_id=hospital["cardio"].id))
    db_session.flush()
    plan = approvals.submit(db_session, nurse, "activity_plan", raw_form=PLAN)
    approvals.decide(db_session, load_actor(db_session, secretary), slot_id=plan.slots[0].id, approve=True)
    other = approvals.submit(
        db_session, nurse, "general", raw_form={"subject": "借用投影仪", "content": "周五"}
    )
    db_session.commit()
    return {"plan": plan, "other": other}


def test_the_office_filters_exports_and_decides_its_step(browser, hospital, filed, db_session):  # noqa: F811
    qr_login(browser, "office01")
    listing = browser.get("/admin/approvals").get_data(as_text=True)
    assert "参观院史馆" in listing and "借用投影仪" in listing and "党委组织部审批" in listing
    only_plans = browser.get("/admin/approvals?kind=activity_plan").get_data(as_text=True)
    assert "参观院史馆" in only_plans and "借用投影仪" not in only_plans
    assert browser.get("/admin/approvals?status=bogus").status_code == 400

    exported = browser.get("/admin/approvals/export?kind=activity_plan")
    rows = list(load_workbook(io.BytesIO(exported.data)).active.values)
    assert rows[0][:2] == ("类型", "事项") and rows[1][1] == "参观院史馆" and len(rows) == 2
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "approval.export"))

    page = browser.get(f"/admin/approvals/{filed['plan'].id}").get_data(as_text=True)
    assert "党委组织部审批" in page and 'name="slot_id"' in page
    slot = approvals.steps_of(filed["plan"])[1].slots[0]
    done = browser.post(
        f"/admin/approvals/{filed['plan'].id}/decide",
        data={"csrf_token": csrf(page), "slot_id": str(slot.id), "decision": "approve"},
        follow_redirects=True,
    )
    assert "已同意" in done.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(ApprovalRequest, filed["plan"].id).status == ApprovalStatus.approved

    # The branch step of the other request is not the office's: refused and audited.
    other_slot = filed["other"].slots[0]
    refused = browser.post(
        f"/admin/approvals/{filed['other'].id}/decide",
        data={"csrf_token": csrf(page), "slot_id": str(other_slot.id), "decision": "approve"},
        follow_redirects=True,
    )
    assert "您不是这一步的审批人" in refused.get_data(as_text=True)
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "access.denied"))


def test_a_secretary_sees_their_branch_and_members_see_nothing(browser, hospital, filed):  # noqa: F811
    qr_login(browser, "sec01")
    assert "借用投影仪" in browser.get("/admin/approvals").get_data(as_text=True)


def test_the_api_lists_creates_and_decides_within_the_tokens_role(app, hospital, filed, db_session):  # noqa: F811
    client = app.test_client()
    _, office_secret = create_token(db_session, Actor.cli(), name="oa", role=Role.committee_office)
    _, branch_secret = create_token(
        db_session, Actor.cli(), name="ks", role=Role.secretary, org_code=hospital["cardio"].code
    )
    _, other_secret = create_token(
        db_session, Actor.cli(), name="gk", role=Role.secretary, org_code=hospital["surgeon"].branch.code
    )
    db_session.commit()
    office = {"Authorization": f"Bearer {office_secret}"}
    branch = {"Authorization": f"Bearer {branch_secret}"}
    outsider = {"Authorization": f"Bearer {other_secret}"}

    listed = client.get("/api/v1/approvals?kind=general", headers=office).get_json()
    assert [r["title"] for r in listed["items"]] == ["借用投影仪"]
    assert client.get(f"/api/v1/approvals/{filed['other'].id}", headers=outsider).status_code == 404

    created = client.post(
        "/api/v1/approvals",
        headers=branch,
        json={
            "kind": "dues_relief",
            "applicant_userid": "nurse01",
            "form": {"relief": "免交", "from_month": "2027-01", "months": 3, "reason": "家庭困难"},
        },
    )
    assert created.status_code == 201 and created.get_json()["current_step"] == "支部讨论"
    leave = client.post(
        "/api/v1/approvals",
        headers=office,
        json={"kind": "meeting_leave", "applicant_userid": "nurse01", "form": {}},
    )
    assert leave.status_code == 422
    foreign = client.post(
        "/api/v1/approvals",
        headers=outsider,
        json={"kind": "general", "applicant_userid": "nurse01", "form": {"subject": "x", "content": "y"}},
    )
    assert foreign.status_code == 403

    slot_id = filed["other"].slots[0].id
    wrong_role = client.post(
        f"/api/v1/approvals/{filed['other'].id}/decision",
        headers=office,
        json={"slot_id": str(slot_id), "approve": True},
    )
    assert wrong_role.status_code == 403
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "access.denied"))
    decided = client.post(
        f"/api/v1/approvals/{filed['other'].id}/decision",
        headers=branch,
        json={"slot_id": str(slot_id), "approve": False, "comment": "投影仪已借出"},
    )
    assert decided.status_code == 200 and decided.get_json()["status"] == "rejected"
    again = client.post(
        f"/api/v1/approvals/{filed['other'].id}/decision",
        headers=branch,
        json={"slot_id": str(slot_id), "approve": True},
    )
    assert again.status_code == 409
