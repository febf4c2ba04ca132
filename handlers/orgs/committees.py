"""An org's committee: seats (委员会委员) and their history, appointments, terms (换届)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from handlers import audit, rules
from handlers.errors import Conflict, Forbidden, NotFound, OutOfScope, ValidationFailed
from handlers.policy import Actor, can
from handlers.validation import require_text
from models import (
    CommitteePost,
    CommitteeSeat,
    Member,
    MemberStatus,
    OrgKind,
    PartyOrg,
    Role,
    RoleGrant,
)
from models.base import local_today

POST_LABELS = {
    CommitteePost.secretary: "书记",
    CommitteePost.deputy_secretary: "副书记",
    CommitteePost.organization: "组织委员",
    CommitteePost.publicity: "宣传委员",
    CommitteePost.discipline: "纪检委员",
    CommitteePost.member: "委员",
}


def _live_org(session: Session, org_id: uuid.UUID | None) -> PartyOrg:
    org = session.get(PartyOrg, org_id) if org_id else None
    if org is None or org.dissolved_at is not None:
        raise NotFound()
    return org


def _require_manage(session: Session, actor: Actor, org: PartyOrg) -> None:
    """A 403 for an org the actor sees but may not change; one outside their sight is not there."""
    if not can(session, actor, "org.manage", obj=org):
        if not can(session, actor, "org.view", obj=org):
            raise OutOfScope()
        raise Forbidden("您无权调整该党组织。")


def live_seats(session: Session, org: PartyOrg) -> list[CommitteeSeat]:
    posts = list(CommitteePost)
    seats = session.scalars(
        select(CommitteeSeat).where(CommitteeSeat.org_id == org.id, CommitteeSeat.ended_on.is_(None))
    ).all()
    return sorted(seats, key=lambda seat: (posts.index(seat.post), seat.elected_on))


def seat_history(session: Session, org: PartyOrg) -> list[CommitteeSeat]:
    return list(
        session.scalars(
            select(CommitteeSeat)
            .where(CommitteeSeat.org_id == org.id, CommitteeSeat.ended_on.is_not(None))
            .order_by(CommitteeSeat.ended_on.desc())
        )
    )


def _holds_secretary_role(session: Session, seat: CommitteeSeat) -> bool:
    return bool(
        session.scalar(
            select(RoleGrant.id).where(
                RoleGrant.person_id == seat.member.person_id,
                RoleGrant.role == Role.secretary,
                RoleGrant.org_id == seat.org_id,
                RoleGrant.revoked_at.is_(None),
            )
        )
    )


def appoint(
    session: Session,
    actor: Actor,
    *,
    org_id: uuid.UUID,
    member_id: uuid.UUID,
    post: CommitteePost | str,
    elected_on: date,
) -> CommitteeSeat:
    """Record an elected seat. Only full members of the org may stand (党章 art. 7)."""
    org = _live_org(session, org_id)
    _require_manage(session, actor, org)
    if org.kind == OrgKind.group:
        raise ValidationFailed("党小组不设委员会，组长在“角色”中授予。", field="post")
    try:
        post = CommitteePost(post)
    except ValueError:
        raise ValidationFailed("职务不正确。", field="post") from None
    member = session.get(Member, member_id)
    branch = member.branch if member is not None and member.left_at is None else None
    if branch is None or not branch.path.startswith(org.path):
        raise ValidationFailed("只能从本组织的党员中登记委员。", field="member_id")
    if member.status != MemberStatus.full:
        raise ValidationFailed("预备党员没有被选举权，不能担任委员。", field="member_id")
    if elected_on > local_today():
        raise ValidationFailed("当选日期不能晚于今天。", field="elected_on")
    seats = live_seats(session, org)
    if any(seat.member_id == member.id for seat in seats):
        raise Conflict(f"{member.person.name} 已是本届委员，如需调整职务请先免去原职务。")
    if post == CommitteePost.secretary and any(seat.post == post for seat in seats):
        raise Conflict("本组织已有书记，请先免去原书记。")
    seat = CommitteeSeat(
        org_id=org.id, member_id=member.id, post=post, elected_on=elected_on, recorded_by=actor.label
    )
    session.add(seat)
    session.flush()
    audit.record(session, actor, "org.committee.appoint", object_type="party_org", object_id=org.id,
                 detail={"member": str(member.id), "post": post.value})  # fmt: skip
    return seat


def end_seat(session: Session, actor: Actor, *, seat_id: uuid.UUID, reason: str) -> CommitteeSeat:
    seat = session.get(CommitteeSeat, seat_id)
    if seat is None or seat.ended_on is not None:
        raise NotFound("该委员职务不存在或已免去。")
    _require_manage(session, actor, _live_org(session, seat.org_id))
    _close(session, actor, seat, require_text(reason, "reason", "免去原因", max_length=200))
    return seat


def end_seats(
    session: Session,
    actor: Actor,
    *,
    reason: str,
    org_id: uuid.UUID | None = None,
    member_id: uuid.UUID | None = None,
    keep_under: str | None = None,
) -> int:
    """End the live seats of an org, or of a member (except in orgs whose path `keep_under`
    starts with: a member moving within a general branch keeps that general branch's seat)."""
    query = select(CommitteeSeat).where(CommitteeSeat.ended_on.is_(None))
    if org_id is not None:
        query = query.where(CommitteeSeat.org_id == org_id)
    if member_id is not None:
        query = query.where(CommitteeSeat.member_id == member_id)
    ended = 0
    for seat in session.scalars(query):
        if keep_under is not None and keep_under.startswith(seat.org.path):
            continue
        _close(session, actor, seat, reason)
        ended += 1
    return ended


def _close(session: Session, actor: Actor, seat: CommitteeSeat, reason: str) -> None:
    seat.ended_on, seat.ended_reason = local_today(), reason
    detail = {"member": str(seat.member_id), "post": seat.post.value, "reason": reason}
    audit.record(
        session, actor, "org.committee.end", object_type="party_org", object_id=seat.org_id, detail=detail
    )


def start_term(session: Session, actor: Actor, *, org_id: uuid.UUID, started_on: date) -> PartyOrg:
    """Record a 换届: the new term starts, its end follows from the term rules."""
    org = _live_org(session, org_id)
    _require_manage(session, actor, org)
    if org.kind == OrgKind.group:
        raise ValidationFailed("党小组没有任期。", field="started_on")
    if started_on > local_today():
        raise ValidationFailed("换届日期不能晚于今天。", field="started_on")
    key = "org.committee_term_years" if org.kind == OrgKind.committee else "org.branch_term_years"
    years = rules.value(session, key, started_on)
    org.term_started_on = started_on
    org.term_ends_on = _add_years(started_on, years)
    audit.record(session, actor, "org.term", object_type="party_org", object_id=org.id,
                 detail={"from": started_on.isoformat(), "to": org.term_ends_on.isoformat()})  # fmt: skip
    return org


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def seat_candidates(session: Session, org: PartyOrg) -> list[Member]:
    """Full members who may stand for this org's committee (for a branch's form: its own)."""
    return list(
        session.scalars(
            select(Member)
            .options(joinedload(Member.person))
            .join(PartyOrg, Member.branch_id == PartyOrg.id)
            .where(
                PartyOrg.path.startswith(org.path, autoescape=True),
                Member.status == MemberStatus.full,
                Member.left_at.is_(None),
            )
            .limit(200)
        )
    )
