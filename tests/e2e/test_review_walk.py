"""Issue 21's Done-when for 民主评议党员, in Chromium against the live app: the secretary opens the
year's evaluation in the console; a member writes a self-assessment and grades the others on the
phone (secret, not themselves; the rest of the branch votes through the same engine); once the
互评 has closed the committee's proposal with three 优秀 of six is refused by the cap and two are
accepted; the 支部党员大会's vote is recorded against its roster; the office confirms; the member
reads their own grade. Screenshots: console-review-*.png, phone-review-*.png in test-artifacts/."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from handlers import ballots, meetings, people
from handlers.meetings import SessionPlan
from handlers.policy import Actor, load_actor
from models import Ballot, MemberReview, MemberStatus, OrgKind, PartyOrg, Person, Role, RoleGrant
from models.base import CHINA, utcnow
from tests.helpers.browser import ARTIFACTS, CHROMIUM, CONSOLE, as_member, scan_in, snap

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is installed by .ci/run")
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN"}
MEMBERS = [
    ("t21-m1", "评议甲"),
    ("t21-m2", "评议乙"),
    ("t21-m3", "评议丙"),
    ("t21-m4", "评议丁"),
    ("t21-m5", "评议戊"),
]


@pytest.fixture(scope="module")
def branch(live):
    app = live.flask_app
    cli = Actor.cli("测试")
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        committee = PartyOrg(kind=OrgKind.committee, code="E2E21R", name="评议测试党委")
        committee.set_parent(None)
        session.add(committee)
        org = PartyOrg(kind=OrgKind.branch, code="E2E21RA", name="病理科党支部")
        org.set_parent(committee)
        session.add(org)
        session.flush()
        for userid, name, status in [("t21-sec", "书记评", "full"), *((u, n, "full") for u, n in MEMBERS),
                                     ("t21-p", "预备己", "probationary")]:  # fmt: skip
            person = people.create_person(session, cli, wecom_userid=userid, name=name)
            people.enrol_member(session, cli, person=person, branch=org, status=status)
            if userid == "t21-sec":
                session.add(RoleGrant(person_id=person.id, role=Role.secretary, org_id=org.id))
        office = people.create_person(session, cli, wecom_userid="t21-office", name="组织部评")
        session.add(RoleGrant(person_id=office.id, role=Role.committee_office, org_id=None))
        org_id = org.id
    from cli.demo import load_emulator_directory

    with app.app_context():
        load_emulator_directory(app)
    return org_id


def _in_app(live, work):
    app = live.flask_app
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        return work(session)


def _phone_snap(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"phone-{name}.png"), full_page=True)


def _others_vote_and_the_ballot_closes(live, org_id):
    def work(session):
        review = session.scalar(select(MemberReview).where(MemberReview.org_id == org_id))
        ballot = session.get(Ballot, review.ballot_id)
        voters = session.scalars(
            select(Person).where(Person.wecom_userid.in_(["t21-sec", "t21-m2", "t21-m3", "t21-m4", "t21-p"]))
        )
        for voter in voters:
            answers = {f"q{q.position}": "合格" for q in ballot.questions if q.subject_id != voter.id}
            ballots.vote(session, voter, ballot.id, answers)
        # The 互评 window is moved to have closed a moment ago (stated here: the test cannot wait).
        session.execute(
            update(Ballot).where(Ballot.id == ballot.id).values(closes_at=utcnow() - timedelta(seconds=1))
        )
        return review.id

    return _in_app(live, work)


def _assembly_held(live, org_id):
    """The 支部党员大会 held two hours ago with five of the six 正式党员 checked in."""

    def work(session):
        secretary = session.scalar(select(Person).where(Person.wecom_userid == "t21-sec"))
        actor = load_actor(session, secretary)
        start = utcnow() - timedelta(hours=2)
        meeting = meetings.plan_meeting(
            session, actor, org_id=org_id, kinds=["general_assembly"], topic="民主评议党员大会", agenda="",
            venue_mode="online", online_room="会议号 21", has_vote=True, now=start - timedelta(minutes=5),
            sessions=[SessionPlan("全体", start, start + timedelta(hours=1))],
        )  # fmt: skip
        for person in session.scalars(select(Person).where(Person.wecom_userid != "t21-m5")):
            member = person.membership
            if member is not None and member.branch_id == org_id and member.status == MemberStatus.full:
                meetings.confirm(session, actor, meeting_id=meeting.id, member_id=member.id, present=True)

    _in_app(live, work)


def _propose(page, excellent):
    for name in ("书记评", "评议甲", "评议乙", "评议丙", "评议丁", "评议戊"):
        page.select_option(f"select[aria-label='{name}的评定等次']", "优秀" if name in excellent else "合格")
    page.click("button:has-text('提出评定意见')")


def test_a_branch_evaluation_from_opening_to_the_confirmation(live, branch, chromium):
    secretary = chromium.new_context(**CONSOLE).new_page()
    scan_in(secretary, live, "t21-sec")
    secretary.goto(f"{live.base}/admin/reviews")
    closes = (utcnow() + timedelta(hours=2)).astimezone(CHINA)
    secretary.select_option("select[name=org_id]", label="病理科党支部")
    secretary.fill("input[name=closes_at]", f"{closes:%Y-%m-%dT%H:%M}")
    secretary.click("button:has-text('开启')")
    assert secretary.is_visible("text=互评通知已发给 7 名党员")
    snap(secretary, "review-opened")

    phone = as_member(chromium.new_context(**PHONE), live, "t21-m1", "/m/reviews")
    phone.click("text=病理科党支部")
    phone.fill("textarea[name=self_assessment]", "坚持夜班后参加支部学习，带头完成病理报告提速任务。")
    phone.click("button:has-text('保存自评')")
    assert phone.is_visible("text=已保存个人自评")
    phone.click("text=去互评")
    assert phone.locator("text=评议甲").count() == 0  # no question about oneself
    for n in range(5):
        phone.locator("label:has(input[value=合格])").nth(n).click()
    _phone_snap(phone, "review-vote")
    phone.click("button:has-text('提交')")
    assert phone.is_visible("text=回执码") and phone.is_visible("text=个人自评和我的评议结果")

    review_id = _others_vote_and_the_ballot_closes(live, branch)
    secretary.goto(f"{live.base}/admin/reviews/{review_id}")
    snap(secretary, "review-proposal")
    _propose(secretary, excellent=("书记评", "评议甲", "评议乙"))
    assert secretary.is_visible("text=最多 2 人评为优秀，现为 3 人")
    snap(secretary, "review-cap")
    _propose(secretary, excellent=("评议甲", "评议乙"))
    assert secretary.is_visible("text=已提出评定意见")

    _assembly_held(live, branch)
    secretary.reload()
    secretary.fill("input[name=yes]", "5")
    secretary.click("button:has-text('记录评定结果')")
    assert secretary.is_visible("text=已记录支部党员大会的评定结果")
    assert (
        secretary.locator("button:has-text('上级党委确认评议结果')").count() == 0
    )  # not the branch's to confirm

    office = chromium.new_context(**CONSOLE).new_page()
    scan_in(office, live, "t21-office")
    office.goto(f"{live.base}/admin/reviews/{review_id}")
    office.click("button:has-text('上级党委确认评议结果')")
    assert office.is_visible("text=已确认评议结果")
    assert office.is_visible("text=等次分布：优秀 2 人，合格 4 人，基本合格 0 人，不合格 0 人")
    snap(office, "review-confirmed")

    phone.goto(f"{live.base}/m/reviews/{review_id}")
    assert phone.is_visible("text=评定等次") and phone.is_visible("text=优秀")
    _phone_snap(phone, "review-result")
