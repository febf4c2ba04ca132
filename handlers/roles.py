"""Granting and revoking roles, with 三员 separation (等保2.0) enforced here as well as in policy.

Only the security officer grants roles. Nobody grants a role to themselves; no one holds two
of sysadmin, security officer and auditor; those three cover the whole hospital; branch
roles name the org they cover; the last security officer cannot be removed (the hospital
would lose the only role that can grant roles).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from handlers import audit, people
from handlers.errors import Conflict, Forbidden, NotFound, ValidationFailed
from handlers.policy import Actor, can
from models import OrgKind, PartyOrg, Person, Role, RoleGrant
from models.base import utcnow

ROLE_LABELS = {
    Role.group_leader: "党小组长",
    Role.secretary: "支部书记",
    Role.organizer: "组织委员",
    Role.committee_office: "党委组织部/党办",
    Role.sysadmin: "系统管理员",
    Role.security_officer: "安全管理员",
    Role.auditor: "审计管理员",
    Role.display: "大屏展示",
}
SEPARATED = frozenset({Role.sysadmin, Role.security_officer, Role.auditor})
#: Roles that cover one org subtree, and the kinds of org each may cover.
ORG_ROLES = {
    Role.group_leader: {OrgKind.group},
    Role.secretary: {OrgKind.branch, OrgKind.general_branch, OrgKind.committee},
    Role.organizer: {OrgKind.branch, OrgKind.general_branch, OrgKind.committee},
}


def _require_granter(session: Session, actor: Actor) -> None:
    if not can(session, actor, "role.grant"):
        raise Forbidden("只有安全管理员可以授予或撤销角色。")


def live_grants(session: Session, actor: Actor) -> list[RoleGrant]:
    _require_granter(session, actor)
    return list(
        session.scalars(
            select(RoleGrant)
            .options(joinedload(RoleGrant.person), joinedload(RoleGrant.org))
            .where(RoleGrant.revoked_at.is_(None))
            .order_by(RoleGrant.role, RoleGrant.granted_at)
        )
    )


def grant_role(
    session: Session, actor: Actor, *, wecom_userid: str, role: Role | str, org_id: uuid.UUID | None = None
) -> RoleGrant:
    _require_granter(session, actor)
    try:
        role = Role(role)
    except ValueError:
        raise ValidationFailed("角色不正确。", field="role") from None
    if role == Role.display:
        raise ValidationFailed("大屏展示只用于大屏的显示令牌，不授予个人。", field="role")
    person = people.find_by_wecom_userid(session, (wecom_userid or "").strip())
    if person is None or not person.is_active:
        raise NotFound("未找到该职工（请确认企业微信账号，且已同步通讯录）。")
    if person.id == actor.person_id:
        raise Forbidden("不能给自己授予角色。")
    org = _org_for(session, role, org_id)
    held = {g.role for g in _live(session, person.id)}
    if role in SEPARATED and (held & SEPARATED) - {role}:
        raise Conflict("三员分立：同一人不能同时担任系统管理员、安全管理员、审计管理员中的两项。")
    duplicate = session.scalar(
        select(RoleGrant.id).where(
            RoleGrant.person_id == person.id,
            RoleGrant.role == role,
            RoleGrant.org_id.is_(None) if org is None else RoleGrant.org_id == org.id,
            RoleGrant.revoked_at.is_(None),
        )
    )
    if duplicate:
        raise Conflict(f"{person.name} 已担任该角色。")
    grant = RoleGrant(person_id=person.id, role=role, org_id=org.id if org else None, granted_by=actor.label)
    session.add(grant)
    session.flush()
    audit.record(session, actor, "role.grant", object_type="person", object_id=person.id,
                 detail={"role": role.value, "org": org.code if org else None})  # fmt: skip
    return grant


def _org_for(session: Session, role: Role, org_id: uuid.UUID | None) -> PartyOrg | None:
    if role not in ORG_ROLES:
        if org_id is not None:
            raise ValidationFailed(f"{ROLE_LABELS[role]}的范围是全院，不能限定党组织。", field="org_id")
        return None
    org = session.get(PartyOrg, org_id) if org_id else None
    if org is None:
        raise ValidationFailed(f"请选择{ROLE_LABELS[role]}负责的党组织。", field="org_id")
    if org.kind not in ORG_ROLES[role]:
        raise ValidationFailed(f"{ROLE_LABELS[role]}不能设在该类党组织。", field="org_id")
    return org


def _live(session: Session, person_id: uuid.UUID) -> list[RoleGrant]:
    return list(
        session.scalars(
            select(RoleGrant).where(RoleGrant.person_id == person_id, RoleGrant.revoked_at.is_(None))
        )
    )


def revoke_role(session: Session, actor: Actor, *, grant_id: uuid.UUID) -> RoleGrant:
    _require_granter(session, actor)
    grant = session.get(RoleGrant, grant_id)
    if grant is None or grant.revoked_at is not None:
        raise NotFound()
    if grant.role == Role.security_officer:
        remaining = session.scalar(
            select(func.count())
            .select_from(RoleGrant)
            .join(Person, RoleGrant.person_id == Person.id)
            .where(RoleGrant.role == Role.security_officer, RoleGrant.revoked_at.is_(None), Person.is_active)
        )
        if remaining <= 1:
            raise Conflict("不能撤销最后一名安全管理员，请先授予另一人该角色。")
    grant.revoked_at = utcnow()
    audit.record(session, actor, "role.revoke", object_type="person", object_id=grant.person_id,
                 detail={"role": grant.role.value})  # fmt: skip
    return grant


#: Who leads a branch day to day, in order: its secretaries or, with none, its organizers.
LEADING_ROLES = (Role.secretary, Role.organizer)


def branch_leaders(session: Session, branch: PartyOrg) -> tuple[Role, list[Person]]:
    """Who leads the branch day to day: its secretaries or, with none, its organizers (组织委员
    stands in). They are told about the branch's obligations and decide its members' requests."""
    return branch_leaders_of(session, [branch.id]).get(branch.id, (Role.secretary, []))


def branch_leaders_of(
    session: Session, org_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, tuple[Role, list[Person]]]:
    """`branch_leaders` for many branches in one query (the daily planners read hundreds)."""
    org_ids = set(org_ids)
    by_role: dict[tuple[uuid.UUID, Role], list[Person]] = defaultdict(list)
    for org_id, role, person in session.execute(
        select(RoleGrant.org_id, RoleGrant.role, Person)
        .join(Person, Person.id == RoleGrant.person_id)
        .where(
            RoleGrant.org_id.in_(org_ids),
            RoleGrant.role.in_(LEADING_ROLES),
            RoleGrant.revoked_at.is_(None),
            Person.is_active.is_(True),
        )
        .order_by(Person.name)
    ):
        by_role[(org_id, role)].append(person)
    leaders = {}
    for org_id in org_ids:
        role = next((r for r in LEADING_ROLES if by_role.get((org_id, r))), Role.secretary)
        leaders[org_id] = (role, by_role.get((org_id, role), []))
    return leaders


def office_people(session: Session) -> list[Person]:
    """The active people of the Party committee office (党委组织部) — those who answer letters to
    the office, review the office's tasks and owe the office's recruitment steps."""
    return list(
        session.scalars(
            select(Person)
            .join(RoleGrant, RoleGrant.person_id == Person.id)
            .where(
                RoleGrant.role == Role.committee_office,
                RoleGrant.org_id.is_(None),
                RoleGrant.revoked_at.is_(None),
                Person.is_active.is_(True),
            )
            .order_by(Person.wecom_userid)
        ).unique()
    )


def holders_hospital_wide(session: Session, role: Role) -> list[str]:
    """WeCom userids of the active people holding `role` (the 审计管理员 who keep the audit anchors)."""
    return list(
        session.scalars(
            select(Person.wecom_userid)
            .join(RoleGrant, RoleGrant.person_id == Person.id)
            .where(RoleGrant.role == role, RoleGrant.revoked_at.is_(None), Person.is_active.is_(True))
            .order_by(Person.wecom_userid)
        ).unique()
    )
