"""Secret ballots and surveys (issue 21): the engine every vote runs on (engine), opening a ballot
to its electorate (opening), and what runs on it: the office's 问卷 (surveys), 换届 elections
(elections) and 两优一先 nominations (nominations). 民主评议党员 is handlers/reviews, on the same
engine."""

from handlers.ballots.elections import create_election, desk, least_candidates, outcome, voting_members
from handlers.ballots.engine import (
    close_due,
    counted,
    has_voted,
    is_open,
    mine,
    open_for,
    tally,
    turnout,
    turnouts,
    vote,
)
from handlers.ballots.nominations import listed as nominations_listed
from handlers.ballots.nominations import nominate
from handlers.ballots.nominations import review as review_nomination
from handlers.ballots.nominations import settle_due as settle_nominations
from handlers.ballots.opening import LABELS, on_the_card, open_ballot
from handlers.ballots.surveys import (
    ELECTORATES,
    FORMAT,
    create_survey,
    followed,
    managed,
    orgs_to_ask,
    parse_questions,
)

__all__ = [
    "ELECTORATES",
    "FORMAT",
    "LABELS",
    "close_due",
    "counted",
    "create_election",
    "create_survey",
    "desk",
    "followed",
    "has_voted",
    "is_open",
    "least_candidates",
    "managed",
    "mine",
    "nominate",
    "nominations_listed",
    "on_the_card",
    "open_ballot",
    "open_for",
    "orgs_to_ask",
    "outcome",
    "parse_questions",
    "review_nomination",
    "settle_nominations",
    "tally",
    "turnout",
    "turnouts",
    "vote",
    "voting_members",
]
