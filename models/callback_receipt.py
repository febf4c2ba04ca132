"""Receipts of WeCom callbacks that changed something: the database's dedupe guard.

Redis `SET NX` turns away WeCom's retries fast; this unique key, written in the same
transaction as the effect, guarantees one effect even when Redis has forgotten.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class CallbackReceipt(Base):
    __tablename__ = "callback_receipt"

    #: Inbound.dedupe_key: MsgId, or sender + CreateTime + event identity.
    dedupe_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
