"""Schemas and paths of the ballots and talks collections. Ballots (问卷, 换届选举, 两优一先 votes;
never 民主评议's 互评): definitions, turnout, and results after close as the secrecy rules allow
(no breakdown under the minimum; never who answered what), an election's count. Talks: plans
and coverage, never a note."""

from __future__ import annotations

from typing import Any

from web.api.openapi.common import PAGING, UUID, _errors, _ok

QUESTION = {
    "type": "object",
    "required": ["position", "kind", "text", "options"],
    "properties": {
        "position": {"type": "integer"},
        "kind": {"type": "string", "enum": ["single", "multiple", "text", "grade"]},
        "text": {"type": "string"},
        "options": {"type": "array", "items": {"type": "string"}},
        "max_choices": {"type": ["integer", "null"]},
        "subject_id": {
            "type": ["string", "null"],
            "format": "uuid",
            "description": "grade 题所评的人：选举的候选人、推荐对象",
        },
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
        "subject_id": {"type": "string", "format": "uuid"},
    },
}
OUTCOME = {
    "type": "object",
    "description": "换届选举的计票结果：候选人按名单顺序，不按票数排列",
    "required": ["valid", "voted", "needed_turnout", "candidates", "tied", "text"],
    "properties": {
        "valid": {"type": "boolean"},
        "voted": {"type": "integer"},
        "needed_turnout": {"type": "integer"},
        "candidates": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "votes", "elected"],
                "properties": {
                    "name": {"type": "string"},
                    "votes": {"type": "integer"},
                    "elected": {"type": "boolean"},
                },
            },
        },
        "tied": {"type": "array", "items": {"type": "string"}},
        "text": {"type": "string"},
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
        "kind": {"type": "string", "enum": ["survey", "election", "nomination"]},
        "title": {"type": "string"},
        "org_id": {"type": ["string", "null"], "format": "uuid", "description": "null 为全院"},
        "seats": {"type": ["integer", "null"], "description": "换届选举的应选人数"},
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
                "required": ["questions", "results", "outcome"],
                "properties": {
                    "outcome": {
                        "oneOf": [{"$ref": "#/components/schemas/ElectionOutcome"}, {"type": "null"}],
                        "description": "换届选举截止后的计票结果；其他投票为 null",
                    },
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
        "ElectionOutcome": OUTCOME,
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


YEAR = {"name": "year", "in": "query", "schema": {"type": "integer", "minimum": 2000, "maximum": 2100}}
TALK_PLAN = {
    "type": "object",
    "required": ["org_id", "org", "year", "required", "done", "explained", "gaps"],
    "properties": {
        "org_id": UUID,
        "org": {"type": "string"},
        "year": {"type": "integer"},
        "required": {"type": "integer", "description": "本年度应谈的对数"},
        "done": {"type": "integer"},
        "explained": {"type": "integer", "description": "已说明未谈原因的对数"},
        "gaps": {"type": "integer"},
    },
}
TALK_PAIR = {
    "type": "object",
    "required": ["first", "second", "state"],
    "properties": {
        "first": {"type": "string"},
        "second": {"type": "string"},
        "state": {"type": "string", "enum": ["done", "explained", "open"]},
    },
}


def talk_schemas(page_of: Any) -> dict[str, Any]:
    detail = {
        "allOf": [
            {"$ref": "#/components/schemas/TalkPlan"},
            {
                "type": "object",
                "required": ["pairs"],
                "properties": {
                    "pairs": {"type": "array", "items": {"$ref": "#/components/schemas/TalkPair"}}
                },
            },
        ]
    }
    return {
        "TalkPlan": TALK_PLAN,
        "TalkPlanPage": page_of("#/components/schemas/TalkPlan"),
        "TalkPair": TALK_PAIR,
        "TalkPlanDetail": detail,
    }


def talk_paths() -> dict[str, Any]:
    return {
        "/talks": {
            "get": {
                "summary": "谈心谈话：令牌范围内各支部本年度应谈、已谈、说明原因和未谈的对数（不含谈话内容）",
                "parameters": [*PAGING, YEAR],
                "responses": {**_ok("#/components/schemas/TalkPlanPage"), **_errors(401, 422, 429)},
            }
        },
        "/talks/{org_id}": {
            "get": {
                "summary": "一个支部的谈心谈话计划：每一对是否已谈（不含谈话内容）",
                "parameters": [{"name": "org_id", "in": "path", "required": True, "schema": UUID}, YEAR],
                "responses": {**_ok("#/components/schemas/TalkPlanDetail"), **_errors(401, 404, 422, 429)},
            }
        },
    }
