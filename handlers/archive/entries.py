"""The lists on a member's archive: 奖励, 处分, 培训 and 党内职务 held, each a dated line kept by the
branch of record. A 处分 is seen by the member, their branch of record and the office only."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import audit
from handlers.archive.fields import editable
from handlers.errors import NotFound, ValidationFailed
from handlers.policy import Actor, can
from handlers.validation import require_text
from models import ArchiveEntry, CommitteeSeat, EntryKind, Member, PartyOrg
from models.base import local_today

KIND_LABELS = {
    EntryKind.reward: "奖励",
    EntryKind.sanction: "处分",
    EntryKind.training: "培训",
    EntryKind.party_post: "党内职务",
}


def add_entry(
    session: Session,
    actor: Actor,
    *,
    member_id: uuid.UUID,
    kind: str,
    title: str,
    starts_on: date | None,
    ends_on: date | None = None,
    issuer: str | None = None,
    note: str | None = None,
) -> ArchiveEntry:
    member = editable(session, actor, member_id)
    try:
        entry_kind = EntryKind(kind)
    except ValueError:
        raise ValidationFailed("记录类别不正确。", field="kind") from None
    if starts_on is None:
        raise ValidationFailed("请填写日期。", field="starts_on")
    if starts_on > local_today():
        raise ValidationFailed("日期不能晚于今天。", field="starts_on")
    if ends_on is not None and ends_on < starts_on:
        raise ValidationFailed("结束日期不能早于开始日期。", field="ends_on")
    entry = ArchiveEntry(
        member_id=member.id,
        kind=entry_kind,
        title=require_text(title, "title", "名称", max_length=100),
        issuer=(issuer or "").strip()[:100] or None,
        starts_on=starts_on,
        ends_on=ends_on,
        note=(note or "").strip()[:500] or None,
        recorded_by=actor.label,
    )
    session.add(entry)
    session.flush()
    audit.record(
        session,
        actor,
        "member.archive_entry",
        object_type="member",
        object_id=member.id,
        detail={"kind": entry_kind.value, "entry": str(entry.id)},
    )
    return entry


def remove_entry(session: Session, actor: Actor, *, member_id: uuid.UUID, entry_id: uuid.UUID) -> None:
    """Strike a line entered in error (audited with what it said)."""
    member = editable(session, actor, member_id)
    entry = session.get(ArchiveEntry, entry_id)
    if entry is None or entry.member_id != member.id:
        raise NotFound()
    audit.record(
        session,
        actor,
        "member.archive_entry_remove",
        object_type="member",
        object_id=member.id,
        detail={"kind": entry.kind.value, "title": entry.title, "on": entry.starts_on.isoformat()},
    )
    session.delete(entry)


def entries_for(
    session: Session, actor: Actor | None, member: Member, *, own: bool = False
) -> list[ArchiveEntry]:
    """The member's lines, newest first; 处分 only for the member, their branch of record and the office."""
    rows = list(
        session.scalars(
            select(ArchiveEntry)
            .where(ArchiveEntry.member_id == member.id)
            .order_by(ArchiveEntry.starts_on.desc(), ArchiveEntry.created_at.desc())
        )
    )
    if own or (actor is not None and can(session, actor, "archive.sanctions", obj=member)):
        return rows
    return [r for r in rows if r.kind != EntryKind.sanction]


def posts_held(session: Session, member: Member) -> list[tuple[str, str, date, date | None]]:
    """党内职务 over time here: (post, org, elected, ended) from the committee seats the orgs keep
    (handlers/orgs) — the record of posts held in this hospital, newest first; posts held
    before are lines of kind party_post."""
    from handlers.orgs import POST_LABELS

    rows = session.execute(
        select(CommitteeSeat, PartyOrg.name)
        .join(PartyOrg, CommitteeSeat.org_id == PartyOrg.id)
        .where(CommitteeSeat.member_id == member.id)
        .order_by(CommitteeSeat.elected_on.desc())
    ).all()
    return [(POST_LABELS[seat.post], name, seat.elected_on, seat.ended_on) for seat, name in rows]
