"""Schema and path of /api/v1/stats/{name}: the 数据中心's figure families."""

from __future__ import annotations

from typing import Any

from handlers.stats import FAMILIES
from web.api.openapi.common import UUID, _errors, _ok

VALUE = {
    "description": "数值；人数过少时为说明文字（“人数过少不显示”“少于5人”“不单独显示”），没有数据时为“—”",
    "type": ["number", "string"],
}
FIGURE = {
    "type": "object",
    "required": ["name", "title", "definition", "scope", "period", "people", "masked", "series", "children"],
    "properties": {
        "name": {"type": "string", "enum": list(FAMILIES)},
        "title": {"type": "string"},
        "definition": {"type": "string", "description": "口径说明"},
        "scope": {"type": "string"},
        "period": {"type": "string"},
        "people": {"type": ["integer", "null"], "description": "统计涉及的人数；党组织统计为 null"},
        "masked": {"type": "boolean", "description": "少于5人，不细分"},
        "series": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["title", "unit", "rows", "compare", "compare_label"],
                "properties": {
                    "title": {"type": "string"},
                    "unit": {"type": "string"},
                    "rows": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["label", "value"],
                            "properties": {"label": {"type": "string"}, "value": VALUE},
                        },
                    },
                    "compare": {"type": ["array", "null"], "items": VALUE},
                    "compare_label": {"type": ["string", "null"]},
                },
            },
        },
        "children": {
            "type": "array",
            "description": "下一级党组织（可逐级查看），不列个人",
            "items": {
                "type": "object",
                "required": ["org_id", "name", "members"],
                "properties": {"org_id": UUID, "name": {"type": "string"}, "members": {"type": "integer"}},
            },
        },
    },
}


def stat_schemas() -> dict[str, Any]:
    return {"Figure": FIGURE}


def stat_paths() -> dict[str, Any]:
    return {
        "/stats/{name}": {
            "get": {
                "summary": "数据中心的一项统计（范围、年份可选，附口径说明）",
                "parameters": [
                    {
                        "name": "name",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "enum": list(FAMILIES)},
                    },
                    {"name": "org_id", "in": "query", "schema": UUID},
                    {"name": "campus_id", "in": "query", "schema": UUID},
                    {
                        "name": "year",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 2000, "maximum": 2100},
                    },
                ],
                "responses": {**_ok("#/components/schemas/Figure"), **_errors(401, 404, 422, 429)},
            }
        }
    }
