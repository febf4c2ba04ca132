"""谈心谈话 in the console: the secretary sees the branch's matrix, records a talk, explains a gap,
and signs the 组织生活会 off as prepared only once nothing is left."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from handlers import meetings
from handlers.meetings import SessionPlan
from handlers.policy import load_actor
from models import Person
from models.base import local_today, utcnow
from tests.helpers.pages import csrf, qr_login

pytestmark = pytest.mark.usefixtures("queues")


def test_the_secretary_keeps_the_talk_plan_and_prepares_the_org_life_meeting(
    browser, hospital, db_session, make_member
):
    cardio = hospital["cardio"]
    secretary = db_session.scalar(select(Person).where(Person.wecom_userid == "sec01"))
    make_member(branch=cardio, person=secretary)
    start = utcnow() + timedelta(days=5)
    meeting = meetings.plan_meeting(
        db_session,
        load_actor(db_session, secretary),
        org_id=cardio.id,
        kinds=["org_life_meeting"],
        topic="年度组织生活会",
        agenda="",
        venue_mode="online",
        online_room="会议号 3",
        sessions=[SessionPlan("全体", start, start + timedelta(hours=2))],
    )
    db_session.commit()
    qr_login(browser, "sec01")
    page = browser.get(f"/admin/meetings/{meeting.id}").get_data(as_text=True)
    assert "会前谈心谈话" in page and "尚未谈 1 对" in page
    refused = browser.post(
        f"/admin/meetings/{meeting.id}/prepare", data={"csrf_token": csrf(page)}, follow_redirects=True
    ).get_data(as_text=True)
    assert "还有 1 对未谈" in refused
    plan = browser.get(f"/admin/talks/{cardio.id}").get_data(as_text=True)
    assert "李护士" in plan and "未谈" in plan
    nurse = hospital["nurse"].person
    recorded = browser.post(
        f"/admin/talks/{cardio.id}/record",
        data={
            "csrf_token": csrf(plan),
            "first_id": str(secretary.id),
            "second_id": str(nurse.id),
            "held_on": f"{local_today():%Y-%m-%d}",
            "note": "谈夜班后的学习安排",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "已记录谈心谈话" in recorded and "谈夜班后的学习安排" in recorded and "尚未谈话" not in recorded
    prepared = browser.post(
        f"/admin/meetings/{meeting.id}/prepare", data={"csrf_token": csrf(page)}, follow_redirects=True
    ).get_data(as_text=True)
    assert "已确认组织生活会准备就绪" in prepared
    office = browser.application.test_client()
    qr_login(office, "office01")
    seen = office.get(f"/admin/talks/{cardio.id}").get_data(as_text=True)
    assert "已谈 1 对" in seen and "谈夜班后的学习安排" not in seen  # the office sees counts, not notes


def test_a_committee_member_records_their_own_talk_on_the_phone(browser, hospital, db_session, make_member):
    from datetime import date

    from models import CommitteePost, CommitteeSeat, Talk
    from tests.helpers.pages import login

    cardio = hospital["cardio"]
    committee_member = make_member(
        branch=cardio, person=db_session.scalar(select(Person).where(Person.wecom_userid == "sec01"))
    )
    db_session.add(
        CommitteeSeat(
            org_id=cardio.id, member_id=committee_member.id, post=CommitteePost.publicity,
            elected_on=date(2024, 1, 1), recorded_by="测试",
        )
    )  # fmt: skip
    db_session.commit()
    phone = browser.application.test_client()
    mine = login(phone, "sec01", "/m/mine").get_data(as_text=True)
    assert "谈心谈话" in mine
    page = phone.get("/m/talks").get_data(as_text=True)
    assert "李护士" in page and "待谈" in page
    done = phone.post(
        f"/m/talks/{cardio.id}",
        data={
            "csrf_token": csrf(page),
            "other_id": str(hospital["nurse"].person.id),
            "held_on": f"{local_today():%Y-%m-%d}",
            "note": "谈科室带教",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "已记录谈心谈话" in done and "本年度应谈的都已谈过" in done
    assert db_session.scalar(select(Talk.recorded_by).where(Talk.org_id == cardio.id)) == "书记乙"
    nurse_phone = browser.application.test_client()
    assert "谈心谈话" not in login(nurse_phone, "nurse01", "/m/mine").get_data(as_text=True)


def test_the_talks_api_gives_counts_and_pairs_never_notes(
    client, hospital, token, conforms, db_session, make_member
):
    from handlers import talks
    from models import Role

    cardio = hospital["cardio"]
    secretary = db_session.scalar(select(Person).where(Person.wecom_userid == "sec01"))
    make_member(branch=cardio, person=secretary)
    talks.record(
        db_session, load_actor(db_session, secretary), org_id=cardio.id, first_id=secretary.id,
        second_id=hospital["nurse"].person.id, held_on=local_today(), note="机密的谈话要点",
    )  # fmt: skip
    office = token(Role.committee_office)
    listing = client.get("/api/v1/talks", headers=office)
    conforms("/talks", 200, listing.get_json())
    mine = next(i for i in listing.get_json()["items"] if i["org_id"] == str(cardio.id))
    assert (mine["required"], mine["done"], mine["gaps"]) == (1, 1, 0)
    one = client.get(f"/api/v1/talks/{cardio.id}", headers=office)
    conforms("/talks/{org_id}", 200, one.get_json())
    ((pair_of),) = one.get_json()["pairs"]
    assert {pair_of["first"], pair_of["second"]} == {"书记乙", "李护士"} and pair_of["state"] == "done"
    assert "机密的谈话要点" not in one.get_data(as_text=True)
    assert client.get("/api/v1/talks?year=1999", headers=office).status_code == 422
