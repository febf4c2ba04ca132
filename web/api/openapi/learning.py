"""Schemas and paths of lessons, campaigns and study records (never points)."""

from __future__ import annotations

from typing import Any

from web.api.openapi.common import NULLABLE_TIME, PAGING, UUID, _errors, _ok

LESSON = {
    "type": "object",
    "required": ["id", "kind", "title", "status", "credit_hours", "min_seconds", "tags", "has_quiz"],
    "properties": {
        "id": UUID,
        "kind": {"type": "string", "enum": ["article", "link", "video", "audio", "document", "quiz"]},
        "title": {"type": "string"},
        "summary": {"type": "string"},
        "status": {"type": "string", "enum": ["draft", "proposed", "published", "archived"]},
        "credit_hours": {"type": "string", "description": "学时（十进制字符串，如 0.5）"},
        "min_seconds": {"type": "integer", "description": "完成所需的有效学习秒数（视频/音频为片长的 90%）"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "audience_roles": {"type": "array", "items": {"type": "string"}},
        "source": {"type": "string"},
        "has_quiz": {"type": "boolean"},
        "published_at": NULLABLE_TIME,
        "proposed_for_org_id": {"type": ["string", "null"], "format": "uuid"},
    },
}


CAMPAIGN = {
    "type": "object",
    "required": ["id", "title", "lesson_ids", "send_at", "deadline", "recipients", "branches"],
    "properties": {
        "id": UUID,
        "title": {"type": "string"},
        "lesson_ids": {"type": "array", "items": UUID},
        "send_at": {"type": "string", "format": "date-time"},
        "deadline": {"type": "string", "format": "date-time"},
        "recipients": {"type": "integer", "minimum": 0},
        "series_id": {"type": ["string", "null"], "format": "uuid"},
        "branches": {
            "type": "array",
            "description": "令牌权限范围内各支部的完成人数（只有人数，不列个人）",
            "items": {
                "type": "object",
                "required": ["org_id", "name", "recipients", "completed", "in_progress", "not_started"],
                "properties": {
                    "org_id": UUID,
                    "name": {"type": "string"},
                    "recipients": {"type": "integer", "minimum": 0},
                    "completed": {"type": "integer", "minimum": 0},
                    "in_progress": {"type": "integer", "minimum": 0},
                    "not_started": {"type": "integer", "minimum": 0},
                },
            },
        },
    },
}


STUDY_RECORD = {
    "type": "object",
    "required": ["id", "member_id", "lesson_id", "year", "opened_at", "seconds", "credited_hours"],
    "properties": {
        "id": UUID,
        "member_id": UUID,
        "lesson_id": UUID,
        "year": {"type": "integer"},
        "opened_at": {"type": "string", "format": "date-time"},
        "seconds": {"type": "integer", "minimum": 0, "description": "服务器按心跳计的有效学习秒数"},
        "completed_at": NULLABLE_TIME,
        "credited_hours": {"type": "string"},
        "quiz_passed_at": NULLABLE_TIME,
    },
}


def learning_paths() -> dict[str, Any]:
    return {
        "/lessons": {
            "get": {
                "summary": "课程（已发布的；党委组织部令牌可按状态查看草稿与待审核）",
                "parameters": [
                    *PAGING,
                    {"name": "status", "in": "query", "schema": LESSON["properties"]["status"]},
                    {"name": "tag", "in": "query", "schema": {"type": "string", "maxLength": 40}},
                ],
                "responses": {**_ok("#/components/schemas/LessonPage"), **_errors(401, 403, 404, 422, 429)},
            }
        },
        "/lessons/{lesson_id}": {
            "get": {
                "summary": "课程",
                "parameters": [{"name": "lesson_id", "in": "path", "required": True, "schema": UUID}],
                "responses": {**_ok("#/components/schemas/Lesson"), **_errors(401, 403, 404, 422, 429)},
            }
        },
        "/campaigns": {
            "get": {
                "summary": "学习推送及各支部完成人数（令牌权限范围内）",
                "parameters": PAGING,
                "responses": {**_ok("#/components/schemas/CampaignPage"), **_errors(401, 403, 404, 422, 429)},
            }
        },
        "/campaigns/{campaign_id}": {
            "get": {
                "summary": "学习推送",
                "parameters": [{"name": "campaign_id", "in": "path", "required": True, "schema": UUID}],
                "responses": {**_ok("#/components/schemas/Campaign"), **_errors(401, 403, 404, 422, 429)},
            }
        },
        "/study-records": {
            "get": {
                "summary": "学习记录（令牌权限范围内的党员；不含积分）",
                "parameters": [
                    *PAGING,
                    {
                        "name": "year",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 2000, "maximum": 2100},
                    },
                    {"name": "lesson_id", "in": "query", "schema": UUID},
                    {"name": "member_id", "in": "query", "schema": UUID},
                ],
                "responses": {
                    **_ok("#/components/schemas/StudyRecordPage"),
                    **_errors(401, 403, 404, 422, 429),
                },
            }
        },
    }
