"""Role grants: only the security officer, never to oneself, 三员 kept apart, one security officer always."""

from __future__ import annotations

import pytest

from handlers import roles
from handlers.errors import Conflict, Forbidden, ValidationFailed
from models import OrgKind, Role


@pytest.fixture
def officer(make_actor, make_person):
    person = make_person(wecom_userid="secoff")
    return make_actor(Role.security_officer, None, person=person)


def test_the_security_officer_grants_a_secretary_over_a_branch(db_session, officer, make_org, make_person):
    branch = make_org(OrgKind.branch)
    make_person(wecom_userid="nurse01")
    grant = roles.grant_role(db_session, officer, wecom_userid="nurse01", role="secretary", org_id=branch.id)
    assert grant.org_id == branch.id
    with pytest.raises(Conflict):
        roles.grant_role(db_session, officer, wecom_userid="nurse01", role="secretary", org_id=branch.id)


def test_nobody_grants_themselves_and_others_cannot_grant(db_session, officer, make_actor, make_person):
    with pytest.raises(Forbidden, match="自己"):
        roles.grant_role(db_session, officer, wecom_userid="secoff", role="auditor")
    make_person(wecom_userid="someone")
    office = make_actor(Role.committee_office, None)
    with pytest.raises(Forbidden):
        roles.grant_role(db_session, office, wecom_userid="someone", role="committee_office")


def test_the_three_separated_roles_never_meet_in_one_person(db_session, officer, make_person):
    make_person(wecom_userid="admin1")
    roles.grant_role(db_session, officer, wecom_userid="admin1", role="sysadmin")
    with pytest.raises(Conflict, match="三员分立"):
        roles.grant_role(db_session, officer, wecom_userid="admin1", role="auditor")


def test_roles_cover_the_right_scope(db_session, officer, make_org, make_person):
    make_person(wecom_userid="p1")
    branch = make_org(OrgKind.branch)
    with pytest.raises(ValidationFailed, match="全院"):
        roles.grant_role(db_session, officer, wecom_userid="p1", role="auditor", org_id=branch.id)
    with pytest.raises(ValidationFailed, match="负责的党组织"):
        roles.grant_role(db_session, officer, wecom_userid="p1", role="secretary")
    with pytest.raises(ValidationFailed, match="不能设在"):
        roles.grant_role(db_session, officer, wecom_userid="p1", role="group_leader", org_id=branch.id)


def test_the_last_security_officer_cannot_be_removed(db_session, officer, make_person):
    own = next(g for g in roles.live_grants(db_session, officer) if g.role == Role.security_officer)
    with pytest.raises(Conflict, match="最后一名安全管理员"):
        roles.revoke_role(db_session, officer, grant_id=own.id)
    make_person(wecom_userid="secoff2")
    roles.grant_role(db_session, officer, wecom_userid="secoff2", role="security_officer")
    roles.revoke_role(db_session, officer, grant_id=own.id)
    assert own.revoked_at is not None
