"""The audit trail: append-only events chained so that any edit, deletion or insertion shows up
in `flask audit verify`. Each event's hash is an HMAC-SHA256 under a key kept outside the
database (AUDIT_CHAIN_KEY, a ring: the first signs, all verify), so someone with the database
alone — a superuser who turns the append-only trigger off — cannot recompute the chain after
editing it. Events written before the key existed carry no key id and a plain SHA-256."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow

#: prev_hash of the first event ever written.
GENESIS_HASH = "0" * 64

#: The chain's keys, id → secret, and the id that signs new events (create_app installs them).
_chain_keys: dict[str, bytes] = {}
_signing_key: str | None = None


class ChainKeyMissing(Exception):
    """An event names a key id the configured ring does not have."""


def install_chain_keys(keys: list[Any]) -> None:
    global _signing_key
    _chain_keys.clear()
    _chain_keys.update({k.key_id: k.secret for k in keys})
    _signing_key = keys[0].key_id if keys else None


def signing_key_id() -> str | None:
    return _signing_key


class AuditEvent(Base):
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_object", "object_type", "object_id"),)

    #: Chain order, assigned by handlers.audit.record under the chain lock (no sequence: the
    #: hash covers the id, so it must be known before the insert).
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
    )
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: person, api_token, system (jobs) or cli (an operator at the shell)
    actor_type: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str | None] = mapped_column(String(64), index=True)
    actor_label: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64))
    #: ok, denied or error
    result: Mapped[str] = mapped_column(String(16), default="ok")
    source_ip: Mapped[str | None] = mapped_column(String(45))
    #: Non-sensitive context as JSON (a reveal's reason and field name — never the value).
    detail: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The AUDIT_CHAIN_KEY id its HMAC was made with; None for events older than the key.
    key_id: Mapped[str | None] = mapped_column(String(16))

    def canonical(self) -> bytes:
        """The bytes the chain hash covers: every column but the hash itself."""
        body: dict[str, Any] = {
            "id": self.id,
            "occurred_at": self.occurred_at.isoformat(timespec="microseconds"),
            "actor_type": self.actor_type,
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "result": self.result,
            "source_ip": self.source_ip,
            "detail": self.detail,
            "prev_hash": self.prev_hash,
        }
        if self.key_id is not None:  # the key id is covered too: it cannot be swapped
            body["key_id"] = self.key_id
        return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()

    def compute_hash(self) -> str:
        if self.key_id is None:
            return hashlib.sha256(self.canonical()).hexdigest()
        secret = _chain_keys.get(self.key_id)
        if secret is None:
            raise ChainKeyMissing(self.key_id)
        return hmac.new(secret, self.canonical(), hashlib.sha256).hexdigest()
