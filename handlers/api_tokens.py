"""Bearer tokens for integrations: created once, stored hashed, scoped like a console user."""

from __future__ import annotations

import secrets
import uuid
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
    name = require_text(name, "name", "令牌名称", max_length=100)
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
    return actor_for_token(
        token.role, token.org.path if token.org else None, token.id, name=token.name, source_ip=source_ip
    )


def list_tokens(session: Session, actor: Actor) -> list[ApiToken]:
    """Every token with its scope and when it was last used (the secrets are not stored)."""
    if not can(session, actor, "role.grant"):
        raise Forbidden("只有安全管理员可以管理接口令牌。")
    return list(
        session.scalars(select(ApiToken).order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at))
    )


def revoke_token(session: Session, actor: Actor, *, token_ref: str) -> ApiToken:
    """Revoke by id or by the visible prefix; the row stays for the audit trail."""
    if not can(session, actor, "role.grant"):
        raise Forbidden("只有安全管理员可以吊销接口令牌。")
    ref = (token_ref or "").strip()
    matches = list(session.scalars(select(ApiToken).where(ApiToken.token_prefix == ref)))
    if not matches:
        try:
            found = session.get(ApiToken, uuid.UUID(ref))
        except ValueError:
            found = None
        matches = [found] if found else []
    if len(matches) != 1:
        raise NotFound(
            "没有找到该令牌（请使用令牌编号或前缀）。" if not matches else "前缀对应多个令牌，请使用编号。"
        )
    token = matches[0]
    if token.revoked_at is None:
        token.revoked_at = datetime.now(UTC)
        audit.record(session, actor, "api_token.revoke", object_type="api_token", object_id=token.id,
                     detail={"name": token.name})  # fmt: skip
    return token
