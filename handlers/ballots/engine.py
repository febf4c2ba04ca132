"""The ballot engine: an electorate fixed when the ballot is made, one vote each, answers stored
apart from the voters, a receipt only the voter holds, results only after close and never a
breakdown of fewer than `min_answers` answers.

Secrecy by construction. The vote is one transaction that flips the voter's `voted` flag (a
compare-and-set, so a second tap or a second device cannot vote twice) and inserts the answers
with a random key and no voter or time. What is left that could join them is the database's own
bookkeeping — PostgreSQL stamps both rows with the same transaction id (xmin), and rows land on
disk in the order they were written — so the tally writes every submission again in a random
order and every voter row in the order of its id, in its own transaction, after which nothing in
the tables says which submission came with which voter. While a ballot is open, someone reading
those internals as votes come in could still narrow it down; results are closed until then.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from handlers import rules
from handlers.errors import Conflict, NotFound, ValidationFailed
from models import Ballot, BallotQuestion, BallotSubmission, BallotVoter, Person
from models.base import utcnow

MAX_TEXT = 500


def receipt_hash(ballot_id: uuid.UUID, code: str) -> str:
    return hashlib.sha256(f"{ballot_id}:{code.strip()}".encode()).hexdigest()


def _voter_row(session: Session, ballot: Ballot, person: Person) -> BallotVoter:
    row = session.scalar(
        select(BallotVoter).where(BallotVoter.ballot_id == ballot.id, BallotVoter.person_id == person.id)
    )
    if row is None:  # not in the electorate: the ballot is not theirs to see
        raise NotFound("投票不存在。")
    return row


def has_voted(session: Session, ballot_id: uuid.UUID, person: Person) -> bool | None:
    """Whether the person has voted; None when they are not in the electorate."""
    return session.scalar(
        select(BallotVoter.voted).where(
            BallotVoter.ballot_id == ballot_id, BallotVoter.person_id == person.id
        )
    )


def open_for(session: Session, person: Person, ballot_id: uuid.UUID) -> tuple[Ballot, bool]:
    """The ballot as a member of its electorate sees it, and whether they have voted."""
    ballot = session.get(Ballot, ballot_id)
    if ballot is None:
        raise NotFound("投票不存在。")
    return ballot, _voter_row(session, ballot, person).voted


def _clean_answer(question: BallotQuestion, raw: Any) -> Any:
    label = f"“{question.text}”" if question.kind == "grade" else f"第{question.position}题"
    if question.kind == "text":
        text = "" if raw is None else str(raw).strip()
        if len(text) > MAX_TEXT:
            raise ValidationFailed(f"{label}最多 {MAX_TEXT} 字。", field=f"q{question.position}")
        return text or None
    chosen = raw if isinstance(raw, list) else ([] if raw in (None, "") else [raw])
    chosen = [str(c) for c in chosen]
    if not chosen:
        raise ValidationFailed(f"请回答{label}。", field=f"q{question.position}")
    if len(set(chosen)) != len(chosen) or any(c not in question.options for c in chosen):
        raise ValidationFailed(f"{label}的选项无效。", field=f"q{question.position}")
    if question.kind == "single" and len(chosen) != 1:
        raise ValidationFailed(f"{label}只能选一项。", field=f"q{question.position}")
    if question.kind == "multiple" and question.max_choices and len(chosen) > question.max_choices:
        raise ValidationFailed(f"{label}最多选 {question.max_choices} 项。", field=f"q{question.position}")
    return chosen if question.kind == "multiple" else chosen[0]


def _answer_of(session: Session, ballot: Ballot, question: BallotQuestion, person: Person, raw: dict) -> Any:
    """The voter's answer to one question; in 民主评议's 互评 the question about the voter
    themselves is left blank unless the rule lets members grade themselves (a candidate in an
    election may vote for themselves, as on paper)."""
    given = raw.get(f"q{question.position}")
    if ballot.kind == "review" and question.subject_id == person.id:
        if not rules.value(session, "review.self_grade"):
            if given not in (None, "", []):
                raise ValidationFailed(
                    f"不能给自己评定等次（规则“{rules.RULES['review.self_grade'].label_text}”为否）。",
                    field=f"q{question.position}",
                )
            return None
    return _clean_answer(question, given)


#: The mark on an election ballot that counts as a vote for the candidate.
FOR = "赞成"


def _within_seats(ballot: Ballot, answers: dict[str, Any]) -> None:
    """选举工作条例: a ballot with more candidates marked 赞成 than there are seats is void —
    refused here, before it is cast, so it can be put right."""
    marked = sum(1 for answer in answers.values() if answer == FOR)
    if marked > ballot.seats:
        raise ValidationFailed(f"赞成的候选人不能多于应选的 {ballot.seats} 名，多于应选人数的选票无效。")


def is_open(ballot: Ballot, now: datetime | None = None) -> bool:
    """Whether votes are taken now: inside its window and not yet tallied."""
    now = now or utcnow()
    return ballot.opens_at <= now < ballot.closes_at and ballot.tallied_at is None


def vote(session: Session, person: Person, ballot_id: uuid.UUID, raw: dict[str, Any]) -> str:
    """Cast the person's one vote; returns the receipt code, shown to them once and stored
    nowhere (only its hash, beside the answers)."""
    ballot, _ = open_for(session, person, ballot_id)
    now = utcnow()
    if now < ballot.opens_at:
        raise Conflict("投票尚未开始。")
    if not is_open(ballot, now):
        raise Conflict("投票已截止。")
    answers = {str(q.position): _answer_of(session, ballot, q, person, raw) for q in ballot.questions}
    if ballot.seats is not None:
        _within_seats(ballot, answers)
    flipped = session.execute(
        update(BallotVoter)
        .where(
            BallotVoter.ballot_id == ballot.id,
            BallotVoter.person_id == person.id,
            BallotVoter.voted.is_(False),
        )
        .values(voted=True)
        .execution_options(synchronize_session=False)
    ).rowcount
    if flipped != 1:
        raise Conflict("您已投过票，每人只能投一次。")
    code = f"{secrets.randbelow(10**12):012d}"
    session.add(
        BallotSubmission(
            ballot_id=ballot.id,
            answers=answers,
            receipt_hash=receipt_hash(ballot.id, code),
            person_id=None if ballot.anonymous else person.id,
        )
    )
    session.flush()
    return code


def counted(session: Session, person: Person, ballot_id: uuid.UUID, code: str) -> bool:
    """Whether the submission behind a receipt code is in the ballot (the voter's own check)."""
    ballot, _ = open_for(session, person, ballot_id)
    return (
        session.scalar(
            select(BallotSubmission.id).where(
                BallotSubmission.ballot_id == ballot.id,
                BallotSubmission.receipt_hash == receipt_hash(ballot.id, code),
            )
        )
        is not None
    )


def turnout(session: Session, ballot: Ballot) -> int:
    return session.scalar(
        select(func.count()).where(BallotVoter.ballot_id == ballot.id, BallotVoter.voted.is_(True))
    )


def turnouts(session: Session, ballot_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """`turnout` for a page of ballots in one query."""
    if not ballot_ids:
        return {}
    rows = session.execute(
        select(BallotVoter.ballot_id, func.count())
        .where(BallotVoter.ballot_id.in_(ballot_ids), BallotVoter.voted.is_(True))
        .group_by(BallotVoter.ballot_id)
    )
    return dict(rows.all())


def tally(session: Session, ballot: Ballot, now: datetime | None = None) -> list[dict[str, Any]]:
    """After close, once: count every question, drop the breakdown of any with fewer answers
    than the ballot's minimum, and rewrite the ballot's rows so no transaction id joins a
    submission to its voter. Returns the results (also kept on the ballot)."""
    now = now or utcnow()
    if ballot.tallied_at is not None:
        return ballot.results or []
    if now < ballot.closes_at:
        raise Conflict("投票尚未截止，截止后才能看到结果。")
    rows = session.scalars(
        select(BallotSubmission.answers).where(BallotSubmission.ballot_id == ballot.id)
    ).all()
    results = []
    for question in ballot.questions:
        given = [a.get(str(question.position)) for a in rows]
        given = [g for g in given if g not in (None, "", [])]
        item: dict[str, Any] = {"position": question.position, "text": question.text, "kind": question.kind}
        if question.subject_id is not None:
            item["subject_id"] = str(question.subject_id)
        item["answers"] = len(given)
        item["shown"] = len(given) >= ballot.min_answers
        if item["shown"] and question.kind == "text":
            item["texts"] = sorted(given)  # sorted, not in the order they came
        elif item["shown"]:
            counts = Counter(c for g in given for c in (g if isinstance(g, list) else [g]))
            item["counts"] = [[option, counts.get(option, 0)] for option in question.options]
        results.append(item)
    _reseal(session, ballot)
    ballot.results, ballot.tallied_at = results, now
    return results


def _reseal(session: Session, ballot: Ballot) -> None:
    """Write the ballot's submissions again in a random order under new keys, and its voters in
    the order of their ids: afterwards neither a transaction id nor a row's place on disk says
    which submission came in with which flip of a voter's flag (the old row versions go at the
    next VACUUM)."""
    submissions = session.execute(
        select(BallotSubmission.answers, BallotSubmission.receipt_hash, BallotSubmission.person_id).where(
            BallotSubmission.ballot_id == ballot.id
        )
    ).all()
    voters = session.execute(
        select(BallotVoter.person_id, BallotVoter.voted)
        .where(BallotVoter.ballot_id == ballot.id)
        .order_by(BallotVoter.person_id)
    ).all()
    secrets.SystemRandom().shuffle(submissions)
    session.execute(delete(BallotSubmission).where(BallotSubmission.ballot_id == ballot.id))
    session.execute(delete(BallotVoter).where(BallotVoter.ballot_id == ballot.id))
    if submissions:
        session.execute(
            insert(BallotSubmission),
            [
                {
                    "id": uuid.uuid4(),
                    "ballot_id": ballot.id,
                    "answers": a,
                    "receipt_hash": h,
                    "person_id": p,
                    "sealed": True,
                }
                for a, h, p in submissions
            ],
        )
    if voters:
        session.execute(
            insert(BallotVoter),
            [{"id": uuid.uuid4(), "ballot_id": ballot.id, "person_id": p, "voted": v} for p, v in voters],
        )


@dataclass(frozen=True)
class Mine:
    ballot: Ballot
    voted: bool


def mine(session: Session, person: Person) -> list[Mine]:
    """The ballots the person is in the electorate of, open ones first, newest first."""
    rows = session.execute(
        select(Ballot, BallotVoter.voted)
        .join(BallotVoter, BallotVoter.ballot_id == Ballot.id)
        .where(BallotVoter.person_id == person.id)
        .order_by(Ballot.tallied_at.is_not(None), Ballot.closes_at.desc())
        .limit(50)
    ).all()
    return [Mine(ballot, voted) for ballot, voted in rows]


def close_due(session: Session, now: datetime | None = None) -> int:
    """Tally every ballot whose window has closed (the scheduler's job, every few minutes)."""
    now = now or utcnow()
    due = session.scalars(select(Ballot).where(Ballot.tallied_at.is_(None), Ballot.closes_at <= now)).all()
    for ballot in due:
        tally(session, ballot, now)
    return len(due)
