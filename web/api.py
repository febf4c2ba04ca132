"""/api/v1/: JSON for other hospital systems (HR, OA, scheduling), scoped like a console user.

Bearer tokens from `flask api create-token`; every query goes through the token's scope, and
a refusal says nothing about what is outside it. Errors are {"code", "message"}; the
OpenAPI document at /api/v1/openapi.json describes exactly these routes.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request
from flask.typing import ResponseReturnValue

from handlers import api_tokens, members, orgs, people, transfers
from handlers.errors import DomainError, ValidationFailed
from handlers.paging import MAX_PAGE
from models import Member, MemberStatus, PartyOrg
from web import db_session

bp = Blueprint("api", __name__, url_prefix="/api/v1")

#: Per token: enough for a nightly HR sync, not enough to scrape the membership in a minute.
REQUESTS_PER_MINUTE = 600
MAX_PER_PAGE = 100


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"
    message = "缺少或无效的接口令牌（Authorization: Bearer …）。"


class TooManyRequests(DomainError):
    status = 429
    code = "rate_limited"
    message = "请求过于频繁，请稍后再试。"


@bp.before_request
def _authenticate() -> None:
    if request.endpoint == "api.openapi":
        return
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    actor = (
        api_tokens.authenticate(db_session(), secret.strip(), request.remote_addr)
        if scheme == "Bearer"
        else None
    )
    if actor is None:
        raise Unauthenticated()
    redis = current_app.extensions["dangjian.jobs"].redis
    key = f"dj:api:rate:{actor.id}"
    count = redis.incr(key)
    if count == 1:
        redis.expire(key, 60)
    if count > REQUESTS_PER_MINUTE:
        raise TooManyRequests()
    db_session().commit()  # last_used_at
    g.actor = actor


def page_args() -> tuple[int, int]:
    page = request.args.get("page", 1, type=int)
    per_page = request.args.get("per_page", 20, type=int)
    if page is None or per_page is None or not 1 <= page <= MAX_PAGE or not 1 <= per_page <= MAX_PER_PAGE:
        raise ValidationFailed(f"page 取 1–{MAX_PAGE}，per_page 取 1–{MAX_PER_PAGE}。", field="per_page")
    return page, per_page


def parse_uuid(value: str | None, field: str) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ValidationFailed(f"{field} 不是有效的编号。", field=field) from None


def _org(org: PartyOrg) -> dict[str, Any]:
    return {
        "id": str(org.id),
        "code": org.code,
        "name": org.name,
        "kind": org.kind.value,
        "parent_id": str(org.parent_id) if org.parent_id else None,
    }


def _member(member: Member) -> dict[str, Any]:
    person = member.person
    return {
        "id": str(member.id),
        "name": person.name,
        "wecom_userid": person.wecom_userid,
        "status": member.status.value,
        "branch_id": str(member.branch_id),
        "joined_on": member.joined_on.isoformat() if member.joined_on else None,
        "active": person.is_active,
        # Sensitive fields leave the system masked; revealing one is a console action with a reason.
        **{f"{name}_masked": value for name, value in members.masked_identity(person).items()},
    }


def listing_response(
    items: list[dict[str, Any]], page: int, per_page: int, total: int
) -> ResponseReturnValue:
    return jsonify({"items": items, "page": page, "per_page": per_page, "total": total})


@bp.get("/orgs")
def org_list() -> ResponseReturnValue:
    page, per_page = page_args()
    listing = members.list_orgs(
        db_session(), g.actor, kind=request.args.get("kind"), page=page, per_page=per_page
    )
    return listing_response([_org(o) for o in listing.items], listing.page, per_page, listing.total)


@bp.get("/orgs/<org_id>")
def org_get(org_id: str) -> ResponseReturnValue:
    return jsonify(_org(members.get_org(db_session(), g.actor, parse_uuid(org_id, "org_id"))))


@bp.get("/members")
def member_list() -> ResponseReturnValue:
    page, per_page = page_args()
    listing = members.list_members(
        db_session(),
        g.actor,
        query=request.args.get("q", ""),
        org_id=parse_uuid(request.args.get("org_id"), "org_id"),
        status=request.args.get("status") or None,
        department_id=parse_uuid(request.args.get("department_id"), "department_id"),
        campus_id=parse_uuid(request.args.get("campus_id"), "campus_id"),
        shift_group=request.args.get("shift_group") or None,
        page=page,
        per_page=per_page,
    )
    return listing_response([_member(m) for m in listing.items], listing.page, per_page, listing.total)


@bp.get("/members/<member_id>")
def member_get(member_id: str) -> ResponseReturnValue:
    member_uuid = parse_uuid(member_id, "member_id")
    return jsonify(_member(members.get_member(db_session(), g.actor, member_uuid)))


def json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationFailed("请求体应为 JSON 对象。", field="body")
    return body


def date_field(body: dict[str, Any], name: str) -> date | None:
    raw = body.get(name)
    if raw in (None, ""):
        return None
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise ValidationFailed(f"{name} 应为 2026-01-31 格式的日期。", field=name) from None


def text_field(body: dict[str, Any], name: str) -> str:
    raw = body.get(name, "")
    if not isinstance(raw, str):
        raise ValidationFailed(f"{name} 应为字符串。", field=name)
    return raw


@bp.post("/members")
def member_create() -> ResponseReturnValue:
    body = json_body()
    branch = members.get_org(db_session(), g.actor, required_uuid(body, "branch_id"))
    status = body.get("status", "full")
    if status not in ("full", "probationary"):
        raise ValidationFailed("status 取 full 或 probationary。", field="status")
    member = people.enrol_staff(
        db_session(),
        g.actor,
        wecom_userid=text_field(body, "wecom_userid"),
        name=text_field(body, "name"),
        branch=branch,
        status=MemberStatus(status),
        id_number=text_field(body, "id_number") or None,
        mobile=text_field(body, "mobile") or None,
        joined_on=date_field(body, "joined_on"),
        shift_group=text_field(body, "shift_group") or None,
    )
    db_session().commit()
    return jsonify(_member(member)), 201


@bp.patch("/members/<member_id>")
def member_update(member_id: str) -> ResponseReturnValue:
    body = json_body()
    member = members.get_member(db_session(), g.actor, parse_uuid(member_id, "member_id"))
    transfers.update_record(
        db_session(),
        g.actor,
        member_id=member.id,
        shift_group=text_field(body, "shift_group") if "shift_group" in body else member.shift_group,
        joined_on=date_field(body, "joined_on") if "joined_on" in body else member.joined_on,
    )
    db_session().commit()
    return jsonify(_member(member))


@bp.post("/orgs")
def org_create() -> ResponseReturnValue:
    body = json_body()
    org = orgs.create_org(
        db_session(),
        g.actor,
        parent_id=required_uuid(body, "parent_id"),
        kind=text_field(body, "kind"),
        code=text_field(body, "code"),
        name=text_field(body, "name"),
    )
    db_session().commit()
    return jsonify(_org(org)), 201


@bp.patch("/orgs/<org_id>")
def org_update(org_id: str) -> ResponseReturnValue:
    org = orgs.rename_org(
        db_session(), g.actor, org_id=parse_uuid(org_id, "org_id"), name=text_field(json_body(), "name")
    )
    db_session().commit()
    return jsonify(_org(org))


def required_uuid(body: dict[str, Any], name: str) -> uuid.UUID:
    value = parse_uuid(text_field(body, name), name)
    if value is None:
        raise ValidationFailed(f"{name} 不能为空。", field=name)
    return value


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    from web.openapi import document

    return jsonify(document())


# Feature resources register their routes on `bp` when imported.
from web import api_approvals, api_learning, api_meetings, api_rosters  # noqa: E402, F401
