"""The approvals engine on the real database: steps, co-signers, skips, rejection and
resubmission, the state machine, delegation, reminders and escalation, expiry, and the
kinds' effects (a transfer record on approval)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from handlers import approvals, notify, orgs, transfers
from handlers.errors import Conflict, Forbidden, NotFound, ValidationFailed
from handlers.policy import Actor, load_actor
from models import (
    ApprovalStatus,
    AuditEvent,
    MemberTransfer,
    OrgKind,
    OutboundMessage,
    Reminder,
    ReminderStatus,
    Role,
    SlotStatus,
)

NOW = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)  # 09:30 in Beijing
PLAN = {
    "title": "重温入党誓词",
    "held_on": "2026-12-05",
    "venue": "院史馆",
    "budget": "800",
    "plan": "参观、重温誓词",
}


@pytest.fixture
def hospital(db_session, make_org, make_member, make_actor):
    committee = make_org(OrgKind.committee)
    branch = make_org(OrgKind.branch, parent=committee, name="心内科党支部")
    secretary = make_member(branch=branch)
    organizer = make_member(branch=branch)
    nurse = make_member(branch=branch)
    inspector = make_member(branch=branch)
    orgs.appoint(
        db_session,
        Actor.cli(),
        org_id=branch.id,
        member_id=inspector.id,
        post="discipline",
        elected_on=NOW.date() - timedelta(days=100),
    )
    return {
        "committee": committee,
        "branch": branch,
        "secretary": make_actor(Role.secretary, branch, person=secretary.person),
        "organizer": make_actor(Role.organizer, branch, person=organizer.person),
        "office": make_actor(Role.committee_office, None),
        "nurse": nurse,
        "inspector": inspector,
    }


def _person(db_session, actor):
    from models import Person

    return db_session.get(Person, actor.person_id)


def _pending(request):
    return [s for s in request.slots if s.status == SlotStatus.pending]


def test_an_activity_plan_goes_through_two_steps_is_rejected_and_resubmitted(db_session, hospital):
    organizer = _person(db_session, hospital["organizer"])
    plan = approvals.submit(db_session, organizer, "activity_plan", raw_form=PLAN, now=NOW)
    [first] = _pending(plan)
    assert plan.status == ApprovalStatus.pending and first.step_name == "支部审核"
    cards = db_session.scalars(
        select(OutboundMessage).where(OutboundMessage.kind == "approval_request")
    ).all()
    assert [c.to_users for c in cards] == [_person(db_session, hospital["secretary"]).wecom_userid]
    assert cards[0].params["fields"][0] == ["活动", "重温入党誓词"]

    # The organizer cannot decide their own plan's secretary step; the office not yet either.
    for outsider in (hospital["organizer"], hospital["office"]):
        with pytest.raises(Forbidden):
            approvals.decide(db_session, outsider, slot_id=first.id, approve=True, now=NOW)
    approvals.decide(db_session, hospital["secretary"], slot_id=first.id, approve=True, now=NOW)
    [second] = _pending(plan)
    assert plan.current_step == 1 and second.role == Role.committee_office
    told = db_session.scalar(
        select(OutboundMessage).where(OutboundMessage.dedupe_key == f"approval_result:{plan.id}:1:0:ok")
    )
    assert told.params["next"] == "下一步：党委组织部审批"

    with pytest.raises(ValidationFailed, match="驳回时请填写理由"):
        approvals.decide(
            db_session, hospital["office"], slot_id=second.id, approve=False, comment=" ", now=NOW
        )
    approvals.decide(
        db_session, hospital["office"], slot_id=second.id, approve=False, comment="预算请细化", now=NOW
    )
    assert plan.status == ApprovalStatus.rejected and plan.closed_at == NOW
    # A tap on the old card (step 2, round 1) is refused politely.
    with pytest.raises(Conflict, match="已由"):
        approvals.decide(db_session, hospital["office"], slot_id=second.id, approve=True, now=NOW)

    with pytest.raises(Forbidden):  # only the applicant resubmits
        approvals.resubmit(
            db_session, _person(db_session, hospital["secretary"]), plan.id, raw_form=PLAN, now=NOW
        )
    approvals.resubmit(
        db_session,
        organizer,
        plan.id,
        raw_form={**PLAN, "plan": "参观、重温誓词；预算明细：车费800元"},
        now=NOW,
    )
    assert plan.round == 2 and plan.status == ApprovalStatus.pending and plan.current_step == 0
    with pytest.raises(Conflict):  # round 1's first slot is long decided
        approvals.decide(db_session, hospital["secretary"], slot_id=first.id, approve=True, now=NOW)
    for actor in (hospital["secretary"], hospital["office"]):
        [slot] = _pending(plan)
        approvals.decide(db_session, actor, slot_id=slot.id, approve=True, now=NOW)
    assert plan.status == ApprovalStatus.approved
    actions = [e.action for e in plan.events]
    assert actions == ["created", "submitted", "approved", "rejected", "submitted", "approved", "approved"]
    audited = db_session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(plan.id))).all()
    assert audited.count("approval.decide") == 4 and "approval.approved" in audited


def test_the_secretarys_own_plan_skips_their_step_and_a_big_budget_needs_the_inspector(db_session, hospital):
    secretary = _person(db_session, hospital["secretary"])
    plan = approvals.submit(
        db_session, secretary, "activity_plan", raw_form={**PLAN, "budget": "5000"}, now=NOW
    )
    [cosign] = _pending(plan)  # the secretary's own slot is dropped; the 纪检委员 co-signs
    assert cosign.person_id == hospital["inspector"].person_id
    approvals.decide(
        db_session,
        load_actor(db_session, hospital["inspector"].person),
        slot_id=cosign.id,
        approve=True,
        now=NOW,
    )
    [office] = _pending(plan)
    assert office.role == Role.committee_office

    small = approvals.submit(
        db_session, secretary, "activity_plan", raw_form={**PLAN, "title": "小型学习"}, now=NOW
    )
    skipped = [s for s in small.slots if s.status == SlotStatus.skipped]
    assert [s.comment for s in skipped] == ["申请人即支部书记"] and small.current_step == 1


def test_co_signers_must_all_agree_and_one_rejection_closes_the_step(db_session, hospital):
    organizer = _person(db_session, hospital["organizer"])
    plan = approvals.submit(
        db_session, organizer, "activity_plan", raw_form={**PLAN, "budget": "3000"}, now=NOW
    )
    secretary_slot, inspector_slot = sorted(_pending(plan), key=lambda s: s.position)
    approvals.decide(db_session, hospital["secretary"], slot_id=secretary_slot.id, approve=True, now=NOW)
    assert plan.current_step == 0  # still waiting for the co-signer
    approvals.decide(
        db_session,
        load_actor(db_session, hospital["inspector"].person),
        slot_id=inspector_slot.id,
        approve=False,
        comment="超出标准",
        now=NOW,
    )
    assert plan.status == ApprovalStatus.rejected


def test_illegal_moves_are_refused(db_session, hospital):
    nurse = hospital["nurse"].person
    request = approvals.submit(
        db_session, nurse, "general", raw_form={"subject": "借用会议室", "content": "周五下午"}, now=NOW
    )
    with pytest.raises(Conflict, match="只有被驳回"):
        approvals.resubmit(db_session, nurse, request.id, raw_form={"subject": "x", "content": "y"}, now=NOW)
    approvals.withdraw(db_session, nurse, request.id, now=NOW)
    assert request.status == ApprovalStatus.withdrawn
    for move in (
        lambda: approvals.withdraw(db_session, nurse, request.id, now=NOW),
        lambda: approvals.decide(
            db_session, hospital["secretary"], slot_id=request.slots[0].id, approve=True, now=NOW
        ),
    ):
        with pytest.raises(Conflict):
            move()
    assert request.slots[0].status == SlotStatus.closed
    with pytest.raises(ValidationFailed, match="请填写事项"):
        approvals.submit(db_session, nurse, "general", raw_form={"content": "无标题"}, now=NOW)
    with pytest.raises(NotFound):
        approvals.submit(db_session, nurse, "no_such_kind", raw_form={}, now=NOW)
    # Another member cannot even see it.
    with pytest.raises(NotFound):
        approvals.get_request(db_session, load_actor(db_session, hospital["inspector"].person), request.id)


def test_a_delegate_decides_while_the_secretary_is_away(db_session, hospital):
    secretary = _person(db_session, hospital["secretary"])
    deputy = _person(db_session, hospital["organizer"])
    with pytest.raises(ValidationFailed, match="三个月"):
        approvals.delegate(
            db_session,
            secretary,
            to_userid=deputy.wecom_userid,
            starts_at=NOW,
            ends_at=NOW + timedelta(days=120),
            reason="援疆",
            now=NOW,
        )
    approvals.delegate(
        db_session,
        secretary,
        to_userid=deputy.wecom_userid,
        starts_at=NOW,
        ends_at=NOW + timedelta(days=30),
        reason="外出进修",
        now=NOW,
    )
    nurse = hospital["nurse"].person
    request = approvals.submit(
        db_session, nurse, "general", raw_form={"subject": "开具证明", "content": "党员身份证明"}, now=NOW
    )
    [slot] = _pending(request)
    cards = db_session.scalars(
        select(OutboundMessage.to_users).where(OutboundMessage.kind == "approval_request")
    ).all()
    assert sorted(cards) == sorted([secretary.wecom_userid, deputy.wecom_userid])
    approvals.decide(
        db_session,
        load_actor(db_session, deputy),
        slot_id=slot.id,
        approve=True,
        now=NOW + timedelta(hours=1),
    )
    assert request.status == ApprovalStatus.approved and slot.decided_by == deputy.name
    assert db_session.scalar(select(func.count()).where(AuditEvent.action == "approval.delegate")) == 1
    # Both deciders' cards grey out.
    updates = db_session.scalars(
        select(OutboundMessage.to_users).where(OutboundMessage.kind == notify.CLOSE_CARD)
    ).all()
    assert sorted(updates) == sorted(cards)


def test_an_overdue_step_reminds_once_then_escalates_once(db_session, hospital):
    nurse = hospital["nurse"].person
    request = approvals.submit(
        db_session, nurse, "general", raw_form={"subject": "事项", "content": "内容"}, now=NOW
    )
    [slot] = _pending(request)
    assert slot.due_at == NOW + timedelta(hours=48)
    assert approvals.escalate_overdue(db_session, NOW + timedelta(hours=47)) == (0, 0)
    assert approvals.escalate_overdue(db_session, NOW + timedelta(hours=49)) == (1, 0)
    assert approvals.escalate_overdue(db_session, NOW + timedelta(hours=50)) == (0, 0)  # reminded once only
    # The scheduler was down for days: it escalates once when it comes back.
    assert approvals.escalate_overdue(db_session, NOW + timedelta(days=9)) == (0, 1)
    assert approvals.escalate_overdue(db_session, NOW + timedelta(days=10)) == (0, 0)
    office = _person(db_session, hospital["office"])
    # Both go through the reminder engine (a good moment for each, cancelled once decided).
    planned = db_session.scalars(select(Reminder).order_by(Reminder.created_at)).all()
    assert [(r.person_id, r.category, r.title[:2]) for r in planned] == [
        (hospital["secretary"].person_id, "approval_step", "测试"),
        (office.id, "approval_escalation", "督办"),
    ]
    overdue = db_session.scalars(
        approvals.list_requests(
            db_session, hospital["office"], overdue_only=True, now=NOW + timedelta(days=10)
        )
    ).all()
    assert overdue == [request]
    approvals.decide(
        db_session, hospital["secretary"], slot_id=slot.id, approve=True, now=NOW + timedelta(days=10)
    )
    assert {r.status for r in planned} <= {ReminderStatus.cancelled, ReminderStatus.sent}


def test_transfer_out_approved_by_the_office_starts_the_transfer_record(db_session, hospital):
    nurse = hospital["nurse"].person
    form = {"destination": "市卫健委机关党委", "reason": "工作调动", "leave_on": "2026-12-31", "note": ""}
    request = approvals.submit(db_session, nurse, "transfer_out", raw_form=form, now=NOW)
    with pytest.raises(Conflict, match="相同"):
        approvals.submit(db_session, nurse, "transfer_out", raw_form=form, now=NOW)
    for actor in (hospital["secretary"], hospital["office"]):
        [slot] = _pending(request)
        approvals.decide(db_session, actor, slot_id=slot.id, approve=True, now=NOW)
    [record] = transfers.history(db_session, hospital["nurse"])
    assert isinstance(record, MemberTransfer) and record.destination == "市卫健委机关党委"
    assert hospital["nurse"].left_at is not None


def test_dues_relief_checks_its_form(db_session, hospital):
    nurse = hospital["nurse"].person
    base = {"relief": "少交", "from_month": "2027-01", "months": "6", "reason": "家庭困难"}
    with pytest.raises(ValidationFailed, match="每月拟交金额"):
        approvals.submit(db_session, nurse, "dues_relief", raw_form=base, now=NOW)
    with pytest.raises(ValidationFailed, match="1–12"):
        approvals.submit(
            db_session,
            nurse,
            "dues_relief",
            raw_form={**base, "months": "13", "monthly_amount": "1"},
            now=NOW,
        )
    request = approvals.submit(
        db_session, nurse, "dues_relief", raw_form={**base, "monthly_amount": "2.50"}, now=NOW
    )
    assert request.title == "少交党费 2027-01 起 6 个月" and [s.step_name for s in request.slots] == [
        "支部讨论"
    ]


def test_the_scheduled_sweep_expires_leave_after_the_meeting(
    db_session, queues, run_jobs, hospital, venue_meeting
):
    """The sweep job (every ten minutes) closes a leave request still undecided when the
    meeting is over: the question no longer arises, and the member's answer is open again."""
    from jobs.approvals import sweep_approvals
    from models import Invitation, Response

    nurse = hospital["nurse"]
    invitation = db_session.scalar(
        select(Invitation).where(Invitation.meeting_id == venue_meeting.id, Invitation.member_id == nurse.id)
    )
    request = approvals.submit(
        db_session,
        nurse.person,
        "meeting_leave",
        raw_form={"invitation_id": str(invitation.id), "reason": "夜班"},
        now=NOW,
    )
    assert invitation.response == Response.leave_requested
    # The meeting ends with the request undecided.
    for s in venue_meeting.sessions:
        s.starts_at, s.ends_at = NOW - timedelta(hours=3), NOW - timedelta(hours=2)
    db_session.flush()
    queues.enqueue(sweep_approvals)
    run_jobs(("default",))
    db_session.expire_all()
    assert request.status == ApprovalStatus.expired and request.slots[0].status == SlotStatus.closed
    assert db_session.get(Invitation, invitation.id).response == Response.pending


@pytest.fixture
def venue_meeting(db_session, hospital):
    from handlers import meetings
    from handlers.meetings import SessionPlan

    start = datetime.now(UTC) + timedelta(days=2)
    return meetings.plan_meeting(
        db_session,
        hospital["secretary"],
        org_id=hospital["branch"].id,
        kinds=["party_lecture"],
        topic="党课",
        agenda="",
        venue_mode="online",
        online_room="腾讯会议 123",
        sessions=[SessionPlan("A场", start, start + timedelta(hours=1))],
    )


def test_a_draft_is_sent_later_and_only_once(db_session, hospital):
    nurse = hospital["nurse"].person
    draft = approvals.submit(
        db_session, nurse, "general", raw_form={"subject": "草稿", "content": "未写完"}, now=NOW, draft=True
    )
    assert draft.status == ApprovalStatus.draft and draft.slots == []
    approvals.send_draft(db_session, nurse, draft.id, now=NOW)
    assert draft.status == ApprovalStatus.pending and len(_pending(draft)) == 1
    with pytest.raises(Conflict, match="只有草稿"):
        approvals.send_draft(db_session, nurse, draft.id, now=NOW)
