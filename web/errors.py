"""Errors as users see them: Chinese pages for browsers, {"code", "message"} for the API."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from handlers.errors import DomainError
from web.transaction import settle

logger = logging.getLogger(__name__)

MESSAGES = {
    400: "请求格式不正确。",
    401: "请先登录。",
    403: "您没有权限访问该页面。",
    404: "页面不存在，或您无权查看。",
    405: "不支持该请求方式。",
    413: "提交的内容过大。",
    429: "操作过于频繁，请稍后再试。",
    500: "系统出现错误，请稍后再试。如持续出现，请联系信息科。",
    503: "服务暂时不可用，请稍后再试。",
}


def _wants_json() -> bool:
    return (
        request.path.startswith(("/api/", "/wecom/")) or request.accept_mimetypes.best == "application/json"
    )


def _answer(status: int, code: str, message: str) -> ResponseReturnValue:
    if _wants_json():
        return jsonify({"code": code, "message": message}), status
    template = f"errors/{status}.html" if status in (403, 404, 500) else "errors/error.html"
    return render_template(template, status=status, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> ResponseReturnValue:
        settle(exc)  # rolled back; only the refusal's records are written
        if _wants_json():
            return jsonify(exc.to_dict()), exc.status
        return _answer(exc.status, exc.code, exc.message)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseReturnValue:
        status = exc.code or 500
        body, status = _answer(
            status,
            (exc.name or "error").lower().replace(" ", "_"),
            MESSAGES.get(status, exc.description or ""),
        )
        # The exception's own headers (a 405's Allow, RFC 9110 §15.5.6) survive the Chinese page.
        headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
        return body, status, headers

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> ResponseReturnValue:
        logger.exception("unhandled error on %s %s", request.method, request.path)
        return _answer(500, "internal_error", MESSAGES[500])
