"""Building blocks every collection's description uses: ids, the error body, pages, responses."""

from __future__ import annotations

from typing import Any

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


def _items_of(ref: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": {"$ref": ref}}},
    }


NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
