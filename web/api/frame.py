"""What every /api/v1/ endpoint shares: the blueprint, bearer-token authentication with a per-token
rate limit, paging, and reading ids, dates and text out of a JSON body with clear 400s."""

from __future__ import annotations

import functools
import re
import uuid
from datetime import date
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request
from flask.typing import ResponseReturnValue

from handlers import api_tokens
from handlers.errors import DomainError, ValidationFailed
from handlers.paging import MAX_PAGE
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


def listing_response(
    items: list[dict[str, Any]], page: int, per_page: int, total: int
) -> ResponseReturnValue:
    return jsonify({"items": items, "page": page, "per_page": per_page, "total": total})


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


def required_uuid(body: dict[str, Any], name: str) -> uuid.UUID:
    value = parse_uuid(text_field(body, name), name)
    if value is None:
        raise ValidationFailed(f"{name} 不能为空。", field=name)
    return value


# -- query parameters as the document states them ----------------------------------------------
#
# One check for every operation, read from the OpenAPI document itself (web/api/openapi): an
# integer that is not one (per_page=null), a string over its maxLength, a value outside its
# enum, an id that is not a uuid — refused with a 422 naming the parameter, never silently
# replaced by a default. The document and the server cannot drift apart on query parameters.


@functools.lru_cache(maxsize=1)
def _query_parameters() -> dict[tuple[str, str], list[dict[str, Any]]]:
    from web.api.openapi.document import document

    return {
        (path, method.upper()): [p for p in operation.get("parameters", []) if p.get("in") == "query"]
        for path, item in document()["paths"].items()
        for method, operation in item.items()
    }


def _document_path(rule: str) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.removeprefix(bp.url_prefix or ""))


def _refuse_parameter(name: str) -> ValidationFailed:
    return ValidationFailed(f"查询参数 {name} 不符合接口文档的规定。", field=name)


def _check_value(name: str, raw: str, schema: dict[str, Any]) -> None:
    kinds = schema.get("type", "string")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "integer" in kinds:
        if not re.fullmatch(r"-?\d{1,18}", raw):
            raise _refuse_parameter(name)
        number = int(raw)
        if number < schema.get("minimum", number) or number > schema.get("maximum", number):
            raise _refuse_parameter(name)
        return
    if "enum" in schema and raw not in schema["enum"]:
        raise _refuse_parameter(name)
    if len(raw) > schema.get("maxLength", len(raw)):
        raise _refuse_parameter(name)
    if schema.get("format") == "uuid":
        try:
            uuid.UUID(raw)
        except ValueError:
            raise _refuse_parameter(name) from None
    if schema.get("format") == "date":
        try:
            date.fromisoformat(raw)
        except ValueError:
            raise _refuse_parameter(name) from None


@bp.before_request
def _check_query() -> None:
    if request.url_rule is None:
        return
    parameters = _query_parameters().get((_document_path(request.url_rule.rule), request.method), [])
    known = {parameter["name"] for parameter in parameters}
    unknown = sorted(name for name in request.args if name not in known)
    if unknown and request.endpoint != "api.openapi":
        raise ValidationFailed(f"不认识的查询参数：{unknown[0][:40]}。", field=unknown[0][:64])
    for parameter in parameters:
        for raw in request.args.getlist(parameter["name"]):
            _check_value(parameter["name"], raw, parameter.get("schema", {}))
