"""Schemas and paths of approvals (the kinds as an enum, read from the registry)."""

from __future__ import annotations

from typing import Any

from handlers.approval_kinds import KINDS
from web.api.openapi.common import NULLABLE_TIME, PAGING, UUID, _body, _errors, _ok

APPROVAL_KINDS = sorted(KINDS)


APPROVAL_STATUSES = ["draft", "pending", "approved", "rejected", "withdrawn", "expired"]


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
