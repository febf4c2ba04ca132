"""Server-side login sessions: revocable, with idle and absolute limits.

The cookie carries only a random session token; the row is keyed by its SHA-256, so a
database leak does not hand out live sessions.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class WebSession(Base):
    __tablename__ = "web_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Absolute end, fixed at login; activity does not extend it.
    expires_at: Mapped[datetime] = mapped_column(index=True)
    source_ip: Mapped[str | None] = mapped_column(String(45))
