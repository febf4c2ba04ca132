"""CSRF protection for the console's forms: a per-session token, checked on every write."""

from __future__ import annotations

import hmac
import secrets

from flask import Blueprint, request, session

from handlers.errors import DomainError

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"


class CsrfRefused(DomainError):
    status = 400
    code = "csrf"
    message = "页面已过期，请刷新后重试。"


def csrf_token() -> str:
    token = session.get(FIELD)
    if not token:
        token = secrets.token_urlsafe(32)
        session[FIELD] = token
    return token


def protect(bp: Blueprint) -> None:
    """Refuse a POST/PUT/PATCH/DELETE to `bp` whose token does not match the session's."""

    @bp.before_request
    def _check() -> None:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return
        sent = request.form.get(FIELD) or request.headers.get(HEADER) or ""
        expected = session.get(FIELD) or ""
        if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
            raise CsrfRefused()

    bp.add_app_template_global(csrf_token, "csrf_token")
