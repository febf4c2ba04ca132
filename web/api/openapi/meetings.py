"""Schemas and paths of meetings, their sessions and attendance."""

from __future__ import annotations

from typing import Any

from web.api.openapi.common import PAGING, UUID, _body, _errors, _ok

MEETING_KINDS = [
    "general_assembly",
    "committee_meeting",
    "group_meeting",
    "party_lecture",
    "theme_day",
    "org_life_meeting",
    "member_review",
]


SESSION = {
    "type": "object",
    "required": ["id", "label", "starts_at", "ends_at", "shift_group"],
    "properties": {
        "id": UUID,
        "label": {"type": "string"},
        "starts_at": {"type": "string", "format": "date-time"},
        "ends_at": {"type": "string", "format": "date-time"},
        "shift_group": {"type": ["string", "null"]},
    },
}


MEETING = {
    "type": "object",
    "required": [
        "id",
        "org_id",
        "kinds",
        "topic",
        "agenda",
        "venue_mode",
        "venue_id",
        "online_room",
        "has_vote",
        "status",
        "sessions",
    ],
    "properties": {
        "id": UUID,
        "org_id": UUID,
        "kinds": {"type": "array", "items": {"type": "string", "enum": MEETING_KINDS}},
        "topic": {"type": "string"},
        "agenda": {"type": "string"},
        "venue_mode": {"type": "string", "enum": ["onsite", "online", "hybrid"]},
        "venue_id": {"type": ["string", "null"], "format": "uuid"},
        "online_room": {"type": ["string", "null"]},
        "has_vote": {"type": "boolean"},
        "status": {"type": "string", "enum": ["planned", "cancelled", "signed_off"]},
        "sessions": {"type": "array", "items": {"$ref": "#/components/schemas/Session"}},
    },
}


MEETING_CREATE = {
    "type": "object",
    "required": ["org_id", "kinds", "topic", "sessions"],
    "properties": {
        "org_id": UUID,
        "kinds": {"type": "array", "minItems": 1, "items": {"type": "string", "enum": MEETING_KINDS}},
        "topic": {"type": "string", "maxLength": 100},
        "agenda": {"type": "string"},
        "venue_mode": {"type": "string", "enum": ["onsite", "online", "hybrid"], "default": "onsite"},
        "venue_id": UUID,
        "online_room": {"type": "string"},
        "has_vote": {"type": "boolean", "default": False},
        "sessions": {
            "type": "array",
            "minItems": 1,
            "maxItems": 4,
            "items": {
                "type": "object",
                "required": ["starts_at", "ends_at"],
                "properties": {
                    "label": {"type": "string", "maxLength": 20},
                    "starts_at": {
                        "type": "string",
                        "format": "date-time",
                        "description": "带时区，如 +08:00",
                    },
                    "ends_at": {"type": "string", "format": "date-time"},
                    "shift_group": {"type": "string"},
                },
            },
        },
    },
}


ATTENDANCE = {
    "type": "object",
    "required": ["member_id", "session_id", "method", "checked_in_at", "late", "present", "geofence"],
    "properties": {
        "member_id": UUID,
        "session_id": UUID,
        "method": {"type": "string", "enum": ["qr", "card", "host"]},
        "checked_in_at": {"type": "string", "format": "date-time"},
        "late": {"type": "boolean"},
        "present": {"type": "boolean", "description": "主持人确认后的结果"},
        "geofence": {
            "type": ["string", "null"],
            "enum": ["pass", None],
            "description": "只有是否在会场范围，不含位置",
        },
    },
}


def meeting_paths() -> dict[str, Any]:
    meeting_id = [{"name": "meeting_id", "in": "path", "required": True, "schema": UUID}]
    return {
        "/meetings": {
            "get": {
                "summary": "会议列表（令牌可主持的党组织）",
                "parameters": [*PAGING, {"name": "org_id", "in": "query", "schema": UUID}],
                "responses": {**_ok("#/components/schemas/MeetingPage"), **_errors(401, 403, 404, 422, 429)},
            },
            "post": {
                "summary": "安排会议（向参会党员发送通知卡片）",
                "requestBody": _body(MEETING_CREATE),
                "responses": {
                    **_ok("#/components/schemas/Meeting", 201),
                    **_errors(401, 403, 404, 409, 422, 429),
                },
            },
        },
        "/meetings/{meeting_id}": {
            "get": {
                "summary": "会议",
                "parameters": meeting_id,
                "responses": {**_ok("#/components/schemas/Meeting"), **_errors(401, 403, 404, 422, 429)},
            }
        },
        "/meetings/{meeting_id}/sessions": {
            "get": {
                "summary": "会议的场次",
                "parameters": meeting_id,
                "responses": {**_ok("#/components/schemas/SessionList"), **_errors(401, 403, 404, 422, 429)},
            }
        },
        "/meetings/{meeting_id}/attendance": {
            "get": {
                "summary": "会议的签到与到会确认",
                "parameters": meeting_id,
                "responses": {
                    **_ok("#/components/schemas/AttendanceList"),
                    **_errors(401, 403, 404, 422, 429),
                },
            }
        },
    }
