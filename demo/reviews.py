"""The demo hospital's 民主评议党员 (issue 21): last year's evaluation done and confirmed in every
branch — each member graded on the 互评 by the others, the grades held to the 优秀 cap, a
distribution to read — and this year's open in the first two branches, with a few
self-assessments and votes in. Grades come from each member's place in the roster, not chance."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from demo.mailbox import named_office
from handlers import ballots, reviews
from handlers.policy import Actor
from models import Ballot, BallotVoter, PartyOrg, Person, ReviewStage
from models.base import CHINA, local_today, utcnow

SELF = "认真学习党的理论，坚持参加组织生活；在科室工作中带头攻坚，不足是理论学习还不够系统。"


def _vote_all(session: Session, ballot: Ballot, voters: list[Person], leaning: dict) -> None:
    for voter in voters:
        answers = {
            f"q{q.position}": leaning.get(q.subject_id, "合格")
            for q in ballot.questions
            if q.subject_id != voter.id
        }
        ballots.vote(session, voter, ballot.id, answers)


def _voters(session: Session, ballot: Ballot, limit: int | None = None) -> list[Person]:
    query = (
        select(Person)
        .join(BallotVoter, BallotVoter.person_id == Person.id)
        .where(BallotVoter.ballot_id == ballot.id)
        .order_by(Person.wecom_userid)
    )
    return list(session.scalars(query.limit(limit) if limit else query))


def _last_year(session: Session, office: Actor, org: PartyOrg) -> None:
    """Run the year through the handlers, then move it to last December (the handlers open only
    this year's): the assembly's vote is written as last year's 支部党员大会 recorded it."""
    review = reviews.open_review(session, office, org_id=org.id, closes_at=utcnow() + timedelta(days=1))
    ballot = session.get(Ballot, review.ballot_id)
    graded = [e.person_id for e in sorted(review.entries, key=lambda e: str(e.person_id)) if e.graded]
    cap = reviews.cap_for(session, len(graded))
    grades = {p: "合格" for p in graded}
    for p in graded[: max(0, cap - 1)]:
        grades[p] = "优秀"
    if len(graded) >= 12:
        grades[graded[-1]] = "基本合格"
    _vote_all(session, ballot, _voters(session, ballot), grades)
    session.execute(
        update(Ballot).where(Ballot.id == ballot.id).values(closes_at=utcnow() - timedelta(seconds=1))
    )
    session.expire(ballot)
    reviews.propose(session, office, review.id, grades)
    year = local_today().year - 1
    december = datetime(year, 12, 10, 15, 0, tzinfo=CHINA)
    for entry in review.entries:
        entry.grade = entry.proposed_grade
        if entry.graded:
            entry.self_assessment = SELF
    full = len(graded)
    review.stage, review.year = ReviewStage.confirmed, year
    review.should_attend, review.present, review.yes, review.no, review.abstain = full, full, full, 0, 0
    review.decided_by, review.confirmed_by, review.confirmed_at = office.label, office.label, december
    session.execute(
        update(Ballot)
        .where(Ballot.id == ballot.id)
        .values(
            title=f"{year}年度民主评议党员·{org.name}"[:60],
            opens_at=december - timedelta(days=7),
            closes_at=december - timedelta(days=2),
        )
    )


def build(session: Session, branches: list[PartyOrg], fallback: Actor) -> None:
    office = named_office(session, fallback)
    for org in branches:
        _last_year(session, office, org)
    session.flush()
    for org in branches[:2]:
        review = reviews.open_review(session, office, org_id=org.id, closes_at=utcnow() + timedelta(days=10))
        ballot = session.get(Ballot, review.ballot_id)
        early = _voters(session, ballot, limit=3)
        _vote_all(session, ballot, early, {})
        for person in early:
            reviews.write_self_assessment(session, person, review.id, SELF)
