"""党费 for branches and the office (issue 20 item 5): collection per branch per month as counts
and sums, names for the branch's own leaders only, the annual 公示 with totals only, voluntary
payments, and the remittance ledger reconciled to the fen."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from handlers import dues
from handlers.errors import Conflict, ValidationFailed
from models import DuesAssessment, DuesPayment, OrgKind, OutboundMessage, Role
from models.base import utcnow


@pytest.fixture
def assessed(db_session, make_org, make_member, make_actor):
    """Two branches, four members each with a confirmed 2026 amount."""
    committee = make_org(OrgKind.committee, name="医院党委")
    lab = make_org(OrgKind.branch, parent=committee, name="检验科党支部")
    ward = make_org(OrgKind.branch, parent=committee, name="病区党支部")
    members = [make_member(branch=lab, joined_on=date(2010, 7, 1)) for _ in range(3)]
    other = make_member(branch=ward, joined_on=date(2010, 7, 1))
    for member, amount in zip([*members, other], ("30.00", "45.00", "102.00", "15.00"), strict=True):
        row = DuesAssessment(
            member_id=member.id,
            year=2026,
            from_month=date(2026, 1, 1),
            category="in_service",
            bracket="测试",
            computed=Decimal(amount),
            amount=Decimal(amount),
            created_by="测试",
            confirmed_at=utcnow(),
            confirmed_by="测试",
        )
        row.base = Decimal("5000")
        db_session.add(row)
    db_session.flush()
    return {
        "committee": committee,
        "lab": lab,
        "ward": ward,
        "members": members,
        "other": other,
        "office": make_actor(Role.committee_office, None),
        "secretary": make_actor(Role.secretary, lab),
    }


def _pay(db_session, member, month, amount):
    db_session.add(
        DuesPayment(
            member_id=member.id,
            month=month,
            amount=Decimal(amount),
            paid_on=month,
            way="现金",
            recorded_by="测试",
        )
    )
    db_session.flush()


def test_collection_is_counts_and_sums_per_branch_never_a_person(db_session, assessed):
    first, second, _third = assessed["members"]
    _pay(db_session, first, date(2026, 10, 1), "30.00")
    _pay(db_session, second, date(2026, 10, 1), "45.00")
    lines = {
        line.branch.name: line for line in dues.collection(db_session, assessed["office"], date(2026, 10, 1))
    }
    lab = lines["检验科党支部"]
    assert (lab.members, lab.owed, lab.paid, lab.behind, lab.rate) == (
        3,
        Decimal("177.00"),
        Decimal("75.00"),
        1,
        42,
    )
    assert lines["病区党支部"].behind == 1
    # The secretary keeps only their own branch; names of who is behind are theirs alone.
    assert [
        line.branch.name for line in dues.collection(db_session, assessed["secretary"], date(2026, 10, 1))
    ] == ["检验科党支部"]
    year = dues.branch_year(db_session, assessed["secretary"], assessed["lab"].id, 2026)
    assert len(year) == 3 and year[0].months[9][1] is not None
    with pytest.raises(Exception):  # noqa: B017 - the office sees counts, not the names
        dues.branch_year(db_session, assessed["office"], assessed["lab"].id, 2026)


def test_the_annual_notice_goes_to_the_branchs_members_with_totals_only(db_session, assessed):
    first = assessed["members"][0]
    _pay(db_session, first, date(2026, 1, 1), "30.00")
    sent = dues.publish_notice(db_session, assessed["secretary"], branch_id=assessed["lab"].id, year=2025)
    assert sent == 3
    (card,) = db_session.scalars(
        select(OutboundMessage).where(OutboundMessage.dedupe_key.like("dues_notice:%"))
    ).all()
    text = card.params["content"]
    assert "党员 3 人" in text and "应交" in text and "已交" in text
    assert all(m.person.name not in text for m in assessed["members"])
    assert len(card.to_users.split("|")) == 3
    with pytest.raises(Conflict, match="已经发布过"):
        dues.publish_notice(db_session, assessed["secretary"], branch_id=assessed["lab"].id, year=2025)


def test_a_large_voluntary_payment_is_flagged_for_the_centre(db_session, assessed):
    member = assessed["members"][0]
    small = dues.record_voluntary(
        db_session,
        assessed["secretary"],
        member_id=member.id,
        amount="200",
        paid_on=date(2026, 7, 1),
        way="现金",
        note=None,
    )
    large = dues.record_voluntary(
        db_session,
        assessed["secretary"],
        member_id=member.id,
        amount="1200",
        paid_on=date(2026, 7, 1),
        way="转账",
        note="七一",
    )
    assert not small.to_centre and large.to_centre
    assert dues.voluntary_for_centre(db_session, assessed["office"], 2026) == [large]
    with pytest.raises(ValidationFailed, match="交纳方式"):
        dues.record_voluntary(
            db_session,
            assessed["secretary"],
            member_id=member.id,
            amount="10",
            paid_on=None,
            way="工资代扣",
            note=None,
        )


def test_the_ledger_reconciles_the_book_to_the_fen_and_says_where_it_does_not(db_session, assessed):
    first, second, third = assessed["members"]
    for month in range(1, 7):
        _pay(db_session, first, date(2026, month, 1), "30.00")
        _pay(db_session, second, date(2026, month, 1), "45.00")
    _pay(db_session, assessed["other"], date(2026, 3, 1), "15.00")
    assert dues.periods(db_session, 2026) == [
        (date(2026, 1, 1), date(2026, 6, 1)),
        (date(2026, 7, 1), date(2026, 12, 1)),
    ]
    dues.record_remittance(
        db_session,
        assessed["secretary"],
        org_id=assessed["lab"].id,
        period_start=date(2026, 1, 1),
        amount="450.00",
        remitted_on=date(2026, 7, 5),
    )
    dues.record_remittance(
        db_session,
        assessed["office"],
        org_id=assessed["ward"].id,
        period_start=date(2026, 1, 1),
        amount="14.99",
        remitted_on=date(2026, 7, 5),
    )
    dues.record_remittance(
        db_session,
        assessed["office"],
        org_id=assessed["committee"].id,
        period_start=date(2026, 1, 1),
        amount="464.99",
        remitted_on=date(2026, 7, 20),
    )
    lines = {(r.where, r.period[0].month): r for r in dues.reconcile(db_session, assessed["office"], 2026)}
    assert lines[("检验科党支部", 1)].balanced
    ward = lines[("病区党支部", 1)]
    assert not ward.balanced and ward.difference == Decimal("-0.01")
    assert lines[("医院党委（向上级上缴）", 1)].balanced
    with pytest.raises(Conflict, match="已登记"):
        dues.record_remittance(
            db_session,
            assessed["office"],
            org_id=assessed["lab"].id,
            period_start=date(2026, 1, 1),
            amount="1",
            remitted_on=None,
        )
    with pytest.raises(ValidationFailed, match="期间"):
        dues.record_remittance(
            db_session,
            assessed["office"],
            org_id=assessed["lab"].id,
            period_start=date(2026, 2, 1),
            amount="1",
            remitted_on=None,
        )
