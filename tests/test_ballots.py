"""The ballot engine through a 问卷: one vote each, answers apart from the voters, a receipt only
the voter holds, nothing before close, no breakdown below the minimum — and a reading of every
column of the two tables that finds nothing joining a submission to a voter."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, inspect, select, update

from handlers import ballots
from handlers.errors import Conflict, Forbidden, NotFound, ValidationFailed
from models import Ballot, BallotSubmission, BallotVoter, OrgKind, OutboundMessage, Role
from models.base import utcnow

QUESTIONS = """单选：本季度主题党日的形式是否满意｜满意｜基本满意｜不满意
多选2：希望增加哪些学习形式｜现场教学｜微党课｜读书会
问答：其他意见"""


@pytest.fixture
def branch(make_org, make_member, make_actor):
    committee = make_org(OrgKind.committee)
    org = make_org(OrgKind.branch, parent=committee, name="康复医学科党支部")
    members = [make_member(branch=org) for _ in range(6)]
    return {
        "org": org,
        "members": members,
        "secretary": make_actor(Role.secretary, org),
        "office": make_actor(Role.committee_office, None),
        "outsider": make_member(branch=(other := make_org(OrgKind.branch, parent=committee))),
        "stranger": make_actor(Role.secretary, other),
    }


def _survey(db_session, branch, anonymous=True):
    return ballots.create_survey(
        db_session,
        branch["secretary"],
        title="主题党日满意度",
        description="请如实填写。",
        org_id=branch["org"].id,
        anonymous=anonymous,
        closes_at=utcnow() + timedelta(days=3),
        questions=QUESTIONS,
    )


def _close(db_session, ballot):
    db_session.execute(
        update(Ballot).where(Ballot.id == ballot.id).values(closes_at=utcnow() - timedelta(seconds=1))
    )
    db_session.expire(ballot)


def test_one_vote_each_with_a_receipt_and_results_only_after_close(db_session, branch):
    survey = _survey(db_session, branch)
    assert survey.electorate == 6
    assert db_session.scalar(select(func.count()).where(OutboundMessage.kind == "ballot")) == 1
    codes = []
    for n, member in enumerate(branch["members"][:5]):
        answers = {"q1": "满意" if n < 4 else "不满意", "q2": ["微党课", "读书会"] if n % 2 else ["现场教学"]}
        if n < 2:
            answers["q3"] = f"建议{n}"
        codes.append(ballots.vote(db_session, member.person, survey.id, answers))
    first = branch["members"][0].person
    with pytest.raises(Conflict, match="每人只能投一次"):
        ballots.vote(db_session, first, survey.id, {"q1": "满意", "q2": ["微党课"]})
    with pytest.raises(NotFound):  # not in the electorate: no such ballot for them
        ballots.vote(db_session, branch["outsider"].person, survey.id, {"q1": "满意", "q2": ["微党课"]})
    assert db_session.scalar(select(func.count()).where(BallotSubmission.ballot_id == survey.id)) == 5
    assert ballots.counted(db_session, first, survey.id, codes[0])
    assert not ballots.counted(db_session, first, survey.id, "000000000000")
    _ballot, answered, results = ballots.followed(db_session, branch["secretary"], survey.id)
    assert (answered, results) == (5, None)  # nothing before close
    with pytest.raises(Conflict, match="截止后"):
        ballots.tally(db_session, survey)

    _close(db_session, survey)
    with pytest.raises(Conflict, match="已截止"):
        ballots.vote(db_session, branch["members"][5].person, survey.id, {"q1": "满意", "q2": ["微党课"]})
    assert ballots.close_due(db_session) == 1
    q1, q2, q3 = survey.results
    assert q1["counts"] == [["满意", 4], ["基本满意", 0], ["不满意", 1]]
    assert q2["counts"] == [["现场教学", 3], ["微党课", 2], ["读书会", 2]]
    assert (q3["answers"], q3["shown"], "texts" in q3) == (2, False, False)  # 2 < 5: no breakdown
    assert ballots.close_due(db_session) == 0  # tallied once
    # Resealed under new keys in a random order: the receipts still prove each vote counted.
    assert all(
        ballots.counted(db_session, m.person, survey.id, c)
        for m, c in zip(branch["members"][:5], codes, strict=True)
    )
    assert ballots.open_for(db_session, first, survey.id)[1] is True


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"q2": ["微党课"]}, "请回答第1题"),
        ({"q1": ["满意", "不满意"], "q2": ["微党课"]}, "第1题的选项无效|只能选一项"),
        ({"q1": "非常满意", "q2": ["微党课"]}, "第1题的选项无效"),
        ({"q1": "满意", "q2": ["微党课", "读书会", "现场教学"]}, "最多选 2 项"),
        ({"q1": "满意", "q2": ["微党课", "微党课"]}, "第2题的选项无效"),
        ({"q1": "满意", "q2": ["微党课"], "q3": "长" * 501}, "最多 500 字"),
    ],
)
def test_a_bad_ballot_is_refused_and_the_voter_may_still_vote(db_session, branch, answers, message):
    survey = _survey(db_session, branch)
    voter = branch["members"][0].person
    with pytest.raises(ValidationFailed, match=message):
        ballots.vote(db_session, voter, survey.id, answers)
    assert db_session.scalar(select(func.count()).where(BallotSubmission.ballot_id == survey.id)) == 0
    assert ballots.open_for(db_session, voter, survey.id)[1] is False
    ballots.vote(db_session, voter, survey.id, {"q1": "满意", "q2": ["微党课"]})


def test_a_reader_of_every_column_cannot_join_a_submission_to_its_voter(db_session, branch):
    survey = _survey(db_session, branch)
    for member in branch["members"]:
        ballots.vote(db_session, member.person, survey.id, {"q1": "满意", "q2": ["微党课"], "q3": "无"})
    columns = {c["name"] for c in inspect(db_session.get_bind()).get_columns("ballot_submission")}
    assert columns == {"id", "ballot_id", "answers", "receipt_hash", "person_id", "sealed"}  # no time
    voter_columns = {c["name"] for c in inspect(db_session.get_bind()).get_columns("ballot_voter")}
    assert voter_columns == {"id", "ballot_id", "person_id", "voted"}  # no time, no choice
    identities = set()
    for member in branch["members"]:
        person = member.person
        identities |= {str(person.id), person.wecom_userid, person.name, str(member.id)}
    voter_ids = {
        str(i) for i in db_session.scalars(select(BallotVoter.id).where(BallotVoter.ballot_id == survey.id))
    }
    for row in db_session.execute(
        select(BallotSubmission).where(BallotSubmission.ballot_id == survey.id)
    ).scalars():
        values = {str(row.id), str(row.receipt_hash), str(row.answers), str(row.person_id)}
        assert not values & (identities | voter_ids) and row.person_id is None
    # A named survey says so, and only then carries the person.
    named = _survey(db_session, branch, anonymous=False)
    ballots.vote(db_session, branch["members"][0].person, named.id, {"q1": "满意", "q2": ["微党课"]})
    assert db_session.scalar(select(BallotSubmission.person_id).where(BallotSubmission.ballot_id == named.id))


def test_who_may_open_a_survey_and_for_whom(db_session, branch):
    with pytest.raises(Forbidden, match="全院的问卷由党委组织部"):
        ballots.create_survey(
            db_session,
            branch["secretary"],
            title="全院问卷",
            description="",
            org_id=None,
            anonymous=True,
            closes_at=utcnow() + timedelta(days=1),
            questions=QUESTIONS,
        )
    for questions, message in (
        ("", "请填写问题"),
        ("判断：对不对", "第 1 行无法识别"),
        ("单选：只有一个选项｜是", "2–10 个不重复"),
        ("多选9：题目｜甲｜乙", "最多可选的项数"),
    ):
        with pytest.raises(ValidationFailed, match=message):
            ballots.parse_questions(questions)
    with pytest.raises(ValidationFailed, match="截止时间"):
        ballots.create_survey(
            db_session,
            branch["office"],
            title="过去",
            description="",
            org_id=None,
            anonymous=True,
            closes_at=utcnow() - timedelta(hours=1),
            questions=QUESTIONS,
        )
    survey = _survey(db_session, branch)
    with pytest.raises(NotFound):  # another branch's survey is not there for its secretary
        ballots.followed(db_session, branch["stranger"], survey.id)
    assert ballots.followed(db_session, branch["office"], survey.id)[1] == 0


def test_a_survey_goes_to_the_committee_or_a_hand_picked_list_within_its_scope(db_session, branch):
    from datetime import date

    from models import CommitteePost, CommitteeSeat

    seated = branch["members"][:2]
    for member, post in zip(seated, (CommitteePost.secretary, CommitteePost.organization), strict=True):
        seat = CommitteeSeat(
            org_id=branch["org"].id, member_id=member.id, post=post, elected_on=date(2024, 1, 1)
        )
        seat.recorded_by = "测试"
        db_session.add(seat)
    db_session.flush()

    def survey(**electorate):
        return ballots.create_survey(
            db_session, branch["secretary"], title="支委会意见", description="", org_id=branch["org"].id,
            anonymous=True, closes_at=utcnow() + timedelta(days=1), questions=QUESTIONS, **electorate,
        )  # fmt: skip

    assert survey(electorate="committee").electorate == 2
    picked = [m.person.wecom_userid for m in branch["members"][2:5]]
    assert survey(electorate="listed", userids="\n".join(picked + picked[:1])).electorate == 3
    outsider = branch["outsider"].person.wecom_userid
    with pytest.raises(ValidationFailed, match=f"不是所选范围内的党员：{outsider}"):
        survey(electorate="listed", userids=f"{picked[0]}，{outsider}")
    with pytest.raises(ValidationFailed, match="企业微信账号"):
        survey(electorate="listed", userids="  ")
