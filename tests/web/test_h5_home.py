"""The member's home page and 我的 show what the database holds (issue 17): this year's hours by
source, the next meeting with its answer, the to-dos; and 我的 lists each meeting's real outcome."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest

from handlers import learning, meetings, my_year, workbench
from handlers.meetings import SessionPlan
from models import Attendance, CheckInMethod, OrgKind, Role, TrainingAttendance, TrainingDay
from models.base import CHINA, local_today, utcnow
from tests.helpers.pages import login

pytestmark = pytest.mark.usefixtures("queues")


@pytest.fixture
def ward(db_session, make_org, make_member, make_actor, make_person):
    branch = make_org(OrgKind.branch, name="麻醉科党支部")
    host = make_member(branch=branch, person=make_person(wecom_userid="hm-sec", name="书记甲"))
    nurse = make_member(branch=branch, person=make_person(wecom_userid="hm-nurse", name="护士乙"))
    secretary = make_actor(Role.secretary, branch, person=host.person)
    training = TrainingDay(title="党务培训", held_on=local_today(), hours=Decimal("4.0"), created_by="组织部")
    db_session.add(training)
    db_session.flush()
    db_session.add(TrainingAttendance(training_id=training.id, member_id=nurse.id))

    def plan(topic, start):
        return meetings.plan_meeting(
            db_session,
            secretary,
            org_id=branch.id,
            kinds=["theme_day"],
            topic=topic,
            agenda="",
            venue_mode="online",
            online_room="会议号 1",
            sessions=[SessionPlan("A场", start, start + timedelta(hours=1))],
            now=start - timedelta(days=3),
        )

    now = utcnow()
    soon = plan("十二月主题党日", now + timedelta(days=2))
    attended = plan("十一月主题党日", now - timedelta(days=20))
    missed = plan("十月主题党日", now - timedelta(days=50))
    db_session.add(
        Attendance(
            meeting_id=attended.id,
            session_id=attended.sessions[0].id,
            member_id=nurse.id,
            method=CheckInMethod.qr,
            checked_in_at=attended.sessions[0].starts_at,
        )
    )
    db_session.commit()
    return {"nurse": nurse, "soon": soon, "attended": attended, "missed": missed}


def test_home_figures_are_the_databases(app, emulator, db_session, ward):
    person = ward["nurse"].person
    page = login(app.test_client(), "hm-nurse", "/m/").get_data(as_text=True)
    hours = learning.hours_this_year(db_session, person)
    assert hours.training == Decimal("4.0") and hours.total == Decimal("4.0")
    assert f"本年已学 {learning.format_hours(hours.total)} 学时" in page
    assert f"距年度要求还差 {learning.format_hours(hours.remaining)} 学时" in page
    assert "<td>集中培训</td><td>4</td>" in page  # the ring's figures, as a table
    upcoming = my_year.next_meeting(db_session, person)
    assert upcoming.meeting.id == ward["soon"].id and upcoming.label in page
    assert "十二月主题党日" in page and "十一月主题党日" not in page  # the next one only
    todos = workbench.todos_for(db_session, person)
    assert todos and all(t.title in page for t in todos)
    assert "参加" in page and "请假" in page  # answered in place


def test_mine_lists_each_meetings_real_outcome_newest_first(app, emulator, db_session, ward):
    page = login(app.test_client(), "hm-nurse", "/m/mine").get_data(as_text=True)
    order = [m.start() for m in re.finditer("十二月主题党日|十一月主题党日|十月主题党日", page)]
    assert order == sorted(order) and len(order) == 3
    shown = re.findall(r'outcome outcome_(\w+)">([^<]+)<', page)
    assert shown == [("pending", "待回复"), ("attended", "已签到"), ("absent", "缺席")]
    assert "集中培训" in page and "4 学时" in page
    past = login(app.test_client(), "hm-nurse", f"/m/meetings/{ward['missed'].id}").get_data(as_text=True)
    assert "缺席" in past and "参加" not in past  # a past meeting shows its outcome, no answer buttons


def test_the_secretarys_branch_page_shows_the_branchs_figures_never_a_persons(
    app, emulator, db_session, ward, make_org, make_member, make_actor, make_person
):
    # The small ward (2 people): its size, the meetings against their targets, nothing broken down.
    small = login(app.test_client(), "hm-sec", "/m/branch").get_data(as_text=True)
    assert "麻醉科党支部" in small and "2 人" in small and "不足 5 人" in small and "各月到会率" not in small
    assert "<td>主题党日</td>" in small  # the year's statutory meetings, as a table behind the chart
    assert "本支部" in login(app.test_client(), "hm-sec", "/m/mine").get_data(as_text=True)
    assert "本支部" not in login(app.test_client(), "hm-nurse", "/m/mine").get_data(as_text=True)
    assert login(app.test_client(), "hm-nurse", "/m/branch").status_code == 404
    # A branch of six: attendance per month over everyone invited (3 of 6 came: 50%).
    branch = make_org(OrgKind.branch, name="急诊科党支部")
    crew = [
        make_member(branch=branch, person=make_person(wecom_userid=f"er-{i}", name=f"急诊{i}"))
        for i in range(6)
    ]
    secretary = make_actor(Role.secretary, branch, person=crew[0].person)
    start = utcnow() - timedelta(days=1)
    held = meetings.plan_meeting(
        db_session,
        secretary,
        org_id=branch.id,
        kinds=["party_lecture"],
        topic="急诊科党课",
        agenda="",
        venue_mode="online",
        online_room="会议号 2",
        sessions=[SessionPlan("A场", start, start + timedelta(hours=1))],
        now=start - timedelta(days=3),
    )
    for member in crew[:3]:
        db_session.add(
            Attendance(
                meeting_id=held.id,
                session_id=held.sessions[0].id,
                member_id=member.id,
                method=CheckInMethod.qr,
                checked_in_at=start,
            )
        )
    db_session.commit()
    page = login(app.test_client(), "er-0", "/m/branch").get_data(as_text=True)
    month = f"{start.astimezone(CHINA).month}月"
    assert "各月到会率" in page and f"<td>{month}</td><td>3</td><td>6</td><td>50%</td>" in page
    assert "学时已达年度要求" in page and "0 / 6 人" in page
    assert "急诊1" not in page  # no names: figures for the branch only
