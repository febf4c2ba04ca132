"""The whole OpenAPI 3.1 document of /api/v1/."""

from __future__ import annotations

from typing import Any

from web.api.openapi.approvals import APPROVAL, approval_paths
from web.api.openapi.common import ERROR, PAGING, UUID, _body, _errors, _items_of, _ok, _page_of
from web.api.openapi.learning import CAMPAIGN, LESSON, STUDY_RECORD, learning_paths
from web.api.openapi.meetings import ATTENDANCE, MEETING, SESSION, meeting_paths
from web.api.openapi.people import MEMBER, MEMBER_CREATE, MEMBER_UPDATE, ORG, ORG_CREATE, ORG_UPDATE
from web.api.openapi.rosters import REMINDER, ROSTER_RESULT, roster_paths
from web.api.openapi.venues import VENUE, venue_paths


def document() -> dict[str, Any]:
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
            **learning_paths(),
        },
    }
