"""The archive's fields (the national system's member record) and the one way they change:
parsed from what a person typed or a file held, checked against each other, written with a
history row per field, audited. The console, imports, the API and 更正申请 all come through here."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import audit, workbench
from handlers.archive.vocabulary import (
    DEGREES,
    EDUCATION,
    ETHNICITIES,
    GENDERS,
    JOB_POSTS,
    STATUS_WORDS,
    TECHNICAL_TITLES,
    YES_NO,
)
from handlers.errors import Conflict, Forbidden, NotFound, ValidationFailed
from handlers.policy import Actor, can
from handlers.validation import CONTROL
from models import ArchiveChange, Member, MemberStatus
from models.base import local_today


@dataclass(frozen=True)
class ArchiveField:
    name: str
    label: str
    #: choice, text, date, flag (是/否) or status (正式党员/预备党员)
    kind: str
    choices: tuple[str, ...] = ()
    #: Encrypted at rest and masked on every page but the member's own, unless revealed.
    sensitive: bool = False
    #: Kept on the person (birth date is staff data, applicants have one too).
    on_person: bool = False
    max_length: int = 60


FIELDS: tuple[ArchiveField, ...] = (
    ArchiveField("gender", "性别", "choice", GENDERS),
    ArchiveField("ethnicity", "民族", "choice", ETHNICITIES, sensitive=True),
    ArchiveField("birth_date", "出生日期", "date", sensitive=True, on_person=True),
    ArchiveField("native_place", "籍贯", "text"),
    ArchiveField("education", "学历", "choice", EDUCATION),
    ArchiveField("degree", "学位", "choice", DEGREES),
    ArchiveField("job_post", "岗位", "choice", JOB_POSTS),
    ArchiveField("technical_title", "技术职称", "choice", TECHNICAL_TITLES),
    ArchiveField("status", "人员类别", "status", tuple(STATUS_WORDS)),
    ArchiveField("applied_on", "申请入党日期", "date"),
    ArchiveField("joined_on", "入党日期", "date"),
    ArchiveField("full_on", "转正日期", "date"),
    ArchiveField("party_post", "党内职务", "text"),
    ArchiveField("is_mobile", "是否流动党员", "flag", tuple(YES_NO)),
    ArchiveField("lost_contact", "是否失联", "flag", tuple(YES_NO)),
    ArchiveField("lost_contact_on", "失联日期", "date"),
)
BY_NAME = {f.name: f for f in FIELDS}
BY_LABEL = {f.label: f for f in FIELDS}
STATUS_OF = {word: MemberStatus(value) for word, value in STATUS_WORDS.items()}
WORD_OF_STATUS = {status: word for word, status in STATUS_OF.items()}


def parse(field: ArchiveField, raw: Any) -> Any:
    """A value as typed (or as a file cell) → the stored value; a Chinese refusal naming the field."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if field.kind == "flag":
            return False
        if field.kind == "status":
            raise ValidationFailed(f"{field.label}不能为空。", field=field.name)
        return None
    if field.kind == "date":
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        try:
            return date.fromisoformat(str(raw).strip())
        except ValueError:
            raise ValidationFailed(f"{field.label}应为 2010-07-01 的格式。", field=field.name) from None
    if field.kind == "flag":
        if isinstance(raw, bool):
            return raw
        if str(raw).strip() not in YES_NO:
            raise ValidationFailed(f"{field.label}应为“是”或“否”。", field=field.name)
        return YES_NO[str(raw).strip()]
    text = str(raw).strip()
    if CONTROL.search(text):
        raise ValidationFailed(f"{field.label}含有不允许的控制字符。", field=field.name)
    if field.kind == "status":
        if isinstance(raw, MemberStatus):
            return raw
        if text not in STATUS_OF:
            raise ValidationFailed(f"{field.label}应为“正式党员”或“预备党员”。", field=field.name)
        return STATUS_OF[text]
    if field.kind == "choice" and text not in field.choices:
        raise ValidationFailed(f"{field.label}“{text[:20]}”不是可选的值。", field=field.name)
    if len(text) > field.max_length:
        raise ValidationFailed(f"{field.label}不能超过 {field.max_length} 字。", field=field.name)
    return text


def to_text(field: ArchiveField, value: Any) -> str:
    """The stored value as the national system and the history write it ("" for none)."""
    if value is None:
        return ""
    if field.kind == "date":
        return value.isoformat()
    if field.kind == "flag":
        return "是" if value else "否"
    if field.kind == "status":
        return WORD_OF_STATUS[MemberStatus(value)]
    return str(value)


def value_of(member: Member, field: ArchiveField) -> Any:
    return getattr(member.person if field.on_person else member, field.name)


def _set(member: Member, field: ArchiveField, value: Any) -> None:
    setattr(member.person if field.on_person else member, field.name, value)


def check_record(values: Mapping[str, Any]) -> None:
    """The rules between fields of one record (a form, a file row, a correction): dates in their
    order and not in the future, a 转正日期 only for a 正式党员, 18 at joining (党章 art. 1)."""
    today = local_today()
    for name in ("applied_on", "joined_on", "full_on", "lost_contact_on", "birth_date"):
        if values.get(name) and values[name] > today:
            raise ValidationFailed(f"{BY_NAME[name].label}不能晚于今天。", field=name)
    applied, joined, full = values.get("applied_on"), values.get("joined_on"), values.get("full_on")
    if applied and joined and joined < applied:
        raise ValidationFailed("入党日期不能早于申请入党日期。", field="joined_on")
    if full and joined and full < joined:
        raise ValidationFailed("转正日期不能早于入党日期。", field="full_on")
    if full and values.get("status") == MemberStatus.probationary:
        raise ValidationFailed("预备党员没有转正日期。", field="full_on")
    born = values.get("birth_date")
    if (
        born
        and joined
        and (joined.year - born.year - ((joined.month, joined.day) < (born.month, born.day))) < 18
    ):
        raise ValidationFailed(
            "入党时应年满十八周岁（党章第一条），请核对出生日期和入党日期。", field="joined_on"
        )
    if values.get("lost_contact_on") and not values.get("lost_contact"):
        raise ValidationFailed("填写了失联日期，是否失联应为“是”。", field="lost_contact")


def current_values(member: Member) -> dict[str, Any]:
    return {f.name: value_of(member, f) for f in FIELDS}


def parse_all(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Every archive field named in `raw` parsed (others are ignored)."""
    return {name: parse(BY_NAME[name], value) for name, value in raw.items() if name in BY_NAME}


def apply(
    session: Session,
    actor: Actor,
    member: Member,
    values: Mapping[str, Any],
    *,
    source: str,
    reason: str | None,
) -> list[str]:
    """Write parsed values on a member whose edit was already allowed: the whole record checked,
    one history row per changed field, one audit event. Returns the names that changed."""
    merged = current_values(member) | dict(values)
    check_record(merged)
    changed = []
    for name, new in values.items():
        field = BY_NAME[name]
        old = value_of(member, field)
        if old == new:
            continue
        change = ArchiveChange(
            member_id=member.id,
            field=name,
            source=source,
            reason=(reason or "")[:200] or None,
            changed_by=actor.label,
        )
        change.old_value = to_text(field, old) or None
        change.new_value = to_text(field, new) or None
        session.add(change)
        _set(member, field, new)
        changed.append(name)
    if changed:
        session.flush()
        audit.record(
            session,
            actor,
            "member.archive_edit",
            object_type="member",
            object_id=member.id,
            detail={"fields": changed, "source": source},
        )
        workbench.touch(session, [member.person])
    return changed


def initial(member: Member, values: Mapping[str, Any]) -> None:
    """A new member's archive as first recorded (the demo seed): checked as any change is, but
    with no history rows — nothing changed, it is the first entry."""
    check_record(current_values(member) | dict(values))
    for name, value in values.items():
        _set(member, BY_NAME[name], value)


def editable(session: Session, actor: Actor, member_id: uuid.UUID) -> Member:
    """A member whose record the actor may change: their branch of record (or, for a member of
    record elsewhere, the org they take part in) or the office; not one who has moved out."""
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound()
    if not can(session, actor, "member.edit", obj=member):
        raise Forbidden("只有党员组织关系所在支部或党委组织部可以修改档案。")
    if member.left_at is not None:
        raise Conflict("该党员的组织关系已转出，档案只读。")
    return member


def update(
    session: Session,
    actor: Actor,
    *,
    member_id: uuid.UUID,
    raw: Mapping[str, Any],
    source: str = "console",
    reason: str | None = None,
) -> list[str]:
    """Change archive fields from a form or the API (only the fields named in `raw`)."""
    member = editable(session, actor, member_id)
    return apply(session, actor, member, parse_all(raw), source=source, reason=reason)


def history(session: Session, member: Member, limit: int = 200) -> list[ArchiveChange]:
    return list(
        session.scalars(
            select(ArchiveChange)
            .where(ArchiveChange.member_id == member.id)
            .order_by(ArchiveChange.changed_at.desc())
            .limit(limit)
        )
    )


def shown(
    member: Member, *, revealed: Mapping[str, str] | None = None, own: bool = False
) -> list[tuple[str, str]]:
    """(label, value) of every field as a page shows it: sensitive ones masked unless it is the
    member's own page or the value was revealed (with a reason) just now."""
    revealed = revealed or {}
    rows = []
    for field in FIELDS:
        text = to_text(field, value_of(member, field))
        if field.sensitive and not own:
            text = revealed.get(field.name, "已加密" if text else "")
        rows.append((field.label, text))
    return rows


def history_text(change: ArchiveChange, *, own: bool = False) -> tuple[str, str, str]:
    """(label, old, new) of a history row; a sensitive field's values stay masked but to its owner."""
    field = BY_NAME.get(change.field)
    label = field.label if field else change.field
    if field is not None and field.sensitive and not own:
        return label, "已加密", "已加密"
    return label, change.old_value or "（空）", change.new_value or "（空）"
