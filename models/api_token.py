"""Bearer tokens for other hospital systems (HR, OA, scheduling) calling /api/v1/."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UUIDPrimaryKey, utcnow
from models.role import Role, RoleType


def hash_token(token: str) -> str:
    """Tokens are 256-bit random strings, so a plain SHA-256 is a safe stored form."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(UUIDPrimaryKey, Base):
    __tablename__ = "api_token"

    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[Role] = mapped_column(RoleType)
    #: Root of the subtree the token may see; NULL covers the whole hospital.
    org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("party_org.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The first characters, so an operator can tell tokens apart without the secret.
    token_prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    org = relationship("PartyOrg")
