"""Fixtures of the web tests: a console browser, a small hospital, API tokens and schema checks."""

from __future__ import annotations

import jsonschema
import pytest

from handlers.api_tokens import create_token
from handlers.policy import Actor
from models import OrgKind, Role


@pytest.fixture
def browser(app, db_session, emulator):
    return app.test_client()


@pytest.fixture
def hospital(make_org, make_member, make_person, db_session):
    committee = make_org(OrgKind.committee, name="医院党委")
    cardio = make_org(OrgKind.branch, parent=committee, name="心内科党支部")
    ortho = make_org(OrgKind.branch, parent=committee, name="骨科党支部")
    nurse = make_member(
        branch=cardio, person=make_person(wecom_userid="nurse01", name="李护士", mobile="13912345678")
    )
    surgeon = make_member(branch=ortho, person=make_person(wecom_userid="surgeon01", name="王医生"))
    from models import RoleGrant

    office = make_person(wecom_userid="office01", name="组织部甲")
    secretary = make_person(wecom_userid="sec01", name="书记乙")
    db_session.add(RoleGrant(person_id=office.id, role=Role.committee_office, org_id=None))
    db_session.add(RoleGrant(person_id=secretary.id, role=Role.secretary, org_id=cardio.id))
    db_session.flush()
    return {"nurse": nurse, "surgeon": surgeon, "cardio": cardio}


@pytest.fixture
def token(db_session):
    def make(role: Role, org_code: str | None = None) -> dict[str, str]:
        _, secret = create_token(db_session, Actor.cli(), name="HR", role=role, org_code=org_code)
        db_session.flush()
        return {"Authorization": f"Bearer {secret}"}

    return make


@pytest.fixture
def conforms(client):
    """Check a response against the schema the OpenAPI document gives for it."""
    spec = client.get("/api/v1/openapi.json").get_json()

    def check(path: str, status: int, body: dict, method: str = "get") -> None:
        operation = spec["paths"][path][method]
        schema = operation["responses"][str(status)]["content"]["application/json"]["schema"]
        resolver_doc = {"components": spec["components"], **schema}
        jsonschema.validate(body, resolver_doc)

    return check
