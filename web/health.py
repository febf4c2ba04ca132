"""GET /healthz: database and Redis status for load balancers and operators."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text

logger = logging.getLogger(__name__)
bp = Blueprint("health", __name__)


def _check_database() -> str:
    with current_app.extensions["dangjian.db"].engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return "ok"


def _check_redis() -> str:
    current_app.extensions["dangjian.jobs"].ping()
    return "ok"


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    status: dict[str, str] = {}
    for name, check in (("database", _check_database), ("redis", _check_redis)):
        try:
            status[name] = check()
        except Exception as exc:
            # The exception text can carry a connection URL with a password: log its type only.
            logger.warning("health check: %s is down (%s)", name, type(exc).__name__)
            status[name] = "down"
    down = [name for name, value in status.items() if value != "ok"]
    body = {"status": "ok" if not down else "unavailable", **status}
    if down:
        body["message"] = "服务不可用：" + "、".join(
            {"database": "数据库", "redis": "Redis"}[n] for n in down
        )
    return jsonify(body), (503 if down else 200)
