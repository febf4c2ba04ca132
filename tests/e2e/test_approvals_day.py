"""Issue 7's Done-when, end to end in Chromium against the live app and its WeCom emulator.

A member files a request on the phone and the secretary approves it with one tap in chat
(the card greys out, the member is told); an activity plan goes through the branch and the
committee office, is rejected by the office, corrected and resubmitted, and approved; an
overdue step reminds its decider and then escalates to the office. The concurrent and
replayed callbacks are tests/test_approvals_live.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from handlers import approvals, people, reminders
from handlers.policy import Actor
from models import ApprovalRequest, ApprovalStatus, OrgKind, PartyOrg, Role, RoleGrant
from tests.helpers.browser import CHROMIUM, CONSOLE, as_member, chat, deliver, scan_in, snap

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is installed by .ci/run")


@pytest.fixture(scope="module")
def branch(live):
    app = live.flask_app
    cli = Actor.cli("测试")
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        committee = PartyOrg(kind=OrgKind.committee, code="E2EA", name="审批测试党委")
        committee.set_parent(None)
        org = PartyOrg(kind=OrgKind.branch, code="E2E07", name="检验科党支部")
        org.set_parent(committee)
        session.add_all([committee, org])
        session.flush()
        made = {}
        for userid, name, role in (
            ("e7-sec", "书记严", Role.secretary),
            ("e7-org", "组织委员方", Role.organizer),
            ("e7-a", "技师甲", None),
        ):
            person = people.create_person(session, cli, wecom_userid=userid, name=name)
            people.enrol_member(session, cli, person=person, branch=org, status="full")
            if role:
                session.add(RoleGrant(person_id=person.id, role=role, org_id=org.id))
            made[userid] = person
        office = people.create_person(session, cli, wecom_userid="e7-office", name="组织部陶")
        session.add(RoleGrant(person_id=office.id, role=Role.committee_office, org_id=None))
    from cli.demo import load_emulator_directory

    with app.app_context():
        load_emulator_directory(app)


def _request(app, title):
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        return session.scalar(select(ApprovalRequest).where(ApprovalRequest.title == title)).id


def test_requests_are_decided_in_chat_and_the_console(live, branch, chromium):  # noqa: F811
    app = live.flask_app
    context = chromium.new_context()
    page = context.new_page()

    # 1. A member files a request on the phone; the secretary approves it with one tap.
    form = as_member(context, live, "e7-a", "/m/approvals/new/general")
    form.fill("input[name=subject]", "开具党员身份证明")
    form.fill("textarea[name=content]", "援疆医疗队报名需要")
    form.click("button.primary:has-text('提交')")
    assert form.is_visible("text=申请已提交")
    deliver(live)
    chat(page, live, "e7-sec")
    page.click("button:has-text('同意')")
    assert page.is_visible("button.done:has-text('已同意')")
    snap(page, "approval-one-tap")
    deliver(live)
    chat(page, live, "e7-a")
    assert page.is_visible("text=其他事项：已同意")

    # 2. The organizer files an activity plan; the branch approves in chat; the office rejects.
    plan = as_member(context, live, "e7-org", "/m/approvals/new/activity_plan")
    plan.fill("input[name=title]", "参观红色教育基地")
    plan.fill("input[name=held_on]", (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%d"))
    plan.fill("input[name=venue]", "市革命纪念馆")
    plan.fill("input[name=budget]", "1500")
    plan.fill("textarea[name=plan]", "参观、重温入党誓词")
    plan.click("button.primary:has-text('提交')")
    assert plan.is_visible("text=申请已提交")
    plan_id = _request(app, "参观红色教育基地")
    deliver(live)
    chat(page, live, "e7-sec")
    page.click(".card:has-text('参观红色教育基地') >> button:has-text('同意')")
    deliver(live)
    office = chromium.new_context(**CONSOLE).new_page()  # the office's own computer
    scan_in(office, live, "e7-office")
    office.goto(f"{live.base}/admin/approvals?overdue=")
    office.click("text=参观红色教育基地")
    office.fill("textarea[name=comment]", "请补充预算明细")
    office.click("button:has-text('驳回')")
    assert office.is_visible("text=已驳回，已通知申请人")
    snap(office, "approval-office-rejected")
    deliver(live)

    # 3. The organizer corrects the plan and resubmits it; both steps approve it this time.
    plan.goto(f"{live.base}/m/approvals/{plan_id}")
    assert plan.is_visible("text=请补充预算明细")
    plan.click("text=修改后重新提交")
    plan.fill("textarea[name=plan]", "参观、重温入党誓词；预算：包车1200元、讲解300元")
    plan.click("button.primary:has-text('提交')")
    assert plan.is_visible("text=已重新提交")
    deliver(live)
    chat(page, live, "e7-sec")
    # The first round's card is grey; the new one takes the tap.
    page.click(".card:has-text('参观红色教育基地') >> button:not(.done):has-text('同意')")
    deliver(live)
    office.goto(f"{live.base}/admin/approvals/{plan_id}")
    office.click("button:has-text('同意')")
    assert office.is_visible("text=已同意")
    deliver(live)
    chat(page, live, "e7-org")
    assert page.is_visible("text=活动申报：已同意")
    snap(page, "approval-plan-approved")

    # 4. A step left undecided: the secretary is reminded once, then the office is told (both
    #    through the reminder engine, each at a good moment within a day; here the clock is
    #    moved on rather than waited for).
    late = as_member(context, live, "e7-a", "/m/approvals/new/general")
    late.fill("input[name=subject]", "借用党员活动室")
    late.fill("textarea[name=content]", "周三晚学习")
    late.click("button.primary:has-text('提交')")
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        now = datetime.now(UTC)
        assert approvals.escalate_overdue(session, now + timedelta(hours=49)) == (1, 0)
        assert reminders.dispatch_due(session, now + timedelta(hours=49 + 24)).sent == 1
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        assert approvals.escalate_overdue(session, now + timedelta(hours=49 + 25)) == (0, 1)
        assert reminders.dispatch_due(session, now + timedelta(hours=49 + 50)).sent == 1
    deliver(live)
    chat(page, live, "e7-sec")
    assert page.is_visible("text=已超过办理期限")
    chat(page, live, "e7-office")
    assert page.is_visible("text=超期未办")
    office.goto(f"{live.base}/admin/approvals/{_request(app, '借用党员活动室')}")
    assert office.is_visible("text=已督办")
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        statuses = {r.title: r.status for r in session.scalars(select(ApprovalRequest))}
    assert statuses["开具党员身份证明"] == ApprovalStatus.approved
    assert statuses["参观红色教育基地"] == ApprovalStatus.approved
    assert statuses["借用党员活动室"] == ApprovalStatus.pending
    office.context.close()
    context.close()
