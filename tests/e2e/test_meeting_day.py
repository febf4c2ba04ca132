"""Issue 5's Done-when, end to end in Chromium against the live app and its WeCom emulator.

A secretary plans a 主题党日 with two sessions in the console; members get the cards in the
emulator's chat; one asks leave and the secretary approves it with one tap; one checks in on
the card and one by the rotating QR code on the room screen; a screenshot of an old code is
refused; the secretary confirms the roster and signs the minutes; the committee office sees
this month's 主题党日 done in the compliance calendar.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from handlers import orgs, people
from handlers.meetings import qr_token
from handlers.policy import Actor
from models import Campus, Meeting, MeetingSession, OrgKind, PartyOrg, Role, RoleGrant, Venue
from tests.helpers.browser import CHROMIUM, CONSOLE, as_member, chat, deliver, scan_in, snap

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is installed by .ci/run")
CHINA = timezone(timedelta(hours=8))


@pytest.fixture(scope="module")
def branch(live):
    app = live.flask_app
    cli = Actor.cli("测试")
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        committee = session.scalar(select(PartyOrg).where(PartyOrg.code == "E2EM"))
        if committee is None:
            committee = PartyOrg(kind=OrgKind.committee, code="E2EM", name="会议测试党委")
            committee.set_parent(None)
            session.add(committee)
        org = PartyOrg(kind=OrgKind.branch, code="E2E05", name="急诊科党支部")
        org.set_parent(committee)
        campus = Campus(code="E2EC", name="急诊院区")
        session.add_all([org, campus])
        session.flush()
        session.add(Venue(campus_id=campus.id, name="急诊楼示教室"))
        members = {}
        for userid, name in (
            ("e5-sec", "书记韩"),
            ("e5-a", "护士甲"),
            ("e5-b", "护士乙"),
            ("e5-c", "医生丙"),
        ):
            person = people.create_person(session, cli, wecom_userid=userid, name=name)
            members[userid] = people.enrol_member(session, cli, person=person, branch=org, status="full")
        office = people.create_person(session, cli, wecom_userid="e5-office", name="组织部冯")
        session.add(RoleGrant(person_id=members["e5-sec"].person_id, role=Role.secretary, org_id=org.id))
        session.add(RoleGrant(person_id=office.id, role=Role.committee_office, org_id=None))
        session.flush()
        orgs.appoint(
            session,
            cli,
            org_id=org.id,
            member_id=members["e5-sec"].id,
            post="secretary",
            elected_on=datetime.now(CHINA).date(),
        )
        org_id = str(org.id)
    from cli.demo import load_emulator_directory

    with app.app_context():
        load_emulator_directory(app)  # WeCom's directory now has these staff too
    return {"org_id": org_id}


def test_a_theme_day_from_planning_to_done(live, branch, chromium):  # noqa: F811
    app = live.flask_app
    context = chromium.new_context()
    page = context.new_page()

    # 1. The secretary plans a 主题党日 with an A session soon and a B session for the night shift.
    scan_in(page, live, "e5-sec")
    page.goto(f"{live.base}/admin/meetings/new")
    start = (datetime.now(CHINA) + timedelta(minutes=12)).replace(second=0, microsecond=0)
    later = start + timedelta(hours=3)
    if (later + timedelta(hours=1)).date() != later.date():  # a session is one day's: after 20:00, tomorrow
        later = (start + timedelta(days=1)).replace(hour=9, minute=0)
    page.select_option("select[name=org_id]", branch["org_id"])
    page.check("input[name=kinds][value=theme_day]")
    page.fill("input[name=topic]", "学习贯彻全会精神主题党日")
    page.select_option("select[name=venue_mode]", "onsite")
    page.select_option("select[name=venue_id]", label="急诊院区 · 急诊楼示教室")
    for row, moment in ((0, start), (1, later)):
        # A session ends the day it starts: after 23:00 Beijing the soon one is cut at 23:59.
        end = min(moment + timedelta(hours=1), moment.replace(hour=23, minute=59))
        page.fill(f"input[name=s{row}_date]", moment.strftime("%Y-%m-%d"))
        page.fill(f"input[name=s{row}_start]", moment.strftime("%H:%M"))
        page.fill(f"input[name=s{row}_end]", end.strftime("%H:%M"))
    page.click("text=安排并通知党员")
    assert page.is_visible("text=参会名单（4 人")
    snap(page, "meeting-planned")
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        meeting = session.scalar(select(Meeting).where(Meeting.topic == "学习贯彻全会精神主题党日"))
        meeting_id, session_a = meeting.id, meeting.sessions[0].id
    deliver(live)

    # 2. 护士甲 picks the A session on the card, then checks in on the 签到 card.
    chat(page, live, "e5-a")
    page.click("button:has-text('参加A场')")
    assert page.is_visible("button.done:has-text('已报名A场')")
    deliver(live)
    chat(page, live, "e5-a")
    page.click("button:has-text('签到')")
    page.wait_for_selector("button.done:has-text('已签到')", timeout=10_000)
    snap(page, "emulator-card-checkin")

    # 3. 护士乙 asks leave from the card's 请假 link; the secretary approves with one tap.
    leave_page = as_member(context, live, "e5-b", f"/m/meetings/{meeting_id}/leave")
    leave_page.fill("textarea[name=reason]", "连续夜班后补休")
    leave_page.click("text=提交请假")
    assert leave_page.is_visible("text=请假申请已提交")
    deliver(live)
    chat(page, live, "e5-sec")
    page.click("button:has-text('同意')")
    assert page.is_visible("button.done:has-text('已同意')")
    deliver(live)
    chat(page, live, "e5-b")
    assert page.is_visible("text=请假：已同意") and page.is_visible("button.done:has-text('已请假')")
    snap(page, "emulator-leave-approved")

    # 4. 医生丙 scans the room screen's rotating QR code; an old screenshot is refused.
    screen = as_member(context, live, "e5-sec", f"/m/meetings/{meeting_id}/qr")
    assert screen.is_visible("svg")
    snap(screen, "room-qr-screen")
    feed = screen.request.get(f"{live.base}/m/meetings/{meeting_id}/qr.json").json()
    phone = as_member(context, live, "e5-c", feed["url"].removeprefix(live.base))
    phone.click("text=确认签到")
    assert phone.is_visible("text=签到成功")
    slot = qr_token.slot_of(datetime.now(UTC)) - 4
    old = qr_token.token_for(app.config["SECRET_KEY"], session_a, slot)
    phone.goto(f"{live.base}/m/checkin/{old}")
    assert phone.is_visible("text=二维码已过期")
    snap(phone, "old-qr-refused")
    # The room screen and 医生丙's phone are other devices: pages of this one browser context share
    # its login cookie, and a screen still polling could log in again underneath the next page.
    screen.close()
    phone.close()

    # 5. The meeting has taken place; the secretary confirms the roster and signs the minutes.
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        session.execute(
            update(MeetingSession)
            .where(MeetingSession.id == session_a)
            .values(starts_at=datetime.now(UTC) - timedelta(minutes=50))
        )
    roster = as_member(context, live, "e5-sec", f"/m/meetings/{meeting_id}/roster")
    roster.click(".action-cell:has-text('书记韩') >> text=标为到会")
    assert roster.is_visible(".action-cell:has-text('书记韩') >> text=主持人确认")
    snap(roster, "roster-confirmed")
    roster.goto(f"{live.base}/m/meetings/{meeting_id}/minutes")
    roster.fill("textarea[name=minutes]", "一、集中学习全会精神。\n二、交流讨论。")
    roster.click("button:has-text('签署并锁定')")
    assert roster.is_visible("text=会议记录已签署并锁定")

    # 6. The committee office sees this month's 主题党日 done.
    office = chromium.new_context(**CONSOLE).new_page()  # another person's computer
    scan_in(office, live, "e5-office")
    office.goto(f"{live.base}/admin/compliance/{branch['org_id']}")
    month = f"{datetime.now(CHINA).month}月"
    assert office.is_visible(f"tr:has-text('主题党日') >> td.status-done:has-text('{month}')")
    snap(office, "compliance-done")
    office.goto(f"{live.base}/admin/compliance")  # the hospital's rates per 总支 and per month
    office.wait_for_selector(".chart--drawn svg")
    assert office.is_visible("text=各月完成率")
    snap(office, "compliance")
    office.context.close()
    context.close()
