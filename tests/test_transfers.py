"""组织关系转接: history kept, branch of record only, an outbound member stays on record."""

from __future__ import annotations

from datetime import date

import pytest

from handlers import transfers
from handlers.errors import Conflict, Forbidden
from models import OrgKind, Role


@pytest.fixture
def setup(make_org, make_member, make_actor):
    committee = make_org(OrgKind.committee)
    cardio = make_org(OrgKind.branch, parent=committee, name="心内科党支部")
    ortho = make_org(OrgKind.branch, parent=committee, name="骨科党支部")
    member = make_member(branch=cardio)
    return {
        "cardio": cardio,
        "ortho": ortho,
        "member": member,
        "office": make_actor(Role.committee_office, None),
        "secretary": make_actor(Role.secretary, cardio),
        "other_secretary": make_actor(Role.secretary, ortho),
    }


def test_an_internal_transfer_moves_the_branch_and_keeps_the_history(db_session, setup):
    m = setup["member"]
    transfers.transfer_within(db_session, setup["office"], member_id=m.id, to_branch_id=setup["ortho"].id,
                              reason="科室调整", effective_on=date(2026, 11, 1))  # fmt: skip
    assert m.branch_id == setup["ortho"].id
    (record,) = transfers.history(db_session, m)
    assert (record.from_branch_id, record.to_branch_id, record.reason) == (
        setup["cardio"].id,
        setup["ortho"].id,
        "科室调整",
    )


def test_only_the_branch_of_record_acts_and_a_secretary_cannot_push_into_another_branch(db_session, setup):
    m = setup["member"]
    with pytest.raises(Forbidden):
        transfers.transfer_out(db_session, setup["other_secretary"], member_id=m.id, destination="外院",
                               reason="调离", effective_on=date(2026, 11, 1))  # fmt: skip
    with pytest.raises(Forbidden, match="党委组织部"):
        transfers.transfer_within(
            db_session,
            setup["secretary"],
            member_id=m.id,
            to_branch_id=setup["ortho"].id,
            reason="调整",
            effective_on=date(2026, 11, 1),
        )


def test_an_outbound_transfer_marks_the_member_left_and_keeps_the_record(db_session, setup):
    m = setup["member"]
    transfers.transfer_out(db_session, setup["secretary"], member_id=m.id, destination="市第二人民医院党委",
                           reason="调离本院", effective_on=date(2026, 11, 1))  # fmt: skip
    assert m.left_at is not None and transfers.history(db_session, m)[0].destination == "市第二人民医院党委"
    with pytest.raises(Conflict, match="已转出"):
        transfers.update_record(
            db_session, setup["office"], member_id=m.id, shift_group="夜班组", joined_on=None
        )
