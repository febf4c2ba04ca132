"""The org tree: shape rules, moves that carry the subtree, merges and dissolutions that keep history."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from handlers import members, orgs
from handlers.errors import Conflict, Forbidden, NotFound, ValidationFailed
from models import AuditEvent, MemberStatus, OrgKind, PartyOrg, Role
from models.base import local_today


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
    branch.term_ends_on = local_today() + timedelta(days=30)
    notes = orgs.warnings(db_session, branch)
    assert any("支部委员会" in n for n in notes) and any("准备换届" in n for n in notes)


# -- the committee, terms and departments ------------------------------------------------------------


def _seat(db_session, office, org, member, post, elected_on=None):
    return orgs.appoint(
        db_session, office, org_id=org.id, member_id=member.id, post=post,
        elected_on=elected_on or local_today() - timedelta(days=10),
    )  # fmt: skip


def test_a_committee_of_three_to_five_silences_the_warning(db_session, office, tree, make_member):
    branch = tree["branch"]
    members_ = [make_member(branch=branch) for _ in range(7)]
    assert any("目前登记 0 人" in n for n in orgs.warnings(db_session, branch))
    assert any("尚未登记支部书记" in n for n in orgs.warnings(db_session, branch))
    for member, post in zip(members_, ("secretary", "organization", "publicity"), strict=False):
        _seat(db_session, office, branch, member, post)
    notes = orgs.warnings(db_session, branch)
    assert not any("支部委员会" in n for n in notes)
    # The 书记 is recorded, but the security officer has not granted the role yet.
    assert any("尚未被授予“支部书记”角色" in n for n in notes)
    assert [s.post.value for s in orgs.live_seats(db_session, branch)] == [
        "secretary",
        "organization",
        "publicity",
    ]


def test_the_committee_rules_are_read_from_the_catalogue(db_session, office, tree, make_member):
    from handlers import rules

    branch = tree["branch"]
    for _ in range(5):
        make_member(branch=branch)
    assert not any("应设立支部委员会" in n for n in orgs.warnings(db_session, branch))
    rules.override(db_session, office, key="org.branch_committee_from", raw_value="5",
                   effective_from=local_today(), note="院党委〔2026〕3号")  # fmt: skip
    assert any("应设立支部委员会" in n for n in orgs.warnings(db_session, branch))


def test_who_may_sit_on_the_committee(db_session, office, tree, make_member, make_org):
    branch = tree["branch"]
    full = make_member(branch=branch)
    probationary = make_member(branch=branch, status=MemberStatus.probationary)
    elsewhere = make_member(branch=make_org(OrgKind.branch, parent=tree["other"]))
    with pytest.raises(ValidationFailed, match="预备党员"):
        _seat(db_session, office, branch, probationary, "organization")
    with pytest.raises(ValidationFailed, match="本组织的党员"):
        _seat(db_session, office, branch, elsewhere, "organization")
    with pytest.raises(ValidationFailed, match="晚于今天"):
        _seat(db_session, office, branch, full, "secretary", elected_on=local_today() + timedelta(days=1))
    _seat(db_session, office, branch, full, "secretary")
    with pytest.raises(Conflict, match="已是本届委员"):
        _seat(db_session, office, branch, full, "publicity")
    second = make_member(branch=branch)
    with pytest.raises(Conflict, match="已有书记"):
        _seat(db_session, office, branch, second, "secretary")
    # A general branch's committee is drawn from its whole subtree.
    _seat(db_session, office, tree["general"], second, "secretary")


def test_a_secretary_cannot_record_the_committee(db_session, tree, make_actor, make_member):
    member = make_member(branch=tree["branch"])
    secretary = make_actor(Role.secretary, tree["branch"])
    with pytest.raises(Forbidden):
        orgs.appoint(db_session, secretary, org_id=tree["branch"].id, member_id=member.id,
                     post="organization", elected_on=local_today())  # fmt: skip


def test_seats_end_with_transfers_and_keep_their_history(db_session, office, tree, make_member, make_org):
    from handlers import transfers

    branch, sibling = tree["branch"], make_org(OrgKind.branch, parent=tree["general"])
    member = make_member(branch=branch)
    _seat(db_session, office, branch, member, "organization")
    _seat(db_session, office, tree["general"], member, "publicity")
    transfers.transfer_within(db_session, office, member_id=member.id, to_branch_id=sibling.id,
                              reason="调至新科室", effective_on=local_today())  # fmt: skip
    # The branch seat ends; the general branch still contains the member, so that seat stays.
    assert orgs.live_seats(db_session, branch) == []
    assert [s.member_id for s in orgs.live_seats(db_session, tree["general"])] == [member.id]
    [past] = orgs.seat_history(db_session, branch)
    assert past.ended_reason.startswith("转入") and past.ended_on == local_today()
    transfers.transfer_out(db_session, office, member_id=member.id, destination="某市卫健委机关党委",
                           reason="调出", effective_on=local_today())  # fmt: skip
    assert orgs.live_seats(db_session, tree["general"]) == []
    actions = db_session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("org.committee.%"))
    ).all()
    assert actions.count("org.committee.appoint") == 2 and actions.count("org.committee.end") == 2


def test_end_seat_needs_a_reason_and_a_live_seat(db_session, office, tree, make_member):
    seat = _seat(db_session, office, tree["branch"], make_member(branch=tree["branch"]), "discipline")
    with pytest.raises(ValidationFailed, match="免去原因"):
        orgs.end_seat(db_session, office, seat_id=seat.id, reason=" ")
    orgs.end_seat(db_session, office, seat_id=seat.id, reason="换届")
    with pytest.raises(NotFound):
        orgs.end_seat(db_session, office, seat_id=seat.id, reason="换届")


def test_a_new_term_follows_the_term_rules(db_session, office, tree):
    started = date(2024, 2, 29)
    branch = orgs.start_term(db_session, office, org_id=tree["branch"].id, started_on=started)
    assert branch.term_ends_on == date(2027, 2, 28)
    committee = orgs.start_term(db_session, office, org_id=tree["committee"].id, started_on=date(2023, 6, 1))
    assert committee.term_ends_on == date(2028, 6, 1)
    with pytest.raises(ValidationFailed, match="党小组没有任期"):
        orgs.start_term(db_session, office, org_id=tree["group"].id, started_on=started)


def test_a_branch_over_several_departments_is_a_joint_branch(db_session, office, tree):
    from models import Department

    wards = [Department(wecom_id=9000 + i, name=f"病区{i}") for i in range(3)]
    gone = Department(wecom_id=9100, name="已撤科室", removed=True)
    db_session.add_all([*wards, gone])
    db_session.flush()
    branch = orgs.set_departments(db_session, office, org_id=tree["branch"].id,
                                  department_ids=[w.id for w in wards[:2]])  # fmt: skip
    assert branch.is_joint_branch
    with pytest.raises(ValidationFailed, match="不存在或已撤销"):
        orgs.set_departments(db_session, office, org_id=tree["branch"].id, department_ids=[gone.id])
    with pytest.raises(ValidationFailed, match="只有党支部和党总支"):
        orgs.set_departments(db_session, office, org_id=tree["group"].id, department_ids=[wards[2].id])
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "org.departments"))
    assert json.loads(event.detail)["to"] == ["病区0", "病区1"]
