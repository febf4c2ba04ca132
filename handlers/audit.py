"""Appending to, verifying and pruning the audit chain.

Each event's hash covers the previous event's hash, so editing, deleting or inserting a row
breaks the chain from that point. Appends are serialised (a PostgreSQL advisory lock held to
commit; SQLite's BEGIN IMMEDIATE) so two transactions never chain onto the same event.
"""

from __future__ import annotations

import calendar
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from handlers.errors import DomainError, Forbidden, OutOfScope
from handlers.paging import Page, paginate
from handlers.policy import Actor, can
from models.audit import GENESIS_HASH, AuditEvent, ChainKeyMissing, signing_key_id
from models.base import utcnow

#: Arbitrary constant naming the audit chain's advisory lock in PostgreSQL.
AUDIT_CHAIN_LOCK = 0x4441_4E47_4A49_414E & 0x7FFF_FFFF_FFFF_FFFF
PRUNE_ACTION = "audit.pruned"


def record(
    session: Session,
    actor: Actor,
    action: str,
    *,
    object_type: str | None = None,
    object_id: Any = None,
    result: str = "ok",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain in the caller's transaction (flushed, not committed)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_CHAIN_LOCK})
    head = session.execute(
        select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    event = AuditEvent(
        id=(head.id + 1) if head else 1,
        occurred_at=utcnow(),
        actor_type=actor.kind,
        actor_id=actor.id,
        actor_label=actor.label[:100] if actor.label else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else None,
        result=result,
        source_ip=actor.source_ip,
        detail=json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else None,
        prev_hash=head.hash if head else GENESIS_HASH,
        key_id=signing_key_id(),
    )
    event.hash = event.compute_hash()
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class ChainReport:
    checked: int
    #: id of the first event that does not verify, or None when the chain is intact
    broken_at: int | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.broken_at is None


#: The one action that names a refusal for want of right, wherever it happened (page, form, API, chat).
ACCESS_DENIED = "access.denied"


def record_refusal(session: Session, actor: Actor | None, refusal: DomainError, *, where: str) -> None:
    """Write what keeps a refusal, after the refused change was rolled back: the records the
    use-case attached to it and, for a Forbidden without an audit line of its own, the line that
    says who tried what (`where`: the page, API operation or card)."""
    for keep in refusal.records:
        keep(session)
    if isinstance(refusal, (Forbidden, OutOfScope)) and not refusal.audited and actor is not None:
        record(
            session,
            actor,
            ACCESS_DENIED,
            object_type="endpoint",
            object_id=where[:64],
            result="refused",
            detail={"reason": refusal.message, "where": where},
        )
    session.flush()


def _events(session: Session, batch: int = 2000) -> Iterator[AuditEvent]:
    last_id = 0
    while True:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id
        session.expunge_all()


def _prune_anchors(session: Session) -> dict[int, str]:
    """{last pruned id: its hash}, from the records the prune job leaves in the chain."""
    anchors = {}
    for detail in session.scalars(select(AuditEvent.detail).where(AuditEvent.action == PRUNE_ACTION)):
        data = json.loads(detail or "{}")
        anchors[int(data["up_to_id"])] = data["anchor_hash"]
    return anchors


@dataclass(frozen=True)
class Anchor:
    """The chain's head as it was at a moment, kept outside the database (AUDIT_ANCHOR_FILE and
    the 审计管理员's WeCom): what a later `audit verify` holds the chain to."""

    up_to_id: int
    hash: str
    events: int
    at: str

    def line(self) -> str:
        return json.dumps(
            {"up_to_id": self.up_to_id, "hash": self.hash, "events": self.events, "at": self.at},
            sort_keys=True,
        )

    @classmethod
    def parse(cls, line: str) -> Anchor | None:
        try:
            data = json.loads(line)
            return cls(int(data["up_to_id"]), str(data["hash"]), int(data["events"]), str(data["at"]))
        except (ValueError, KeyError, TypeError):
            return None


def anchor_now(session: Session) -> Anchor | None:
    head = session.execute(
        select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    if head is None:
        return None
    events = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    return Anchor(head.id, head.hash, events, utcnow().isoformat(timespec="seconds"))


def write_anchor(path: str, anchor: Anchor) -> None:
    """Append one anchor line (the file is only ever appended to; mode 0600 when created)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    created = not target.exists()
    with target.open("a", encoding="utf-8") as out:
        out.write(anchor.line() + "\n")
        out.flush()
        os.fsync(out.fileno())
    if created:
        target.chmod(0o600)


def read_anchors(path: str | None) -> list[Anchor]:
    if not path or not Path(path).exists():
        return []
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [anchor for anchor in (Anchor.parse(line) for line in lines if line.strip()) if anchor]


def verify_chain(session: Session, anchors: Iterable[Anchor] = ()) -> ChainReport:
    """Walk the whole chain; report the first event whose content or link does not verify, one
    that differs from an anchor kept outside the database (rewritten, its HMACs recomputed), or
    a tail cut off after an anchor (the last rows deleted)."""
    outside = {anchor.up_to_id: anchor.hash for anchor in anchors}
    pruned = _prune_anchors(session)
    previous: tuple[int, str] | None = None
    checked, keyed = 0, False
    for event in _events(session):
        checked += 1
        if previous is None:
            expected_prev = GENESIS_HASH if event.id == 1 else pruned.get(event.id - 1)
            if expected_prev is None:
                return ChainReport(
                    checked, event.id, "链首之前的记录缺失 (events before the first are missing)"
                )
        else:
            if event.id != previous[0] + 1:
                return ChainReport(checked, event.id, f"记录 {previous[0] + 1} 缺失 (event missing)")
            expected_prev = previous[1]
        if event.prev_hash != expected_prev:
            return ChainReport(checked, event.id, "与前一条记录的链接不符 (link to previous event broken)")
        if event.key_id is None and keyed:
            # Only events older than the key may be unkeyed: a plain SHA-256 after a keyed event
            # is someone without the key recomputing the chain.
            return ChainReport(
                checked, event.id, "密钥签名之后出现未签名的记录 (unkeyed event after keyed ones)"
            )
        keyed = keyed or event.key_id is not None
        try:
            intact = event.compute_hash() == event.hash
        except ChainKeyMissing as missing:
            return ChainReport(
                checked, event.id, f"记录所用的密钥 {missing} 不在 AUDIT_CHAIN_KEY 中 (key missing)"
            )
        if not intact:
            return ChainReport(checked, event.id, "记录内容已被修改 (event content altered)")
        if event.id in outside and outside[event.id] != event.hash:
            return ChainReport(
                checked, event.id, "与库外锚点不符：记录被改写 (differs from an external anchor)"
            )
        previous = (event.id, event.hash)
    last = previous[0] if previous else 0
    beyond = [up_to for up_to in outside if up_to > last]
    if beyond:
        return ChainReport(
            checked,
            last + 1,
            f"第 {last + 1}–{max(beyond)} 条记录已被删除：链尾比库外锚点短 (tail truncated)",
        )
    return ChainReport(checked)


def months_before(moment: datetime, months: int) -> datetime:
    year, month0 = divmod(moment.year * 12 + (moment.month - 1) - months, 12)
    day = min(moment.day, calendar.monthrange(year, month0 + 1)[1])
    return moment.replace(year=year, month=month0 + 1, day=day)


def prune_expired(session: Session, *, retention_months: int, now: datetime | None = None) -> int:
    """Delete the oldest events beyond the retention period, leaving an anchor in the chain.

    Only a prefix of the chain is removed, and the last removed hash is recorded so
    `verify_chain` still proves that nothing after it was touched.
    """
    if retention_months < 6:
        raise ValueError("网络安全法第二十一条：日志至少保存六个月")
    cutoff = months_before(now or datetime.now(UTC), retention_months)
    first_kept = session.scalar(select(func.min(AuditEvent.id)).where(AuditEvent.occurred_at >= cutoff))
    if first_kept is None:
        # Everything is old: keep the newest event anyway so the chain's ids carry on.
        first_kept = session.scalar(select(func.max(AuditEvent.id)))
    upper = (first_kept or 1) - 1
    if upper < 1:
        return 0
    last_pruned = session.get(AuditEvent, upper)
    if last_pruned is None:  # already pruned up to here
        return 0
    anchor = last_pruned.hash
    if session.get_bind().dialect.name == "postgresql":
        # The table's trigger refuses DELETE unless this transaction says it is the prune.
        session.execute(text("SET LOCAL dangjian.audit_prune = 'on'"))
    removed = session.execute(delete(AuditEvent).where(AuditEvent.id <= upper)).rowcount
    record(
        session,
        Actor.system("审计日志保留期清理"),
        PRUNE_ACTION,
        detail={"up_to_id": upper, "anchor_hash": anchor, "cutoff": cutoff.isoformat(), "removed": removed},
    )
    return removed


def search(
    session: Session,
    actor: Actor,
    *,
    actor_label: str = "",
    action: str = "",
    object_id: str = "",
    object_ids: list[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page[AuditEvent]:
    """The audit trail for the auditor (三员: only the audit administrator reads it), newest first."""
    if not can(session, actor, "audit.read"):
        raise Forbidden("只有审计管理员可以查看审计日志。")
    stmt = select(AuditEvent)
    if actor_label.strip():
        stmt = stmt.where(AuditEvent.actor_label.contains(actor_label.strip(), autoescape=True))
    if action.strip():
        stmt = stmt.where(AuditEvent.action.startswith(action.strip(), autoescape=True))
    if object_id.strip():
        stmt = stmt.where(AuditEvent.object_id == object_id.strip())
    if object_ids is not None:  # the objects a name matched (audit_log.objects_named); none: no rows
        stmt = stmt.where(AuditEvent.object_id.in_(object_ids))
    if since is not None:
        stmt = stmt.where(AuditEvent.occurred_at >= since)
    if until is not None:
        stmt = stmt.where(AuditEvent.occurred_at < until)
    return paginate(session, stmt, page=page, per_page=per_page, order_by=(AuditEvent.id.desc(),))
