"""民主评议党员 from opening to the 上级党委's confirmation: self-assessments kept encrypted, the
互评 on the secret ballot (nobody grades themselves), the committee's proposal and the assembly's
decision both held to the 优秀 cap, the assembly's quorum and tally from its roster, each member
reading their own result only, the branch's distribution masked when small, and the follow-up
a 不合格 requires."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from handlers import ballots, meetings, reviews
from handlers.errors import Conflict, NotFound, ValidationFailed
from handlers.meetings import SessionPlan
from models import Ballot, MemberStatus, OrgKind, OutboundMessage, ReviewEntry, ReviewStage, Role
from models.base import local_today, utcnow


@pytest.fixture
def branch(db_session, make_org, make_member, make_person, make_actor):
    org = make_org(OrgKind.branch, name="评议测试党支部")
    secretary = make_member(branch=org, person=make_person(name="书记甲"))
    full = [make_member(branch=org, person=make_person(name=f"党员{n}")) for n in range(6)]
    probationary = make_member(
        branch=org, status=MemberStatus.probationary, person=make_person(name="预备乙")
    )
    return {
        "org": org,
        "secretary": secretary,
        "full": [secretary, *full],
        "probationary": probationary,
        "actor": make_actor(Role.secretary, org, person=secretary.person),
        "office": make_actor(Role.committee_office),
    }


def _open(db_session, branch):
    return reviews.open_review(
        db_session, branch["actor"], org_id=branch["org"].id, closes_at=utcnow() + timedelta(days=3)
    )


def _close(db_session, review):
    db_session.execute(
        update(Ballot).where(Ballot.id == review.ballot_id).values(closes_at=utcnow() - timedelta(seconds=1))
    )
    db_session.expire_all()


def _grade_all(ballot, voter, grade="合格"):
    return {f"q{q.position}": grade for q in ballot.questions if q.subject_id != voter.id}


def _assembly(db_session, branch, present):
    start = utcnow() - timedelta(hours=2)
    meeting = meetings.plan_meeting(
        db_session, branch["actor"], org_id=branch["org"].id, kinds=["general_assembly"],
        topic="民主评议党员大会", agenda="", venue_mode="online", online_room="会议号 7",
        sessions=[SessionPlan("全体", start, start + timedelta(hours=1))], has_vote=True,
        now=start - timedelta(minutes=1),
    )  # fmt: skip
    for member in present:
        meetings.confirm(
            db_session, branch["actor"], meeting_id=meeting.id, member_id=member.id, present=True
        )
    return meeting


def test_a_branch_evaluation_from_opening_to_confirmation(db_session, branch):
    review = _open(db_session, branch)
    ballot = db_session.get(Ballot, review.ballot_id)
    # Seven 正式党员 graded; the 预备党员 takes part (votes, writes) but is not graded.
    assert len(ballot.questions) == 7 and ballot.electorate == 8 and ballot.kind == "review"
    assert {e.graded for e in review.entries if e.person_id == branch["probationary"].person.id} == {False}
    with pytest.raises(Conflict, match="已经开启"):
        _open(db_session, branch)

    member = branch["full"][1].person
    reviews.write_self_assessment(db_session, member, review.id, "认真履行党员义务，带头完成科室任务。")
    stored = db_session.scalar(
        select(ReviewEntry.self_assessment_ciphertext).where(ReviewEntry.person_id == member.id)
    )
    assert "科室任务" not in stored

    own_question = next(q for q in ballot.questions if q.subject_id == member.id)
    with pytest.raises(ValidationFailed, match="不能给自己评定等次"):
        ballots.vote(
            db_session, member, ballot.id, {**_grade_all(ballot, member), f"q{own_question.position}": "优秀"}
        )
    for voter in [m.person for m in branch["full"]] + [branch["probationary"].person]:
        ballots.vote(db_session, voter, ballot.id, _grade_all(ballot, voter))
    with pytest.raises(Conflict, match="只能投一次"):
        ballots.vote(db_session, member, ballot.id, _grade_all(ballot, member))

    people = [m.person.id for m in branch["full"]]
    grades = {p: "合格" for p in people}
    with pytest.raises(Conflict, match="尚未截止"):
        reviews.propose(db_session, branch["actor"], review.id, grades)
    _close(db_session, review)
    too_many = {**grades, people[0]: "优秀", people[1]: "优秀", people[2]: "优秀"}
    with pytest.raises(ValidationFailed, match="最多 2 人评为优秀，现为 3 人"):
        reviews.propose(db_session, branch["actor"], review.id, too_many)
    with pytest.raises(ValidationFailed, match="不评定等次"):
        reviews.propose(
            db_session, branch["actor"], review.id, {**grades, branch["probationary"].person.id: "合格"}
        )
    assert all(e.proposed_grade is None for e in review.entries)  # nothing written by a refusal
    chosen = {**grades, people[0]: "优秀", people[1]: "优秀", people[6]: "不合格"}
    reviews.propose(db_session, branch["actor"], review.id, chosen)
    counts = reviews.mutual_counts(db_session, review)
    assert dict(counts[people[3]])["合格"] == 7  # eight voted, the member themselves did not

    with pytest.raises(Conflict, match="自评不能再修改"):
        reviews.write_self_assessment(db_session, member, review.id, "再改")

    meeting = _assembly(db_session, branch, branch["full"][:4])  # 4 of 7 present: quorum
    with pytest.raises(Conflict, match="需 4 票"):
        reviews.decide(db_session, branch["actor"], review.id, meeting_id=meeting.id, yes=3, no=1, abstain=0)
    with pytest.raises(ValidationFailed, match="不能超过实到"):
        reviews.decide(db_session, branch["actor"], review.id, meeting_id=meeting.id, yes=5, no=0, abstain=0)
    reviews.decide(db_session, branch["actor"], review.id, meeting_id=meeting.id, yes=4, no=0, abstain=0)
    assert review.stage == ReviewStage.decided

    with pytest.raises(NotFound):  # the branch does not confirm its own grades
        reviews.confirm(db_session, branch["actor"], review.id)
    reviews.confirm(db_session, branch["office"], review.id)
    kinds = dict(
        db_session.execute(select(OutboundMessage.kind, func.count()).group_by(OutboundMessage.kind)).all()
    )
    assert kinds["review_result"] == 1 and kinds["review_follow_up"] == 1
    assert reviews.own(db_session, branch["full"][6].person, review.id).entry.grade == "不合格"
    assert reviews.distribution(db_session, review) == {"优秀": 2, "合格": 4, "基本合格": 0, "不合格": 1}

    failed = next(e for e in review.entries if e.grade == "不合格")
    with pytest.raises(ValidationFailed, match="改正期限"):
        reviews.record_follow_up(
            db_session,
            branch["actor"],
            failed.id,
            action="限期改正",
            note="谈话提醒",
            due=local_today() + timedelta(days=400),
        )
    passed = next(e for e in review.entries if e.grade == "合格")
    with pytest.raises(Conflict, match="只有"):
        reviews.record_follow_up(db_session, branch["actor"], passed.id, action="劝退", note="无")
    reviews.record_follow_up(
        db_session,
        branch["actor"],
        failed.id,
        action="限期改正",
        note="限期三个月改正",
        due=local_today() + timedelta(days=90),
    )
    reviews.record_follow_up(db_session, branch["actor"], failed.id, action="劝退", note="期满仍无转变")
    with pytest.raises(Conflict, match="已记录"):
        reviews.record_follow_up(
            db_session,
            branch["actor"],
            failed.id,
            action="限期改正",
            note="再改",
            due=local_today() + timedelta(days=9),
        )


def test_nobody_outside_sees_a_review_and_a_small_branch_shows_no_distribution(
    db_session, branch, make_org, make_member, make_actor
):
    review = _open(db_session, branch)
    other = make_org(OrgKind.branch, name="别的党支部")
    stranger = make_member(branch=other).person
    outsider = make_actor(Role.secretary, other, person=stranger)
    with pytest.raises(NotFound):
        reviews.get_review(db_session, outsider, review.id)
    with pytest.raises(NotFound):  # a member of another branch has no entry here
        reviews.own(db_session, stranger, review.id)
    with pytest.raises(NotFound):  # the 互评 is not among the surveys anyone follows
        ballots.followed(db_session, branch["office"], review.ballot_id)

    small = make_org(OrgKind.branch, name="小党支部")
    leader = make_member(branch=small)
    members = [leader, *(make_member(branch=small) for _ in range(3))]
    actor = make_actor(Role.secretary, small, person=leader.person)
    tiny = reviews.open_review(db_session, actor, org_id=small.id, closes_at=utcnow() + timedelta(days=1))
    _close(db_session, tiny)
    reviews.propose(db_session, actor, tiny.id, {m.person.id: "合格" for m in members})
    meeting = meetings.plan_meeting(
        db_session, actor, org_id=small.id, kinds=["general_assembly"], topic="大会", agenda="",
        venue_mode="online", online_room="1", has_vote=True, now=utcnow() - timedelta(hours=3),
        sessions=[SessionPlan("全体", utcnow() - timedelta(hours=2), utcnow() - timedelta(hours=1))],
    )  # fmt: skip
    for m in members:
        meetings.confirm(db_session, actor, meeting_id=meeting.id, member_id=m.id, present=True)
    reviews.decide(db_session, actor, tiny.id, meeting_id=meeting.id, yes=4, no=0, abstain=0)
    assert reviews.distribution(db_session, tiny) is None  # four graded: 人数过少不显示
    # Cap of a third of four: one 优秀 at most.
    assert reviews.cap_for(db_session, 4) == 1
