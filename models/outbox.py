"""The outbox: what to tell whom, written in the same transaction as the change that caused it.

Handlers never build WeCom payloads. They add an OutboundMessage naming a kind and its
parameters; a job renders it with wecom/cards and sends it with wecom/client, recording
WeCom's answer here. Redis only carries the job; this table is the durable intent that the
reconciler re-enqueues from when Redis loses something.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UUIDPrimaryKey, utcnow


class OutboundStatus(enum.StrEnum):
    pending = "pending"  # written, not yet claimed by a sender
    sending = "sending"  # claimed by a sender (claimed_at says since when)
    deferred = "deferred"  # the member is over WeCom's budget: goes out later in a digest
    sent = "sent"
    failed = "failed"  # gave up after retries; errcode and last_error say why
    cancelled = "cancelled"  # the obligation was met before delivery


class OutboundMessage(UUIDPrimaryKey, Base):
    __tablename__ = "outbound_message"
    __table_args__ = (Index("ix_outbound_message_status_due", "status", "not_before"),)

    #: What to say, e.g. "meeting_notice"; wecom/cards has one renderer per kind.
    kind: Mapped[str] = mapped_column(String(48))
    #: WeCom userids, "|"-separated as message/send takes them (a broadcast batch ≤ 1,000).
    to_users: Mapped[str] = mapped_column(Text)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Business key: the same intent written twice is one message (unique).
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[OutboundStatus] = mapped_column(
        Enum(OutboundStatus, name="outbound_status", native_enum=False, length=16, validate_strings=True),
        default=OutboundStatus.pending,
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Do not send before this moment (quiet hours, rate limits).
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    errcode: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    msgid: Mapped[str | None] = mapped_column(String(128))
    #: From message/send for interactive cards; single use, valid 72 hours.
    response_code: Mapped[str | None] = mapped_column(String(256))
    #: Recipients WeCom answered it could not reach ({userid: "invaliduser" | "unlicenseduser"},
    #: doc 90236): never counted as delivered; their reminders are marked failed with the reason.
    undelivered: Mapped[dict[str, str] | None] = mapped_column(JSON)
