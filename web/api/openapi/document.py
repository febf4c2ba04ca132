"""The whole OpenAPI 3.1 document of /api/v1/."""

from __future__ import annotations

from typing import Any

from web.api.openapi.approvals import APPROVAL, approval_paths
from web.api.openapi.archive import archive_paths, archive_schemas
from web.api.openapi.ballots import ballot_paths, ballot_schemas, talk_paths, talk_schemas
from web.api.openapi.common import ERROR, PAGING, UUID, _body, _errors, _items_of, _ok, _page_of
from web.api.openapi.dues import dues_paths, dues_schemas
from web.api.openapi.learning import CAMPAIGN, LESSON, STUDY_RECORD, learning_paths
from web.api.openapi.meetings import ATTENDANCE, MEETING, SESSION, meeting_paths
from web.api.openapi.messages import (
    applicant_paths,
    applicant_schemas,
    message_paths,
    message_schemas,
    task_paths,
    task_schemas,
)
from web.api.openapi.people import MEMBER, MEMBER_CREATE, MEMBER_UPDATE, ORG, ORG_CREATE, ORG_UPDATE
from web.api.openapi.rosters import REMINDER, ROSTER_RESULT, roster_paths
from web.api.openapi.stats import stat_paths, stat_schemas
from web.api.openapi.venues import VENUE, venue_paths

#: What every string of a request may hold: no NUL or other C0 control but tab, LF and CR (the
#: input boundary, web/input_boundary.py, refuses the rest with a 422 naming the field).
TEXT_PATTERN = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f]*$"
PLAIN_VALUE = "#/components/schemas/PlainValue"


def document() -> dict[str, Any]:
    spec = _document()
    spec["components"]["schemas"]["PlainValue"] = {
        "description": "任意 JSON 值；其中的文本不得含控制字符",
        "anyOf": [
            {"type": "string", "pattern": TEXT_PATTERN},
            {"type": ["number", "boolean", "null"]},
            {"type": "array", "items": {"$ref": PLAIN_VALUE}},
            {
                "type": "object",
                "propertyNames": {"pattern": TEXT_PATTERN},
                "additionalProperties": {"$ref": PLAIN_VALUE},
            },
        ],
    }
    for operation in (op for item in spec["paths"].values() for op in item.values()):
        body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
        if "schema" in body:
            body["schema"] = _plain(body["schema"])
        for parameter in operation.get("parameters", []):
            parameter["schema"] = _plain(parameter["schema"])
    return spec


def _plain(schema: dict[str, Any]) -> dict[str, Any]:
    """The same schema, its text held to TEXT_PATTERN at every depth (the document says what
    the input boundary refuses, so a request the document allows is one the server takes)."""
    if "$ref" in schema or "anyOf" in schema:
        return schema
    schema = dict(schema)
    kinds = schema.get("type")
    kinds = set(kinds if isinstance(kinds, list) else [kinds] if kinds else [])
    if not kinds and "enum" not in schema:
        return {**schema, "$ref": PLAIN_VALUE}
    if "string" in kinds and "pattern" not in schema and "enum" not in schema and "format" not in schema:
        schema["pattern"] = TEXT_PATTERN
    if "object" in kinds:
        schema["properties"] = {k: _plain(v) for k, v in schema.get("properties", {}).items()}
        schema.setdefault("propertyNames", {"pattern": TEXT_PATTERN})
        extra = schema.get("additionalProperties", True)
        if extra is True:
            schema["additionalProperties"] = {"$ref": PLAIN_VALUE}
        elif isinstance(extra, dict):
            schema["additionalProperties"] = _plain(extra)
    if "array" in kinds and isinstance(schema.get("items"), dict):
        schema["items"] = _plain(schema["items"])
    return schema


def _document() -> dict[str, Any]:
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
                "Venue": VENUE,
                "VenuePage": _page_of("#/components/schemas/Venue"),
                **archive_schemas(_page_of),
                **dues_schemas(_page_of),
                **message_schemas(_page_of),
                **task_schemas(_page_of),
                **applicant_schemas(_page_of),
                **ballot_schemas(_page_of),
                **talk_schemas(_page_of),
                **stat_schemas(),
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
            **venue_paths(),
            **archive_paths(),
            **dues_paths(),
            **message_paths(),
            **task_paths(),
            **applicant_paths(),
            **ballot_paths(),
            **talk_paths(),
            **stat_paths(),
            **learning_paths(),
        },
    }
