"""Roles, for the security officer: grant and revoke over an org subtree (三员 rules in handlers.roles)."""

from __future__ import annotations

from flask import g, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import api_tokens, members, roles
from web import db_session
from web.admin.frame import bp, parse_uuid
from web.outcome import form_change


@bp.get("/roles")
def role_list() -> ResponseReturnValue:
    grants = roles.live_grants(db_session(), g.actor)
    orgs = members.visible_orgs(db_session(), g.actor)
    tokens = api_tokens.list_tokens(db_session(), g.actor)
    return render_template(
        "admin/roles.html", grants=grants, orgs=orgs, labels=roles.ROLE_LABELS, tokens=tokens
    )


@bp.post("/roles")
def role_grant() -> ResponseReturnValue:
    org = request.form.get("org_id") or None
    return form_change(
        lambda: roles.grant_role(
            db_session(),
            g.actor,
            wecom_userid=request.form.get("wecom_userid", ""),
            role=request.form.get("role", ""),
            org_id=parse_uuid(org) if org else None,
        ),
        done=lambda grant: f"已授予 {grant.person.name} {roles.ROLE_LABELS[grant.role]}。",
        back=url_for("admin.role_list"),
    )


@bp.post("/roles/<grant_id>/revoke")
def role_revoke(grant_id: str) -> ResponseReturnValue:
    return form_change(
        lambda: roles.revoke_role(db_session(), g.actor, grant_id=parse_uuid(grant_id)),
        done=lambda grant: f"已撤销 {grant.person.name} 的{roles.ROLE_LABELS[grant.role]}角色。",
        back=url_for("admin.role_list"),
    )


@bp.post("/api-tokens/<token_id>/revoke")
def api_token_revoke(token_id: str) -> ResponseReturnValue:
    return form_change(
        lambda: api_tokens.revoke_token(db_session(), g.actor, token_ref=str(parse_uuid(token_id))),
        done=lambda token: f"已吊销接口令牌 {token.name}。",
        back=url_for("admin.role_list"),
    )
