"""The org tree: shape rules, moves that carry the subtree, merges and dissolutions that keep history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from handlers import members, orgs
from handlers.errors import Conflict, Forbidden, ValidationFailed
from models import AuditEvent, MemberStatus, OrgKind, PartyOrg, Role


@pytest.fixture
def office(make_actor):
    return make_actor(Role.committee_office, None)


@pytest.fixture
def tree(make_org):
    committee = make_org(OrgKind.committee)
    general = make_org(OrgKind.general_branch, parent=committee)
    other_general = make_org(OrgKind.general_branch, parent=committee)
    branch = make_org(OrgKind.branch, parent=general)
    group = make_org(OrgKind.group, parent=branch)
    return {
        "committee": committee,
        "general": general,
        "other": other_general,
        "branch": branch,
        "group": group,
    }


def test_shape_rules_when_creating(db_session, office, tree):
    created = orgs.create_org(
        db_session, office, parent_id=tree["general"].id, kind="branch", code="NEW1", name="新支部"
    )
    assert created.path.startswith(tree["general"].path)
    with pytest.raises(ValidationFailed, match="党小组下不能设立党支部"):
        orgs.create_org(db_session, office, parent_id=tree["group"].id, kind="branch", code="NEW2", name="x")
    with pytest.raises(Conflict):
        orgs.create_org(
            db_session, office, parent_id=tree["general"].id, kind="branch", code="NEW1", name="y"
        )


def test_moving_a_branch_carries_its_groups(db_session, office, tree):
    moved = orgs.move_org(db_session, office, org_id=tree["branch"].id, parent_id=tree["other"].id)
    group = db_session.get(PartyOrg, tree["group"].id)
    assert moved.path.startswith(tree["other"].path) and group.path.startswith(moved.path)
    with pytest.raises(ValidationFailed, match="自己的下级"):
        orgs.move_org(db_session, office, org_id=tree["other"].id, parent_id=moved.id)


def test_merging_moves_members_and_dissolves_the_source(db_session, office, tree, make_org, make_member):
    target = make_org(OrgKind.branch, parent=tree["general"])
    member = make_member(branch=tree["branch"])
    orgs.merge_branches(db_session, office, source_id=tree["branch"].id, target_id=target.id)
    db_session.expire_all()
    assert member.branch_id == target.id
    assert db_session.get(PartyOrg, tree["branch"].id).dissolved_at is not None
    assert db_session.get(PartyOrg, tree["group"].id).parent_id == target.id
    assert tree["branch"].id not in {o.id for o in members.visible_orgs(db_session, office)}
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "org.merge")) is not None


def test_an_org_with_members_or_children_is_not_dissolved(db_session, office, tree, make_member):
    make_member(branch=tree["branch"])
    with pytest.raises(Conflict, match="下级组织"):
        orgs.dissolve_org(db_session, office, org_id=tree["branch"].id, reason="科室撤并")
    orgs.dissolve_org(db_session, office, org_id=tree["group"].id, reason="党小组调整")
    with pytest.raises(Conflict, match="仍有党员"):
        orgs.dissolve_org(db_session, office, org_id=tree["branch"].id, reason="科室撤并")


def test_a_secretary_cannot_reshape_the_tree(db_session, tree, make_actor):
    secretary = make_actor(Role.secretary, tree["branch"])
    with pytest.raises(Forbidden):
        orgs.rename_org(db_session, secretary, org_id=tree["branch"].id, name="改名")


def test_warnings_follow_the_branch_rules(db_session, tree, make_member):
    branch = tree["branch"]
    assert any("不足 3 人" in n for n in orgs.warnings(db_session, branch))
    for _ in range(7):
        make_member(branch=branch, status=MemberStatus.full)
    branch.term_ends_on = date.today() + timedelta(days=30)
    notes = orgs.warnings(db_session, branch)
    assert any("支部委员会" in n for n in notes) and any("准备换届" in n for n in notes)
