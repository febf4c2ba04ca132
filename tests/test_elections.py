"""换届 elections and 两优一先 nominations on the ballot engine: 差额 candidates by the rule's
margin, a ballot marking more 赞成 than seats refused before it is cast, the count (valid by
turnout, elected by more than half of those who voted, a tie for the last seat put to a further
vote), and a branch's secret vote on its nominees passing them to the office for review."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from handlers import ballots
from handlers.errors import Conflict, NotFound, ValidationFailed
from models import Ballot, MemberStatus, NominationStatus, OrgKind, Role
from models.base import utcnow


@pytest.fixture
def branch(db_session, make_org, make_member, make_person, make_actor):
    org = make_org(OrgKind.branch, name="换届测试党支部")
    members = [make_member(branch=org, person=make_person(name=f"候选{n}")) for n in range(8)]
    make_member(branch=org, status=MemberStatus.probationary)  # no vote in an election
    return {
        "org": org,
        "people": [m.person for m in members],
        "actor": make_actor(Role.secretary, org, person=members[0].person),
        "office": make_actor(Role.committee_office),
    }


def _close_and_tally(db_session, ballot):
    db_session.execute(
        update(Ballot).where(Ballot.id == ballot.id).values(closes_at=utcnow() - timedelta(seconds=1))
    )
    db_session.expire_all()
    ballot = db_session.get(Ballot, ballot.id)
    ballots.tally(db_session, ballot)
    return ballot


def _election(db_session, branch, candidates, seats=3):
    return ballots.create_election(
        db_session, branch["actor"], org_id=branch["org"].id, title="支部委员会换届选举", seats=seats,
        candidate_ids=[p.id for p in candidates], closes_at=utcnow() + timedelta(days=1),
    )  # fmt: skip


def _marks(ballot, yes_positions):
    return {f"q{q.position}": "赞成" if q.position in yes_positions else "不赞成" for q in ballot.questions}


def test_an_election_needs_more_candidates_than_seats_and_counts_by_the_rules(db_session, branch):
    people = branch["people"]
    with pytest.raises(ValidationFailed, match="候选人应不少于 4 名"):
        _election(db_session, branch, people[:3])
    ballot = _election(db_session, branch, people[:4])
    assert ballot.electorate == 8 and ballot.seats == 3  # the 预备党员 has no vote
    with pytest.raises(ValidationFailed, match="不能多于应选的 3 名"):
        ballots.vote(db_session, people[0], ballot.id, _marks(ballot, {1, 2, 3, 4}))
    # Seven of eight vote: 候选0 gets 7, 候选1 6, and 候选2 and 候选3 4 each — both over half of 7,
    # tied for the last seat.
    marks = [{1, 2, 3}, {1, 2, 3}, {1, 2, 3}, {1, 3, 4}, {1, 2, 4}, {1, 2, 4}, {1, 2, 4}]
    for voter, chosen in zip(people[:7], marks, strict=True):
        ballots.vote(db_session, voter, ballot.id, _marks(ballot, chosen))
    result = ballots.outcome(db_session, _close_and_tally(db_session, ballot))
    assert result.valid and [won for _, _, won in result.candidates] == [True, True, False, False]
    assert result.tied == ["候选2", "候选3"] and "再次投票" in result.explain()
    assert [name for name, _, _ in result.candidates] == ["候选0", "候选1", "候选2", "候选3"]  # ballot order


def test_an_election_with_too_few_voting_is_void(db_session, branch):
    ballot = _election(db_session, branch, branch["people"][:4])
    for voter in branch["people"][:6]:  # 6 of 8 is not more than four fifths
        ballots.vote(db_session, voter, ballot.id, _marks(ballot, {1, 2, 3}))
    result = ballots.outcome(db_session, _close_and_tally(db_session, ballot))
    assert not result.valid and "选举无效" in result.explain()


def test_a_nomination_goes_to_the_office_only_when_the_branch_agrees(db_session, branch):
    people = branch["people"]
    rows = ballots.nominate(
        db_session, branch["actor"], org_id=branch["org"].id, award="优秀共产党员",
        nominees=[(people[1].id, "抗疫一线带头"), (people[2].id, "科研攻关")],
        closes_at=utcnow() + timedelta(days=3),
    )  # fmt: skip
    with pytest.raises(Conflict, match="已推荐过"):
        ballots.nominate(
            db_session, branch["actor"], org_id=branch["org"].id, award="优秀共产党员",
            nominees=[(people[1].id, "再推")], closes_at=utcnow() + timedelta(days=3),
        )  # fmt: skip
    ballot = db_session.get(Ballot, rows[0].ballot_id)
    for n, voter in enumerate(people):
        ballots.vote(db_session, voter, ballot.id, {"q1": "同意", "q2": "同意" if n < 4 else "不同意"})
    _close_and_tally(db_session, ballot)
    assert ballots.settle_nominations(db_session) == 1
    assert [r.status for r in rows] == [
        NominationStatus.passed,
        NominationStatus.failed,
    ]  # 4 of 8 is not more than half
    with pytest.raises(NotFound):  # the branch does not review its own
        ballots.review_nomination(db_session, branch["actor"], rows[0].id, accept=True, note="")
    with pytest.raises(ValidationFailed, match="理由"):
        ballots.review_nomination(db_session, branch["office"], rows[0].id, accept=False, note="")
    ballots.review_nomination(db_session, branch["office"], rows[0].id, accept=True, note="")
    with pytest.raises(Conflict):
        ballots.review_nomination(db_session, branch["office"], rows[1].id, accept=True, note="")
    listed = ballots.nominations_listed(db_session, branch["office"], rows[0].year)
    assert [(n.status, p.name) for n, _, p in listed] == [
        (NominationStatus.approved, "候选1"),
        (NominationStatus.failed, "候选2"),
    ]
