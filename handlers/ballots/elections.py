"""换届 elections on the ballot engine (《中国共产党基层组织选举工作条例》): a branch's 正式党员
elect its committee from more candidates than seats (差额, by the rule's margin), marking each
candidate 赞成, 不赞成 or 弃权 — a ballot with more 赞成 than seats is void, so it is refused
before it is cast. The election stands only if more than the rule's share of the electorate
voted; a candidate is elected with 赞成 from more than half of those who voted, the seats going
to the most votes, and a tie for the last seat is put to a further vote."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import audit, rules
from handlers.ballots.engine import FOR, turnout
from handlers.ballots.opening import open_ballot
from handlers.errors import NotFound, ValidationFailed
from handlers.members import branch_roll
from handlers.policy import Actor, can, scope_orgs
from handlers.validation import require_text
from models import Ballot, BallotQuestion, MemberStatus, OrgKind, PartyOrg, Person
from models.base import local_today, utcnow

MARKS = [FOR, "不赞成", "弃权"]
MAX_DAYS = 7


def voting_members(session: Session, org: PartyOrg) -> list[Person]:
    """The branch's 正式党员 of record: those with a vote (预备党员 have none)."""
    return [person for person, member in branch_roll(session, org) if member.status == MemberStatus.full]


def least_candidates(session: Session, seats: int) -> int:
    """差额: more candidates than seats, by at least the rule's share (20%) and at least one."""
    margin = int(rules.value(session, "election.margin_percent"))
    return seats + max(1, math.ceil(seats * margin / 100))


def create_election(
    session: Session,
    actor: Actor,
    *,
    org_id: uuid.UUID,
    title: str,
    seats: int,
    candidate_ids: list[uuid.UUID],
    closes_at: datetime,
) -> Ballot:
    org = session.get(PartyOrg, org_id)
    if org is None or org.kind != OrgKind.branch or not can(session, actor, "election.manage", obj=org):
        raise NotFound()
    now = utcnow()
    if closes_at <= now or closes_at - now > timedelta(days=MAX_DAYS):
        raise ValidationFailed(f"投票截止时间应在现在之后、{MAX_DAYS} 天以内。", field="closes_at")
    voters = voting_members(session, org)
    by_id = {p.id: p for p in voters}
    if not 1 <= seats <= 9:
        raise ValidationFailed("应选人数应为 1–9 名。", field="seats")
    if len(set(candidate_ids)) != len(candidate_ids) or any(c not in by_id for c in candidate_ids):
        raise ValidationFailed("候选人应为本支部的正式党员，且不能重复。", field="candidates")
    least = least_candidates(session, seats)
    if len(candidate_ids) < least:
        raise ValidationFailed(
            f"实行差额选举：应选 {seats} 名，候选人应不少于 {least} 名"
            f"（多于应选人数的 {rules.value(session, 'election.margin_percent')}%）。",
            field="candidates",
        )
    minimum = int(rules.value(session, "ballot.min_answers"))
    if len(voters) < minimum:
        raise ValidationFailed(
            f"有选举权的党员少于 {minimum} 人，网上投票无法保证不记名，请在党员大会上以纸质选票选举。",
            field="org_id",
        )
    ballot = Ballot(
        kind="election",
        title=require_text(title, "title", "选举名称", max_length=60),
        description=f"应选 {seats} 名，候选人 {len(candidate_ids)} 名。对每名候选人选择赞成、不赞成或弃权；"
        f"赞成的人数不能多于 {seats} 名。",
        org_id=org.id,
        anonymous=True,
        opens_at=now,
        closes_at=closes_at,
        seats=seats,
        min_answers=minimum,
        created_by_id=actor.person_id,
        created_by=actor.label[:100],
    )
    ballot.questions = [
        BallotQuestion(position=n, kind="grade", text=by_id[c].name, options=list(MARKS), subject_id=c)
        for n, c in enumerate(candidate_ids, start=1)
    ]
    open_ballot(session, ballot, voters)
    audit.record(
        session, actor, "election.create", object_type="ballot", object_id=ballot.id,
        detail={"seats": seats, "candidates": len(candidate_ids), "electorate": len(voters)},
    )  # fmt: skip
    return ballot


@dataclass(frozen=True)
class Outcome:
    valid: bool
    voted: int
    needed_turnout: int
    #: (candidate's name, 赞成 votes, elected) in the ballot's candidate order — never by votes.
    candidates: list[tuple[str, int, bool]]
    #: The names tied for the last seat, to be voted on again.
    tied: list[str]

    def explain(self) -> str:
        if not self.valid:
            return (
                f"投票 {self.voted} 人，未超过应投票人数的规定比例（需 {self.needed_turnout} 人），选举无效。"
            )
        elected = [name for name, _, won in self.candidates if won]
        words = f"投票 {self.voted} 人，选举有效；当选：{'、'.join(elected) or '无'}。"
        if self.tied:
            words += f"{'、'.join(self.tied)}得票相等，需就其再次投票。"
        return words


def outcome(session: Session, ballot: Ballot) -> Outcome | None:
    """The count once tallied (None before): valid by turnout, then who took the seats."""
    if ballot.kind != "election" or ballot.tallied_at is None:
        return None
    voted = turnout(session, ballot)
    share = int(rules.value(session, "election.turnout_percent"))
    needed = ballot.electorate * share // 100 + 1
    counts = [
        (item["position"], item["text"], dict(item.get("counts", [])).get(FOR, 0))
        for item in ballot.results or []
    ]
    if voted < needed:
        return Outcome(False, voted, needed, [(n, v, False) for _, n, v in counts], [])
    eligible = sorted({v for _, _, v in counts if v * 2 > voted}, reverse=True)
    elected: set[int] = set()
    tied: list[str] = []
    for votes in eligible:
        at = [p for p, _, v in counts if v == votes]
        if len(elected) + len(at) <= ballot.seats:
            elected.update(at)
        else:
            tied = [n for p, n, _ in counts if p in at] if len(elected) < ballot.seats else []
            break
    return Outcome(True, voted, needed, [(n, v, p in elected) for p, n, v in counts], tied)


@dataclass(frozen=True)
class Desk:
    """What the 换届 and 两优一先 page shows the actor."""

    branches: list[PartyOrg]
    chosen: PartyOrg | None
    #: The chosen branch's 正式党员: candidates and nominees come from them.
    members: list[Person]
    elections: list[Ballot]
    nominations: list


def desk(session: Session, actor: Actor, org_id: uuid.UUID | None) -> Desk:
    from handlers.ballots.nominations import listed

    query = select(PartyOrg).where(PartyOrg.kind == OrgKind.branch).order_by(PartyOrg.path)
    branches = list(session.scalars(scope_orgs(actor, query, "election.manage")))
    chosen = next((b for b in branches if b.id == org_id), None)
    elections = session.scalars(
        select(Ballot)
        .where(Ballot.kind == "election", Ballot.org_id.in_([b.id for b in branches]))
        .order_by(Ballot.closes_at.desc())
        .limit(50)
    )
    return Desk(
        branches,
        chosen,
        voting_members(session, chosen) if chosen else [],
        list(elections),
        listed(session, actor, local_today().year),
    )
