"""Approvals in chat: 待办 lists the pending decisions with one card each; a card's 同意 for a
step that has moved on is refused politely; a forged key is refused and audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from handlers import approvals
from models import AuditEvent, OrgKind, OutboundMessage, Role
from tests.helpers.chat import card_for, opened, say, tap

pytestmark = pytest.mark.usefixtures("queues")


@pytest.fixture
def branch(db_session, make_org, make_member, make_actor, make_person):
    org = make_org(OrgKind.branch, name="药剂科党支部")
    secretary = make_member(branch=org, person=make_person(wecom_userid="yj-sec", name="书记冯"))
    pharmacist = make_member(branch=org, person=make_person(wecom_userid="yj-1", name="药师陈"))
    make_member(branch=org, person=make_person(wecom_userid="yj-2", name="药师褚"))
    make_actor(Role.secretary, org, person=secretary.person)
    requests = [
        approvals.submit(
            db_session, pharmacist.person, "general", raw_form={"subject": f"事项{n}", "content": "内容"}
        )
        for n in range(2)
    ]
    db_session.commit()
    return {"requests": requests}


def test_todo_sends_a_card_per_pending_decision(app, db_session, send, wecom, run_jobs, emulator, branch):
    reply = opened(wecom, say(app, send, "yj-sec", "待办"))
    assert reply.find("Content").text == "待您审批 2 项，已逐条发送卡片。"
    cards = db_session.scalars(
        select(OutboundMessage).where(
            OutboundMessage.kind == "approval_request", OutboundMessage.to_users == "yj-sec"
        )
    ).all()
    assert len(cards) == 4  # the two sent on submission, and one fresh card each now
    nothing = opened(wecom, say(app, send, "yj-2", "待办"))
    assert nothing.find("Content").text == "目前没有待您审批的事项。"


def test_a_stale_or_forged_tap_changes_nothing(app, db_session, send, wecom, run_jobs, emulator, branch):
    run_jobs()
    card = card_for(emulator, "yj-sec", "ap")
    first, second = branch["requests"]
    reply = tap(app, send, "yj-sec", f"approval_ok:{first.slots[0].id}", card)
    assert opened(wecom, reply).find("Button/ReplaceName").text == "已同意"
    # A member taps 同意 with the key of a request they do not decide: refused, audited.
    forged = tap(app, send, "yj-2", f"approval_ok:{second.slots[0].id}", card, later=3)
    assert forged.data == b""
    denied = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "access.denied"))
    assert denied.actor_id == "yj-2" and "审批人" in denied.detail
    db_session.expire_all()
    assert second.slots[0].status == "pending"
    # A garbled key is refused the same way.
    tap(app, send, "yj-sec", "approval_ok:not-a-slot", card, later=4)
    run_jobs()
    told = [d.body["text"]["content"] for d in emulator.state.deliveries if d.msgtype == "text"]
    assert "您不是这一步的审批人。" in told and "这张审批卡片无效。" in told


def test_study_commands_answer_with_hours_and_lessons(app, db_session, send, wecom, branch):
    from handlers import learning
    from handlers.policy import Actor

    lesson = learning.create_lesson(
        db_session,
        Actor.cli(),
        kind="link",
        title="微党课：初心",
        summary="",
        url="https://intranet/v/1",
        credit_hours="1",
        min_minutes="5",
    )
    learning.set_status(db_session, Actor.cli(), lesson.id, status="published")
    db_session.commit()
    hours = opened(wecom, say(app, send, "yj-1", "学时")).find("Content").text
    assert hours.startswith("本年已学 0 / 32 学时") and "/m/study" in hours
    week = opened(wecom, say(app, send, "yj-1", "学习")).find("Content").text
    assert week.startswith("本周学习：") and "· 微党课：初心（1 学时，本周新课）" in week


def test_the_office_approves_a_recruitment_step_with_one_tap_and_it_is_recorded(
    app, db_session, send, wecom, run_jobs, emulator, make_org, make_person, make_actor
):
    from datetime import date, timedelta

    from handlers import recruitment
    from handlers.recruitment import decisions, publicity
    from models.base import local_today

    org = make_org(OrgKind.branch, name="眼科党支部")
    secretary = make_actor(Role.secretary, org)
    office = make_person(wecom_userid="zzb-1", name="组织部杨")
    make_actor(Role.committee_office, None, person=office)
    today = local_today()
    recruit = recruitment.apply(
        db_session,
        make_person(name="医生吕", birth_date=date(1993, 1, 9)),
        org_id=org.id,
        applied_on=today - timedelta(300),
    )
    recruitment.record_step(
        db_session, secretary, recruit_id=recruit.id, number=2, done_on=today - timedelta(290)
    )
    publicity.start(db_session, secretary, recruit_id=recruit.id, starts_on=today - timedelta(120))
    recruitment.record_step(
        db_session, secretary, recruit_id=recruit.id, number=3, done_on=today - timedelta(100)
    )
    request = decisions.report(db_session, secretary, recruit_id=recruit.id, number=4)
    db_session.commit()
    run_jobs()
    card = card_for(emulator, "zzb-1", "ap")
    assert "医生吕" in str(card.body) and "上级党委备案" in str(card.body)
    reply = tap(app, send, "zzb-1", f"approval_ok:{request.slots[0].id}", card)
    assert opened(wecom, reply).find("Button/ReplaceName").text == "已同意"
    db_session.expire_all()
    assert recruitment.done(recruit)[4].done_on == today and recruit.activist_on == today
