"""Member of record and participating branch (条例 art. 16; domain notes §B6).

A member may take part in an org here for a period while their 组织关系 stays elsewhere (规培,
进修, 援派 to us, 多院区 rotation): they get its meetings, lessons and reminders and count in its
attendance, never in its figures of record. The reverse: a member of record here posted away
(援疆, 进修外出, 流动党员) is excused from local meetings for the period. A 流动党员 carries a
《流动党员活动证》 number and stays reachable in WeCom (nothing about them leaves the directory).
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session, joinedload

from handlers import audit, people, workbench
from handlers.archive import fields
from handlers.errors import Conflict, Forbidden, NotFound, ValidationFailed
from handlers.paging import Page, paginate
from handlers.policy import Actor, can, holds, scope_members, scope_orgs
from handlers.validation import require_text
from models import (
    Member,
    MemberParticipation,
    MemberStatus,
    OrgKind,
    ParticipationDirection,
    ParticipationKind,
    PartyOrg,
)
from models.archive import participating_on
from models.base import local_today

KIND_LABELS = {
    ParticipationKind.residency: "规培",
    ParticipationKind.visiting: "进修",
    ParticipationKind.posting: "援派",
    ParticipationKind.rotation: "多院区轮转",
    ParticipationKind.mobile: "流动党员",
    ParticipationKind.other: "其他",
}
DIRECTION_LABELS = {
    ParticipationDirection.here: "在本院参加组织生活",
    ParticipationDirection.away: "外出（本地免于参会）",
}


def _kind(raw: str) -> ParticipationKind:
    try:
        return ParticipationKind(raw)
    except ValueError:
        raise ValidationFailed("参加组织生活的类别不正确。", field="kind") from None


def _period(starts_on: date | None, ends_on: date | None) -> tuple[date, date | None]:
    if starts_on is None:
        raise ValidationFailed("请填写开始日期。", field="starts_on")
    if ends_on is not None and ends_on < starts_on:
        raise ValidationFailed("结束日期不能早于开始日期。", field="ends_on")
    return starts_on, ends_on


def _no_overlap(
    session: Session, member: Member, direction: ParticipationDirection, start: date, end: date | None
) -> None:
    clash = session.scalar(
        select(MemberParticipation.id).where(
            MemberParticipation.member_id == member.id,
            MemberParticipation.direction == direction,
            or_(MemberParticipation.ends_on.is_(None), MemberParticipation.ends_on >= start),
            MemberParticipation.starts_on <= (end or date.max),
        )
    )
    if clash is not None:
        raise Conflict("该党员在这段时间已有一条同类记录，请先结束原记录。")


def _host(session: Session, actor: Actor, org_id: uuid.UUID) -> PartyOrg:
    org = session.get(PartyOrg, org_id)
    if org is None or org.dissolved_at is not None or org.kind not in (OrgKind.branch, OrgKind.group):
        raise NotFound("参加组织生活的党支部不存在。")
    if not can(session, actor, "member.edit", obj=org):
        raise Forbidden("您无权为该支部登记参加组织生活的党员。")
    return org


def take_part(
    session: Session,
    actor: Actor,
    *,
    member_id: uuid.UUID,
    org_id: uuid.UUID,
    kind: str,
    starts_on: date | None,
    ends_on: date | None,
    note: str | None = None,
) -> MemberParticipation:
    """A member of record here takes part in another org here for a period (多院区轮转 and the like):
    decided by their branch of record (or the office), with the host within the actor's reach."""
    member = fields.editable(session, actor, member_id)
    host = _host(session, actor, org_id)
    if host.id in (member.branch_id, member.group_id):
        raise ValidationFailed("该党员的组织关系就在这里，无需登记参加组织生活。", field="org_id")
    return _record(
        session,
        actor,
        member,
        ParticipationDirection.here,
        _kind(kind),
        starts_on,
        ends_on,
        org=host,
        note=note,
    )


def register_visitor(
    session: Session,
    actor: Actor,
    *,
    wecom_userid: str,
    name: str,
    org_id: uuid.UUID,
    record_org_name: str,
    kind: str,
    status: str,
    starts_on: date | None,
    ends_on: date | None,
    joined_on: date | None = None,
    note: str | None = None,
) -> MemberParticipation:
    """A member of record elsewhere (a 规培 resident, a 进修 doctor) takes part in a branch here:
    their staff record (found by WeCom account or added), a membership without a branch of
    record, and the dated participation, in one go."""
    host = _host(session, actor, org_id)
    if ends_on is None:
        raise ValidationFailed("请填写结束日期（规培、进修均有期限，可到期前延长）。", field="ends_on")
    try:
        member_status = MemberStatus(status)
    except ValueError:
        raise ValidationFailed("党员类别不正确。", field="status") from None
    person = people.find_by_wecom_userid(session, (wecom_userid or "").strip()) or people.create_person(
        session, actor, wecom_userid=wecom_userid, name=name
    )
    if person.membership is not None and person.membership.left_at is None:
        member = person.membership
        if member.branch_id is not None:
            raise Conflict(f"{person.name} 的组织关系在本院，请由其所在支部登记参加组织生活。")
    else:
        member = people.enrol_visitor(
            session,
            actor,
            person=person,
            host=host,
            record_org_name=record_org_name,
            status=member_status,
            joined_on=joined_on,
        )
    return _record(
        session,
        actor,
        member,
        ParticipationDirection.here,
        _kind(kind),
        starts_on,
        ends_on,
        org=host,
        note=note,
    )


def post_away(
    session: Session,
    actor: Actor,
    *,
    member_id: uuid.UUID,
    kind: str,
    place: str,
    starts_on: date | None,
    ends_on: date | None,
    certificate_number: str | None = None,
    note: str | None = None,
) -> MemberParticipation:
    """A member of record here is away for the period (援疆, 外出进修, 流动党员): excused from the
    branch's meetings while it lasts. A 流动党员 needs the 活动证 number and is marked 流动党员."""
    member = fields.editable(session, actor, member_id)
    if member.branch_id is None:
        raise ValidationFailed("该党员的组织关系不在本院。", field="member_id")
    away_kind = _kind(kind)
    certificate = (certificate_number or "").strip()[:40] or None
    if away_kind == ParticipationKind.mobile and not certificate:
        raise ValidationFailed("流动党员请填写《流动党员活动证》编号。", field="certificate_number")
    row = _record(
        session,
        actor,
        member,
        ParticipationDirection.away,
        away_kind,
        starts_on,
        ends_on,
        place=require_text(place, "place", "外出地点及所在党组织", max_length=200),
        certificate=certificate,
        note=note,
    )
    if away_kind == ParticipationKind.mobile and row.starts_on <= local_today():
        fields.apply(
            session, actor, member, {"is_mobile": True}, source="participation", reason="发放流动党员活动证"
        )
    return row


def _record(
    session: Session,
    actor: Actor,
    member: Member,
    direction: ParticipationDirection,
    kind: ParticipationKind,
    starts_on: date | None,
    ends_on: date | None,
    *,
    org: PartyOrg | None = None,
    place: str | None = None,
    certificate: str | None = None,
    note: str | None = None,
) -> MemberParticipation:
    start, end = _period(starts_on, ends_on)
    _no_overlap(session, member, direction, start, end)
    row = MemberParticipation(
        member_id=member.id,
        direction=direction,
        kind=kind,
        org_id=org.id if org else None,
        place=place,
        certificate_number=certificate,
        starts_on=start,
        ends_on=end,
        note=(note or "").strip()[:500] or None,
        recorded_by=actor.label,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "member.participation",
        object_type="member",
        object_id=member.id,
        detail={"direction": direction.value, "kind": kind.value, "org": org.code if org else None},
    )
    workbench.touch(session, [member.person])
    return row


def end(
    session: Session, actor: Actor, *, participation_id: uuid.UUID, ends_on: date | None
) -> MemberParticipation:
    """End a period early (or set its end): the record stays."""
    row = session.get(MemberParticipation, participation_id)
    if row is None or not (
        can(session, actor, "member.edit", obj=row.member)
        or (row.org is not None and can(session, actor, "member.edit", obj=row.org))
    ):
        raise NotFound()
    last = ends_on or local_today()
    if last < row.starts_on:
        raise ValidationFailed("结束日期不能早于开始日期。", field="ends_on")
    row.ends_on = last
    if row.kind == ParticipationKind.mobile and last <= local_today() and row.member.is_mobile:
        fields.apply(
            session, actor, row.member, {"is_mobile": False}, source="participation", reason="流动党员返回"
        )
    audit.record(
        session,
        actor,
        "member.participation_end",
        object_type="member",
        object_id=row.member_id,
        detail={"participation": str(row.id), "ends_on": last.isoformat()},
    )
    workbench.touch(session, [row.member.person])
    return row


def of_member(session: Session, member: Member) -> list[MemberParticipation]:
    return list(
        session.scalars(
            select(MemberParticipation)
            .where(MemberParticipation.member_id == member.id)
            .options(joinedload(MemberParticipation.org))
            .order_by(MemberParticipation.starts_on.desc())
        )
    )


def current_host(session: Session, member: Member, day: date | None = None) -> PartyOrg | None:
    """The org here a member takes part in today (the first, should periods have been set to overlap)."""
    return session.scalar(
        select(PartyOrg)
        .join(MemberParticipation, MemberParticipation.org_id == PartyOrg.id)
        .where(MemberParticipation.member_id == member.id, participating_on(day or local_today()))
        .order_by(MemberParticipation.starts_on)
        .limit(1)
    )


def visible(actor: Actor, stmt: Select) -> Select:
    """Participations the actor may see: those of members they see, or hosted in their subtree."""
    hosted = scope_orgs(actor, select(PartyOrg.id), "member.view")
    members = scope_members(actor, select(Member.id))
    return stmt.where(or_(MemberParticipation.org_id.in_(hosted), MemberParticipation.member_id.in_(members)))


def list_participations(
    session: Session,
    actor: Actor,
    *,
    current_only: bool = False,
    direction: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page[MemberParticipation]:
    if not holds(actor, "member.view"):
        raise Forbidden("您无权查看党员名单。")
    stmt = visible(actor, select(MemberParticipation))
    if direction:
        try:
            stmt = stmt.where(MemberParticipation.direction == ParticipationDirection(direction))
        except ValueError:
            raise ValidationFailed("方向不正确。", field="direction") from None
    if current_only:
        today = local_today()
        stmt = stmt.where(
            MemberParticipation.starts_on <= today,
            or_(MemberParticipation.ends_on.is_(None), MemberParticipation.ends_on >= today),
        )
    return paginate(
        session,
        stmt,
        page=page,
        per_page=per_page,
        order_by=(MemberParticipation.starts_on.desc(), MemberParticipation.id),
        options=(
            joinedload(MemberParticipation.member).joinedload(Member.person),
            joinedload(MemberParticipation.org),
        ),
    )


def sync_mobile_flags(session: Session, actor: Actor, today: date) -> int:
    """Daily: a 流动党员 whose 活动证 period ended is no longer marked one; one whose period began
    is. A mark with no 活动证 recorded here (from the national system's file) is left as it is."""
    recorded = select(MemberParticipation.member_id).where(
        MemberParticipation.kind == ParticipationKind.mobile
    )
    mobile = recorded.where(participating_on(today, ParticipationDirection.away))
    ended = and_(Member.is_mobile.is_(True), Member.id.in_(recorded), Member.id.not_in(mobile))
    begun = and_(Member.is_mobile.is_(False), Member.id.in_(mobile))
    changed = 0
    for member in session.scalars(select(Member).where(Member.left_at.is_(None), or_(ended, begun))):
        flag = not member.is_mobile
        fields.apply(
            session,
            actor,
            member,
            {"is_mobile": flag},
            source="participation",
            reason="流动党员活动证期限开始" if flag else "流动党员活动证期限届满",
        )
        changed += 1
    return changed
