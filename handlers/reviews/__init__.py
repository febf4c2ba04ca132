"""民主评议党员 (issue 21): the branch's yearly evaluation on the ballot engine — opened with its
self-assessments and 互评 (evaluation), confirmed, read and followed up (outcomes)."""

from handlers.reviews.evaluation import (
    EXCELLENT,
    ballot_of,
    branches,
    cap_for,
    check_cap,
    decide,
    get_review,
    of_ballot,
    of_branch,
    open_review,
    own_entry,
    propose,
    write_self_assessment,
)
from handlers.reviews.outcomes import (
    FAILED,
    OwnResult,
    confirm,
    distribution,
    mine,
    mutual_counts,
    own,
    record_follow_up,
    roster,
)

__all__ = [
    "EXCELLENT",
    "FAILED",
    "OwnResult",
    "ballot_of",
    "branches",
    "cap_for",
    "check_cap",
    "confirm",
    "decide",
    "distribution",
    "get_review",
    "mine",
    "mutual_counts",
    "of_ballot",
    "of_branch",
    "open_review",
    "own",
    "own_entry",
    "propose",
    "record_follow_up",
    "roster",
    "write_self_assessment",
]
