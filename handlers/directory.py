"""Mirroring the WeCom directory into Department and Person: the nightly full sync and the
incremental changes that `change_contact` callbacks announce.

WeCom is the source of truth for who works here and in which department; the Party side
(Member, the org tree) is ours. So a sync adds and updates staff and departments, and when
someone leaves the directory it ends their access but deletes nothing: a Party member's
record stays with their branch, flagged (Person.is_active false, left_at set), and the
branch secretary is told so that they can decide what follows (组织关系转出 and so on).

wecom/directory.py fetches from WeCom and hands plain values to these functions; nothing
here knows about HTTP.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handlers import audit, notify, people, workbench
from handlers.errors import Conflict, Forbidden
from handlers.policy import Actor, can
from models import Department, Member, PartyOrg, Person, Role, RoleGrant

#: A full sync that would end the access of more than this share of active staff (and at least
#: MASS_DEPARTURE_MIN people) is refused: it almost always means the app's visibility range
#: (可见范围) was narrowed by mistake, not that a tenth of the hospital resigned overnight.
MASS_DEPARTURE_SHARE = 0.10
MASS_DEPARTURE_MIN = 20
#: Users applied per transaction in a full sync: progress survives an interruption and no
#: transaction holds the audit chain's lock for long.
BATCH_SIZE = 200
LEFT_REASON = "已离开企业微信通讯录"


@dataclass(frozen=True)
class DirectoryDepartment:
    wecom_id: int
    #: None: WeCom did not tell us (department/simplelist carries ids only and the app may not
    #: read this one): a known department keeps its name, a new one is called by its id.
    name: str | None
    parent_wecom_id: int | None = None


@dataclass(frozen=True)
class DirectoryUser:
    """One member as WeCom answered. A field that is None was not sent and changes nothing:
    since 2022 a self-built app may get only userid and department (wecom-notes §9), and the
    names and posts the HR import gave must survive a sync that does not know them."""

    userid: str
    name: str | None = None
    main_department: int | None = None
    #: "" when WeCom sent an empty post (cleared); None when it sent none.
    position: str | None = None
    #: Every department WeCom lists the member in (user/list_id, user/simplelist, a callback).
    departments: tuple[int, ...] = ()
    #: WeCom status 1 (active) and 4 (not yet activated) are staff; 2 (disabled), 5 (left) are not.
    active: bool = True


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    returned: list[str] = field(default_factory=list)
    departments_added: list[str] = field(default_factory=list)
    departments_changed: list[str] = field(default_factory=list)
    departments_removed: list[str] = field(default_factory=list)
    #: "姓名（支部）" of Party members among those who left: their records wait for the secretary.
    members_left: list[str] = field(default_factory=list)
    #: How the directory was read (wecom/directory.READ_PATHS), said first in the report.
    path: str = ""

    def counts(self) -> dict[str, int]:
        return {name: len(value) for name, value in vars(self).items() if isinstance(value, list)}

    def lines(self) -> list[str]:
        lines = [f"读取方式：{self.path}"] if self.path else []
        lines += [
            f"科室：新增 {len(self.departments_added)}，变更 {len(self.departments_changed)}，"
            f"撤销 {len(self.departments_removed)}",
            f"职工：新增 {len(self.added)}，变更 {len(self.changed)}，离开 {len(self.left)}，"
            f"恢复 {len(self.returned)}",
        ]
        if self.members_left:
            lines.append(
                f"其中党员 {len(self.members_left)} 人已离开通讯录，记录保留并已通知所在支部书记："
                + "、".join(self.members_left[:20])
                + ("……" if len(self.members_left) > 20 else "")
            )
        return lines


class MassDepartureRefused(Conflict):
    code = "mass_departure"


def require_sync_permission(session: Session, actor: Actor) -> None:
    """The scheduler's system actor is trusted; a person or token needs directory.sync."""
    if actor.kind not in ("system", "cli") and not can(session, actor, "directory.sync"):
        raise Forbidden("您无权同步通讯录。")


# -- departments -----------------------------------------------------------------------------


def apply_department(
    session: Session, actor: Actor, incoming: DirectoryDepartment, *, report: SyncReport
) -> None:
    department = session.scalar(select(Department).where(Department.wecom_id == incoming.wecom_id))
    if department is None:
        name = incoming.name or f"部门{incoming.wecom_id}"
        session.add(
            Department(wecom_id=incoming.wecom_id, parent_wecom_id=incoming.parent_wecom_id, name=name)
        )
        report.departments_added.append(name)
        return
    name = incoming.name or department.name  # a name WeCom did not send is kept
    changed = department.removed or (department.name, department.parent_wecom_id) != (
        name,
        incoming.parent_wecom_id,
    )
    if changed:
        department.name = name
        department.parent_wecom_id = incoming.parent_wecom_id
        department.removed = False
        report.departments_changed.append(name)


def remove_department(session: Session, actor: Actor, wecom_id: int, *, report: SyncReport) -> None:
    """Flag a department gone from the directory; its row stays (people and history point at it)."""
    department = session.scalar(select(Department).where(Department.wecom_id == wecom_id))
    if department is not None and not department.removed:
        department.removed = True
        report.departments_removed.append(department.name)


def apply_departments(
    session: Session, actor: Actor, departments: Iterable[DirectoryDepartment], *, report: SyncReport
) -> None:
    """A full list of departments: add and update them, flag the ones no longer listed."""
    present = set()
    for incoming in departments:
        apply_department(session, actor, incoming, report=report)
        present.add(incoming.wecom_id)
    session.flush()
    for wecom_id in session.scalars(select(Department.wecom_id).where(Department.removed.is_(False))):
        if wecom_id not in present:
            remove_department(session, actor, wecom_id, report=report)


# -- staff -----------------------------------------------------------------------------------


def _department_id(session: Session, wecom_id: int | None) -> uuid.UUID | None:
    if wecom_id is None:
        return None
    return session.scalar(select(Department.id).where(Department.wecom_id == wecom_id))


def _main_department(session: Session, incoming: DirectoryUser, person: Person | None) -> int | None:
    """The member's department by WeCom id: the main one when WeCom sent it; otherwise the one
    we have if WeCom still lists them there, else the first WeCom lists; None: nothing sent."""
    if incoming.main_department is not None:
        return incoming.main_department
    if not incoming.departments:
        return None
    current = person.department.wecom_id if person is not None and person.department else None
    return current if current in incoming.departments else incoming.departments[0]


def apply_user(
    session: Session, actor: Actor, incoming: DirectoryUser, *, report: SyncReport
) -> Person | None:
    """Add, update, bring back or (status disabled/left) flag one staff member."""
    person = people.find_by_wecom_userid(session, incoming.userid)
    if not incoming.active:
        if person is not None:
            _leave(session, actor, person, report)
        return person
    main = _main_department(session, incoming, person)
    department_id = _department_id(session, main)
    if person is None:
        person = people.create_person(
            session,
            actor,
            wecom_userid=incoming.userid,
            # Without a name from WeCom the userid stands in until the HR import names them.
            name=incoming.name or incoming.userid,
            department_id=department_id,
            position=incoming.position or None,
        )
        report.added.append(person.name)
        workbench.touch(session, [person])
        return person
    if not person.is_active:
        person.is_active = True
        person.left_at = None
        report.returned.append(person.name)
        workbench.touch(session, [person])
        audit.record(session, actor, "person.directory_return", object_type="person", object_id=person.id)
    # Only what WeCom sent is compared: a field it did not send is never blanked.
    wanted: dict[str, object] = {}
    if incoming.name is not None:
        wanted["name"] = incoming.name
    if main is not None:
        wanted["department_id"] = department_id
    if incoming.position is not None:
        wanted["position"] = incoming.position or None
    changed = sorted(k for k, v in wanted.items() if getattr(person, k) != v)
    if changed:
        for key in changed:
            setattr(person, key, wanted[key])
        report.changed.append(person.name)
        audit.record(
            session,
            actor,
            "person.directory_update",
            object_type="person",
            object_id=person.id,
            detail={"fields": changed},
        )
    return person


def rename_user(session: Session, actor: Actor, old_userid: str, *, new_userid: str) -> Person | None:
    """An administrator changed someone's userid in WeCom (change_contact NewUserID)."""
    person = people.find_by_wecom_userid(session, old_userid)
    if person is None or old_userid == new_userid:
        return person
    if people.find_by_wecom_userid(session, new_userid) is not None:
        raise Conflict(f"企业微信账号 {new_userid} 已被他人使用，无法改名。")
    person.wecom_userid = new_userid
    audit.record(
        session,
        actor,
        "person.directory_rename",
        object_type="person",
        object_id=person.id,
        detail={"old": old_userid, "new": new_userid},
    )
    return person


def user_left(session: Session, actor: Actor, userid: str, *, report: SyncReport) -> None:
    """change_contact delete_user: end the person's access; keep every record."""
    person = people.find_by_wecom_userid(session, userid)
    if person is not None:
        _leave(session, actor, person, report)


def _leave(session: Session, actor: Actor, person: Person, report: SyncReport) -> None:
    if not person.is_active:
        return
    people.mark_inactive(session, actor, person=person, reason=LEFT_REASON, action="person.directory_left")
    report.left.append(person.name)
    membership = person.membership
    if membership is not None and membership.left_at is None:
        branch = _keeping_branch(session, membership)
        report.members_left.append(f"{person.name}（{branch.name if branch else '未知支部'}）")
        _tell_secretaries(session, membership, person)


def _keeping_branch(session: Session, membership: Member) -> PartyOrg | None:
    """The branch that keeps the member here: of record, or — of record elsewhere — the org they
    take part in."""
    if membership.branch_id is not None:
        return session.get(PartyOrg, membership.branch_id)
    from handlers.archive import participations

    return participations.current_host(session, membership)


def _tell_secretaries(session: Session, membership: Member, person: Person) -> None:
    """One chat message to the branch's secretaries (the committee office when there is none)."""
    branch = _keeping_branch(session, membership)
    recipients = (_branch_leads(session, branch.id) if branch else []) or _committee_office(session)
    if not recipients:
        return
    content = (
        f"通讯录同步提示：{person.name}（{person.position or '职工'}）已离开企业微信通讯录，"
        f"其党员组织关系仍在{branch.name if branch else '本支部'}，记录已保留。"
        "请在党建管理后台核实并办理后续事宜（如组织关系转出）。"
    )
    stamp = person.left_at.isoformat() if person.left_at else ""
    key = hashlib.sha256(f"{person.id}|{stamp}".encode()).hexdigest()[:32]
    notify.tell(session, recipients, "text", key=f"directory-left:{key}", content=content)


def _branch_leads(session: Session, branch_id: uuid.UUID) -> list[str]:
    return list(
        session.scalars(
            select(Person.wecom_userid)
            .join(RoleGrant, RoleGrant.person_id == Person.id)
            .where(
                RoleGrant.org_id == branch_id,
                RoleGrant.role.in_((Role.secretary, Role.organizer)),
                RoleGrant.revoked_at.is_(None),
                Person.is_active.is_(True),
            )
            .order_by(Person.wecom_userid)
        ).unique()
    )


def _committee_office(session: Session) -> list[str]:
    return list(
        session.scalars(
            select(Person.wecom_userid)
            .join(RoleGrant, RoleGrant.person_id == Person.id)
            .where(
                RoleGrant.role == Role.committee_office,
                RoleGrant.revoked_at.is_(None),
                Person.is_active.is_(True),
            )
            .order_by(Person.wecom_userid)
        ).unique()
    )


# -- the full sync ---------------------------------------------------------------------------


def departures(session: Session, staying: set[str]) -> list[str]:
    """Active staff whose userid is not among those the directory still lists as staff."""
    active = session.scalars(select(Person.wecom_userid).where(Person.is_active.is_(True)))
    return sorted(u for u in active if u not in staying)


def full_sync(
    unit_of_work: Callable[[], AbstractContextManager[Session]],
    actor: Actor,
    departments: list[DirectoryDepartment],
    *,
    users: list[DirectoryUser],
    allow_mass_departure: bool = False,
    progress: Callable[[int], None] = lambda n: None,
    path: str = "",
) -> SyncReport:
    """Bring Department and Person in line with a complete snapshot of the directory.

    Departments first (people point at them), then users in batches, then departures. The
    guard against a mass departure runs before anything is written.
    """
    report = SyncReport(path=path)
    staying = {u.userid for u in users if u.active}
    with unit_of_work() as session:
        require_sync_permission(session, actor)
        leaving = departures(session, staying)
        active_count = session.scalar(select(func.count()).where(Person.is_active.is_(True))) or 0
        if (
            not allow_mass_departure
            and len(leaving) >= MASS_DEPARTURE_MIN
            and len(leaving) > active_count * MASS_DEPARTURE_SHARE
        ):
            raise MassDepartureRefused(
                f"本次同步将使 {len(leaving)} 名职工（在职 {active_count} 人）离开，超过安全阈值，已停止，"
                "未做任何修改。请先核对应用的可见范围；确认无误后使用 --allow-mass-departure 重新同步。"
            )
        apply_departments(session, actor, departments, report=report)
    for start in range(0, len(users), BATCH_SIZE):
        batch = users[start : start + BATCH_SIZE]
        with unit_of_work() as session:
            for incoming in batch:
                apply_user(session, actor, incoming, report=report)
        progress(len(batch))
    with unit_of_work() as session:
        for userid in departures(session, staying):
            user_left(session, actor, userid, report=report)
        audit.record(session, actor, "directory.sync", detail={**report.counts(), "path": report.path})
    return report
