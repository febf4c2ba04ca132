"""Display tokens for the 大屏 in the Party committee room: the office makes one for a scope it
covers (the whole hospital or an org), shown once and stored hashed like any API token; it holds
the 大屏展示 role, which reads figures and nothing else, so the screen needs no login and a
leaked link opens no record. The office lists and revokes its screens' tokens."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import audit
from handlers.api_tokens import TOKEN_PREFIX, authenticate
from handlers.errors import Forbidden, NotFound
from handlers.policy import Actor, can, holds
from handlers.validation import require_text
from models import ApiToken, PartyOrg, Role
from models.api_token import hash_token


def create(session: Session, actor: Actor, *, name: str, org_id: uuid.UUID | None) -> tuple[ApiToken, str]:
    if not holds(actor, "stats.screen"):
        raise Forbidden("大屏令牌由党委组织部创建。")
    org = session.get(PartyOrg, org_id) if org_id else None
    if (org_id and org is None) or not can(session, actor, "stats.screen", obj=org):
        raise NotFound()

    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=require_text(name, "name", "大屏名称", max_length=100),
        role=Role.display,
        org_id=org.id if org else None,
        token_hash=hash_token(secret),
        token_prefix=secret[:10],
    )
    session.add(token)
    session.flush()
    audit.record(session, actor, "display_token.create", object_type="api_token", object_id=token.id,
                 detail={"name": token.name})  # fmt: skip
    return token, secret


def listed(session: Session, actor: Actor) -> list[ApiToken]:
    if not holds(actor, "stats.screen"):
        raise Forbidden("大屏令牌由党委组织部管理。")
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.role == Role.display).order_by(ApiToken.created_at.desc())
        )
    )


def revoke(session: Session, actor: Actor, token_id: uuid.UUID) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None or token.role != Role.display or not holds(actor, "stats.screen"):
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = datetime.now(UTC)
        audit.record(session, actor, "display_token.revoke", object_type="api_token", object_id=token.id,
                     detail={"name": token.name})  # fmt: skip
    return token


def screen_actor(session: Session, secret: str, source_ip: str | None) -> Actor:
    """The 大屏's actor for its token — only a display token: an API token for the hospital's BI
    tools (which reads records) is not accepted in a URL."""
    actor = authenticate(session, secret or "", source_ip)
    if actor is None or actor.roles() != {Role.display}:
        raise NotFound()
    return actor
