"""Opening a ballot to its electorate, the same way for every kind (问卷, 民主评议's 互评, an
election, a nomination vote): the electorate fixed now — who joins later is not asked — and a
card to each voter, the vote itself when it is short, else a link to the form in H5."""

from __future__ import annotations

import uuid

from sqlalchemy import insert
from sqlalchemy.orm import Session

from handlers import links, notify
from handlers.errors import ValidationFailed
from models import Ballot, BallotVoter, Person
from models.base import CHINA

#: What a ballot kind is called on its card.
LABELS = {"survey": "问卷", "review": "民主评议", "election": "选举", "nomination": "推荐投票"}


def open_ballot(session: Session, ballot: Ballot, people: list[Person]) -> Ballot:
    """Add the ballot with `people` as its electorate and send each of them its card."""
    if not people:
        raise ValidationFailed("所选范围内没有党员。", field="org_id")
    ballot.electorate = len(people)
    session.add(ballot)
    session.flush()
    session.execute(
        insert(BallotVoter),
        [{"id": uuid.uuid4(), "ballot_id": ballot.id, "person_id": p.id, "voted": False} for p in people],
    )
    _announce(session, ballot, people)
    return ballot


def on_the_card(ballot: Ballot) -> bool:
    """A short ballot — one choice question whose options fit a vote card — is answered on the
    card itself; anything longer opens the form in H5."""
    if len(ballot.questions) != 1:
        return False
    (question,) = ballot.questions
    return (
        question.kind in ("single", "multiple")
        and len(question.options) <= 20
        and all(len(o) <= 17 for o in question.options)
    )


def _announce(session: Session, ballot: Ballot, people: list[Person]) -> None:
    path = links.page("h5.ballot_page", ballot_id=ballot.id)
    common = {
        "label": LABELS[ballot.kind],
        "title": ballot.title,
        "anonymous": ballot.anonymous,
        "closes": f"{ballot.closes_at.astimezone(CHINA):%m月%d日 %H:%M}",
        "path": path,
    }
    card = on_the_card(ballot)
    for n, start in enumerate(range(0, len(people), notify.MAX_RECIPIENTS)):
        if card:
            (question,) = ballot.questions
            extra = {
                "ballot_id": str(ballot.id),
                "question": question.text,
                "options": question.options,
                "multiple": question.kind == "multiple",
                "chunk": n,
            }
        else:
            extra = {"summary": ballot.description[:60]}
        notify.tell(
            session,
            people[start : start + notify.MAX_RECIPIENTS],
            "ballot_vote" if card else "ballot",
            key=f"ballot:{ballot.id}:{n}",
            **common,
            **extra,
        )
