"""Every five minutes: tally the ballots whose window has closed (handlers/ballots), so results
are ready the moment they may be seen and the rows are resealed soon after the last vote; a
branch's closed nomination vote then passes its nominees to the office (or not)."""

from __future__ import annotations

from handlers import ballots
from jobs import job
from jobs.context import unit_of_work


@job(queue="default", timeout=300, retries=2)
def close_ballots() -> str:
    with unit_of_work() as session:
        closed = ballots.close_due(session)
        ballots.settle_nominations(session)  # a closed branch vote sends its nominees on
    return f"{closed} ballot(s) tallied"
