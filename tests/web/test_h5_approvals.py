"""Approvals on the phone: file a request with a photo, a tampered decision form, withdraw,
and delegation while away."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from sqlalchemy import select

from models import ApprovalRequest, ApprovalStatus, Attachment, AuditEvent, OrgKind, Role
from tests.helpers.pages import csrf, login

pytestmark = pytest.mark.usefixtures("queues")
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture
def lab(db_session, make_org, make_member, make_actor, make_person, emulator):
    branch = make_org(OrgKind.branch, name="病理科党支部")
    secretary = make_member(branch=branch, person=make_person(wecom_userid="pa-sec", name="书记钱"))
    make_member(branch=branch, person=make_person(wecom_userid="pa-1", name="医师孙"))
    deputy = make_member(branch=branch, person=make_person(wecom_userid="pa-2", name="医师李"))
    make_actor(Role.secretary, branch, person=secretary.person)
    far = make_org(OrgKind.branch, name="放射科党支部")
    make_actor(Role.secretary, far, person=make_person(wecom_userid="far-sec", name="书记周"))
    db_session.commit()
    return {"deputy": deputy}


def test_a_member_files_a_request_with_a_photo_and_withdraws_it(app, db_session, lab):
    phone = app.test_client()
    form = login(phone, "pa-1", "/m/approvals/new/general").get_data(as_text=True)
    assert "事项" in form and 'type="file"' in form
    missing = phone.post(
        "/m/approvals/new/general", data={"csrf_token": csrf(form), "subject": "", "content": "x"}
    )
    assert missing.status_code == 422 and "请填写事项" in missing.get_data(as_text=True)
    assert db_session.scalar(select(ApprovalRequest)) is None  # nothing half-written
    fake = phone.post(
        "/m/approvals/new/general",
        content_type="multipart/form-data",
        data={
            "csrf_token": csrf(form),
            "subject": "报销",
            "content": "发票",
            "file": (BytesIO(b"<html>not a photo</html>"), "发票.jpg"),
        },
    )
    assert fake.status_code == 422 and "只能上传" in fake.get_data(as_text=True)
    assert db_session.scalar(select(ApprovalRequest)) is None
    filed = phone.post(
        "/m/approvals/new/general",
        content_type="multipart/form-data",
        follow_redirects=True,
        data={
            "csrf_token": csrf(form),
            "subject": "报销",
            "content": "发票",
            "file": (BytesIO(PNG), "发票.png"),
        },
    )
    page = filed.get_data(as_text=True)
    assert "申请已提交" in page and "发票.png" in page and "支部书记审批" in page
    link = re.search(r'href="(/m/approvals/[^"]+/attachments/[^"]+)"', page).group(1)
    assert phone.get(link).data == PNG
    assert db_session.scalar(select(Attachment.size)) == len(PNG)

    withdrawn = phone.post(
        re.search(r'action="(/m/approvals/[^"]+/withdraw)"', page).group(1),
        data={"csrf_token": csrf(page)},
        follow_redirects=True,
    )
    assert "申请已撤回" in withdrawn.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.scalar(select(ApprovalRequest.status)) == ApprovalStatus.withdrawn


def test_a_tampered_decision_form_is_refused_and_audited(app, db_session, lab):
    phone = app.test_client()
    form = login(phone, "pa-1", "/m/approvals/new/general").get_data(as_text=True)
    phone.post(
        "/m/approvals/new/general", data={"csrf_token": csrf(form), "subject": "证明", "content": "转正"}
    )
    request = db_session.scalar(select(ApprovalRequest))
    slot_id = str(request.slots[0].id)
    # Another branch's secretary cannot open it, nor decide it by posting the slot id.
    far = app.test_client()
    login(far, "far-sec", "/m/approvals")
    assert far.get(f"/m/approvals/{request.id}").status_code == 404
    page = far.get("/m/approvals/delegate").get_data(as_text=True)
    refused = far.post(
        f"/m/approvals/{request.id}/decide",
        follow_redirects=True,
        data={"csrf_token": csrf(page), "slot_id": slot_id, "decision": "approve"},
    )
    assert "不是这一步的审批人" in refused.get_data(as_text=True)
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "access.denied"))
    db_session.expire_all()
    assert db_session.get(ApprovalRequest, request.id).status == ApprovalStatus.pending
    # The member themselves cannot decide their own request either.
    own = phone.post(
        f"/m/approvals/{request.id}/decide",
        follow_redirects=True,
        data={"csrf_token": csrf(form), "slot_id": slot_id, "decision": "approve"},
    )
    assert "不是这一步的审批人" in own.get_data(as_text=True)


def test_the_secretary_delegates_while_away(app, db_session, lab):
    secretary = app.test_client()
    page = login(secretary, "pa-sec", "/m/approvals/delegate").get_data(as_text=True)

    def delegate(ends_at: str) -> str:
        form = {
            "csrf_token": csrf(page),
            "to_userid": "pa-2",
            "starts_at": "2026-12-01T08:00",
            "ends_at": ends_at,
            "reason": "援疆",
        }
        return secretary.post("/m/approvals/delegate", data=form, follow_redirects=True).get_data(
            as_text=True
        )

    assert "代理期限最长三个月" in delegate("2099-01-31T08:00")
    done = delegate("2027-01-15T08:00")
    assert "已设置代理审批" in done and "医师李" in done
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "approval.delegate"))
