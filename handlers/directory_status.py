"""The directory sync as the console shows it: when the last full sync ran and what it changed,
and the members who left the directory while their membership is still here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.errors import Forbidden
from handlers.policy import Actor, holds, scope_members
from models import AuditEvent, Member, Person


@dataclass(frozen=True)
class LastSync:
    at: datetime
    counts: dict[str, int]


def last_sync(session: Session, actor: Actor) -> LastSync | None:
    """When the last full sync finished and what it changed (from its audit event)."""
    require_console_sync(actor)
    event = session.scalar(
        select(AuditEvent)
        .where(AuditEvent.action == "directory.sync")
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    if event is None:
        return None
    return LastSync(event.occurred_at, json.loads(event.detail or "{}"))


def departed_members(session: Session, actor: Actor) -> list[Member]:
    """Members who left the directory while their membership is still here: the secretary's to-do."""
    stmt = (
        select(Member)
        .join(Person, Member.person_id == Person.id)
        .where(Person.is_active.is_(False), Member.left_at.is_(None))
        .order_by(Person.left_at.desc())
    )
    return list(session.scalars(scope_members(actor, stmt)))


def require_console_sync(actor: Actor) -> None:
    if not holds(actor, "directory.sync"):
        raise Forbidden("只有系统管理员或党委组织部可以管理通讯录同步。")
