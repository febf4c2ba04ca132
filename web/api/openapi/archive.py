"""Schemas and paths of transfers (组织关系转接) and participations (参加组织生活)."""

from __future__ import annotations

from typing import Any

from web.api.openapi.common import PAGING, UUID, _body, _errors, _ok

_DAY = {"type": ["string", "null"], "format": "date"}
_ID_OR_NULL = {"type": ["string", "null"], "format": "uuid"}
KINDS = ["residency", "visiting", "posting", "rotation", "mobile", "other"]

TRANSFER = {
    "type": "object",
    "required": ["id", "member_id", "name", "kind", "effective_on"],
    "properties": {
        "id": UUID,
        "member_id": UUID,
        "name": {"type": "string"},
        "kind": {"type": "string", "enum": ["internal", "outbound", "inbound"]},
        "from_branch_id": _ID_OR_NULL,
        "to_branch_id": _ID_OR_NULL,
        "issuing_org": {"type": ["string", "null"], "description": "转入：开具介绍信的党组织"},
        "destination": {"type": ["string", "null"], "description": "转出：介绍信抬头的接收党组织"},
        "letter_number": {"type": ["string", "null"]},
        "letter_issued_on": _DAY,
        "valid_until": {**_DAY, "description": "有效期至（规则 transfer.letter_valid_days）"},
        "dues_paid_to": {"type": ["string", "null"], "description": "党费交至年月，如 2026-11"},
        "receipt_on": {**_DAY, "description": "回执日期；null 为尚未登记"},
        "effective_on": {"type": "string", "format": "date"},
    },
}

PARTICIPATION = {
    "type": "object",
    "required": ["id", "member_id", "name", "direction", "kind", "starts_on", "of_record_here"],
    "properties": {
        "id": UUID,
        "member_id": UUID,
        "name": {"type": "string"},
        "direction": {
            "type": "string",
            "enum": ["here", "away"],
            "description": "here：在本院组织参加组织生活；away：本院党员外出，期间免于参加本地会议",
        },
        "kind": {
            "type": "string",
            "enum": KINDS,
            "description": "规培、进修、援派、多院区轮转、流动党员、其他",
        },
        "org_id": _ID_OR_NULL,
        "place": {"type": ["string", "null"]},
        "certificate_number": {"type": ["string", "null"], "description": "流动党员活动证编号"},
        "starts_on": {"type": "string", "format": "date"},
        "ends_on": _DAY,
        "of_record_here": {"type": "boolean", "description": "组织关系是否在本院"},
    },
}

PARTICIPATION_CREATE = {
    "type": "object",
    "required": ["member_id", "direction", "kind", "starts_on"],
    "additionalProperties": False,
    "properties": {
        "member_id": UUID,
        "direction": {"type": "string", "enum": ["here", "away"]},
        "kind": {"type": "string", "enum": KINDS},
        "org_id": {**UUID, "description": "direction=here 时必填"},
        "place": {"type": "string", "maxLength": 200, "description": "direction=away 时必填"},
        "certificate_number": {"type": "string", "maxLength": 40, "description": "流动党员必填"},
        "starts_on": {"type": "string", "format": "date"},
        "ends_on": {"type": "string", "format": "date"},
        "note": {"type": "string", "maxLength": 500},
    },
}


def archive_schemas(page_of: Any) -> dict[str, Any]:
    return {
        "Transfer": TRANSFER,
        "TransferPage": page_of("#/components/schemas/Transfer"),
        "Participation": PARTICIPATION,
        "ParticipationPage": page_of("#/components/schemas/Participation"),
    }


def archive_paths() -> dict[str, Any]:
    return {
        "/transfers": {
            "get": {
                "summary": "组织关系转接（转入、转出、院内转接；令牌权限范围内的支部）",
                "parameters": [
                    *PAGING,
                    {
                        "name": "kind",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["internal", "outbound", "inbound"]},
                    },
                    {
                        "name": "awaiting_receipt",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["true", "false"]},
                    },
                ],
                "responses": {**_ok("#/components/schemas/TransferPage"), **_errors(401, 403, 422, 429)},
            }
        },
        "/transfers/{transfer_id}": {
            "get": {
                "summary": "一次组织关系转接",
                "parameters": [{"name": "transfer_id", "in": "path", "required": True, "schema": UUID}],
                "responses": {**_ok("#/components/schemas/Transfer"), **_errors(401, 403, 404, 422, 429)},
            }
        },
        "/participations": {
            "get": {
                "summary": "参加组织生活与外出（条例第十六条）",
                "parameters": [
                    *PAGING,
                    {
                        "name": "direction",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["here", "away"]},
                    },
                    {
                        "name": "current",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["true", "false"]},
                    },
                ],
                "responses": {**_ok("#/components/schemas/ParticipationPage"), **_errors(401, 403, 422, 429)},
            },
            "post": {
                "summary": "登记本院党员到院内其他组织参加组织生活，或外出（援派、流动党员）",
                "requestBody": _body(PARTICIPATION_CREATE),
                "responses": {
                    **_ok("#/components/schemas/Participation", 201),
                    **_errors(401, 403, 404, 409, 422, 429),
                },
            },
        },
    }
