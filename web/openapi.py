"""The OpenAPI 3.1 description of /api/v1/ (served at /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

from handlers.approval_kinds import KINDS
from handlers.paging import MAX_PAGE

UUID = {"type": "string", "format": "uuid"}
ERROR = {
    "type": "object",
    "required": ["code", "message"],
    "properties": {
        "code": {"type": "string"},
        "message": {"type": "string", "description": "中文说明"},
        "details": {"type": "object"},
    },
}
ORG = {
    "type": "object",
    "required": ["id", "code", "name", "kind", "parent_id"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "code": {"type": "string"},
        "name": {"type": "string"},
        "kind": {"type": "string", "enum": ["committee", "general_branch", "branch", "group"]},
        "parent_id": {"type": ["string", "null"], "format": "uuid"},
    },
}
MEMBER = {
    "type": "object",
    "required": ["id", "name", "wecom_userid", "status", "branch_id", "joined_on", "active"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "name": {"type": "string"},
        "wecom_userid": {"type": "string"},
        "status": {"type": "string", "enum": ["full", "probationary"]},
        "branch_id": {"type": "string", "format": "uuid"},
        "joined_on": {"type": ["string", "null"], "format": "date"},
        "active": {"type": "boolean", "description": "false: left the WeCom directory (record kept)"},
        "id_number_masked": {"type": "string"},
        "mobile_masked": {"type": "string"},
    },
}


def _page_of(ref: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items", "page", "per_page", "total"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": ref}},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
            "total": {"type": "integer", "minimum": 0},
        },
    }


def _errors(*statuses: int) -> dict[str, Any]:
    meaning = {
        400: "参数不正确",
        401: "令牌无效",
        403: "超出令牌的权限范围",
        404: "不存在或无权查看",
        409: "与现有记录冲突",
        422: "参数不正确",
        429: "请求过于频繁",
    }
    return {
        str(s): {
            "description": meaning[s],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for s in statuses
    }


PAGING = [
    {
        "name": "page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
    },
    {
        "name": "per_page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
    },
]


def _ok(schema_ref: str, status: int = 200) -> dict[str, Any]:
    return {
        str(status): {"description": "OK", "content": {"application/json": {"schema": {"$ref": schema_ref}}}}
    }


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


MEMBER_CREATE = {
    "type": "object",
    "required": ["wecom_userid", "name", "branch_id"],
    "properties": {
        "wecom_userid": {"type": "string"},
        "name": {"type": "string"},
        "branch_id": {"type": "string", "format": "uuid"},
        "status": {"type": "string", "enum": ["full", "probationary"], "default": "full"},
        "id_number": {"type": "string", "description": "居民身份证号（加密存储，响应中只返回打码值）"},
        "mobile": {"type": "string"},
        "joined_on": {"type": "string", "format": "date"},
        "shift_group": {"type": "string"},
    },
}
MEMBER_UPDATE = {
    "type": "object",
    "properties": {
        "shift_group": {"type": "string"},
        "joined_on": {"type": ["string", "null"], "format": "date"},
    },
}
ORG_CREATE = {
    "type": "object",
    "required": ["parent_id", "kind", "code", "name"],
    "properties": {
        "parent_id": {"type": "string", "format": "uuid"},
        "kind": ORG["properties"]["kind"],
        "code": {"type": "string"},
        "name": {"type": "string"},
    },
}
ORG_UPDATE = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}
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


def _items_of(ref: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": {"$ref": ref}}},
    }


def meeting_paths() -> dict[str, Any]:
    meeting_id = [{"name": "meeting_id", "in": "path", "required": True, "schema": UUID}]
    return {
        "/meetings": {
            "get": {
                "summary": "会议列表（令牌可主持的党组织）",
                "parameters": [*PAGING, {"name": "org_id", "in": "query", "schema": UUID}],
                "responses": {**_ok("#/components/schemas/MeetingPage"), **_errors(401, 403, 422, 429)},
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


APPROVAL_KINDS = sorted(KINDS)
APPROVAL_STATUSES = ["draft", "pending", "approved", "rejected", "withdrawn", "expired"]
NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
APPROVAL = {
    "type": "object",
    "required": ["id", "kind", "title", "org_id", "applicant_userid", "status", "round", "form", "steps"],
    "properties": {
        "id": UUID,
        "kind": {"type": "string"},
        "title": {"type": "string"},
        "org_id": UUID,
        "applicant_userid": {"type": "string"},
        "status": {"type": "string", "enum": APPROVAL_STATUSES},
        "round": {"type": "integer", "minimum": 1, "description": "驳回后重新提交的次数 + 1"},
        "current_step": {"type": ["string", "null"]},
        "form": {"type": "object"},
        "submitted_at": NULLABLE_TIME,
        "closed_at": NULLABLE_TIME,
        "steps": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["slot_id", "step", "status"],
                "properties": {
                    "slot_id": UUID,
                    "step": {"type": "string"},
                    "status": {
                        "type": "string",
                        "enum": ["waiting", "pending", "approved", "rejected", "skipped", "closed"],
                    },
                    "due_at": NULLABLE_TIME,
                    "decided_by": {"type": ["string", "null"]},
                    "decided_at": NULLABLE_TIME,
                    "comment": {"type": ["string", "null"]},
                },
            },
        },
    },
}
APPROVAL_CREATE = {
    "type": "object",
    "required": ["kind", "applicant_userid", "form"],
    "properties": {
        "kind": {
            "type": "string",
            "enum": sorted(name for name, kind in KINDS.items() if kind.listed),
            "description": "请假与补学确认由党员本人提出",
        },
        "applicant_userid": {"type": "string", "maxLength": 64},
        "form": {"type": "object", "description": "字段见各审批类型（README“审批类型”）"},
    },
}
APPROVAL_DECISION = {
    "oneOf": [
        {
            "type": "object",
            "required": ["slot_id", "approve"],
            "properties": {
                "slot_id": UUID,
                "approve": {"const": True},
                "comment": {"type": "string", "maxLength": 500},
            },
        },
        {
            "type": "object",
            "required": ["slot_id", "approve", "comment"],
            "properties": {
                "slot_id": UUID,
                "approve": {"const": False},
                "comment": {"type": "string", "maxLength": 500, "pattern": "\\S", "description": "驳回理由"},
            },
        },
    ]
}


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


def approval_paths() -> dict[str, Any]:
    request_id = [{"name": "request_id", "in": "path", "required": True, "schema": UUID}]
    return {
        "/approvals": {
            "get": {
                "summary": "审批列表（令牌权限范围内）",
                "parameters": [
                    *PAGING,
                    {"name": "kind", "in": "query", "schema": {"type": "string", "enum": APPROVAL_KINDS}},
                    {
                        "name": "status",
                        "in": "query",
                        "schema": {"type": "string", "enum": APPROVAL_STATUSES},
                    },
                    {"name": "org_id", "in": "query", "schema": UUID},
                    {
                        "name": "overdue",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["true", "false"]},
                    },
                ],
                "responses": {**_ok("#/components/schemas/ApprovalPage"), **_errors(401, 404, 422, 429)},
            },
            "post": {
                "summary": "代党员提交申请（如 OA 系统转来的活动申报）",
                "requestBody": _body(APPROVAL_CREATE),
                "responses": {
                    **_ok("#/components/schemas/Approval", 201),
                    **_errors(401, 403, 404, 409, 422, 429),
                },
            },
        },
        "/approvals/{request_id}": {
            "get": {
                "summary": "审批详情",
                "parameters": request_id,
                "responses": {**_ok("#/components/schemas/Approval"), **_errors(401, 404, 422, 429)},
            }
        },
        "/approvals/{request_id}/decision": {
            "post": {
                "summary": "审批一步（令牌须持有该步骤的角色）",
                "parameters": request_id,
                "requestBody": _body(APPROVAL_DECISION),
                "responses": {
                    **_ok("#/components/schemas/Approval"),
                    **_errors(401, 403, 404, 409, 422, 429),
                },
            }
        },
    }


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
                "responses": {**_ok("#/components/schemas/LessonPage"), **_errors(401, 403, 422, 429)},
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
                "responses": {**_ok("#/components/schemas/CampaignPage"), **_errors(401, 403, 422, 429)},
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
                "responses": {**_ok("#/components/schemas/StudyRecordPage"), **_errors(401, 403, 422, 429)},
            }
        },
    }


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "智慧党建 API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": ERROR,
                "Org": ORG,
                "Member": MEMBER,
                "OrgPage": _page_of("#/components/schemas/Org"),
                "MemberPage": _page_of("#/components/schemas/Member"),
                "Session": SESSION,
                "Meeting": MEETING,
                "MeetingPage": _page_of("#/components/schemas/Meeting"),
                "SessionList": _items_of("#/components/schemas/Session"),
                "AttendanceList": _items_of("#/components/schemas/Attendance"),
                "Attendance": ATTENDANCE,
                "Approval": APPROVAL,
                "ApprovalPage": _page_of("#/components/schemas/Approval"),
                "RosterImport": ROSTER_RESULT,
                "Reminder": REMINDER,
                "ReminderPage": _page_of("#/components/schemas/Reminder"),
                "Lesson": LESSON,
                "LessonPage": _page_of("#/components/schemas/Lesson"),
                "Campaign": CAMPAIGN,
                "CampaignPage": _page_of("#/components/schemas/Campaign"),
                "StudyRecord": STUDY_RECORD,
                "StudyRecordPage": _page_of("#/components/schemas/StudyRecord"),
            },
        },
        "paths": {
            "/orgs": {
                "get": {
                    "summary": "党组织列表（令牌权限范围内）",
                    "parameters": [
                        *PAGING,
                        {"name": "kind", "in": "query", "schema": ORG["properties"]["kind"]},
                    ],
                    "responses": {**_ok("#/components/schemas/OrgPage"), **_errors(401, 422, 429)},
                },
                "post": {
                    "summary": "设立党组织（党委组织部）",
                    "requestBody": _body(ORG_CREATE),
                    "responses": {
                        **_ok("#/components/schemas/Org", 201),
                        **_errors(401, 403, 404, 409, 422, 429),
                    },
                },
            },
            "/orgs/{org_id}": {
                "get": {
                    "summary": "党组织",
                    "parameters": [{"name": "org_id", "in": "path", "required": True, "schema": UUID}],
                    "responses": {**_ok("#/components/schemas/Org"), **_errors(401, 403, 404, 422, 429)},
                },
                "patch": {
                    "summary": "党组织更名",
                    "parameters": [{"name": "org_id", "in": "path", "required": True, "schema": UUID}],
                    "requestBody": _body(ORG_UPDATE),
                    "responses": {**_ok("#/components/schemas/Org"), **_errors(401, 403, 404, 422, 429)},
                },
            },
            "/members": {
                "get": {
                    "summary": "党员列表（令牌权限范围内；敏感字段打码）",
                    "parameters": [
                        *PAGING,
                        {"name": "q", "in": "query", "schema": {"type": "string"}},
                        {"name": "org_id", "in": "query", "schema": {"type": "string", "format": "uuid"}},
                        {"name": "status", "in": "query", "schema": MEMBER["properties"]["status"]},
                        {
                            "name": "department_id",
                            "in": "query",
                            "schema": {"type": "string", "format": "uuid"},
                        },
                        {"name": "campus_id", "in": "query", "schema": UUID},
                        {"name": "shift_group", "in": "query", "schema": {"type": "string", "maxLength": 32}},
                    ],
                    "responses": {
                        **_ok("#/components/schemas/MemberPage"),
                        **_errors(401, 403, 404, 422, 429),
                    },
                },
                "post": {
                    "summary": "登记党员（职工尚未同步时一并建档）",
                    "requestBody": _body(MEMBER_CREATE),
                    "responses": {
                        **_ok("#/components/schemas/Member", 201),
                        **_errors(401, 403, 404, 409, 422, 429),
                    },
                },
            },
            "/members/{member_id}": {
                "get": {
                    "summary": "党员",
                    "parameters": [{"name": "member_id", "in": "path", "required": True, "schema": UUID}],
                    "responses": {**_ok("#/components/schemas/Member"), **_errors(401, 403, 404, 422, 429)},
                },
                "patch": {
                    "summary": "修改党员记录（班组、入党日期）",
                    "parameters": [{"name": "member_id", "in": "path", "required": True, "schema": UUID}],
                    "requestBody": _body(MEMBER_UPDATE),
                    "responses": {
                        **_ok("#/components/schemas/Member"),
                        **_errors(401, 403, 404, 409, 422, 429),
                    },
                },
            },
            **meeting_paths(),
            **approval_paths(),
            **roster_paths(),
            **learning_paths(),
        },
    }
