"""Ballots: every secret vote and survey on one engine (handlers/ballots).

Who voted and what was voted live in two tables with nothing that joins them: BallotVoter says
only whether each member of the electorate has voted (no time); BallotSubmission holds one
voter's answers with a random key, no voter, no time and, for the voter alone, the hash of a
receipt code. A named survey (announced as named) is the one exception: its submissions carry
the person, and the form says so before anyone answers.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamps, UUIDPrimaryKey


class Ballot(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "ballot"

    #: survey (问卷), review (民主评议's 互评), election (换届) or nomination (两优一先's branch vote).
    kind: Mapped[str] = mapped_column(String(16), default="survey")
    title: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text, default="")
    #: The org whose members (of record or taking part) make the electorate; None: the hospital.
    org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("party_org.id"), index=True)
    anonymous: Mapped[bool] = mapped_column(default=True)
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    #: An item with fewer answers than this shows no breakdown (rule ballot.min_answers).
    min_answers: Mapped[int] = mapped_column(default=5)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"))
    created_by: Mapped[str] = mapped_column(String(100))
    electorate: Mapped[int] = mapped_column(default=0)
    #: An election's seats: a ballot with more 赞成 than seats is refused (选举工作条例).
    seats: Mapped[int | None]
    #: Set when the tally is taken, after close; the results then never change.
    tallied_at: Mapped[datetime | None]
    results: Mapped[list | None] = mapped_column(JSON)

    questions: Mapped[list[BallotQuestion]] = relationship(
        order_by="BallotQuestion.position", cascade="all, delete-orphan"
    )


class BallotQuestion(UUIDPrimaryKey, Base):
    __tablename__ = "ballot_question"
    __table_args__ = (UniqueConstraint("ballot_id", "position"),)

    ballot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ballot.id"), index=True)
    position: Mapped[int]
    #: single, multiple (at most max_choices), text, or grade (one of the options for the person
    #: the question is about: 民主评议's grades, a nomination's 同意/不同意).
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(String(200))
    options: Mapped[list] = mapped_column(JSON, default=list)
    max_choices: Mapped[int | None]
    #: The person a grade question is about (who may not grade themselves).
    subject_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"))


class BallotVoter(UUIDPrimaryKey, Base):
    """One member of the electorate and whether they have voted — never when, never how."""

    __tablename__ = "ballot_voter"
    __table_args__ = (UniqueConstraint("ballot_id", "person_id"),)

    ballot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ballot.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    voted: Mapped[bool] = mapped_column(default=False)


class BallotSubmission(UUIDPrimaryKey, Base):
    """One voter's answers: {question position: answer}; no voter and no time (but see person_id)."""

    __tablename__ = "ballot_submission"

    ballot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ballot.id"), index=True)
    answers: Mapped[dict] = mapped_column(JSON)
    #: SHA-256 of the ballot and the receipt code shown once to the voter: their proof it counted.
    receipt_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: Only on a survey announced as named; None on every secret ballot.
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"))
    #: Rewritten for every row at the tally (see handlers/ballots/engine.tally).
    sealed: Mapped[bool] = mapped_column(default=False)
