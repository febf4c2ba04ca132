"""The org tree: create, rename, move, merge and dissolve orgs; shape warnings; 联合支部 departments."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import String, func, literal, select, update
from sqlalchemy.orm import Session

from handlers import audit, rules
from handlers.errors import Conflict, ValidationFailed
from handlers.orgs.committees import _holds_secretary_role, _live_org, _require_manage, end_seats, live_seats
from handlers.policy import Actor
from handlers.validation import require_text
from models import (
    CommitteePost,
    Department,
    Member,
    MemberStatus,
    OrgKind,
    PartyOrg,
)
from models.base import local_today, utcnow

#: Which kinds of org may sit directly under which.
CHILD_KINDS = {
    OrgKind.committee: {OrgKind.general_branch, OrgKind.branch},
    OrgKind.general_branch: {OrgKind.branch},
    OrgKind.branch: {OrgKind.group},
    OrgKind.group: set(),
}


KIND_LABELS = {
    OrgKind.committee: "党委",
    OrgKind.general_branch: "党总支",
    OrgKind.branch: "党支部",
    OrgKind.group: "党小组",
}


def create_org(
    session: Session, actor: Actor, *, parent_id: uuid.UUID, kind: OrgKind | str, code: str, name: str
) -> PartyOrg:
    parent = _live_org(session, parent_id)
    _require_manage(session, actor, parent)
    try:
        kind = OrgKind(kind)
    except ValueError:
        raise ValidationFailed("组织类别不正确。", field="kind") from None
    if kind not in CHILD_KINDS[parent.kind]:
        raise ValidationFailed(f"{KIND_LABELS[parent.kind]}下不能设立{KIND_LABELS[kind]}。", field="kind")
    code = require_text(code, "code", "组织代码", max_length=32)
    if session.scalar(select(PartyOrg.id).where(PartyOrg.code == code)):
        raise Conflict(f"组织代码 {code} 已被使用。", field="code")
    org = PartyOrg(
        kind=kind,
        code=code,
        name=require_text(name, "name", "组织名称", max_length=100),
        established_on=local_today(),
    )
    org.set_parent(parent)
    org.campus_id = parent.campus_id
    session.add(org)
    session.flush()
    audit.record(session, actor, "org.create", object_type="party_org", object_id=org.id,
                 detail={"name": org.name, "kind": kind.value, "parent": parent.code})  # fmt: skip
    return org


def rename_org(session: Session, actor: Actor, *, org_id: uuid.UUID, name: str) -> PartyOrg:
    org = _live_org(session, org_id)
    _require_manage(session, actor, org)
    old, org.name = org.name, require_text(name, "name", "组织名称", max_length=100)
    audit.record(session, actor, "org.rename", object_type="party_org", object_id=org.id,
                 detail={"from": old, "to": org.name})  # fmt: skip
    return org


def move_org(session: Session, actor: Actor, *, org_id: uuid.UUID, parent_id: uuid.UUID) -> PartyOrg:
    """Re-parent an org with its whole subtree (every descendant's path is rewritten)."""
    org = _live_org(session, org_id)
    parent = _live_org(session, parent_id)
    _require_manage(session, actor, org)
    _require_manage(session, actor, parent)
    if parent.path.startswith(org.path):
        raise ValidationFailed("不能把党组织移到它自己的下级。", field="parent_id")
    if org.kind not in CHILD_KINDS[parent.kind]:
        raise ValidationFailed(
            f"{KIND_LABELS[parent.kind]}下不能设立{KIND_LABELS[org.kind]}。", field="parent_id"
        )
    old_path, old_parent = org.path, org.parent
    new_path = parent.path + f"{org.id.hex}/"
    session.execute(
        update(PartyOrg)
        .where(PartyOrg.path.startswith(old_path, autoescape=True))
        .values(path=literal(new_path, String).op("||")(func.substr(PartyOrg.path, len(old_path) + 1)))
        .execution_options(synchronize_session=False)
    )
    org.parent_id = parent.id
    session.flush()
    session.expire_all()
    audit.record(session, actor, "org.move", object_type="party_org", object_id=org.id,
                 detail={"from": old_parent.code if old_parent else None, "to": parent.code})  # fmt: skip
    return session.get(PartyOrg, org.id)


def _members_of(session: Session, org: PartyOrg) -> int:
    return (
        session.scalar(select(func.count()).where(Member.branch_id == org.id, Member.left_at.is_(None))) or 0
    )


def dissolve_org(session: Session, actor: Actor, *, org_id: uuid.UUID, reason: str) -> PartyOrg:
    """Dissolve an empty org; its row and history stay."""
    org = _live_org(session, org_id)
    _require_manage(session, actor, org)
    reason = require_text(reason, "reason", "撤销原因", max_length=200)
    children = session.scalar(
        select(func.count()).where(PartyOrg.parent_id == org.id, PartyOrg.dissolved_at.is_(None))
    )
    if children:
        raise Conflict("请先撤销或转移其下级组织。")
    if _members_of(session, org):
        raise Conflict("该组织仍有党员，请先转接组织关系或合并到其他支部。")
    org.dissolved_at = utcnow()
    end_seats(session, actor, org_id=org.id, reason="组织撤销")
    audit.record(
        session, actor, "org.dissolve", object_type="party_org", object_id=org.id, detail={"reason": reason}
    )
    return org


def merge_branches(session: Session, actor: Actor, *, source_id: uuid.UUID, target_id: uuid.UUID) -> PartyOrg:
    """Merge one branch into another: members and 党小组 move, the source is dissolved."""
    source, target = _live_org(session, source_id), _live_org(session, target_id)
    _require_manage(session, actor, source)
    _require_manage(session, actor, target)
    if source.id == target.id or {source.kind, target.kind} != {OrgKind.branch}:
        raise ValidationFailed("只能把一个党支部合并到另一个党支部。", field="target_id")
    moved = session.execute(
        update(Member)
        .where(Member.branch_id == source.id, Member.left_at.is_(None))
        .values(branch_id=target.id)
    ).rowcount
    for group in session.scalars(
        select(PartyOrg).where(PartyOrg.parent_id == source.id, PartyOrg.dissolved_at.is_(None))
    ):
        move_org(session, actor, org_id=group.id, parent_id=target.id)
    source = session.get(PartyOrg, source_id)
    source.dissolved_at = utcnow()
    end_seats(session, actor, org_id=source.id, reason=f"并入{target.name}")
    audit.record(session, actor, "org.merge", object_type="party_org", object_id=source.id,
                 detail={"into": target.code, "members_moved": moved})  # fmt: skip
    return session.get(PartyOrg, target_id)


def warnings(session: Session, org: PartyOrg, today: date | None = None) -> list[str]:
    """What the committee office should look at for this org (DOMAIN.md shape and term rules)."""
    today = today or local_today()
    notes = []
    seats = live_seats(session, org)
    if org.kind == OrgKind.branch:
        counts = dict(
            session.execute(
                select(Member.status, func.count())
                .where(Member.branch_id == org.id, Member.left_at.is_(None))
                .group_by(Member.status)
            ).all()
        )
        full, total = counts.get(MemberStatus.full, 0), sum(counts.values())
        min_full, committee_from, max_members = (
            rules.value(session, key, today)
            for key in ("org.branch_min_full", "org.branch_committee_from", "org.branch_max_members")
        )
        if full < min_full:
            notes.append(f"正式党员 {full} 人，不足 {min_full} 人，不宜单独成立党支部（可成立联合党支部）。")
        if total > max_members:
            notes.append(f"党员 {total} 人，超过 {max_members} 人，宜分设党支部。")
        if full >= committee_from:
            low = rules.value(session, "org.branch_committee_min", today)
            high = rules.value(session, "org.branch_committee_max", today)
            if not low <= len(seats) <= high:
                notes.append(
                    f"正式党员 {full} 人，应设立支部委员会（委员 {low}–{high} 人），"
                    f"目前登记 {len(seats)} 人。"
                )
        if not any(seat.post == CommitteePost.secretary for seat in seats):
            notes.append("尚未登记支部书记。")
    for seat in seats:
        if seat.post == CommitteePost.secretary and not _holds_secretary_role(session, seat):
            notes.append(
                f"书记 {seat.member.person.name} 尚未被授予“支部书记”角色（请安全管理员在“角色”中授予）。"
            )
    if org.term_ends_on:
        warning = timedelta(days=rules.value(session, "org.term_warning_days", today))
        if org.term_ends_on < today:
            notes.append(f"任期已于 {org.term_ends_on} 届满，请及时换届。")
        elif org.term_ends_on - today <= warning:
            notes.append(f"任期将于 {org.term_ends_on} 届满，请准备换届。")
    return notes


def department_choices(session: Session) -> list[Department]:
    return list(
        session.scalars(select(Department).where(Department.removed.is_(False)).order_by(Department.name))
    )


def set_departments(
    session: Session, actor: Actor, *, org_id: uuid.UUID, department_ids: list[uuid.UUID]
) -> PartyOrg:
    """Which hospital departments an org covers; a branch over several is a 联合支部."""
    org = _live_org(session, org_id)
    _require_manage(session, actor, org)
    if org.kind not in (OrgKind.branch, OrgKind.general_branch):
        raise ValidationFailed("只有党支部和党总支对应科室。", field="department_ids")
    chosen = list(
        session.scalars(
            select(Department).where(Department.id.in_(department_ids), Department.removed.is_(False))
        )
    )
    if len(chosen) != len(set(department_ids)):
        raise ValidationFailed("所选科室不存在或已撤销。", field="department_ids")
    before = sorted(d.name for d in org.departments)
    org.departments = chosen
    session.flush()
    audit.record(session, actor, "org.departments", object_type="party_org", object_id=org.id,
                 detail={"from": before, "to": sorted(d.name for d in chosen)})  # fmt: skip
    return org
