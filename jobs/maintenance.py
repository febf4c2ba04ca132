"""Periodic housekeeping jobs: reconcile durable intent, expire sessions, guard the audit chain."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_
from sqlalchemy.orm import Session

from handlers import audit, notify, roles
from handlers.policy import Actor
from jobs import job
from jobs.context import queues, setting, unit_of_work
from models import CallbackReceipt, Role, WebSession

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PendingWork:
    """A job the database says should exist; the reconciler enqueues it if Redis lost it."""

    func: Callable[..., Any]
    args: tuple[Any, ...]
    job_id: str


#: Each feature that keeps durable intent in PostgreSQL registers a source here (the outbox
#: sender does, from the WeCom adapter). A source lists work older than a grace period.
ReconcileSource = Callable[[Session, datetime], list[PendingWork]]
RECONCILE_SOURCES: list[ReconcileSource] = []


def reconcile_source(func: ReconcileSource) -> ReconcileSource:
    RECONCILE_SOURCES.append(func)
    return func


@job(queue="scheduled", timeout=120, retries=1, intervals=(30,))
def reconcile() -> int:
    """Re-enqueue pending work that has no live job (lost with Redis, or failed for good)."""
    jobs = queues()
    requeued = 0
    with unit_of_work() as session:
        now = datetime.now(UTC)
        for source in RECONCILE_SOURCES:
            for work in source(session, now):
                if not jobs.is_live(work.job_id):
                    jobs.enqueue(work.func, *work.args, job_id=work.job_id)
                    requeued += 1
    if requeued:
        logger.warning("reconciler re-enqueued %d job(s) the queue had lost", requeued)
    return requeued


@job(queue="scheduled", timeout=120, retries=2)
def expire_sessions() -> int:
    """Delete sessions past their absolute end or idle limit (they are refused before this)."""
    now = datetime.now(UTC)
    idle_cutoff = now - timedelta(minutes=setting("SESSION_IDLE_MINUTES"))
    with unit_of_work() as session:
        return session.execute(
            delete(WebSession).where(
                or_(WebSession.expires_at <= now, WebSession.last_seen_at <= idle_cutoff)
            )
        ).rowcount


class AuditChainBroken(Exception):
    pass


@job(queue="scheduled", timeout=1800, retries=1, intervals=(600,))
def verify_audit_chain() -> int:
    """Nightly check of the whole chain against its anchors; a break fails the job loudly (and
    is itself audited)."""
    with unit_of_work() as session:
        report = audit.verify_chain(session, audit.read_anchors(setting("AUDIT_ANCHOR_FILE")))
        audit.record(
            session,
            Actor.system("审计链校验"),
            "audit.verify",
            result="ok" if report.ok else "error",
            detail={"checked": report.checked, "broken_at": report.broken_at, "reason": report.reason},
        )
    if not report.ok:
        raise AuditChainBroken(f"audit chain broken at event {report.broken_at}: {report.reason}")
    return report.checked


@job(queue="scheduled", timeout=300, retries=2)
def anchor_audit_chain() -> str:
    """Daily: the chain's head (last id, its hash, the row count, the time) leaves the database —
    appended to AUDIT_ANCHOR_FILE and sent to every 审计管理员 in WeCom — so that a rewrite or a
    cut tail is caught by `audit verify` even by someone who controls the database."""
    with unit_of_work() as session:
        anchor = audit.anchor_now(session)
        if anchor is None:
            return "no events yet"
        audit.write_anchor(setting("AUDIT_ANCHOR_FILE"), anchor)
        auditors = roles.holders_hospital_wide(session, Role.auditor)
        if auditors:
            notify.tell(
                session,
                list(auditors),
                "text",
                key=f"audit-anchor:{anchor.up_to_id}:{anchor.at[:10]}",
                content=(
                    f"审计链锚点（请留存）：截至第 {anchor.up_to_id} 条，共 {anchor.events} 条，"
                    f"哈希 {anchor.hash}，时间 {anchor.at}。"
                    "核验时如链尾短于此或哈希不符，说明记录被删除或改写。"
                ),
            )
        audit.record(
            session,
            Actor.system("审计链锚点"),
            "audit.anchor",
            detail={"up_to_id": anchor.up_to_id, "events": anchor.events},
        )
    return f"anchored at event {anchor.up_to_id}"


@job(queue="scheduled", timeout=1800, retries=2)
def prune_audit() -> int:
    with unit_of_work() as session:
        return audit.prune_expired(session, retention_months=setting("AUDIT_RETENTION_MONTHS"))


#: WeCom retries within seconds; a week of receipts is ample evidence for support questions.
RECEIPT_RETENTION = timedelta(days=7)


@job(queue="scheduled", timeout=600, retries=2)
def prune_callback_receipts() -> int:
    cutoff = datetime.now(UTC) - RECEIPT_RETENTION
    with unit_of_work() as session:
        return session.execute(delete(CallbackReceipt).where(CallbackReceipt.received_at < cutoff)).rowcount
