"""Who may do what, over which part of the org tree. The only place permissions are decided.

A role is granted over an org subtree (or the whole hospital). `can()` answers for one
object; the `scope_*` helpers narrow a query so that lists and look-ups never return what
the actor may not see. Views never test roles themselves.

三员 separation (等保2.0): the sysadmin configures but cannot read the audit trail or reveal
sensitive fields; the auditor reads the audit trail and changes nothing; the security
officer manages roles and keys.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, false, or_, select, true
from sqlalchemy.orm import Session, aliased

from models import Member, MemberParticipation, PartyOrg, Person, Role, RoleGrant
from models.archive import participating_on
from models.base import local_today

#: action → roles that may perform it (within their subtree).
PERMISSIONS: dict[str, frozenset[Role]] = {
    "org.view": frozenset(
        {
            Role.group_leader,
            Role.secretary,
            Role.organizer,
            Role.committee_office,
            Role.sysadmin,
            Role.security_officer,
            Role.auditor,
        }
    ),
    "org.manage": frozenset({Role.committee_office}),
    "member.view": frozenset({Role.group_leader, Role.secretary, Role.organizer, Role.committee_office}),
    "member.edit": frozenset({Role.secretary, Role.organizer, Role.committee_office}),
    "member.reveal": frozenset({Role.secretary, Role.organizer, Role.committee_office}),
    "member.export": frozenset({Role.committee_office}),
    # 处分 on an archive: the branch of record and the office (and the member themselves).
    "archive.sanctions": frozenset({Role.secretary, Role.organizer, Role.committee_office}),
    # Exchange with the national and provincial systems (export and import by column map).
    "archive.exchange": frozenset({Role.committee_office}),
    # 转入 from elsewhere, 回执, and the overdue-letter warnings: the office.
    "transfer.manage": frozenset({Role.committee_office}),
    # Meetings: planned and hosted by the org's secretary, organizer or 党小组长, or the office.
    "meeting.manage": frozenset({Role.group_leader, Role.secretary, Role.organizer, Role.committee_office}),
    # Approvals: every request of the orgs they manage (deciders also see what they decide).
    "approval.view": frozenset({Role.secretary, Role.organizer, Role.committee_office}),
    # Rosters come from the branches (or the office for everyone); reminders are the office's.
    "roster.manage": frozenset({Role.secretary, Role.organizer, Role.committee_office}),
    "reminder.manage": frozenset({Role.committee_office}),
    # Learning: the office keeps the library; a branch's managers propose lessons for their
    # branch, push published ones to it, and see how many of it have completed (never who ranks).
    "lesson.propose": frozenset({Role.secretary, Role.organizer}),
    "campaign.launch": frozenset({Role.secretary, Role.organizer, Role.committee_office}),
    "study.view": frozenset({Role.secretary, Role.organizer, Role.committee_office}),
    # 党费: the branch of record keeps its members' book (收缴台账).
    "dues.record": frozenset({Role.secretary, Role.organizer, Role.committee_office}),
    # 核定 (the bases and the year's amounts) is the office's; the bases are seen by it alone.
    "dues.assess": frozenset({Role.committee_office}),
    # Who is behind, by name: the branch's own secretary and 组织委员 (others see counts).
    "dues.names": frozenset({Role.secretary, Role.organizer}),
    # 书记信箱: the office sees counts per category and time to answer; it keeps the FAQ.
    "mailbox.figures": frozenset({Role.committee_office}),
    # 通知公告: the office (over its subtree, or the whole hospital) and a branch's or 总支's leaders.
    "notice.send": frozenset({Role.secretary, Role.organizer, Role.committee_office}),
    "mailbox.inbox": frozenset({Role.secretary, Role.organizer, Role.committee_office}),
    "faq.manage": frozenset({Role.committee_office}),
    # 任务督办: the office sends to any branch or member, a 总支 to those under it; a branch's
    # leaders keep its own annual plan and submit what is sent to it.
    "task.send": frozenset({Role.secretary, Role.organizer, Role.committee_office}),
    "ballot.manage": frozenset({Role.secretary, Role.organizer, Role.committee_office}),
    # 民主评议党员: the branch's secretary and 组织委员 open it, read its self-assessments and 互评
    # counts, propose the grades and record the assembly's decision and any follow-up; the office
    # (the 上级党委) confirms. A member reads their own; nobody else sees anyone's grade.
    # 数据中心: figures (never a person's record) over the actor's own subtree; the 大屏's display
    # token reads them and nothing else.
    "stats.view": frozenset({Role.secretary, Role.organizer, Role.committee_office, Role.display}),
    "stats.screen": frozenset({Role.committee_office}),
    # 党建+业务: the office configures the department measures, imports them, records 先锋岗.
    "business.manage": frozenset({Role.committee_office}),
    # 支部考核: the office sets the items and grades the branches; a branch's leaders (or the office)
    # enter the manual items' values with their evidence.
    "assessment.manage": frozenset({Role.committee_office}),
    "assessment.enter": frozenset({Role.secretary, Role.organizer, Role.committee_office}),
    "review.manage": frozenset({Role.secretary, Role.organizer, Role.committee_office}),
    "review.confirm": frozenset({Role.committee_office}),
    # 换届 elections: the branch's leaders (or the office) put candidates to the vote.
    "election.manage": frozenset({Role.secretary, Role.organizer, Role.committee_office}),
    # 两优一先: a branch nominates and votes; the office reviews what the branches pass.
    "nomination.propose": frozenset({Role.secretary, Role.organizer}),
    "nomination.review": frozenset({Role.committee_office}),
    "task.plan": frozenset({Role.secretary, Role.organizer}),
    # 发展党员: the branch develops (its steps, votes, 公示, 联系人); the 上级党委 records its own
    # steps (备案, 预审, 谈话, 审批).
    "recruit.manage": frozenset({Role.secretary, Role.organizer, Role.committee_office}),
    "recruit.approve": frozenset({Role.committee_office}),
    "person.deactivate": frozenset({Role.committee_office, Role.sysadmin}),
    "config.manage": frozenset({Role.sysadmin}),
    "directory.sync": frozenset({Role.sysadmin, Role.committee_office}),
    # Campuses and venues (and so where check-in is geofenced) are the office's, hospital-wide.
    "venue.manage": frozenset({Role.committee_office}),
    "role.grant": frozenset({Role.security_officer}),
    "key.manage": frozenset({Role.security_officer}),
    "audit.read": frozenset({Role.auditor}),
}

#: Actions on a member that only their branch of record may take.
RECORD_ONLY = frozenset(
    {
        "member.edit",
        "member.reveal",
        "member.export",
        "dues.record",
        "dues.assess",
        "dues.names",
        "archive.sanctions",
    }
)

#: Actions whose scope is the whole hospital by nature (no org object to test against).
HOSPITAL_WIDE = frozenset(
    {"config.manage", "role.grant", "key.manage", "audit.read", "directory.sync", "venue.manage"}
)


@dataclass(frozen=True)
class Grant:
    role: Role
    #: Materialised path of the subtree root; None means the whole hospital.
    org_path: str | None

    def covers(self, path: str) -> bool:
        return self.org_path is None or path.startswith(self.org_path)


@dataclass(frozen=True)
class Actor:
    """Whoever is acting: a person, an API token, a job (system) or an operator (cli)."""

    kind: str
    id: str | None
    label: str
    person_id: uuid.UUID | None = None
    grants: tuple[Grant, ...] = field(default_factory=tuple)
    source_ip: str | None = None

    @classmethod
    def system(cls, label: str = "后台任务") -> Actor:
        return cls(kind="system", id=None, label=label)

    @classmethod
    def cli(cls, label: str = "命令行") -> Actor:
        """An operator at the hospital's shell: trusted like the whole-hospital office."""
        return cls(
            kind="cli",
            id=None,
            label=label,
            grants=(Grant(Role.committee_office, None), Grant(Role.security_officer, None)),
        )

    def roles(self) -> set[Role]:
        return {g.role for g in self.grants}


def load_actor(session: Session, person: Person, source_ip: str | None = None) -> Actor:
    """The actor for a logged-in person, with their live grants resolved to subtree paths."""
    rows = session.execute(
        select(RoleGrant.role, PartyOrg.path)
        .outerjoin(PartyOrg, RoleGrant.org_id == PartyOrg.id)
        .where(RoleGrant.person_id == person.id, RoleGrant.revoked_at.is_(None))
    ).all()
    grants = tuple(Grant(role, path) for role, path in rows)
    return Actor(
        kind="person",
        id=str(person.id),
        label=person.name,
        person_id=person.id,
        grants=grants,
        source_ip=source_ip,
    )


def actor_for_token(
    role: Role, org_path: str | None, token_id: uuid.UUID, *, name: str, source_ip: str | None
) -> Actor:
    return Actor(
        kind="api_token",
        id=str(token_id),
        label=f"API:{name}",
        grants=(Grant(role, org_path),),
        source_ip=source_ip,
    )


def _granting(actor: Actor, action: str) -> list[Grant]:
    allowed = PERMISSIONS.get(action)
    if allowed is None:
        raise KeyError(f"unknown action {action!r}")
    return [g for g in actor.grants if g.role in allowed]


def _paths_of(session: Session, obj: Any, *, record_only: bool = False) -> list[str]:
    """The org paths an object belongs to: a member's branch of record, then the orgs they take
    part in today (unless `record_only`; a member of record elsewhere is kept by the org they
    take part in, so for them it is the record)."""
    if isinstance(obj, PartyOrg):
        return [obj.path]
    if isinstance(obj, Person):
        obj = obj.membership
        if obj is None:
            return []
    if isinstance(obj, Member):
        paths = (
            []
            if obj.branch_id is None
            else [session.scalar(select(PartyOrg.path).where(PartyOrg.id == obj.branch_id))]
        )
        if not record_only or obj.branch_id is None:
            paths += session.scalars(
                select(PartyOrg.path)
                .join(MemberParticipation, MemberParticipation.org_id == PartyOrg.id)
                .where(MemberParticipation.member_id == obj.id, participating_on(local_today()))
            )
        return [p for p in paths if p]
    raise TypeError(f"no org scope defined for {type(obj).__name__}")


def holds(actor: Actor, action: str) -> bool:
    """Whether the actor may perform `action` anywhere at all (menus, whole-page checks)."""
    return bool(_granting(actor, action))


def can(session: Session, actor: Actor, action: str, *, obj: Any = None) -> bool:
    """May `actor` perform `action` on `obj` (an org, member or person; None for hospital-wide)?"""
    grants = _granting(actor, action)
    if not grants:
        return False
    if obj is None or action in HOSPITAL_WIDE:
        return obj is None and (action in HOSPITAL_WIDE or any(g.org_path is None for g in grants))
    # Only the branch of record may edit a member or reveal their data, not a participating org.
    paths = _paths_of(session, obj, record_only=action in RECORD_ONLY)
    return any(g.covers(p) for g in grants for p in paths)


def scope_paths(actor: Actor, action: str) -> list[str] | None:
    """Subtree roots the actor may act on; None means everywhere, [] means nowhere."""
    grants = _granting(actor, action)
    if any(g.org_path is None for g in grants):
        return None
    return sorted({g.org_path for g in grants if g.org_path is not None})


def _path_filter(column: Any, paths: list[str] | None) -> ColumnElement[bool]:
    if paths is None:
        return true()
    if not paths:
        return false()
    return or_(*(column.startswith(p, autoescape=True) for p in paths))


def scope_orgs(actor: Actor, stmt: Select[Any], action: str = "org.view") -> Select[Any]:
    """Narrow a query over PartyOrg to what the actor may see."""
    return stmt.where(_path_filter(PartyOrg.path, scope_paths(actor, action)))


def scope_members(actor: Actor, stmt: Select[Any], action: str = "member.view") -> Select[Any]:
    """Narrow a query over Member to the actor's subtrees (branch of record or an org they take
    part in today).

    A member always sees their own membership.
    """
    paths = scope_paths(actor, action)
    record_org = aliased(PartyOrg)
    participating_org = aliased(PartyOrg)
    own = Member.person_id == actor.person_id if actor.person_id else false()
    visible = or_(
        own,
        Member.branch_id.in_(select(record_org.id).where(_path_filter(record_org.path, paths))),
        Member.id.in_(
            select(MemberParticipation.member_id)
            .join(participating_org, MemberParticipation.org_id == participating_org.id)
            .where(participating_on(local_today()), _path_filter(participating_org.path, paths))
        ),
    )
    return stmt.where(visible)
