"""Schemas and paths of dues (党费): a month member by member, and the year's assessments."""

from __future__ import annotations

from typing import Any

from web.api.openapi.common import PAGING, UUID, _errors, _ok

_MONEY = {"type": ["string", "null"], "pattern": r"^\d+\.\d{2}$", "description": "元，两位小数"}
MONTH = {"type": "string", "pattern": r"^(19|20)\d{2}-(0[1-9]|1[0-2])$"}

DUES_ROW = {
    "type": "object",
    "required": ["member_id", "name", "branch_id", "month", "owed", "paid"],
    "properties": {
        "member_id": UUID,
        "name": {"type": "string"},
        "branch_id": UUID,
        "month": MONTH,
        "owed": {**_MONEY, "description": "应交（元）；null 为本年尚未核定"},
        "paid": {**_MONEY, "description": "已交（元）；null 为未交"},
        "paid_on": {"type": ["string", "null"], "format": "date"},
        "way": {"type": ["string", "null"], "enum": ["现金", "转账", "院内收缴", None]},
    },
}

ASSESSMENT = {
    "type": "object",
    "required": ["member_id", "name", "year", "from_month", "category", "bracket", "amount", "confirmed"],
    "properties": {
        "member_id": UUID,
        "name": {"type": "string"},
        "year": {"type": "integer"},
        "from_month": MONTH,
        "category": {
            "type": "string",
            "enum": ["in_service", "retired", "student", "unemployed", "on_relief"],
        },
        "bracket": {
            "type": "string",
            "description": "档次（如“5000元至10000元（含） 1.5%”）；计算基数从不返回",
        },
        "computed": _MONEY,
        "amount": _MONEY,
        "adjusted": {"type": "boolean"},
        "confirmed": {"type": "boolean"},
        "last_year": _MONEY,
    },
}


def dues_schemas(page_of: Any) -> dict[str, Any]:
    return {
        "DuesRow": DUES_ROW,
        "DuesPage": page_of("#/components/schemas/DuesRow"),
        "DuesAssessment": ASSESSMENT,
        "DuesAssessmentPage": page_of("#/components/schemas/DuesAssessment"),
    }


def dues_paths() -> dict[str, Any]:
    return {
        "/dues": {
            "get": {
                "summary": "某月逐人党费（本支部书记、组织委员的令牌；计算基数从不返回）",
                "parameters": [*PAGING, {"name": "month", "in": "query", "schema": MONTH}],
                "responses": {**_ok("#/components/schemas/DuesPage"), **_errors(401, 403, 422, 429)},
            }
        },
        "/dues/assessments": {
            "get": {
                "summary": "本年党费核定金额（党委组织部）",
                "parameters": [
                    *PAGING,
                    {
                        "name": "year",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 2000, "maximum": 2100},
                    },
                ],
                "responses": {
                    **_ok("#/components/schemas/DuesAssessmentPage"),
                    **_errors(401, 403, 422, 429),
                },
            }
        },
    }
