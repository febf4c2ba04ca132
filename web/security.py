"""Security headers on every response (ASVS V3): no external assets, no framing, no sniffing."""

from __future__ import annotations

import logging
import re

from flask import Flask, Response

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def _headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def init_app(app: Flask) -> None:
    install_log_redaction()
    app.after_request(_headers)
    if app.config["APP_ENV"] == "production":
        app.after_request(_hsts)


def _hsts(response: Response) -> Response:
    response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


class RedactSecrets(logging.Filter):
    """Mask credentials in logged request lines (the demo serves the emulator's
    `?access_token=…` and `?corpsecret=…` URLs through Werkzeug, which logs every request)."""

    PATTERN = re.compile(r"(access_token|corpsecret|code|echostr|msg_signature|token)=[^&\s\"']+")

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.args = tuple(
                self.PATTERN.sub(r"\1=***", a) if isinstance(a, str) else a for a in record.args
            )
        if isinstance(record.msg, str):
            record.msg = self.PATTERN.sub(r"\1=***", record.msg)
        return True


def install_log_redaction() -> None:
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactSecrets) for f in logger.filters):
        logger.addFilter(RedactSecrets())
