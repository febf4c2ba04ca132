"""两优一先 nominations (优秀共产党员, 优秀党务工作者, 先进基层党组织) on the ballot engine: a branch's
leaders nominate, the branch's 正式党员 vote 同意, 不同意 or 弃权 on each nominee in secret, a
nominee with 同意 from more than the rule's share of those who voted goes to the office, and the
office accepts or declines it with a reason."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import audit, rules
from handlers.ballots.elections import voting_members
from handlers.ballots.engine import tally, turnout
from handlers.ballots.opening import open_ballot
from handlers.errors import Conflict, NotFound, ValidationFailed
from handlers.policy import Actor, can, holds, scope_orgs
from handlers.validation import require_text
from models import (
    AWARDS,
    Ballot,
    BallotQuestion,
    Member,
    Nomination,
    NominationStatus,
    OrgKind,
    PartyOrg,
    Person,
)
from models.base import local_today, utcnow

AGREE = "同意"
MARKS = [AGREE, "不同意", "弃权"]
MAX_DAYS = 14
MAX_NOMINEES = 10


def nominate(
    session: Session,
    actor: Actor,
    *,
    org_id: uuid.UUID,
    award: str,
    nominees: list[tuple[uuid.UUID | None, str]],
    closes_at: datetime,
) -> list[Nomination]:
    """Put the branch's nominees for one award to its members' vote. `nominees`: (person, reason)
    pairs; for 先进基层党组织 the one nominee is the branch itself (person None)."""
    org = session.get(PartyOrg, org_id)
    if org is None or org.kind != OrgKind.branch or not can(session, actor, "nomination.propose", obj=org):
        raise NotFound()
    if award not in AWARDS:
        raise ValidationFailed("请选择推荐的奖项。", field="award")
    now, year = utcnow(), local_today().year
    if closes_at <= now or closes_at - now > timedelta(days=MAX_DAYS):
        raise ValidationFailed(f"投票截止时间应在现在之后、{MAX_DAYS} 天以内。", field="closes_at")
    voters = voting_members(session, org)
    minimum = int(rules.value(session, "ballot.min_answers"))
    if len(voters) < minimum:
        raise ValidationFailed(
            f"有表决权的党员少于 {minimum} 人，请在支部党员大会上表决推荐。", field="org_id"
        )
    for_a_person = AWARDS[award]
    if not nominees or len(nominees) > MAX_NOMINEES or (not for_a_person and len(nominees) != 1):
        raise ValidationFailed("请填写推荐对象（先进基层党组织只推荐本支部）。", field="nominees")
    people = _nominated_people(session, org, award, year, [p for p, _ in nominees], for_a_person)
    ballot = Ballot(
        kind="nomination",
        title=f"{year}年度{award}推荐·{org.name}"[:60],
        description="对每名推荐对象选择同意、不同意或弃权；同意票超过投票人数半数的，报党委组织部审核。",
        org_id=org.id,
        anonymous=True,
        opens_at=now,
        closes_at=closes_at,
        min_answers=minimum,
        created_by_id=actor.person_id,
        created_by=actor.label[:100],
    )
    ballot.questions = [
        BallotQuestion(
            position=n,
            kind="grade",
            text=f"推荐{people[p].name if p else org.name}为{award}"[:200],
            options=list(MARKS),
            subject_id=p,
        )
        for n, (p, _) in enumerate(nominees, start=1)
    ]
    open_ballot(session, ballot, voters)
    rows = [
        Nomination(
            year=year,
            award=award,
            org_id=org.id,
            person_id=p,
            reason=require_text(reason, "reason", "推荐理由", max_length=1000),
            ballot_id=ballot.id,
            position=n,
            nominated_by=actor.label[:100],
        )
        for n, (p, reason) in enumerate(nominees, start=1)
    ]
    session.add_all(rows)
    session.flush()
    audit.record(session, actor, "nomination.create", object_type="ballot", object_id=ballot.id,
                 detail={"award": award, "nominees": len(rows)})  # fmt: skip
    return rows


def _nominated_people(
    session: Session, org: PartyOrg, award: str, year: int, ids: list, for_a_person: bool
) -> dict[uuid.UUID, Person]:
    if not for_a_person:
        if ids != [None]:
            raise ValidationFailed("先进基层党组织的推荐对象是本支部。", field="nominees")
        taken = select(Nomination.id).where(
            Nomination.org_id == org.id, Nomination.award == award, Nomination.year == year
        )
    else:
        members = {p.id: p for p in session.scalars(
            select(Person).join(Member, Member.person_id == Person.id)
            .where(Member.branch_id == org.id, Member.left_at.is_(None))
        )}  # fmt: skip
        if None in ids or len(set(ids)) != len(ids) or any(i not in members for i in ids):
            raise ValidationFailed("推荐对象应为本支部党员，且不能重复。", field="nominees")
        taken = select(Nomination.id).where(
            Nomination.person_id.in_(ids), Nomination.award == award, Nomination.year == year
        )
    if session.scalar(taken.where(Nomination.status != NominationStatus.failed).limit(1)) is not None:
        raise Conflict(f"今年已推荐过该对象为{award}。")
    return members if for_a_person else {}


def settle(session: Session, ballot: Ballot) -> None:
    """After the tally: each nominee passed or not, by 同意 against those who voted."""
    if ballot.kind != "nomination" or ballot.tallied_at is None:
        return
    voted = turnout(session, ballot)
    share = int(rules.value(session, "nomination.pass_percent"))
    agreed = {item["position"]: dict(item.get("counts", [])).get(AGREE, 0) for item in ballot.results or []}
    for row in session.scalars(
        select(Nomination).where(
            Nomination.ballot_id == ballot.id, Nomination.status == NominationStatus.voting
        )
    ):
        row.agreed, row.voters = agreed.get(row.position, 0), voted
        passed = voted > 0 and row.agreed * 100 > voted * share
        row.status = NominationStatus.passed if passed else NominationStatus.failed


def settle_due(session: Session) -> int:
    """Settle every closed nomination vote whose nominees still wait — tallying it first if the
    five-minute job has not yet come by (so the office's page is never behind)."""
    waiting = select(Nomination.ballot_id).where(Nomination.status == NominationStatus.voting)
    due = session.scalars(select(Ballot).where(Ballot.closes_at <= utcnow(), Ballot.id.in_(waiting))).all()
    for ballot in due:
        tally(session, ballot)
        settle(session, ballot)
    return len(due)


def review(
    session: Session, actor: Actor, nomination_id: uuid.UUID, *, accept: bool, note: str
) -> Nomination:
    """The office accepts or declines a nomination the branch passed, with its reason."""
    row = session.get(Nomination, nomination_id)
    if row is None or not can(session, actor, "nomination.review", obj=session.get(PartyOrg, row.org_id)):
        raise NotFound()
    if row.status != NominationStatus.passed:
        raise Conflict("只有支部投票通过、尚未审核的推荐可以审核。")
    words = (note or "").strip()
    if not accept and not words:
        raise ValidationFailed("不予通过时请写明理由。", field="note")
    row.status = NominationStatus.approved if accept else NominationStatus.rejected
    row.reviewed_by, row.review_note = actor.label[:100], words[:200] or None
    audit.record(session, actor, "nomination.review", object_type="nomination", object_id=row.id,
                 detail={"approved": accept})  # fmt: skip
    return row


def listed(session: Session, actor: Actor, year: int) -> list[tuple[Nomination, PartyOrg, Person | None]]:
    """The year's nominations of the branches the actor proposes for or reviews, by branch."""
    settle_due(session)
    orgs = select(PartyOrg.id)
    if holds(actor, "nomination.review"):
        orgs = scope_orgs(actor, orgs, "nomination.review")
    else:
        orgs = scope_orgs(actor, orgs, "nomination.propose")
    return list(
        session.execute(
            select(Nomination, PartyOrg, Person)
            .join(PartyOrg, PartyOrg.id == Nomination.org_id)
            .outerjoin(Person, Person.id == Nomination.person_id)
            .where(Nomination.year == year, Nomination.org_id.in_(orgs))
            .order_by(PartyOrg.path, Nomination.award, Nomination.position)
        ).all()
    )
