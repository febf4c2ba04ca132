"""Taking the buttons off a card already sent (the outbox kind handlers.notify.close_card): update
it through its response_code while WeCom still allows it, else say the same in the chat."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from handlers import notify
from jobs.context import unit_of_work, wecom_client
from models import OutboundMessage, OutboundStatus
from wecom.client import WeComError

logger = logging.getLogger(__name__)

#: An outbox kind of its own (handlers.notify.close_card): take the buttons off a card already
#: sent (meeting cancelled, approval decided by someone else). params: card_key (the card row's
#: dedupe_key), label (the buttons' new text), say_instead (said in chat when the card can no
#: longer change: its response_code is used or past WeCom's 72 hours).
CLOSE_CARD = notify.CLOSE_CARD
#: doc 94888 says 72 hours now; older copies said 24. The shorter is trusted: past it the card
#: is not updated but told in chat.
RESPONSE_CODE_LIFETIME = timedelta(hours=24)


def update_card(message_id: uuid.UUID, now: datetime) -> str:
    with unit_of_work() as session:
        row = session.get(OutboundMessage, message_id)
        params = dict(row.params)
        card = session.scalar(select(OutboundMessage).where(OutboundMessage.dedupe_key == params["card_key"]))
        if card is not None and card.status in (OutboundStatus.pending, OutboundStatus.deferred):
            # Not sent yet: it will never need updating, it must not go out at all.
            card.status = OutboundStatus.cancelled
            card.last_error = f"superseded before sending: {params['label']}"
            finish(row, "card cancelled before it was sent")
            return "cancelled the unsent card"
        usable = (
            card is not None
            and card.response_code
            and card.sent_at is not None
            and now - card.sent_at < RESPONSE_CODE_LIFETIME
        )
        code = card.response_code if usable else None
        recipients = card.to_users if card is not None else ""
    if code:
        try:
            wecom_client().update_buttons(code, params["label"], userids=recipients.split("|"))
        except WeComError as error:
            if error.retryable:
                with unit_of_work() as session:
                    retry = session.get(OutboundMessage, message_id)
                    retry.status, retry.claimed_at, retry.errcode = (
                        OutboundStatus.pending,
                        None,
                        error.errcode,
                    )
                raise
            # WeCom documents no errcode for a spent or expired code (wecom-notes §3.3): any
            # refusal means this card can no longer change, so the members are told in chat.
            logger.info("card update refused (%s): telling in chat instead", error.errcode)
            code = None
        with unit_of_work() as session:
            used = session.scalar(
                select(OutboundMessage).where(OutboundMessage.dedupe_key == params["card_key"])
            )
            used.response_code = None  # single use
            if code:
                finish(session.get(OutboundMessage, message_id), "updated")
                return "card updated"
    # The card cannot change any more: say it in the chat instead, to the same members.
    with unit_of_work() as session:
        row = session.get(OutboundMessage, message_id)
        if recipients and params.get("say_instead"):
            notify.tell(
                session,
                recipients.split("|"),
                "text",
                key=f"{row.dedupe_key}|fallback",
                content=params["say_instead"],
            )
        finish(row, "card no longer updatable: told in chat instead")
    return "fallback text queued"


def finish(row: OutboundMessage, note: str) -> None:
    row.status = OutboundStatus.sent
    row.sent_at = datetime.now(UTC)
    row.last_error = note
