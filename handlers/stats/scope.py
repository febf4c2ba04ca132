"""Whose figures: a scope is the whole hospital, one org's subtree (党委, 总支, 支部) or a campus,
checked against the actor's grant of stats.view — a scope outside it is not found, like any
other record. A display token (the 大屏) holds stats.view and nothing else."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, select, true
from sqlalchemy.orm import Session

from handlers.errors import NotFound
from handlers.policy import Actor, can, scope_orgs, scope_paths
from models import Campus, Member, OrgKind, PartyOrg, Person


@dataclass(frozen=True)
class Scope:
    org: PartyOrg | None
    campus: Campus | None

    @property
    def label(self) -> str:
        if self.org is not None:
            return self.org.name
        return f"{self.campus.name}" if self.campus else "全院"

    @property
    def key(self) -> str:
        return str(self.org.id) if self.org else f"campus:{self.campus.id}" if self.campus else "hospital"

    def orgs(self) -> ColumnElement[bool]:
        """The orgs in the scope (the org's subtree; a campus's orgs; everything)."""
        if self.org is not None:
            return PartyOrg.path.startswith(self.org.path, autoescape=True)
        if self.campus is not None:
            return PartyOrg.campus_id == self.campus.id
        return true()

    def branch_ids(self) -> Select:
        return select(PartyOrg.id).where(
            self.orgs(), PartyOrg.kind == OrgKind.branch, PartyOrg.dissolved_at.is_(None)
        )

    def members(self) -> Select:
        """(Member, Person) of record in the scope's branches (a campus: its branches), members
        still."""
        return (
            select(Member, Person)
            .join(Person, Person.id == Member.person_id)
            .where(Member.left_at.is_(None), Member.branch_id.in_(self.branch_ids()))
        )

    def children(self, session: Session) -> list[PartyOrg]:
        """The orgs one level down, to drill into (a 党委's 总支 and branches, a 总支's branches)."""
        if self.org is None:
            roots = session.scalars(
                select(PartyOrg).where(PartyOrg.parent_id.is_(None), PartyOrg.dissolved_at.is_(None))
            ).all()
            if self.campus is not None or len(roots) != 1:
                return list(roots)
            parent = roots[0]
        else:
            parent = self.org
        return list(
            session.scalars(
                select(PartyOrg)
                .where(
                    PartyOrg.parent_id == parent.id,
                    PartyOrg.dissolved_at.is_(None),
                    PartyOrg.kind != OrgKind.group,
                )
                .order_by(PartyOrg.path)
            )
        )


def resolve(
    session: Session, actor: Actor, *, org_id: uuid.UUID | None = None, campus_id: uuid.UUID | None = None
) -> Scope:
    """The scope asked for, if the actor's grant covers it; otherwise not found. Without an org
    or a campus: the whole hospital for a hospital-wide grant, else the actor's own org."""
    if org_id is not None:
        org = session.get(PartyOrg, org_id)
        if org is None or org.kind == OrgKind.group or not can(session, actor, "stats.view", obj=org):
            raise NotFound("没有这个统计范围。")
        return Scope(org, None)
    hospital_wide = scope_paths(actor, "stats.view") is None
    if campus_id is not None:
        campus = session.get(Campus, campus_id)
        if campus is None or not hospital_wide:
            raise NotFound("没有这个统计范围。")
        return Scope(None, campus)
    if hospital_wide:
        return Scope(None, None)
    paths = scope_paths(actor, "stats.view") or []
    if not paths:
        raise NotFound("没有这个统计范围。")
    org = session.scalar(select(PartyOrg).where(PartyOrg.path == sorted(paths, key=len)[0]))
    if org is None:
        raise NotFound("没有这个统计范围。")
    return Scope(org, None)


def orgs_to_choose(session: Session, actor: Actor, action: str = "stats.view") -> list[PartyOrg]:
    """The live orgs (党小组 aside) the actor's grant of `action` covers, in tree order: the scopes
    the console offers for figures, packs and screens."""
    live = select(PartyOrg).where(PartyOrg.kind != OrgKind.group, PartyOrg.dissolved_at.is_(None))
    return list(session.scalars(scope_orgs(actor, live, action).order_by(PartyOrg.path)))


def campuses_to_choose(session: Session, actor: Actor) -> list[Campus]:
    """Campuses are scopes for a hospital-wide grant only."""
    if scope_paths(actor, "stats.view") is not None:
        return []
    return list(session.scalars(select(Campus).order_by(Campus.code)))
