"""Schemas and paths of venues (会场)."""

from __future__ import annotations

from typing import Any

from handlers import geo, venues
from web.api.openapi.common import PAGING, UUID, _body, _errors, _ok

LAT = {"type": ["number", "null"], "minimum": geo.CHINA_LAT[0], "maximum": geo.CHINA_LAT[1]}
LNG = {"type": ["number", "null"], "minimum": geo.CHINA_LNG[0], "maximum": geo.CHINA_LNG[1]}
RADIUS = {"type": ["integer", "null"], "minimum": venues.RADIUS_RANGE[0], "maximum": venues.RADIUS_RANGE[1]}
NAME = {"type": "string", "minLength": 1, "maxLength": 100, "pattern": r"\S"}
ADDRESS = {"type": ["string", "null"], "maxLength": 200}

VENUE = {
    "type": "object",
    "required": ["id", "campus_id", "campus", "name", "geofence_on", "retired"],
    "properties": {
        "id": UUID,
        "campus_id": UUID,
        "campus": {"type": "string", "description": "院区名称"},
        "name": {"type": "string"},
        "address": {"type": ["string", "null"]},
        "geofence_lat": {**LAT, "description": "中心点纬度（GCJ-02）"},
        "geofence_lng": {**LNG, "description": "中心点经度（GCJ-02）"},
        "geofence_radius_m": {**RADIUS, "description": "签到范围（米）"},
        "geofence_on": {"type": "boolean", "description": "扫码签到是否须在范围内"},
        "retired": {"type": "boolean", "description": "已停用：新会议不能选择"},
    },
}

_EDITABLE = {
    "name": NAME,
    "address": ADDRESS,
    "geofence_lat": LAT,
    "geofence_lng": LNG,
    "geofence_radius_m": RADIUS,
    "geofence_on": {"type": "boolean", "description": "开启须同时有中心点和签到范围"},
}
VENUE_CREATE = {
    "type": "object",
    "required": ["campus_id", "name"],
    "additionalProperties": False,
    "properties": {"campus_id": UUID, **_EDITABLE},
}
VENUE_UPDATE = {
    "type": "object",
    "additionalProperties": False,
    "properties": {**_EDITABLE, "retired": {"type": "boolean", "description": "停用或恢复"}},
}

_ID = [{"name": "venue_id", "in": "path", "required": True, "schema": UUID}]


def venue_paths() -> dict[str, Any]:
    return {
        "/venues": {
            "get": {
                "summary": "会场列表（按院区；默认不含已停用）",
                "parameters": [
                    *PAGING,
                    {
                        "name": "include_retired",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["true", "false"]},
                    },
                ],
                "responses": {**_ok("#/components/schemas/VenuePage"), **_errors(401, 422, 429)},
            },
            "post": {
                "summary": "新增会场（党委组织部）；坐标须在中国境内，签到范围 50～2000 米",
                "requestBody": _body(VENUE_CREATE),
                "responses": {
                    **_ok("#/components/schemas/Venue", 201),
                    **_errors(401, 403, 404, 409, 422, 429),
                },
            },
        },
        "/venues/{venue_id}": {
            "get": {
                "summary": "会场",
                "parameters": _ID,
                "responses": {**_ok("#/components/schemas/Venue"), **_errors(401, 404, 422, 429)},
            },
            "patch": {
                "summary": "修改、停用或恢复会场（党委组织部）",
                "parameters": _ID,
                "requestBody": _body(VENUE_UPDATE),
                "responses": {**_ok("#/components/schemas/Venue"), **_errors(401, 403, 404, 409, 422, 429)},
            },
            "delete": {
                "summary": "删除未被会议使用过的会场（已使用的返回 409，请改为停用）",
                "parameters": _ID,
                "responses": {"204": {"description": "已删除"}, **_errors(401, 403, 404, 409, 422, 429)},
            },
        },
    }
