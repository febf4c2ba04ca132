"""The break-glass console login: a local username and password, for when WeCom login is down.

Created only by `flask users create-admin`. The password is stored as scrypt (memory-hard);
five failures lock the account for 15 minutes.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UUIDPrimaryKey, utcnow


class LocalAccount(UUIDPrimaryKey, Base):
    __tablename__ = "local_account"

    username: Mapped[str] = mapped_column(String(64), unique=True)
    #: The staff record the account acts as (its roles are that person's role grants).
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), unique=True)
    #: "scrypt$n$r$p$salt_b64$hash_b64"
    password_hash: Mapped[str] = mapped_column(String(255))
    failed_attempts: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
