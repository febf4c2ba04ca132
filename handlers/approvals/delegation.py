"""Delegation while away: a decider names a stand-in for a period; both may decide meanwhile."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import audit
from handlers.approvals.lookups import person_actor
from handlers.errors import Forbidden, NotFound, ValidationFailed
from handlers.policy import load_actor
from models import (
    ApprovalDelegation,
    Person,
    Role,
)
from models.base import utcnow

#: The posts that decide approvals: only their holders have anything to delegate.
DECIDING_ROLES = (Role.secretary, Role.organizer, Role.committee_office)


def may_delegate(session: Session, person: Person) -> bool:
    return any(g.role in DECIDING_ROLES for g in load_actor(session, person).grants)


def delegate(
    session: Session,
    person: Person,
    *,
    to_userid: str,
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
    now: datetime | None = None,
) -> ApprovalDelegation:
    now = now or utcnow()
    actor = load_actor(session, person)
    if not any(g.role in DECIDING_ROLES for g in actor.grants):
        raise Forbidden("只有审批人可以设置代理审批。")
    target = session.scalar(select(Person).where(Person.wecom_userid == (to_userid or "").strip()))
    if target is None or not target.is_active or target.id == person.id:
        raise ValidationFailed("请选择本院的另一位在职人员作为代理人。", field="to_userid")
    if ends_at <= starts_at or ends_at <= now:
        raise ValidationFailed("结束时间应晚于开始时间和当前时间。", field="ends_at")
    if ends_at - starts_at > timedelta(days=92):
        raise ValidationFailed("代理期限最长三个月。", field="ends_at")
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        raise ValidationFailed("请填写代理原因（200字以内）。", field="reason")
    row = ApprovalDelegation(
        from_person_id=person.id,
        to_person_id=target.id,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason,
        created_at=now,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "approval.delegate",
        object_type="person",
        object_id=target.id,
        detail={"from": str(starts_at), "to": str(ends_at), "reason": reason},
    )
    return row


def revoke_delegation(
    session: Session, person: Person, delegation_id: uuid.UUID, *, now: datetime | None = None
) -> None:
    row = session.get(ApprovalDelegation, delegation_id)
    if row is None or row.from_person_id != person.id:
        raise NotFound("代理设置不存在。")
    row.revoked_at = now or utcnow()
    audit.record(
        session,
        person_actor(person),
        "approval.delegate.revoke",
        object_type="person",
        object_id=row.to_person_id,
    )


def delegations_of(session: Session, person: Person) -> list[ApprovalDelegation]:
    return list(
        session.scalars(
            select(ApprovalDelegation)
            .where(ApprovalDelegation.from_person_id == person.id, ApprovalDelegation.revoked_at.is_(None))
            .order_by(ApprovalDelegation.starts_at.desc())
        )
    )
