"""Secret ballots and surveys (issue 21): the engine every vote runs on (engine) and the office's
问卷 on it (surveys). 民主评议, elections and nominations are to come on the same engine."""

from handlers.ballots.engine import close_due, counted, is_open, mine, open_for, tally, turnout, vote
from handlers.ballots.surveys import FORMAT, create_survey, followed, managed, orgs_to_ask, parse_questions

__all__ = [
    "FORMAT",
    "close_due",
    "counted",
    "create_survey",
    "followed",
    "is_open",
    "managed",
    "mine",
    "open_for",
    "orgs_to_ask",
    "parse_questions",
    "tally",
    "turnout",
    "vote",
]
