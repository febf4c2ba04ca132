"""The demo hospital's 问卷 and 谈心谈话 (issue 21): an anonymous survey of the whole hospital
running now with a few answers in (no results until it closes); last month's survey of the first
branch closed with its results — one item under the minimum, so shown without a breakdown; and
that branch's talks plan half done."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from demo.mailbox import named_office
from handlers import ballots
from handlers.policy import Actor
from models import Ballot, BallotVoter, PartyOrg, Person
from models.base import local_today, utcnow

RUNNING = """单选：您认为本院组织生活会的时间安排是否合适｜合适｜基本合适｜不合适
多选2：您希望今后增加哪些学习形式｜现场教学｜微党课｜读书会｜专题辅导
问答：对党委工作的其他意见和建议"""
CLOSED = """单选：本季度主题党日“走进社区义诊”您是否满意｜满意｜基本满意｜不满意
问答：对下次主题党日的建议"""


def _answer(session: Session, ballot: Ballot, count: int, answers: list[dict]) -> None:
    voters = session.scalars(
        select(Person)
        .join(BallotVoter, BallotVoter.person_id == Person.id)
        .where(BallotVoter.ballot_id == ballot.id)
        .order_by(Person.wecom_userid)
        .limit(count)
    ).all()
    for n, person in enumerate(voters):
        ballots.vote(session, person, ballot.id, answers[n % len(answers)])


def build(session: Session, branch: PartyOrg, fallback: Actor) -> None:
    office = named_office(session, fallback)
    now = utcnow()
    running = ballots.create_survey(
        session,
        office,
        title="组织生活安排意见征集",
        description="不记名，请如实填写，约需两分钟。",
        org_id=None,
        anonymous=True,
        closes_at=now + timedelta(days=7),
        questions=RUNNING,
    )
    _answer(
        session,
        running,
        12,
        [
            {"q1": "合适", "q2": ["现场教学", "微党课"]},
            {"q1": "基本合适", "q2": ["读书会"], "q3": "希望避开交班时间"},
        ],
    )
    closed = ballots.create_survey(
        session,
        office,
        title="主题党日满意度",
        description="",
        org_id=branch.id,
        anonymous=True,
        closes_at=now + timedelta(days=1),
        questions=CLOSED,
    )
    _answer(
        session,
        closed,
        8,
        [{"q1": "满意"}, {"q1": "满意", "q2": "多安排一些轮班后能参加的场次"}, {"q1": "基本满意"}],
    )
    # Last month's: its window has passed, so its results are taken as the scheduler would.
    session.execute(update(Ballot).where(Ballot.id == closed.id).values(closes_at=now - timedelta(days=20)))
    session.expire(closed)
    ballots.close_due(session)


def talks(session: Session, branch: PartyOrg, fallback: Actor) -> None:
    """The first branch's 谈心谈话 this year, half done: every other pair of its plan has talked,
    earliest first, a short note on a few; one pair explained (援派在外)."""
    from handlers import talks as talk_handlers
    from handlers.policy import load_actor
    from handlers.roles import branch_leaders

    _role, leaders = branch_leaders(session, branch)
    actor = load_actor(session, leaders[0]) if leaders else fallback
    today = local_today()
    plan = talk_handlers.coverage_of(session, branch, today.year)
    pairs = sorted(plan.required, key=str)
    for n, (first, second) in enumerate(pairs[::2]):
        held_on = max(date(today.year, 1, 5), today - timedelta(days=3 * (len(pairs) - n)))
        note = "谈岗位职责和本年度学习安排。" if n % 3 == 0 else ""
        talk_handlers.record(
            session, actor, org_id=branch.id, first_id=first, second_id=second, held_on=held_on, note=note
        )
    if len(pairs) > 1:
        first, second = pairs[1]
        talk_handlers.explain(
            session,
            actor,
            org_id=branch.id,
            year=today.year,
            first_id=first,
            second_id=second,
            reason="援派在外，已电话沟通",
        )
