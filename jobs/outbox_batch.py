"""Sending many outbox rows at once: a broadcast's personalised cards, a reminder round.

A batch is claimed, settled and marked in bulk — one UPDATE … RETURNING claims every
single-member row, one Redis round trip takes their budgets, the calls go out on a pool of
threads, an executemany per 25 marks them sent — so the per-row cost is the call itself, not four
transactions around it. The rules are `deliver`'s: a row a rescue job already took is skipped,
a member over budget gets a digest later, a transient failure gets a job of its own with
deliver's backoff. Rows that are not the simple case (several recipients, closing a card) go
through `deliver` one by one.
"""

from __future__ import annotations

import logging
import uuid
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jobs import job
from jobs.context import queues, setting, unit_of_work, wecom_client
from jobs.outbox import CLOSE_CARD, _defer, _note_refused, _undelivered, deliver
from models import OutboundMessage, OutboundStatus
from wecom.client import NO_VALID_RECIPIENT, WeComError
from wecom.limits import MemberBudget
from wecom.render import render

logger = logging.getLogger(__name__)

#: Sent rows are marked in one statement per this many: a killed worker leaves at most this many
#: (and the calls in flight) sent but unmarked, for the reconciler's rescue to mark after a resend
#: that WeCom's duplicate check swallows.
SETTLE_EVERY = 25


@dataclass
class _Claimed:
    message_id: uuid.UUID
    user: str
    message: dict[str, Any]
    result: dict[str, Any] | None = None
    error: WeComError | None = None


@job(queue="push", timeout=600, retries=3, intervals=(5, 30, 120))
def deliver_batch(message_ids: list[str]) -> str:
    ids = [uuid.UUID(str(m)) for m in message_ids]
    now = datetime.now(UTC)
    with unit_of_work() as session:
        claimed = _claim_single_member_rows(session, ids, now)
    simple = {c.message_id for c in claimed}
    others = [m for m in ids if m not in simple]
    app = current_app._get_current_object()
    threads = max(1, min(setting("OUTBOX_SENDER_THREADS"), len(ids)))
    sent = 0
    with ThreadPoolExecutor(threads) as pool:
        calls = {pool.submit(_call, app, c): c for c in claimed}
        finished: list[_Claimed] = []
        for future in as_completed(calls):
            finished.append(calls[future])
            if len(finished) == SETTLE_EVERY:  # a worker killed now leaves few sent but unmarked
                sent, finished = sent + _settle(finished), []
        sent += _settle(finished)
        rest = list(pool.map(lambda m: _deliver_alone(app, m), others))
    return f"{sent + sum(r.startswith('sent') for r in rest)} of {len(ids)} sent; others: {sorted(set(rest))}"


def _claim_single_member_rows(session: Session, ids: list[uuid.UUID], now: datetime) -> list[_Claimed]:
    """Claim the batch's pending one-member rows in one statement, take their budgets in one
    round trip and defer those over it — in one transaction, as `deliver` does for one row."""
    rows = session.execute(
        update(OutboundMessage)
        .where(
            OutboundMessage.id.in_(ids),
            OutboundMessage.status == OutboundStatus.pending,
            OutboundMessage.kind != CLOSE_CARD,
            OutboundMessage.to_users.not_like("%|%"),
        )
        .values(status=OutboundStatus.sending, claimed_at=now, attempts=OutboundMessage.attempts + 1)
        .returning(OutboundMessage.id, OutboundMessage.to_users, OutboundMessage.kind, OutboundMessage.params)
        .execution_options(synchronize_session=False)
    ).all()
    if not rows:
        return []
    budget = MemberBudget(queues().redis, str(wecom_client().agent_id))
    # One wait per row, in order: a member named twice in the batch takes two calls of budget.
    waits = dict(zip((r[0] for r in rows), budget.admit_each([r[1] for r in rows]), strict=True))
    over = [message_id for message_id, wait in waits.items() if wait]
    if over:
        for row in session.scalars(select(OutboundMessage).where(OutboundMessage.id.in_(over))):
            _defer(session, row, waits[row.id], now)
    return [
        _Claimed(message_id, user, render(kind, dict(params))[0])
        for message_id, user, kind, params in rows
        if not waits[message_id]
    ]


def _call(app: Any, claimed: _Claimed) -> None:
    with app.app_context():
        try:
            claimed.result = wecom_client().send(claimed.message, [claimed.user])
        except WeComError as error:
            claimed.error = error
        except Exception as error:  # noqa: BLE001 — one row's surprise must not strand the batch's claims
            logger.exception("outbox row %s: unexpected error sending", claimed.message_id)
            claimed.error = WeComError(-1, f"unexpected: {type(error).__name__}", "message/send")


def _deliver_alone(app: Any, message_id: uuid.UUID) -> str:
    with app.app_context():
        try:
            return deliver(str(message_id))
        except WeComError as error:
            return _after_failure(message_id, error)


def _after_failure(message_id: uuid.UUID, error: WeComError) -> str:
    if error.retryable:
        queues().enqueue(deliver, str(message_id), job_id=f"deliver-{message_id}-retry")
        return "retry queued"
    logger.error("outbox row %s failed for good: %s", message_id, error)
    return "failed"


def _settle(claimed: list[_Claimed]) -> int:
    """Mark what WeCom accepted in one executemany, record whom it refused, and hand each failed
    call on as `deliver` would: a transient one to a job of its own, the others as failed."""
    done = [c for c in claimed if c.error is None and c.result is not None]
    client = wecom_client()
    if done:
        sent_at = datetime.now(UTC)
        with unit_of_work() as session:
            session.execute(
                update(OutboundMessage),
                [
                    {
                        "id": c.message_id,
                        "status": OutboundStatus.sent,
                        "sent_at": sent_at,
                        "msgid": c.result.get("msgid"),
                        "response_code": c.result.get("response_code"),
                        "errcode": 0,
                    }
                    for c in done
                ],
            )
            for c in done:
                refused = client.refused_recipients(c.result)
                if refused:
                    _note_refused(session, [session.get(OutboundMessage, c.message_id)], refused)
    failed = [c for c in claimed if c.error is not None]
    for c in failed:
        if c.error.errcode == NO_VALID_RECIPIENT:
            _undelivered([c.message_id], {c.user: "invaliduser"}, c.error)
            continue
        with unit_of_work() as session:
            row = session.get(OutboundMessage, c.message_id)
            row.errcode, row.last_error = c.error.errcode, str(c.error)[:500]
            row.status = OutboundStatus.pending if c.error.retryable else OutboundStatus.failed
            row.claimed_at = None
        _after_failure(c.message_id, c.error)
    return len(done)
