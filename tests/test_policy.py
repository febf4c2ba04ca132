"""Role policy: subtree scoping for every list and look-up, and 三员 separation."""

import pytest
from sqlalchemy import select

from handlers import people
from handlers.errors import Forbidden
from handlers.policy import can, scope_members, scope_orgs
from models import AuditEvent, Member, OrgKind, PartyOrg, Role
from tests.helpers.refusals import settle_refusal


@pytest.fixture
def hospital(make_org, make_member):
    committee = make_org(OrgKind.committee)
    general = make_org(OrgKind.general_branch, committee)
    cardiology, surgery = make_org(parent=general), make_org(parent=general)
    group = make_org(OrgKind.group, cardiology)
    return {
        "committee": committee,
        "general": general,
        "cardiology": cardiology,
        "surgery": surgery,
        "group": group,
        "cardiology_members": [make_member(cardiology) for _ in range(3)],
        "surgery_members": [make_member(surgery) for _ in range(2)],
    }


def test_secretary_sees_and_acts_on_their_own_branch_only(db_session, hospital, make_actor):
    secretary = make_actor(Role.secretary, hospital["cardiology"])
    visible = set(db_session.scalars(scope_members(secretary, select(Member.id))))
    assert visible == {m.id for m in hospital["cardiology_members"]}
    orgs = set(db_session.scalars(scope_orgs(secretary, select(PartyOrg.id))))
    assert orgs == {hospital["cardiology"].id, hospital["group"].id}
    other = hospital["surgery_members"][0]
    assert not can(db_session, secretary, "member.view", obj=other)
    assert not can(db_session, secretary, "member.edit", obj=other)
    assert can(db_session, secretary, "member.edit", obj=hospital["cardiology_members"][0])


def test_member_participating_elsewhere_is_visible_there_but_edited_only_by_branch_of_record(
    db_session, hospital, make_member, make_actor, take_part
):
    guest = make_member(hospital["surgery"])
    take_part(guest, hospital["cardiology"])
    secretary = make_actor(Role.secretary, hospital["cardiology"])
    assert guest.id in set(db_session.scalars(scope_members(secretary, select(Member.id))))
    assert can(db_session, secretary, "member.view", obj=guest)
    assert not can(db_session, secretary, "member.edit", obj=guest)
    assert not can(db_session, secretary, "member.reveal", obj=guest)


def test_committee_office_over_a_general_branch_sees_its_subtree(db_session, hospital, make_actor):
    office = make_actor(Role.committee_office, hospital["general"])
    visible = set(db_session.scalars(scope_members(office, select(Member.id))))
    assert len(visible) == 5
    assert can(db_session, office, "org.manage", obj=hospital["surgery"])
    assert not can(db_session, office, "org.manage", obj=hospital["committee"])


def test_a_member_without_roles_sees_only_their_own_membership(db_session, hospital, make_actor):
    mine = hospital["surgery_members"][0]
    actor = make_actor(Role.member, person=mine.person)
    assert list(db_session.scalars(scope_members(actor, select(Member.id)))) == [mine.id]
    assert list(db_session.scalars(scope_orgs(actor, select(PartyOrg.id)))) == []


def test_sanyuan_separation(db_session, hospital, make_actor):
    sysadmin = make_actor(Role.sysadmin)
    auditor = make_actor(Role.auditor)
    security = make_actor(Role.security_officer)
    member = hospital["cardiology_members"][0]

    assert can(db_session, sysadmin, "config.manage")
    assert not can(db_session, sysadmin, "audit.read")
    assert not can(db_session, sysadmin, "member.reveal", obj=member)
    assert not can(db_session, sysadmin, "role.grant")

    assert can(db_session, auditor, "audit.read")
    for action, obj in (
        ("member.edit", member),
        ("org.manage", hospital["surgery"]),
        ("config.manage", None),
        ("role.grant", None),
        ("member.reveal", member),
    ):
        assert not can(db_session, auditor, action, obj=obj), action

    assert can(db_session, security, "role.grant") and can(db_session, security, "key.manage")
    assert not can(db_session, security, "audit.read")
    assert not can(db_session, security, "member.reveal", obj=member)


def test_reveal_is_audited_with_reason_and_refused_outside_scope(db_session, hospital, make_actor):
    secretary = make_actor(Role.secretary, hospital["cardiology"])
    mine, theirs = hospital["cardiology_members"][0], hospital["surgery_members"][0]

    value = people.reveal_sensitive(
        db_session, secretary, person_id=mine.person_id, field="mobile", reason="通知开会"
    )
    assert value == mine.person.mobile
    event = db_session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    assert (event.action, event.result, event.actor_id, event.source_ip) == (
        "person.reveal",
        "ok",
        secretary.id,
        "10.1.2.3",
    )
    assert "通知开会" in event.detail and value not in event.detail  # the reason, never the value

    settle_refusal(
        db_session,
        Forbidden,
        lambda: people.reveal_sensitive(
            db_session, secretary, person_id=theirs.person_id, field="mobile", reason="好奇"
        ),
    )
    denied = db_session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    assert (denied.action, denied.result, denied.object_id) == (
        "person.reveal",
        "denied",
        str(theirs.person_id),
    )


def test_sysadmin_cannot_reveal_even_with_a_reason(db_session, hospital, make_actor):
    sysadmin = make_actor(Role.sysadmin)
    with pytest.raises(Forbidden):
        people.reveal_sensitive(
            db_session,
            sysadmin,
            person_id=hospital["surgery_members"][0].person_id,
            field="id_number",
            reason="系统维护",
        )
