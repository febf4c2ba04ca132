"""Sending the outbox: each OutboundMessage goes to WeCom once, within WeCom's limits.

A row is claimed with a compare-and-set (pending → sending), sent outside any database
transaction, then marked sent with WeCom's msgid and response_code. A worker killed between
the send and the mark leaves a stale claim; the reconciler re-enqueues it and the resend
carries `enable_duplicate_check`, so WeCom delivers it once. Members over their budget get
their notices later, folded into one digest, never dropped.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from handlers import notify, reminders
from jobs import job
from jobs.card_updates import update_card
from jobs.context import queues, setting, unit_of_work, wecom_client
from jobs.maintenance import PendingWork, reconcile_source
from models import OutboundMessage, OutboundStatus
from models.db import after_commit
from wecom.client import NO_VALID_RECIPIENT, WeComError
from wecom.limits import MemberBudget
from wecom.render import digest, render

logger = logging.getLogger(__name__)

#: A queued row older than this with no live job was lost with Redis: re-enqueue it.
LOST_AFTER = timedelta(seconds=60)


def _claim(
    session: Session, message_id: uuid.UUID, now: datetime, statuses: tuple[OutboundStatus, ...]
) -> bool:
    stale = now - timedelta(seconds=setting("OUTBOX_CLAIM_TIMEOUT_SECONDS"))
    claimable = or_(
        OutboundMessage.status.in_(statuses),
        (OutboundMessage.status == OutboundStatus.sending) & (OutboundMessage.claimed_at < stale),
    )
    claimed = session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.id == message_id, claimable)
        .values(status=OutboundStatus.sending, claimed_at=now, attempts=OutboundMessage.attempts + 1)
    ).rowcount
    return claimed == 1


def _defer(session: Session, row: OutboundMessage, wait: float, now: datetime) -> None:
    """Hold a one-member notice until the member's budget allows, to go out in a digest."""
    row.status = OutboundStatus.deferred
    row.not_before = now + timedelta(seconds=wait)
    row.claimed_at = None
    user = row.to_users
    when = row.not_before
    after_commit(
        session, lambda: queues().enqueue_at(when, deliver_digest, user, job_id=_digest_job_id(user, when))
    )


CLOSE_CARD = notify.CLOSE_CARD


def _digest_job_id(user: str, when: datetime) -> str:
    return f"digest-{user}-{when:%Y%m%d%H%M}"


@job(queue="push", timeout=120, retries=5, intervals=(5, 30, 120, 600, 1800))
def deliver(message_id: str) -> str:
    message_id = uuid.UUID(str(message_id))  # job arguments arrive as JSON strings
    now = datetime.now(UTC)
    budget = MemberBudget(queues().redis, str(wecom_client().agent_id))
    # One transaction claims the row and settles who it goes to (the claim commits before the
    # call, so no other sender takes it meanwhile).
    with unit_of_work() as session:
        if not _claim(session, message_id, now, (OutboundStatus.pending,)):
            return "not claimable (already sent, cancelled or being sent)"
        row = session.get(OutboundMessage, message_id)
        closes_a_card = row.kind == CLOSE_CARD
        if not closes_a_card:
            users = row.to_users.split("|")
            admitted, waiting = budget.admit_many(users)
            if len(users) == 1 and waiting:
                _defer(session, row, waiting[users[0]], now)
                return "deferred: member over budget"
            for user, wait in waiting.items():  # a broadcast: over-budget members get their own row
                follow_up = notify.tell(session, user, row.kind, key=f"{row.dedupe_key}|{user}", **row.params)
                if follow_up is not None:  # None: a retry of this very job already split it off
                    session.flush()
                    _defer(session, follow_up, wait, now)
            if not admitted:
                row.status = OutboundStatus.cancelled
                row.last_error = "every recipient was over budget: moved to per-member digests"
                return "every recipient deferred"
            row.to_users = "|".join(admitted)
            kind, params = row.kind, dict(row.params)
    if closes_a_card:
        return update_card(message_id, now)
    message, _summary = render(kind, params)
    return _send(message_id, message, admitted)


def _send(message_id: uuid.UUID | list[uuid.UUID], message: dict[str, Any], users: list[str]) -> str:
    ids = message_id if isinstance(message_id, list) else [message_id]
    client = wecom_client()
    try:
        result = client.send(message, users)
    except WeComError as error:
        if error.errcode == NO_VALID_RECIPIENT:
            # Nobody it names can receive it: the recipients are wrong, so no retry can help.
            return _undelivered(ids, {user: "invaliduser" for user in users}, error)
        with unit_of_work() as session:
            for row in session.scalars(select(OutboundMessage).where(OutboundMessage.id.in_(ids))):
                row.errcode = error.errcode
                row.last_error = str(error)[:500]
                row.status = OutboundStatus.pending if error.retryable else OutboundStatus.failed
                row.claimed_at = None
        raise  # RQ's Retry backs off for transient errors; a config error fails loudly
    refused = client.refused_recipients(result)
    with unit_of_work() as session:
        rows = session.scalars(select(OutboundMessage).where(OutboundMessage.id.in_(ids))).all()
        for row in rows:
            row.status = OutboundStatus.sent
            row.sent_at = datetime.now(UTC)
            row.msgid = result.get("msgid")
            row.response_code = result.get("response_code")
            row.errcode = 0
        _note_refused(session, rows, refused)
    reached = len([u for u in users if u not in refused])
    return f"sent to {reached} member(s)" + (f", {len(users) - reached} refused by WeCom" if refused else "")


def _undelivered(ids: list[uuid.UUID], refused: dict[str, str], error: WeComError) -> str:
    with unit_of_work() as session:
        rows = session.scalars(select(OutboundMessage).where(OutboundMessage.id.in_(ids))).all()
        for row in rows:
            row.errcode = error.errcode
            row.claimed_at = None
        _note_refused(session, rows, refused)
    return f"failed: WeCom refused every recipient ({error.errcode})"


def _note_refused(session: Session, rows: list[OutboundMessage], refused: dict[str, str]) -> None:
    """The recipients WeCom did not reach are recorded on their rows and their reminders fail."""
    if not refused:
        return
    for row in rows:
        mine = notify.record_undelivered(row, refused)
        if mine:
            reminders.mark_undelivered(session, notify.origin_keys(row), {u: refused[u] for u in mine})
            logger.warning("outbox row %s: WeCom refused %d recipient(s)", row.id, len(mine))


@job(queue="push", timeout=120, retries=5, intervals=(5, 30, 120, 600, 1800))
def deliver_digest(userid: str) -> str:
    """Send a member's deferred notices: alone if there is one, as one digest if several."""
    now = datetime.now(UTC)
    with unit_of_work() as session:
        due = session.scalars(
            select(OutboundMessage.id)
            .where(
                OutboundMessage.to_users == userid,
                OutboundMessage.status == OutboundStatus.deferred,
                OutboundMessage.not_before <= now + timedelta(seconds=1),
            )
            .order_by(OutboundMessage.created_at)
        ).all()
        claimed = [i for i in due if _claim(session, i, now, (OutboundStatus.deferred,))]
    if not claimed:
        return "nothing due"
    budget = MemberBudget(queues().redis, str(wecom_client().agent_id))
    wait = budget.admit(userid)
    with unit_of_work() as session:
        rows = session.scalars(
            select(OutboundMessage)
            .where(OutboundMessage.id.in_(claimed))
            .order_by(OutboundMessage.created_at)
        ).all()
        if wait:
            for row in rows:
                row.status = OutboundStatus.deferred
                row.claimed_at = None
                row.not_before = now + timedelta(seconds=wait)
            when = now + timedelta(seconds=wait)
            after_commit(
                session,
                lambda: queues().enqueue_at(
                    when, deliver_digest, userid, job_id=_digest_job_id(userid, when)
                ),
            )
            return "still over budget"
        rendered = [render(row.kind, dict(row.params)) for row in rows]
    message = rendered[0][0] if len(rendered) == 1 else digest([summary for _, summary in rendered])
    return _send(list(claimed), message, [userid])


#: A flush adding at least this many rows (a broadcast's personalised cards, a reminder
#: round) is sent by batch jobs: one job per BATCH_SIZE rows, OUTBOX_SENDER_THREADS calls in flight.
#: WeCom answers in tens of milliseconds; one call at a time per forked job would leave the
#: corp's 10,000 calls a minute mostly unused.
BATCH_FROM = 20
BATCH_SIZE = 100


def _batch_marker(message_id: object) -> str:
    """Redis key naming the batch job that carries a row (the reconciler checks that job)."""
    return f"dj:outbox:batch:{message_id}"


def install() -> None:
    """Enqueue delivery of every outbox row added in any session, once its transaction commits."""
    if not event.contains(Session, "after_flush", enqueue_new_messages):
        event.listen(Session, "after_flush", enqueue_new_messages)


def enqueue_new_messages(session: Session, _flush_context: Any) -> None:
    """After a flush that added outbox rows, enqueue their delivery once the transaction commits.

    The app gives its sessions their job queues (`session.info`, see create_app); a session
    without them (a bare script) leaves the rows to the reconciler.
    """
    jobs = session.info.get("dangjian.jobs")
    new = [
        obj.id
        for obj in session.new
        if isinstance(obj, OutboundMessage) and obj.status == OutboundStatus.pending
    ]
    if not new or jobs is None:
        return
    if len(new) < BATCH_FROM:
        for message_id in new:
            after_commit(session, lambda m=str(message_id): jobs.enqueue(deliver, m, job_id=f"deliver-{m}"))
        return
    for start in range(0, len(new), BATCH_SIZE):
        chunk = [str(m) for m in new[start : start + BATCH_SIZE]]
        after_commit(session, lambda c=chunk: _enqueue_batch(jobs, c))


def _enqueue_batch(jobs: Any, chunk: list[str]) -> None:
    job_id = f"deliver-batch-{chunk[0]}"
    pipe = jobs.redis.pipeline()
    for message_id in chunk:
        pipe.set(_batch_marker(message_id), job_id, ex=3600)
    pipe.execute()
    from jobs.outbox_batch import deliver_batch  # it builds on this module's deliver

    jobs.enqueue(deliver_batch, chunk, job_id=job_id)


def _in_live_batches(message_ids: list[str]) -> set[str]:
    """The rows a live batch job still carries (the others need a job of their own)."""
    if not message_ids:
        return set()
    jobs = queues()
    markers = jobs.redis.mget([_batch_marker(m) for m in message_ids])
    live: dict[bytes, bool] = {}
    carried = set()
    for message_id, marker in zip(message_ids, markers, strict=True):
        if marker is None:
            continue
        if marker not in live:
            live[marker] = jobs.is_live(marker.decode())
        if live[marker]:
            carried.add(message_id)
    return carried


@reconcile_source
def lost_outbox_work(session: Session, now: datetime) -> list[PendingWork]:
    """Rows whose job Redis lost, and rows whose sender died mid-send.

    A claim older than OUTBOX_CLAIM_TIMEOUT_SECONDS (longer than the job's own timeout) means
    the sender is dead, even though RQ may still list its job as started. The rescue gets a
    job id of its own; the compare-and-set claim lets exactly one sender proceed.
    """
    stale_claim = now - timedelta(seconds=setting("OUTBOX_CLAIM_TIMEOUT_SECONDS"))
    rows = session.execute(
        select(
            OutboundMessage.id, OutboundMessage.status, OutboundMessage.to_users, OutboundMessage.claimed_at
        )
        .where(
            or_(
                (OutboundMessage.status == OutboundStatus.pending)
                & (OutboundMessage.not_before <= now - LOST_AFTER),
                (OutboundMessage.status == OutboundStatus.sending)
                & (OutboundMessage.claimed_at < stale_claim),
                (OutboundMessage.status == OutboundStatus.deferred)
                & (OutboundMessage.not_before <= now - LOST_AFTER),
            )
        )
        .limit(5000)
    ).all()
    carried = _in_live_batches([str(m) for m, status, _, _ in rows if status == OutboundStatus.pending])
    work = []
    for message_id, status, to_users, claimed_at in rows:
        if status == OutboundStatus.deferred:
            work.append(PendingWork(deliver_digest, (to_users,), f"digest-{to_users}-reconcile"))
        elif status == OutboundStatus.sending:
            rescue_id = f"deliver-{message_id}-rescue-{int(claimed_at.timestamp())}"
            work.append(PendingWork(deliver, (str(message_id),), rescue_id))
        elif str(message_id) in carried:
            continue  # still waiting in its batch job, which is alive
        else:
            work.append(PendingWork(deliver, (str(message_id),), f"deliver-{message_id}"))
    return work
