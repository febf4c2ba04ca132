"""Bearer tokens for integrations: created once, stored hashed, scoped like a console user."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import audit
from handlers.errors import Forbidden, NotFound, ValidationFailed
from handlers.policy import Actor, actor_for_token, can
from handlers.validation import require_text
from models import ApiToken, PartyOrg, Role
from models.api_token import hash_token

TOKEN_PREFIX = "dj_"  # noqa: S105 - a visible prefix, not a secret


def create_token(
    session: Session, actor: Actor, *, name: str, role: Role | str, org_code: str | None = None
) -> tuple[ApiToken, str]:
    """Create a token; return the row and the secret, which is shown once and never stored."""
    if not can(session, actor, "role.grant"):
        raise Forbidden("只有安全管理员可以创建接口令牌。")
    name = require_text(name, "name", "令牌名称", 100)
    try:
        role = Role(role)
    except ValueError:
        raise ValidationFailed(f"未知角色 {role}。", field="role") from None
    org = None
    if org_code:
        org = session.scalar(select(PartyOrg).where(PartyOrg.code == org_code))
        if org is None:
            raise NotFound(f"组织代码 {org_code} 不存在。")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name,
        role=role,
        org_id=org.id if org else None,
        token_hash=hash_token(secret),
        token_prefix=secret[:10],
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        actor,
        "api_token.create",
        object_type="api_token",
        object_id=token.id,
        detail={"name": name, "role": role.value, "org": org_code},
    )
    return token, secret


def authenticate(session: Session, secret: str, source_ip: str | None = None) -> Actor | None:
    """The actor for a bearer token, or None; records when the token was last used."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    if token is None or token.revoked_at is not None:
        return None
    token.last_used_at = datetime.now(UTC)
    return actor_for_token(token.role, token.org.path if token.org else None, token.id, token.name, source_ip)
