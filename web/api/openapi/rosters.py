"""Schemas and paths of rosters and reminders."""

from __future__ import annotations

from typing import Any

from web.api.openapi.common import NULLABLE_TIME, PAGING, UUID, _body, _errors, _ok

ROSTER_PUSH = {
    "type": "object",
    "required": ["period_start", "period_end", "shifts"],
    "properties": {
        "period_start": {"type": "string", "format": "date"},
        "period_end": {"type": "string", "format": "date", "description": "不超过 62 天"},
        "shifts": {
            "type": "array",
            "maxItems": 50000,
            "items": {
                "type": "object",
                "required": ["userid", "day", "code"],
                "properties": {
                    "userid": {"type": "string", "description": "企业微信账号"},
                    "day": {"type": "string", "format": "date"},
                    "code": {"type": "string", "description": "班次代码或名称（见管理后台“排班”）"},
                },
            },
        },
    },
}


ROSTER_RESULT = {
    "type": "object",
    "required": ["import_id", "members", "shifts"],
    "properties": {"import_id": UUID, "members": {"type": "integer"}, "shifts": {"type": "integer"}},
}


REMINDER = {
    "type": "object",
    "required": ["id", "userid", "category", "title", "reason", "status", "deliver_at"],
    "properties": {
        "id": UUID,
        "userid": {"type": "string"},
        "category": {"type": "string"},
        "title": {"type": "string"},
        "reason": {"type": "string", "description": "为什么提醒"},
        "status": {"type": "string", "enum": ["planned", "sent", "cancelled", "failed"]},
        "deliver_at": {"type": "string", "format": "date-time"},
        "plan_note": {"type": ["string", "null"], "description": "为什么在这个时间"},
        "sent_at": NULLABLE_TIME,
        "cancelled_reason": {"type": ["string", "null"]},
        "failure_reason": {"type": ["string", "null"]},
    },
}


def roster_paths() -> dict[str, Any]:
    return {
        "/reminders": {
            "get": {
                "summary": "提醒（令牌权限范围内的党员）：发送时间、状态与原因",
                "parameters": [
                    *PAGING,
                    {
                        "name": "status",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["planned", "sent", "cancelled", "failed"]},
                    },
                    {"name": "category", "in": "query", "schema": {"type": "string"}},
                ],
                "responses": {**_ok("#/components/schemas/ReminderPage"), **_errors(401, 422, 429)},
            }
        },
        "/rosters": {
            "post": {
                "summary": "推送一个周期的排班（替换这些党员在该周期的排班；逐行校验，有误则不导入）",
                "requestBody": _body(ROSTER_PUSH),
                "responses": {
                    **_ok("#/components/schemas/RosterImport", 201),
                    **_errors(401, 403, 422, 429),
                },
            }
        },
    }
