"""Who a push reaches — a campaign's lessons, a notice: the members of some orgs' subtrees (of
record there, or taking part there today, 条例 art. 16), or of the whole hospital, narrowed to
those holding some roles, or a hand-picked list. One query however many people it reaches."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import Session

from models import CommitteeSeat, Member, MemberParticipation, MemberStatus, PartyOrg, Person, Role, RoleGrant
from models.archive import participating_on
from models.base import CHINA, local_today, utcnow

#: Who a lesson or a notice is meant for (recommendations and audiences use these).
AUDIENCE_ROLES = {
    "secretary": "支部书记",
    "organizer": "组织委员",
    "committee": "支委会成员",
    "new_member": "新党员（预备期或入党一年内）",
}


def holding(role: str) -> ColumnElement[bool]:
    """The SQL for "this member is a …" (learning.roles_of says the same for one member)."""
    if role in ("secretary", "organizer"):
        return Person.id.in_(
            select(RoleGrant.person_id).where(RoleGrant.role == Role(role), RoleGrant.revoked_at.is_(None))
        )
    if role == "committee":
        return Member.id.in_(select(CommitteeSeat.member_id).where(CommitteeSeat.ended_on.is_(None)))
    year_ago = utcnow().astimezone(CHINA).date() - timedelta(days=365)
    return or_(Member.status == MemberStatus.probationary, Member.joined_on > year_ago)


def reached(
    session: Session,
    *,
    org_ids: Iterable[uuid.UUID | str] = (),
    roles: Iterable[str] = (),
    person_ids: Iterable[uuid.UUID | str] = (),
) -> Select:
    """The (Person, Member) rows reached, active members only, ordered by WeCom account. A member
    of record elsewhere who takes part nowhere here any more is not reached."""
    taking_part = select(MemberParticipation.member_id).where(participating_on(local_today()))
    query = (
        select(Person, Member)
        .join(Member, Member.person_id == Person.id)
        .where(Member.left_at.is_(None), Person.is_active.is_(True))
        .where(or_(Member.branch_id.is_not(None), Member.id.in_(taking_part)))
        .order_by(Person.wecom_userid)
    )
    person_ids = [uuid.UUID(str(i)) for i in person_ids]
    if person_ids:
        return query.where(Person.id.in_(person_ids))
    org_ids = [uuid.UUID(str(i)) for i in org_ids]
    if org_ids:
        roots = session.scalars(select(PartyOrg).where(PartyOrg.id.in_(org_ids)))
        subtree = select(PartyOrg.id).where(
            or_(*[PartyOrg.path.startswith(o.path, autoescape=True) for o in roots])
        )
        hosted = taking_part.where(MemberParticipation.org_id.in_(subtree))
        query = query.where(or_(Member.branch_id.in_(subtree), Member.id.in_(hosted)))
    roles = list(roles)
    if roles:
        query = query.where(or_(*[holding(role) for role in roles]))
    return query
