"""Finding members for the console and the API: always through the actor's scope."""

from __future__ import annotations

import uuid

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, joinedload

from handlers.errors import Forbidden, NotFound, OutOfScope, ValidationFailed
from handlers.paging import Page, paginate
from handlers.policy import Actor, can, holds, scope_members, scope_orgs
from models import Campus, Department, Member, MemberStatus, OrgKind, PartyOrg, Person

PER_PAGE = 20


def mask(value: str | None, keep_start: int, keep_end: int) -> str:
    """110***********1234: enough to tell two people apart, not enough to use."""
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


def masked_identity(person: Person) -> dict[str, str]:
    return {"id_number": mask(person.id_number, 3, 4), "mobile": mask(person.mobile, 3, 4)}


def list_members(
    session: Session,
    actor: Actor,
    *,
    query: str = "",
    org_id: uuid.UUID | None = None,
    status: str | None = None,
    department_id: uuid.UUID | None = None,
    campus_id: uuid.UUID | None = None,
    shift_group: str | None = None,
    of_record: bool = False,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Page[Member]:
    """Members the actor may see, filtered by name or userid, org subtree, status, the
    department and campus they work in (from the directory) and their shift group.

    `of_record`: only members whose 组织关系 is in the actor's scope — the figures of record; a
    member taking part here from elsewhere (条例 art. 16) is listed, never counted there."""
    if not holds(actor, "member.view"):
        raise Forbidden("您无权查看党员名单。")
    stmt: Select = scope_members(actor, select(Member).join(Person, Member.person_id == Person.id))
    if of_record:
        stmt = stmt.where(Member.branch_id.in_(scope_orgs(actor, select(PartyOrg.id), "member.view")))
    if query.strip():
        like = f"%{query.strip()}%"
        stmt = stmt.where(or_(Person.name.like(like), Person.wecom_userid.like(like)))
    if org_id is not None:
        org = get_org(session, actor, org_id)  # the same 403 as opening the org
        subtree = select(PartyOrg.id).where(PartyOrg.path.startswith(org.path, autoescape=True))
        stmt = stmt.where(Member.branch_id.in_(subtree))
    if status:
        try:
            stmt = stmt.where(Member.status == MemberStatus(status))
        except ValueError:
            raise ValidationFailed("党员类别不正确。", field="status") from None
    if department_id is not None:
        stmt = stmt.where(Person.department_id == department_id)
    if campus_id is not None:
        in_campus = select(Department.id).where(Department.campus_id == campus_id)
        stmt = stmt.where(Person.department_id.in_(in_campus))
    if shift_group:
        stmt = stmt.where(Member.shift_group == shift_group.strip())
    return paginate(
        session,
        stmt,
        page=page,
        per_page=per_page,
        order_by=(Person.name, Member.id),
        options=(joinedload(Member.person), joinedload(Member.branch)),
    )


def filter_choices(session: Session, actor: Actor) -> dict[str, list]:
    """What the member list's filters offer: departments, campuses and the shift groups in use
    among the members the actor may see."""
    shifts = scope_members(actor, select(Member.shift_group).distinct()).where(
        Member.shift_group.is_not(None)
    )
    return {
        "departments": list(
            session.scalars(select(Department).where(Department.removed.is_(False)).order_by(Department.name))
        ),
        "campuses": list(session.scalars(select(Campus).order_by(Campus.name))),
        "shift_groups": sorted(session.scalars(shifts)),
    }


def get_member(session: Session, actor: Actor, member_id: uuid.UUID) -> Member:
    """One member; refused without saying whether they exist when outside the actor's scope."""
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound()
    if not can(session, actor, "member.view", obj=member):
        raise OutOfScope()
    return member


def get_org(session: Session, actor: Actor, org_id: uuid.UUID) -> PartyOrg:
    """One org; outside the actor's scope a 403 that does not say whether it exists."""
    org = session.get(PartyOrg, org_id)
    if org is None:
        raise NotFound()
    if not can(session, actor, "org.view", obj=org):
        raise OutOfScope()
    return org


def current_members(session: Session, branch: PartyOrg) -> list[Member]:
    """The branch's members of record today (those who left are not listed)."""
    return list(
        session.scalars(select(Member).where(Member.branch_id == branch.id, Member.left_at.is_(None)))
    )


def branch_roll(session: Session, branch: PartyOrg) -> list[tuple[Person, Member]]:
    """The branch's members of record who are still on the staff, by name: who is asked in its
    votes and evaluations and whom its committee talks with."""
    return list(
        session.execute(
            select(Person, Member)
            .join(Member, Member.person_id == Person.id)
            .where(Member.branch_id == branch.id, Member.left_at.is_(None), Person.is_active.is_(True))
            .order_by(Person.name, Person.wecom_userid)
        ).all()
    )


def actor_sees_everything(actor: Actor) -> bool:
    return any(g.org_path is None for g in actor.grants)


def visible_orgs(session: Session, actor: Actor) -> list[PartyOrg]:
    live = select(PartyOrg).where(PartyOrg.dissolved_at.is_(None))
    return list(session.scalars(scope_orgs(actor, live).order_by(PartyOrg.path)))


def list_orgs(
    session: Session, actor: Actor, *, kind: str | None = None, page: int = 1, per_page: int = PER_PAGE
) -> Page[PartyOrg]:
    """Live orgs the actor may see, in tree order, optionally of one kind."""
    stmt = scope_orgs(actor, select(PartyOrg).where(PartyOrg.dissolved_at.is_(None)))
    if kind:
        try:
            stmt = stmt.where(PartyOrg.kind == OrgKind(kind))
        except ValueError:
            raise ValidationFailed("组织类别不正确。", field="kind") from None
    return paginate(session, stmt, page=page, per_page=per_page, order_by=(PartyOrg.path,))


def people_by_userids(session: Session, actor: Actor, text: str) -> list[uuid.UUID]:
    """A hand-typed list of 工号 (企业微信账号; spaces, commas or new lines between them) as the
    members' person ids, in the actor's scope. Unknown or out-of-scope ones are named, not skipped."""
    import re

    wanted = list(dict.fromkeys(u for u in re.split(r"[\s,，、;；]+", text or "") if u))
    if not wanted:
        return []
    if len(wanted) > 5000:
        raise ValidationFailed("名单最多 5,000 人。", field="people")
    found = dict(
        session.execute(
            scope_members(
                actor, select(Person.wecom_userid, Person.id).join(Member, Member.person_id == Person.id)
            ).where(Person.wecom_userid.in_(wanted), Member.left_at.is_(None))
        ).all()
    )
    missing = [u for u in wanted if u not in found]
    if missing:
        shown = "、".join(missing[:10]) + (f" 等 {len(missing)} 个" if len(missing) > 10 else "")
        raise ValidationFailed(f"这些账号不是您负责范围内的党员：{shown}。", field="people")
    return [found[u] for u in wanted]
