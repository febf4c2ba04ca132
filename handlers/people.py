"""Staff and Party memberships: create, enrol, deactivate, find, and reveal sensitive fields."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from handlers import audit
from handlers.errors import Conflict, Forbidden, NotFound, ValidationFailed
from handlers.policy import Actor, can
from handlers.validation import require_text, validate_id_number, validate_mobile
from models import DuesCategory, Member, MemberStatus, OrgKind, PartyOrg, Person, WebSession
from models.base import utcnow
from models.crypto import EncryptedField

#: Sensitive fields a console or API user may ask to see, with their Chinese label.
REVEALABLE = {
    "id_number": "身份证号",
    "mobile": "手机号",
    "birth_date": "出生日期",
    "political_status": "政治面貌",
    "ethnicity": "民族",
}


def create_person(
    session: Session,
    actor: Actor,
    *,
    wecom_userid: str,
    name: str,
    department_id: uuid.UUID | None = None,
    position: str | None = None,
    id_number: str | None = None,
    mobile: str | None = None,
    birth_date: date | None = None,
    political_status: str | None = None,
) -> Person:
    """Add a staff member; refuse a duplicate userid or invalid identity data, writing nothing."""
    userid = require_text(wecom_userid, "wecom_userid", "企业微信账号", max_length=64)
    name = require_text(name, "name", "姓名", max_length=64)
    id_number = validate_id_number(id_number) if id_number else None
    mobile = validate_mobile(mobile) if mobile else None
    if session.scalar(select(Person.id).where(Person.wecom_userid == userid)) is not None:
        raise Conflict(f"企业微信账号 {userid} 已存在，不能重复添加。", field="wecom_userid")

    person = Person(wecom_userid=userid, name=name, department_id=department_id, position=position)
    person.id_number = id_number
    person.mobile = mobile
    person.birth_date = birth_date
    person.political_status = political_status
    try:
        # The unique constraint is the real guard (two imports racing); a savepoint keeps the
        # caller's transaction usable when it fires.
        with session.begin_nested():
            session.add(person)
            session.flush()
    except IntegrityError:
        raise Conflict(f"企业微信账号 {userid} 已存在，不能重复添加。", field="wecom_userid") from None
    audit.record(session, actor, "person.create", object_type="person", object_id=person.id)
    return person


def enrol_member(
    session: Session,
    actor: Actor,
    *,
    person: Person,
    branch: PartyOrg,
    status: MemberStatus,
    joined_on: date | None = None,
    full_on: date | None = None,
    dues_category: DuesCategory = DuesCategory.in_service,
    dues_base: Decimal | None = None,
    shift_group: str | None = None,
) -> Member:
    """Record a person's Party membership in a branch."""
    if branch.kind != OrgKind.branch:
        raise ValidationFailed("党员的组织关系应隶属于党支部。", field="branch_id")
    if not can(session, actor, "member.edit", obj=branch):
        raise Forbidden("您无权在该支部登记党员。")
    if person.membership is not None:
        raise Conflict(f"{person.name} 已是党员，不能重复登记。")
    if dues_base is not None and dues_base < 0:
        raise ValidationFailed("党费计算基数不能为负数。", field="dues_base")
    member = Member(
        person=person,
        branch_id=branch.id,
        status=MemberStatus(status),
        joined_on=joined_on,
        full_on=full_on,
        dues_category=dues_category,
        shift_group=shift_group,
    )
    member.dues_base = dues_base
    session.add(member)
    session.flush()
    audit.record(session, actor, "member.enrol", object_type="member", object_id=member.id)
    return member


def enrol_visitor(
    session: Session,
    actor: Actor,
    *,
    person: Person,
    host: PartyOrg,
    record_org_name: str,
    status: MemberStatus,
    joined_on: date | None = None,
) -> Member:
    """Record a Party member whose 组织关系 is kept elsewhere (a 规培 resident, a 进修 doctor) so
    that they can take part in `host`'s life: no branch of record here, the home org by name."""
    if host.kind not in (OrgKind.branch, OrgKind.group) or host.dissolved_at is not None:
        raise ValidationFailed("参加组织生活的组织应为党支部或党小组。", field="org_id")
    if not can(session, actor, "member.edit", obj=host):
        raise Forbidden("您无权在该组织登记参加组织生活的党员。")
    if person.membership is not None:
        raise Conflict(f"{person.name} 已在本院党员名册中，请直接登记参加组织生活。")
    member = Member(
        person=person,
        branch_id=None,
        record_org_name=require_text(
            record_org_name, "record_org_name", "组织关系所在党组织", max_length=200
        ),
        status=MemberStatus(status),
        joined_on=joined_on,
        dues_category=DuesCategory.in_service,
    )
    session.add(member)
    session.flush()
    audit.record(session, actor, "member.enrol_visitor", object_type="member", object_id=member.id)
    return member


def end_sessions(session: Session, person_id: uuid.UUID) -> int:
    """Log a person out everywhere (their next request finds no session)."""
    return session.execute(delete(WebSession).where(WebSession.person_id == person_id)).rowcount


def deactivate_person(session: Session, actor: Actor, *, person: Person, reason: str) -> None:
    """Disable a person's access: every session ends at once. Records are kept, never deleted."""
    if not can(session, actor, "person.deactivate", obj=person) and not can(
        session, actor, "person.deactivate"
    ):
        raise Forbidden()
    mark_inactive(
        session, actor, person=person, reason=require_text(reason, "reason", "停用原因", max_length=200)
    )


def mark_inactive(
    session: Session, actor: Actor, *, person: Person, reason: str, action: str = "person.deactivate"
) -> None:
    """The mechanics of deactivation, for callers that decided it is allowed (the directory sync)."""
    person.is_active = False
    person.left_at = person.left_at or utcnow()
    ended = end_sessions(session, person.id)
    audit.record(
        session,
        actor,
        action,
        object_type="person",
        object_id=person.id,
        detail={"reason": reason, "sessions_ended": ended},
    )


def _field(name: str) -> EncryptedField[Any]:
    descriptor = Person.__dict__.get(name) or Member.__dict__.get(name)
    if name not in REVEALABLE or not isinstance(descriptor, EncryptedField):
        raise ValidationFailed("该字段不能查看。", field="field")
    return descriptor


def _holder(person: Person, descriptor: EncryptedField[Any]) -> Any:
    """The row a sensitive field lives on: the person, or their membership (民族 is archive data)."""
    return person if Person.__dict__.get(descriptor.name) is descriptor else person.membership


def reveal_sensitive(
    session: Session, actor: Actor, *, person_id: uuid.UUID, field: str, reason: str
) -> str | None:
    """Show one sensitive field to a console or API user, with a reason, audited either way."""
    descriptor = _field(field)
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound()
    if not can(session, actor, "member.reveal", obj=person):
        raise Forbidden("您无权查看该敏感信息。").audited_as(
            actor, "person.reveal", object_type="person", object_id=person_id, detail={"field": field}
        )
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationFailed("查看敏感信息须填写事由。", field="reason")
    holder = _holder(person, descriptor)
    value = None if holder is None else descriptor.__get__(holder)
    audit.record(
        session,
        actor,
        "person.reveal",
        object_type="person",
        object_id=person_id,
        detail={"field": field, "reason": reason[:200]},
    )
    return None if value is None else str(value)


def find_by_wecom_userid(session: Session, userid: str) -> Person | None:
    """The staff member behind a WeCom identity (callbacks, OAuth), or None if not synced yet."""
    return session.scalar(select(Person).where(Person.wecom_userid == userid))


def find_active(session: Session, person_id: uuid.UUID) -> Person | None:
    person = session.get(Person, person_id)
    return person if person is not None and person.is_active else None


def find_by_mobile(session: Session, mobile: str) -> Person | None:
    return _find_by_blind_index(session, "mobile", validate_mobile(mobile))


def find_by_id_number(session: Session, id_number: str) -> Person | None:
    return _find_by_blind_index(session, "id_number", validate_id_number(id_number))


def _find_by_blind_index(session: Session, name: str, value: str) -> Person | None:
    descriptor: EncryptedField[str] = Person.__dict__[name]
    index_column = getattr(Person, f"{name}_bidx")
    candidates = session.scalars(select(Person).where(index_column.in_(descriptor.candidates(Person, value))))
    # The index is truncated on purpose, so several people share a value: confirm by decrypting.
    for person in candidates:
        if descriptor.matches(person, value):
            return person
    return None


def enrol_staff(
    session: Session,
    actor: Actor,
    *,
    wecom_userid: str,
    name: str,
    branch: PartyOrg,
    status: MemberStatus,
    id_number: str | None = None,
    mobile: str | None = None,
    joined_on: date | None = None,
    shift_group: str | None = None,
) -> Member:
    """Register a member: the staff record first if the directory has not brought it yet."""
    person = find_by_wecom_userid(session, wecom_userid) or create_person(
        session, actor, wecom_userid=wecom_userid, name=name, id_number=id_number, mobile=mobile
    )
    return enrol_member(
        session,
        actor,
        person=person,
        branch=branch,
        status=status,
        joined_on=joined_on,
        shift_group=shift_group,
    )
