"""/api/v1/: bearer tokens scoped like console users, JSON errors, and the OpenAPI document."""

from __future__ import annotations

import pytest

from handlers.policy import Actor
from models import Role
from tests.helpers.api import api_hospital

pytestmark = pytest.mark.usefixtures("queues")


@pytest.fixture
def hospital(make_org, make_member, make_person, db_session):
    return api_hospital(make_org, make_member, make_person)


def test_without_a_valid_token_nothing_is_answered(client, hospital):
    for headers in ({}, {"Authorization": "Bearer dj_not-a-token"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/members", headers=headers)
        assert response.status_code == 401 and response.get_json()["code"] == "unauthenticated"


def test_a_secretary_token_sees_its_branch_only(client, hospital, token, conforms):
    headers = token(Role.secretary, "XN01")
    listing = client.get("/api/v1/members", headers=headers)
    assert listing.status_code == 200
    body = listing.get_json()
    conforms("/members", 200, body)
    assert [m["name"] for m in body["items"]] == ["李护士"]
    assert body["items"][0]["mobile_masked"] == "139****5678" and "13912345678" not in listing.get_data(
        as_text=True
    )

    other = client.get(f"/api/v1/members/{hospital['surgeon'].id}", headers=headers)
    assert other.status_code == 404 and "王医生" not in other.get_data(as_text=True)
    conforms("/members/{member_id}", 403, other.get_json())

    orgs = client.get("/api/v1/orgs", headers=headers).get_json()
    assert [o["code"] for o in orgs["items"]] == ["XN01"]
    other_org = client.get(f"/api/v1/orgs/{hospital['ortho'].id}", headers=headers)
    assert other_org.status_code == 404 and "骨科" not in other_org.get_data(as_text=True)


def test_the_office_sees_everything_with_paging_and_filters(client, hospital, token, conforms, db_session):
    headers = token(Role.committee_office)
    first = client.get("/api/v1/members?per_page=1", headers=headers).get_json()
    conforms("/members", 200, first)
    assert first["total"] == 2 and len(first["items"]) == 1
    second = client.get("/api/v1/members?per_page=1&page=2", headers=headers).get_json()
    assert {first["items"][0]["name"], second["items"][0]["name"]} == {"李护士", "王医生"}
    by_org = client.get(f"/api/v1/members?org_id={hospital['ortho'].id}", headers=headers).get_json()
    assert [m["name"] for m in by_org["items"]] == ["王医生"]
    hospital["nurse"].shift_group = "夜班组"
    db_session.commit()
    by_shift = client.get("/api/v1/members?shift_group=夜班组", headers=headers).get_json()
    assert [m["name"] for m in by_shift["items"]] == ["李护士"]
    one = client.get(f"/api/v1/members/{hospital['nurse'].id}", headers=headers)
    conforms("/members/{member_id}", 200, one.get_json())
    branches = client.get("/api/v1/orgs?kind=branch", headers=headers).get_json()
    conforms("/orgs", 200, branches)
    assert sorted(o["code"] for o in branches["items"]) == ["GK01", "XN01"]


@pytest.mark.parametrize(
    "query",
    [
        "per_page=0",
        "per_page=101",
        "page=0",
        "status=expelled",
        "org_id=not-a-uuid",
        "department_id=ward-1",
        "kind=club",
    ],
)
def test_bad_parameters_get_a_422_in_chinese(client, hospital, token, query):
    path = "/api/v1/orgs" if query.startswith("kind") else "/api/v1/members"
    response = client.get(f"{path}?{query}", headers=token(Role.committee_office))
    assert response.status_code == 422
    assert response.get_json()["code"] == "invalid" and response.get_json()["message"]


def test_the_openapi_document_describes_the_routes(app, client):
    """Every route under /api/v1/ with its methods is documented, and nothing else is."""
    import re

    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    routed = {
        (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1")), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.openapi"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    assert routed == documented


def test_hr_registers_a_member_and_updates_the_record(client, hospital, token, conforms, db_session):
    from tests.conftest import valid_id_number

    headers = token(Role.committee_office)
    created = client.post(
        "/api/v1/members",
        headers=headers,
        json={
            "wecom_userid": "newnurse",
            "name": "新护士",
            "branch_id": str(hospital["cardio"].id),
            "status": "probationary",
            "id_number": valid_id_number(808),
            "joined_on": "2026-07-01",
        },
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    conforms("/members", 201, body, "post")
    assert body["status"] == "probationary" and body["id_number_masked"].startswith("110")
    assert valid_id_number(808) not in created.get_data(as_text=True)

    twice = {"wecom_userid": "newnurse", "name": "新护士", "branch_id": str(hospital["cardio"].id)}
    again = client.post("/api/v1/members", headers=headers, json=twice)
    assert again.status_code == 409 and again.get_json()["code"] == "conflict"

    patched = client.patch(f"/api/v1/members/{body['id']}", headers=headers, json={"shift_group": "夜班组"})
    assert patched.status_code == 200
    conforms("/members/{member_id}", 200, patched.get_json(), "patch")


def test_writes_are_scoped_and_validated(client, hospital, token):
    secretary = token(Role.secretary, "XN01")
    outside = client.post(
        "/api/v1/members",
        headers=secretary,
        json={"wecom_userid": "x1", "name": "甲", "branch_id": str(hospital["ortho"].id)},
    )
    assert outside.status_code == 404 and "骨科" not in outside.get_data(as_text=True)
    for bad in ([], {"name": "甲"}, {"wecom_userid": "x2", "name": "乙", "branch_id": "nope"}):
        response = client.post("/api/v1/members", headers=secretary, json=bad)
        assert response.status_code == 422 and response.get_json()["message"]
    rename_other = client.patch(f"/api/v1/orgs/{hospital['ortho'].id}", headers=secretary, json={"name": "x"})
    assert rename_other.status_code == 404  # outside the token's scope: as if there were no such org


def test_the_office_creates_and_renames_an_org(client, hospital, token, conforms):
    headers = token(Role.committee_office)
    parent = client.get("/api/v1/orgs?kind=committee", headers=headers).get_json()["items"][0]["id"]
    created = client.post(
        "/api/v1/orgs",
        headers=headers,
        json={"parent_id": parent, "kind": "branch", "code": "JZ01", "name": "急诊"},
    )
    assert created.status_code == 201
    conforms("/orgs", 201, created.get_json(), "post")
    renamed = client.patch(
        f"/api/v1/orgs/{created.get_json()['id']}", headers=headers, json={"name": "急诊科党支部"}
    )
    assert renamed.get_json()["name"] == "急诊科党支部"


def test_meetings_are_planned_and_read_back_within_the_tokens_scope(
    client, hospital, token, conforms, db_session
):
    from datetime import UTC, datetime, timedelta

    from handlers import meetings

    office, secretary = token(Role.committee_office), token(Role.secretary, "GK01")
    start = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)
    body = {
        "org_id": str(hospital["cardio"].id),
        "kinds": ["theme_day"],
        "topic": "主题党日",
        "venue_mode": "online",
        "online_room": "腾讯会议 1",
        "sessions": [
            {
                "label": "A场",
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=1)).isoformat(),
            }
        ],
    }
    created = client.post("/api/v1/meetings", json=body, headers=office)
    assert created.status_code == 201, created.get_json()
    conforms("/meetings", 201, created.get_json(), method="post")
    meeting_id = created.get_json()["id"]
    naive = {**body, "sessions": [{"starts_at": "2030-01-01T09:00:00", "ends_at": "2030-01-01T10:00:00"}]}
    refused = client.post("/api/v1/meetings", json=naive, headers=office)
    assert refused.status_code == 422 and "时区" in refused.get_json()["message"]

    listing = client.get("/api/v1/meetings", headers=office).get_json()
    conforms("/meetings", 200, listing)
    assert [m["id"] for m in listing["items"]] == [meeting_id]
    nurse = hospital["nurse"]
    meetings.confirm(
        db_session,
        Actor.cli(),
        meeting_id=__import__("uuid").UUID(meeting_id),
        member_id=nurse.id,
        present=True,
    )
    db_session.commit()
    attendance = client.get(f"/api/v1/meetings/{meeting_id}/attendance", headers=office).get_json()
    conforms("/meetings/{meeting_id}/attendance", 200, attendance)
    assert [a["member_id"] for a in attendance["items"]] == [str(nurse.id)]
    sessions = client.get(f"/api/v1/meetings/{meeting_id}/sessions", headers=office).get_json()
    conforms("/meetings/{meeting_id}/sessions", 200, sessions)

    # The orthopaedics secretary's token sees none of it.
    assert client.get("/api/v1/meetings", headers=secretary).get_json()["items"] == []
    for path in ("", "/sessions", "/attendance"):
        other = client.get(f"/api/v1/meetings/{meeting_id}{path}", headers=secretary)
        assert other.status_code == 404 and "主题党日" not in other.get_data(as_text=True)


def test_query_parameters_are_held_to_the_document(client, hospital, token):
    """issue 16 item 9: per_page=null was read as the default and an over-long shift_group or
    tag went through; every query parameter is now checked against the document, in one place."""
    headers = token(Role.committee_office)
    for path, name in (
        ("/api/v1/members?per_page=null", "per_page"),
        ("/api/v1/members?page=0", "page"),
        ("/api/v1/members?shift_group=" + "夜" * 33, "shift_group"),
        ("/api/v1/members?org_id=not-a-uuid", "org_id"),
        ("/api/v1/reminders?status=bogus", "status"),
        ("/api/v1/lessons?tag=" + "党" * 65, "tag"),
    ):
        refused = client.get(path, headers=headers)
        assert refused.status_code == 422 and refused.get_json()["details"]["field"] == name, (
            path,
            refused.json,
        )
    assert client.get("/api/v1/members?per_page=5", headers=headers).status_code == 200


def test_a_405_says_which_methods_are_allowed(client, token):
    refused = client.delete("/api/v1/members", headers=token(Role.committee_office))
    assert refused.status_code == 405 and "GET" in refused.headers["Allow"] and refused.is_json
