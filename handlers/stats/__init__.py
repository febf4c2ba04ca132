"""数据中心 (issue 22): figures for any scope the actor may see — the hospital, a 党委, 总支 or
支部, a campus — each family with its definition, masked before anyone sees it, and one level
down to drill into (orgs, never people). Families: structure (members, orgs), activity
(attendance, study), progress (recruitment, dues, reviews)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handlers.errors import NotFound
from handlers.policy import Actor
from handlers.stats.activity import approvals, attendance, org_life, reminders, study
from handlers.stats.model import Figure, Series
from handlers.stats.progress import dues, recruitment, reviews
from handlers.stats.scope import Scope, campuses_to_choose, orgs_to_choose, resolve
from handlers.stats.structure import members, orgs
from handlers.stats.trends import trends
from models import Member
from models.base import local_today

#: name → (its title, how it is computed); the names are /api/v1/stats/{name}.
FAMILIES: dict[str, tuple[str, Callable[[Session, Scope, int], Figure]]] = {
    "members": ("党员结构", members),
    "orgs": ("组织建设", orgs),
    "org_life": ("组织生活完成率", org_life),
    "attendance": ("参会率", attendance),
    "study": ("学习学时", study),
    "recruitment": ("发展党员", recruitment),
    "dues": ("党费收缴率", dues),
    "reviews": ("民主评议等次", reviews),
    "approvals": ("审批用时", approvals),
    "reminders": ("提醒", reminders),
    "trends": ("近五年趋势", trends),
}
FIRST_YEAR = 2000


def figure(
    session: Session,
    actor: Actor,
    name: str,
    *,
    org_id: uuid.UUID | None = None,
    campus_id: uuid.UUID | None = None,
    year: int | None = None,
) -> Figure:
    """One family over the scope asked for (not found outside the actor's grant) and year."""
    if name not in FAMILIES:
        raise NotFound("没有这项统计。")
    year = year or local_today().year
    if not FIRST_YEAR <= year <= local_today().year:
        raise NotFound("没有这一年的统计。")
    scope = resolve(session, actor, org_id=org_id, campus_id=campus_id)
    found = FAMILIES[name][1](session, scope, year)
    return replace(found, children=drill_down(session, scope))


def drill_down(session: Session, scope: Scope) -> list[tuple[str, str, int]]:
    """The orgs one level down with their members of record: a click goes to their figures."""
    found = []
    for child in scope.children(session):
        below = Scope(child, None)
        count = session.scalar(
            select(func.count())
            .select_from(Member)
            .where(Member.left_at.is_(None), Member.branch_id.in_(below.branch_ids()))
        )
        found.append((str(child.id), child.name, count or 0))
    return found


__all__ = [
    "FAMILIES",
    "Figure",
    "Scope",
    "Series",
    "campuses_to_choose",
    "drill_down",
    "figure",
    "orgs_to_choose",
    "resolve",
]
