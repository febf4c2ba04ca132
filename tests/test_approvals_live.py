"""Approvals under real concurrency: committed data on PostgreSQL, callbacks signed and
encrypted as WeCom sends them, cards delivered by a real worker through the emulator."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from handlers import approvals, people
from handlers.policy import Actor
from models import (
    ApprovalEvent,
    ApprovalRequest,
    ApprovalStatus,
    AuditEvent,
    OrgKind,
    OutboundMessage,
    PartyOrg,
    Role,
    RoleGrant,
    SlotStatus,
)
from tests.conftest import needs_real_services
from tests.helpers.processes import wait_for
from wecom.crypto import CallbackCrypto
from wecom.emulator import wire

pytestmark = [pytest.mark.integration, needs_real_services]


def _seed(app):
    cli = Actor.cli("测试")
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        committee = PartyOrg(kind=OrgKind.committee, code="APC", name="审批测试党委")
        committee.set_parent(None)
        branch = PartyOrg(kind=OrgKind.branch, code="APB", name="麻醉科党支部")
        branch.set_parent(committee)
        other = PartyOrg(kind=OrgKind.branch, code="APO", name="药剂科党支部")
        other.set_parent(committee)
        session.add_all([committee, branch, other])
        session.flush()
        made = {}
        for userid, name, org, role in (
            ("ap-sec1", "书记甲", branch, Role.secretary),
            ("ap-sec2", "副书记乙", branch, Role.secretary),
            ("ap-far", "书记丙", other, Role.secretary),
            ("ap-nurse", "护士丁", branch, None),
        ):
            person = people.create_person(session, cli, wecom_userid=userid, name=name)
            people.enrol_member(session, cli, person=person, branch=org, status="full")
            if role:
                session.add(RoleGrant(person_id=person.id, role=role, org_id=org.id))
            made[userid] = person
        session.flush()
        first = approvals.submit(
            session, made["ap-nurse"], "general", raw_form={"subject": "借用示教室", "content": "周五"}
        )
        second = approvals.submit(
            session, made["ap-nurse"], "general", raw_form={"subject": "开具证明", "content": "转正"}
        )
        return {"request": first.id, "slot": first.slots[0].id, "other_slot": second.slots[0].id}


def _tap(client, crypto, app, user, key, card, create_time):
    xml = wire.card_event_xml(
        app.config["WECOM_CORP_ID"],
        user,
        app.config["WECOM_AGENT_ID"],
        event_key=key,
        task_id=card.task_id,
        response_code=card.response_code,
        create_time=create_time,
    )
    signed = wire.sign(crypto, xml)
    return client.post(
        f"/wecom/callback?{signed.query_string}", data=signed.body, content_type="application/xml"
    ).status_code


def test_two_deciders_at_once_and_three_replays_make_one_decision(integration_app, jobs, spawn, emulator):  # noqa: F811
    app = integration_app
    emulator.state.reset()
    ids = _seed(app)
    spawn("jobs", "worker", "--queue", "push", "--burst").wait(60)
    wait_for(
        lambda: len([d for d in emulator.state.deliveries if (d.task_id or "").startswith("ap")]) >= 4,
        30,
        "the approval cards",
    )
    cards = {d.to_user: d for d in emulator.state.deliveries if (d.task_id or "").startswith("ap")}
    crypto = CallbackCrypto(
        app.config["WECOM_TOKEN"], app.config["WECOM_ENCODING_AES_KEY"], app.config["WECOM_CORP_ID"]
    )
    key = f"approval_ok:{ids['slot']}"
    now = int(time.time())
    # Both secretaries tap 同意 in the same second; the first secretary's callback is also
    # retried three times by WeCom (same CreateTime: the same event).
    taps = [("ap-sec1", now), ("ap-sec2", now), ("ap-sec1", now), ("ap-sec1", now), ("ap-sec1", now)]
    with ThreadPoolExecutor(len(taps)) as pool:
        statuses = list(
            pool.map(lambda t: _tap(app.test_client(), crypto, app, t[0], key, cards[t[0]], t[1]), taps)
        )
    assert statuses == [200] * len(taps)

    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        request = session.get(ApprovalRequest, ids["request"])
        assert request.status == ApprovalStatus.approved
        assert (
            session.scalar(
                select(func.count()).where(
                    ApprovalEvent.request_id == request.id, ApprovalEvent.action == "approved"
                )
            )
            == 1
        )
        results = session.scalars(
            select(OutboundMessage).where(
                OutboundMessage.kind == "approval_result", OutboundMessage.to_users == "ap-nurse"
            )
        ).all()
        assert len(results) == 1
        decider = request.slots[0].decided_by
        loser = "ap-sec2" if decider == "书记甲" else "ap-sec1"
        explained = session.scalars(
            select(OutboundMessage.params).where(
                OutboundMessage.kind == "text", OutboundMessage.to_users == loser
            )
        ).all()
        assert [p["content"] for p in explained] == [f"这一步已由{decider}同意，无需重复处理。"]

    # Another branch's secretary forging a key for this branch's request: refused, audited,
    # nothing changes.
    forged = _tap(
        app.test_client(),
        crypto,
        app,
        "ap-far",
        f"approval_ok:{ids['other_slot']}",
        cards["ap-sec1"],
        now + 7,
    )
    assert forged == 200
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        slot_status = session.scalar(
            select(ApprovalEvent.id).where(
                ApprovalEvent.action == "approved", ApprovalEvent.actor == "书记丙"
            )
        )
        assert slot_status is None
        denied = session.scalar(
            select(AuditEvent).where(AuditEvent.action == "access.denied", AuditEvent.actor_id == "ap-far")
        )
        assert denied.result == "refused" and "审批人" in denied.detail
        other = session.scalar(select(ApprovalRequest).where(ApprovalRequest.title == "开具证明"))
        assert other.status == ApprovalStatus.pending and other.slots[0].status == SlotStatus.pending
