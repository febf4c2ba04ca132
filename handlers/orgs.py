"""The org tree: create, rename, move, merge and dissolve Party orgs, and each org's committee
(委员会 seats and terms), keeping their history.

Nothing is deleted: a dissolved org keeps its row (dissolved_at), an ended seat keeps its row
(ended_on), and every change is in the audit trail. Shape rules (branch size, committee size,
term length) are read from the rule catalogue (handlers/rules), whose defaults are DOMAIN.md's.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import String, func, literal, select, update
from sqlalchemy.orm import Session, joinedload

from handlers import audit, rules
from handlers.errors import Conflict, Forbidden, NotFound, ValidationFailed
from handlers.policy import Actor, can
from handlers.validation import require_text
from models import (
    CommitteePost,
    CommitteeSeat,
    Department,
    Member,
    MemberStatus,
    OrgKind,
    PartyOrg,
    Role,
    RoleGrant,
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
        raise NotFound("党组织不存在或已撤销。")
    return org


def _require_manage(session: Session, actor: Actor, org: PartyOrg) -> None:
    if not can(session, actor, "org.manage", org):
        raise Forbidden("您无权调整该党组织。")


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
    code = require_text(code, "code", "组织代码", 32)
    if session.scalar(select(PartyOrg.id).where(PartyOrg.code == code)):
        raise Conflict(f"组织代码 {code} 已被使用。", field="code")
    org = PartyOrg(
        kind=kind, code=code, name=require_text(name, "name", "组织名称", 100), established_on=local_today()
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
    old, org.name = org.name, require_text(name, "name", "组织名称", 100)
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
    reason = require_text(reason, "reason", "撤销原因", 200)
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


# -- the committee ------------------------------------------------------------------------------


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
    _close(session, actor, seat, require_text(reason, "reason", "免去原因", 200))
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


# -- departments (联合支部) -----------------------------------------------------------------------


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
