"""Done-when for the console and the API: on the whole demo hospital, a secretary's session and
a secretary's API token are refused (403, nothing leaked) for every org and every member outside
their branch, and see exactly their branch inside it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from demo import seed_demo
from handlers.api_tokens import create_token
from handlers.policy import Actor
from models import Member, MemberParticipation, OrgKind, PartyOrg, Role, RoleGrant
from tests.helpers.pages import qr_login

pytestmark = pytest.mark.usefixtures("queues")


@pytest.fixture
def demo(db_session):
    seed_demo(db_session, seed=11)
    grant = db_session.scalars(
        select(RoleGrant).where(RoleGrant.role == Role.secretary).order_by(RoleGrant.granted_at)
    ).first()
    branch = grant.org
    assert branch.kind == OrgKind.branch
    token, secret = create_token(
        db_session, Actor.cli(), name="科室系统", role="secretary", org_code=branch.code
    )
    db_session.commit()
    orgs = db_session.scalars(select(PartyOrg)).all()
    members = db_session.scalars(select(Member)).all()
    taking_part = set(
        db_session.scalars(
            select(MemberParticipation.member_id).where(MemberParticipation.org_id == branch.id)
        )
    )
    return {
        "secretary": grant.person.wecom_userid,
        "branch": branch,
        "token": {"Authorization": f"Bearer {secret}"},
        "token_id": token.id,
        "inside_orgs": [o for o in orgs if o.path.startswith(branch.path)],
        "outside_orgs": [o for o in orgs if not o.path.startswith(branch.path)],
        "inside": [m for m in members if m.branch_id == branch.id],
        # Neither of record here nor taking part here (the demo's 规培 residents take part in one).
        "outside": [m for m in members if m.branch_id != branch.id and m.id not in taking_part],
    }


def _refused_without_leaking(response, *secrets: str) -> None:
    """Outside the scope looks exactly like not there (issue 16 item 7): a 404, nothing named."""
    body = response.get_data(as_text=True)
    assert response.status_code == 404, response.request.path
    for secret in secrets:
        assert secret not in body, (response.request.path, secret)


def test_a_secretarys_session_is_refused_everything_outside_the_branch(app, db_session, demo, emulator):
    browser = app.test_client()
    qr_login(browser, demo["secretary"])
    assert len(demo["outside_orgs"]) > 80 and len(demo["outside"]) > 600
    for org in demo["outside_orgs"]:
        _refused_without_leaking(browser.get(f"/admin/orgs/{org.id}"), org.name, org.code)
        _refused_without_leaking(browser.get(f"/admin/members?org={org.id}"), org.name)
    for member in demo["outside"]:
        person = member.person
        _refused_without_leaking(browser.get(f"/admin/members/{member.id}"), person.name, person.wecom_userid)
    listing = browser.get("/admin/members?page=1").get_data(as_text=True)
    assert all(m.person.name in listing for m in demo["inside"][:20])
    for org in demo["inside_orgs"]:
        assert browser.get(f"/admin/orgs/{org.id}").status_code == 200


def test_a_secretarys_token_is_refused_everything_outside_the_branch(client, db_session, demo, queues):
    headers = demo["token"]

    def next_minute() -> None:
        """~1,500 requests exceed the token's 600 a minute: let the window pass between objects."""
        queues.redis.delete(f"dj:api:rate:{demo['token_id']}")

    for org in demo["outside_orgs"]:
        next_minute()
        _refused_without_leaking(client.get(f"/api/v1/orgs/{org.id}", headers=headers), org.name, org.code)
        renamed = client.patch(f"/api/v1/orgs/{org.id}", json={"name": "改名"}, headers=headers)
        _refused_without_leaking(renamed, org.name)
    for member in demo["outside"]:
        next_minute()
        person = member.person
        answer = client.get(f"/api/v1/members/{member.id}", headers=headers)
        _refused_without_leaking(answer, person.name, person.wecom_userid)
        edited = client.patch(f"/api/v1/members/{member.id}", json={"shift_group": "白班组"}, headers=headers)
        _refused_without_leaking(edited, person.name)
    listed = client.get("/api/v1/members?per_page=100", headers=headers).get_json()
    assert {m["id"] for m in listed["items"]} == {str(m.id) for m in demo["inside"]}
    orgs = client.get("/api/v1/orgs?per_page=100", headers=headers).get_json()
    assert {o["id"] for o in orgs["items"]} == {str(o.id) for o in demo["inside_orgs"]}


def test_out_of_scope_and_unknown_answer_alike_and_the_probe_is_audited(app, hospital, token, db_session):  # noqa: F811
    """issue 16 item 7: a branch token asking for another branch's meeting, member or org gets
    exactly what it gets for an id that does not exist; only the audit trail tells them apart."""
    import uuid

    from models import AuditEvent

    client = app.test_client()
    headers = token(Role.secretary, hospital["cardio"].code)
    surgeon = hospital["surgeon"]
    for outside_path, unknown_path in (
        (f"/api/v1/members/{surgeon.id}", f"/api/v1/members/{uuid.uuid4()}"),
        (f"/api/v1/orgs/{surgeon.branch_id}", f"/api/v1/orgs/{uuid.uuid4()}"),
    ):
        outside, unknown = (
            client.get(outside_path, headers=headers),
            client.get(unknown_path, headers=headers),
        )
        assert (outside.status_code, outside.get_json()) == (unknown.status_code, unknown.get_json())
        assert outside.status_code == 404
    refusals = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "access.denied")).all()
    assert len(refusals) == 2  # the two probes of real records; the unknown ids were just not there
