"""Schemas and paths of the 书记信箱, 通知公告, 任务督办 and 发展党员 (applicants) collections."""

from __future__ import annotations

from typing import Any

from web.api.openapi.common import PAGING, UUID, _errors, _ok

MESSAGE = {
    "type": "object",
    "required": ["id", "to", "category", "written_on", "anonymous", "author", "body", "answered"],
    "properties": {
        "id": UUID,
        "to": {"type": "string", "enum": ["secretary", "office"]},
        "org_id": {"type": ["string", "null"], "format": "uuid"},
        "category": {"type": "string", "enum": ["suggestion", "problem", "help"]},
        "written_on": {
            "type": "string",
            "format": "date",
            "description": "只到日期（匿名来信不保存具体时间）",
        },
        "anonymous": {"type": "boolean"},
        "author": {"type": ["string", "null"], "description": "署名来信的写信人；匿名来信为 null"},
        "body": {"type": "string"},
        "answered": {"type": "boolean"},
        "answer": {"type": ["string", "null"]},
    },
}
AUTHOR = {
    "type": "object",
    "required": ["name", "wecom_userid"],
    "properties": {"name": {"type": "string"}, "wecom_userid": {"type": "string"}},
}


NOTICE = {
    "type": "object",
    "required": [
        "id",
        "title",
        "sent_at",
        "sender",
        "needs_ack",
        "org_ids",
        "recipients",
        "read",
        "acknowledged",
    ],
    "properties": {
        "id": UUID,
        "title": {"type": "string"},
        "sent_at": {"type": "string", "format": "date-time"},
        "sender": {"type": "string"},
        "needs_ack": {"type": "boolean"},
        "org_ids": {"type": "array", "items": UUID, "description": "空数组为发给全院"},
        "recipients": {"type": "integer"},
        "read": {"type": "integer"},
        "acknowledged": {"type": ["integer", "null"], "description": "不需要回复收到的通知为 null"},
    },
}


def message_schemas(page_of: Any) -> dict[str, Any]:
    return {
        "Message": MESSAGE,
        "MessagePage": page_of("#/components/schemas/Message"),
        "MessageAuthor": AUTHOR,
        "Notice": NOTICE,
        "NoticePage": page_of("#/components/schemas/Notice"),
    }


def message_paths() -> dict[str, Any]:
    return {
        "/messages": {
            "get": {
                "summary": "书记信箱：令牌范围内收到的来信（支部书记：本支部；组织部：写给组织部的）",
                "parameters": [*PAGING],
                "responses": {**_ok("#/components/schemas/MessagePage"), **_errors(401, 422, 429)},
            }
        },
        "/notices": {
            "get": {
                "summary": "通知公告及其送达、已读、收到人数（只有人数，不列人名）",
                "parameters": [*PAGING],
                "responses": {**_ok("#/components/schemas/NoticePage"), **_errors(401, 403, 422, 429)},
            }
        },
        "/messages/{message_id}/author": {
            "get": {
                "summary": "署名来信的写信人；匿名来信没有保存写信人，请求被拒绝（422）",
                "parameters": [{"name": "message_id", "in": "path", "required": True, "schema": UUID}],
                "responses": {**_ok("#/components/schemas/MessageAuthor"), **_errors(401, 404, 422, 429)},
            }
        },
    }


_STATUSES = ["sent", "acknowledged", "submitted", "returned", "accepted"]
TASK = {
    "type": "object",
    "required": [
        "id",
        "kind",
        "title",
        "deadline",
        "done_by",
        "sender",
        "created_at",
        "closed_at",
        "recipients",
        "by_status",
    ],
    "properties": {
        "id": UUID,
        "kind": {
            "type": "string",
            "enum": ["sent", "monthly_report"],
            "description": "督办任务或组织生活月报",
        },
        "title": {"type": "string"},
        "deadline": {"type": "string", "format": "date"},
        "done_by": {"type": "string", "enum": ["report", "files", "number", "meeting", "campaign"]},
        "sender": {"type": "string"},
        "created_at": {"type": "string", "format": "date-time"},
        "closed_at": {
            "type": ["string", "null"],
            "format": "date-time",
            "description": "全部接收方通过后办结",
        },
        "recipients": {"type": "integer"},
        "by_status": {
            "type": "object",
            "description": "各步骤的接收方个数",
            "properties": {s: {"type": "integer"} for s in _STATUSES},
        },
    },
}
ASSIGNMENT = {
    "type": "object",
    "required": ["id", "org_id", "recipient", "status", "deadline", "returns", "escalated"],
    "properties": {
        "id": UUID,
        "org_id": {"type": ["string", "null"], "format": "uuid", "description": "发给党员个人时为 null"},
        "recipient": {"type": "string"},
        "status": {"type": "string", "enum": _STATUSES},
        "deadline": {"type": "string", "format": "date", "description": "退回整改后为新的截止日期"},
        "acknowledged_at": {"type": ["string", "null"], "format": "date-time"},
        "submitted_at": {"type": ["string", "null"], "format": "date-time"},
        "accepted_at": {"type": ["string", "null"], "format": "date-time"},
        "returns": {"type": "integer"},
        "escalated": {"type": "boolean"},
    },
}


def task_schemas(page_of: Any) -> dict[str, Any]:
    detail = {
        "allOf": [
            {"$ref": "#/components/schemas/Task"},
            {
                "type": "object",
                "required": ["assignments"],
                "properties": {
                    "assignments": {"type": "array", "items": {"$ref": "#/components/schemas/TaskAssignment"}}
                },
            },
        ]
    }
    return {
        "Task": TASK,
        "TaskPage": page_of("#/components/schemas/Task"),
        "TaskAssignment": ASSIGNMENT,
        "TaskDetail": detail,
    }


def task_paths() -> dict[str, Any]:
    return {
        "/tasks": {
            "get": {
                "summary": "任务督办：令牌范围内发出的任务及各步骤的接收方个数",
                "parameters": [*PAGING],
                "responses": {**_ok("#/components/schemas/TaskPage"), **_errors(401, 422, 429)},
            }
        },
        "/tasks/{task_id}": {
            "get": {
                "summary": "一项任务及每个接收方的办理步骤（不含报告正文）",
                "parameters": [{"name": "task_id", "in": "path", "required": True, "schema": UUID}],
                "responses": {**_ok("#/components/schemas/TaskDetail"), **_errors(401, 404, 422, 429)},
            }
        },
    }


_RECRUIT_STAGES = [
    "applicant",
    "activist",
    "candidate",
    "probationary",
    "full",
    "not_admitted",
    "cancelled",
    "transferred",
]
APPLICANT = {
    "type": "object",
    "required": ["id", "name", "org_id", "stage", "applied_on", "next_step", "next_step_label", "deadline"],
    "properties": {
        "id": UUID,
        "name": {"type": "string"},
        "org_id": UUID,
        "stage": {"type": "string", "enum": _RECRUIT_STAGES},
        "applied_on": {"type": "string", "format": "date"},
        "next_step": {"type": ["integer", "null"], "description": "《发展党员工作细则》25个步骤中的下一步"},
        "next_step_label": {"type": ["string", "null"]},
        "deadline": {
            "type": ["string", "null"],
            "format": "date",
            "description": "规则规定的期限；没有期限为 null",
        },
    },
}
STEP = {
    "type": "object",
    "required": ["step", "label", "done_on", "evidence"],
    "properties": {
        "step": {"type": "integer"},
        "label": {"type": "string"},
        "done_on": {"type": "string", "format": "date"},
        "evidence": {"type": "string"},
    },
}


def applicant_schemas(page_of: Any) -> dict[str, Any]:
    detail = {
        "allOf": [
            {"$ref": "#/components/schemas/Applicant"},
            {
                "type": "object",
                "required": ["steps", "probation_ends_on"],
                "properties": {
                    "probation_ends_on": {"type": ["string", "null"], "format": "date"},
                    "steps": {"type": "array", "items": {"$ref": "#/components/schemas/ApplicantStep"}},
                },
            },
        ]
    }
    return {
        "Applicant": APPLICANT,
        "ApplicantPage": page_of("#/components/schemas/Applicant"),
        "ApplicantStep": STEP,
        "ApplicantDetail": detail,
    }


def applicant_paths() -> dict[str, Any]:
    return {
        "/applicants": {
            "get": {
                "summary": "发展党员：令牌范围内正在培养的人员、阶段、下一步和期限（按期限排列，不作排名）",
                "parameters": [*PAGING],
                "responses": {**_ok("#/components/schemas/ApplicantPage"), **_errors(401, 422, 429)},
            }
        },
        "/applicants/{applicant_id}": {
            "get": {
                "summary": "一名发展对象已完成的步骤及日期（不含考察和谈话记录）",
                "parameters": [{"name": "applicant_id", "in": "path", "required": True, "schema": UUID}],
                "responses": {**_ok("#/components/schemas/ApplicantDetail"), **_errors(401, 404, 422, 429)},
            }
        },
    }
