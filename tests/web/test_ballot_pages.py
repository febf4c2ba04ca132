"""问卷 in the console and on the phone: the office opens one to a branch, a member answers on the
phone (told first that it is secret), sees their receipt once, cannot answer twice, checks the
receipt, and the results show only after close."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from models import Ballot
from models.base import CHINA, utcnow
from tests.helpers.pages import csrf, login, qr_login

pytestmark = pytest.mark.usefixtures("queues")


def test_a_survey_from_the_console_answered_on_the_phone(browser, hospital, db_session):
    qr_login(browser, "office01")
    page = browser.get("/admin/ballots").get_data(as_text=True)
    assert "全院党员" in page and "心内科党支部" in page
    closes = (utcnow() + timedelta(days=2)).astimezone(CHINA).strftime("%Y-%m-%dT%H:%M")
    made = browser.post(
        "/admin/ballots",
        data={
            "csrf_token": csrf(page),
            "title": "学习形式调查",
            "org_id": str(hospital["cardio"].id),
            "anonymous": "anonymous",
            "closes_at": closes,
            "questions": "单选：您更喜欢哪种形式｜现场教学｜微党课\n问答：其他建议",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "已发给" in made and "0 / " in made
    refused = browser.post(
        "/admin/ballots",
        data={"csrf_token": csrf(page), "title": "坏问卷", "closes_at": closes, "questions": "判断：对吗"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "第 1 行无法识别" in refused
    ballot = db_session.scalar(select(Ballot).where(Ballot.title == "学习形式调查"))

    phone = browser.application.test_client()
    form = login(phone, "nurse01", f"/m/ballots/{ballot.id}").get_data(as_text=True)
    assert "不记名" in form and "任何人（包括管理员）都无法" in form
    voted = phone.post(
        f"/m/ballots/{ballot.id}", data={"csrf_token": csrf(form), "q1": "微党课", "q2": "多一些案例"}
    ).get_data(as_text=True)
    assert "回执码" in voted and "只显示这一次" in voted
    code = voted.split("回执码</p>")[1].split('weui-cell__ft">')[1].split("<")[0].strip()
    assert len(code) == 12 and code.isdigit()
    again = phone.post(
        f"/m/ballots/{ballot.id}", data={"csrf_token": csrf(form), "q1": "现场教学"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "每人只能投一次" in again
    checked = phone.post(
        f"/m/ballots/{ballot.id}/check", data={"csrf_token": csrf(again), "code": code}, follow_redirects=True
    ).get_data(as_text=True)
    assert "您的选票已计入" in checked
    assert "学习形式调查" in phone.get("/m/ballots").get_data(as_text=True)
    # Another branch's member is not asked: the survey is not there for them.
    surgeon = browser.application.test_client()
    assert login(surgeon, "surgeon01", f"/m/ballots/{ballot.id}").status_code == 404

    db_session.execute(
        update(Ballot).where(Ballot.id == ballot.id).values(closes_at=utcnow() - timedelta(minutes=1))
    )
    db_session.commit()
    results = browser.get(f"/admin/ballots/{ballot.id}").get_data(as_text=True)
    assert "1 人作答" in results and "不显示分布" in results  # one answer: below the minimum of 5


def test_the_ballots_api_gives_turnout_and_results_only_after_close(
    client, hospital, token, conforms, db_session, make_actor, make_member
):
    from handlers import ballots
    from models import Role

    survey = ballots.create_survey(
        db_session,
        make_actor(Role.committee_office, None),
        title="接口问卷",
        description="",
        org_id=hospital["cardio"].id,
        anonymous=True,
        closes_at=utcnow() + timedelta(days=1),
        questions="单选：是否满意｜满意｜不满意",
    )
    voters = [make_member(branch=hospital["cardio"]).person for _ in range(5)]
    # The electorate was fixed when it opened: members added afterwards are not asked.
    assert survey.electorate == 1
    ballots.vote(db_session, hospital["nurse"].person, survey.id, {"q1": "满意"})
    office = token(Role.committee_office)
    listing = client.get("/api/v1/ballots", headers=office)
    conforms("/ballots", 200, listing.get_json())
    assert [(b["title"], b["answered"]) for b in listing.get_json()["items"]] == [("接口问卷", 1)]
    one = client.get(f"/api/v1/ballots/{survey.id}", headers=office).get_json()
    conforms("/ballots/{ballot_id}", 200, one)
    assert one["results"] is None and one["questions"][0]["options"] == ["满意", "不满意"]
    db_session.execute(
        update(Ballot).where(Ballot.id == survey.id).values(closes_at=utcnow() - timedelta(minutes=1))
    )
    db_session.flush()
    closed = client.get(f"/api/v1/ballots/{survey.id}", headers=office).get_json()
    conforms("/ballots/{ballot_id}", 200, closed)
    assert closed["results"][0]["shown"] is False and "counts" not in closed["results"][0]
    assert (
        client.get("/api/v1/ballots/00000000-0000-0000-0000-000000000000", headers=office).status_code == 404
    )
    assert voters  # (they exist, and were not asked)
