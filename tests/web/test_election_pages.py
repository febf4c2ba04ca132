"""换届选举 and 两优一先 in the console: the office picks a branch, is refused an election without
差额, sends one with enough candidates (its count on the ballot page after close), and reviews a
nomination the branch passed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from handlers import ballots
from models import Ballot, Nomination, NominationStatus, Person, Role
from models.base import CHINA, utcnow
from tests.helpers.pages import csrf, qr_login

pytestmark = pytest.mark.usefixtures("queues")


def test_the_office_runs_an_election_and_reviews_a_nomination(browser, hospital, db_session, make_member):
    cardio = hospital["cardio"]
    members = [make_member(branch=cardio) for _ in range(5)]
    db_session.commit()
    qr_login(browser, "office01")
    page = browser.get(f"/admin/elections?org_id={cardio.id}").get_data(as_text=True)
    assert "发起换届选举 · 心内科党支部" in page and "李护士" in page
    closes = f"{(utcnow() + timedelta(days=1)).astimezone(CHINA):%Y-%m-%dT%H:%M}"
    form = {
        "csrf_token": csrf(page),
        "org_id": str(cardio.id),
        "title": "支部委员会换届选举",
        "closes_at": closes,
    }
    candidates = [str(m.person.id) for m in members]
    refused = browser.post(
        "/admin/elections", data={**form, "seats": "3", "candidate": candidates[:3]}, follow_redirects=True
    ).get_data(as_text=True)
    assert "候选人应不少于 4 名" in refused
    sent = browser.post(
        "/admin/elections", data={**form, "seats": "3", "candidate": candidates[:4]}, follow_redirects=True
    ).get_data(as_text=True)
    assert "名有选举权的党员发出选票" in sent and "应选 3 名，候选人 4 名" in sent

    ballot = db_session.scalar(select(Ballot).where(Ballot.kind == "election"))
    voters = db_session.scalars(select(Person).where(Person.id.in_([m.person.id for m in members]))).all()
    for voter in voters:
        ballots.vote(db_session, voter, ballot.id, {"q1": "赞成", "q2": "赞成", "q3": "赞成", "q4": "不赞成"})
    db_session.execute(
        update(Ballot).where(Ballot.id == ballot.id).values(closes_at=utcnow() - timedelta(seconds=1))
    )
    db_session.commit()
    counted = browser.get(f"/admin/ballots/{ballot.id}").get_data(as_text=True)
    assert "投票 5 人，选举有效；当选：" in counted  # five of six is more than four fifths

    nomination = ballots.nominate(
        db_session, _actor(db_session, "sec01"), org_id=cardio.id, award="优秀共产党员",
        nominees=[(members[0].person.id, "危重症抢救带头")], closes_at=utcnow() + timedelta(days=1),
    )[0]  # fmt: skip
    nominated = db_session.get(Ballot, nomination.ballot_id)
    for voter in voters:
        ballots.vote(db_session, voter, nominated.id, {"q1": "同意"})
    db_session.execute(
        update(Ballot).where(Ballot.id == nominated.id).values(closes_at=utcnow() - timedelta(seconds=1))
    )
    db_session.commit()
    desk = browser.get("/admin/elections").get_data(as_text=True)
    assert "支部通过，待审核" in desk and "同意 5 / 投票 5" in desk
    browser.post(
        f"/admin/nominations/{nomination.id}/review",
        data={"csrf_token": csrf(desk), "decision": "accept", "note": ""},
    )
    db_session.expire_all()
    assert db_session.get(Nomination, nomination.id).status == NominationStatus.approved


def _actor(db_session, userid):
    from handlers.policy import load_actor

    return load_actor(db_session, db_session.scalar(select(Person).where(Person.wecom_userid == userid)))


def test_the_ballots_api_gives_an_elections_count_in_candidate_order(
    client, hospital, token, conforms, db_session, make_member
):
    cardio = hospital["cardio"]
    members = [make_member(branch=cardio) for _ in range(5)]
    election = ballots.create_election(
        db_session, _actor(db_session, "office01"), org_id=cardio.id, title="接口选举", seats=1,
        candidate_ids=[members[0].person.id, members[1].person.id], closes_at=utcnow() + timedelta(days=1),
    )  # fmt: skip
    for member in members:
        ballots.vote(db_session, member.person, election.id, {"q1": "不赞成", "q2": "赞成"})
    office = token(Role.committee_office)
    listing = client.get("/api/v1/ballots", headers=office).get_json()
    conforms("/ballots", 200, listing)
    assert [(b["kind"], b["seats"], b["answered"]) for b in listing["items"]] == [("election", 1, 5)]
    db_session.execute(
        update(Ballot).where(Ballot.id == election.id).values(closes_at=utcnow() - timedelta(seconds=1))
    )
    db_session.flush()
    one = client.get(f"/api/v1/ballots/{election.id}", headers=office).get_json()
    conforms("/ballots/{ballot_id}", 200, one)
    assert one["questions"][0]["subject_id"] == str(members[0].person.id)
    assert [(c["votes"], c["elected"]) for c in one["outcome"]["candidates"]] == [(0, False), (5, True)]
    assert one["outcome"]["valid"] and "当选" in one["outcome"]["text"]
