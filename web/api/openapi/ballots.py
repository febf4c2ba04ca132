"""Schemas and paths of the ballots collection: definitions, turnout, and results after close as
the secrecy rules allow (no breakdown under the minimum; never who answered what)."""

from __future__ import annotations

from typing import Any

from web.api.openapi.common import PAGING, UUID, _errors, _ok

QUESTION = {
    "type": "object",
    "required": ["position", "kind", "text", "options"],
    "properties": {
        "position": {"type": "integer"},
        "kind": {"type": "string", "enum": ["single", "multiple", "text"]},
        "text": {"type": "string"},
        "options": {"type": "array", "items": {"type": "string"}},
        "max_choices": {"type": ["integer", "null"]},
    },
}
RESULT = {
    "type": "object",
    "required": ["position", "text", "kind", "answers", "shown"],
    "properties": {
        "position": {"type": "integer"},
        "text": {"type": "string"},
        "kind": {"type": "string"},
        "answers": {"type": "integer", "description": "作答人数"},
        "shown": {"type": "boolean", "description": "作答人数不少于规定人数时才有分布"},
        "counts": {
            "type": "array",
            "items": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}]},
        },
        "texts": {"type": "array", "items": {"type": "string"}},
    },
}
BALLOT = {
    "type": "object",
    "required": [
        "id",
        "kind",
        "title",
        "org_id",
        "anonymous",
        "opens_at",
        "closes_at",
        "electorate",
        "answered",
    ],
    "properties": {
        "id": UUID,
        "kind": {"type": "string"},
        "title": {"type": "string"},
        "org_id": {"type": ["string", "null"], "format": "uuid", "description": "null 为全院"},
        "anonymous": {"type": "boolean"},
        "opens_at": {"type": "string", "format": "date-time"},
        "closes_at": {"type": "string", "format": "date-time"},
        "electorate": {"type": "integer"},
        "answered": {"type": "integer"},
    },
}


def ballot_schemas(page_of: Any) -> dict[str, Any]:
    detail = {
        "allOf": [
            {"$ref": "#/components/schemas/Ballot"},
            {
                "type": "object",
                "required": ["questions", "results"],
                "properties": {
                    "questions": {"type": "array", "items": {"$ref": "#/components/schemas/BallotQuestion"}},
                    "results": {
                        "type": ["array", "null"],
                        "items": {"$ref": "#/components/schemas/BallotResult"},
                        "description": "截止前为 null",
                    },
                },
            },
        ]
    }
    return {
        "Ballot": BALLOT,
        "BallotPage": page_of("#/components/schemas/Ballot"),
        "BallotQuestion": QUESTION,
        "BallotResult": RESULT,
        "BallotDetail": detail,
    }


def ballot_paths() -> dict[str, Any]:
    return {
        "/ballots": {
            "get": {
                "summary": "投票和问卷：令牌范围内发起的问卷及作答人数",
                "parameters": [*PAGING],
                "responses": {**_ok("#/components/schemas/BallotPage"), **_errors(401, 422, 429)},
            }
        },
        "/ballots/{ballot_id}": {
            "get": {
                "summary": "一份问卷的题目；截止后附结果（少于规定人数的题目不显示分布，从不显示谁答了什么）",
                "parameters": [{"name": "ballot_id", "in": "path", "required": True, "schema": UUID}],
                "responses": {**_ok("#/components/schemas/BallotDetail"), **_errors(401, 404, 422, 429)},
            }
        },
    }
