"""党费 owed (issue 20): the 2008 brackets with the worked examples and both sides of every edge,
the January 核定 (import, adjust, confirm, a change mid-year), an approved 减免 setting the month,
and what the member sees of it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from handlers import approvals, dues
from handlers.errors import Conflict, Forbidden
from handlers.policy import Actor
from models import DuesAssessment, DuesCategory, DuesPayment, MemberStatus, OrgKind, Role

CAP = Decimal("1000")


@pytest.mark.parametrize(
    ("category", "base", "amount"),
    [
        # The worked examples of domain notes §B4.
        ("in_service", "2800", "14.00"),
        ("in_service", "3000", "15.00"),
        ("in_service", "3000.01", "30.00"),
        ("in_service", "9800", "147.00"),
        ("in_service", "12000", "240.00"),
        ("retired", "5000", "25.00"),
        ("retired", "6200", "62.00"),
        ("student", None, "0.20"),
        # Both sides of every edge: the bracket's rate applies to the whole base.
        ("in_service", "0", "0.00"),
        ("in_service", "5000", "50.00"),
        ("in_service", "5000.01", "75.00"),
        ("in_service", "10000", "150.00"),
        ("in_service", "10000.01", "200.00"),
        ("retired", "5000.01", "50.00"),
        ("unemployed", None, "0.20"),
        ("on_relief", "3000", "0.20"),
    ],
)
def test_the_brackets_of_2008_on_the_whole_base(category, base, amount):
    result = dues.assess(category, Decimal(base) if base else None, cap=CAP)
    assert result.amount == Decimal(amount) and result.above_cap == 0


def test_rounding_is_the_hospitals_choice_and_the_cap_turns_the_excess_voluntary():
    assert dues.assess("in_service", Decimal("2801"), cap=CAP).amount == Decimal("14.01")  # 14.005, half up
    assert dues.assess("in_service", Decimal("2801"), cap=CAP, up_to_jiao=True).amount == Decimal("14.10")
    assert dues.assess("in_service", Decimal("10"), cap=CAP, up_to_jiao=True).amount == Decimal(
        "0.10"
    )  # the least
    capped = dues.assess("in_service", Decimal("60000"), cap=CAP)
    assert capped.amount == Decimal("1000.00") and capped.above_cap == Decimal("200.00")
    assert dues.assess("in_service", Decimal("3000.01"), cap=CAP).bracket == "3000元至5000元（含） 1%"
    assert dues.assess("retired", Decimal("100"), cap=CAP).bracket == "5000元以下（含） 0.5%"


@pytest.fixture
def hospital(make_org, make_member, make_person, make_actor):
    committee = make_org(OrgKind.committee)
    branch = make_org(OrgKind.branch, parent=committee, name="检验科党支部")
    nurse = make_member(
        branch=branch, joined_on=date(2010, 7, 1), person=make_person(wecom_userid="dn-nurse", name="护士甲")
    )
    retiree = make_member(
        branch=branch,
        joined_on=date(1980, 7, 1),
        dues_category=DuesCategory.retired,
        person=make_person(wecom_userid="dn-old", name="老同志乙"),
    )
    fresh = make_member(
        branch=branch,
        status=MemberStatus.probationary,
        joined_on=date(2026, 3, 20),
        person=make_person(wecom_userid="dn-new", name="预备丙"),
    )
    return {
        "branch": branch,
        "nurse": nurse,
        "retiree": retiree,
        "fresh": fresh,
        "office": make_actor(Role.committee_office, None),
        "secretary": make_actor(Role.secretary, branch),
    }


def _bases(*rows):
    """A workbook as HR or finance would send it: numbers as numbers."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(list(dues.BASE_COLUMNS))
    for row in rows:
        book.active.append(
            [
                float(c) if isinstance(c, str) and c.lstrip("-").replace(".", "").isdigit() and i == 2 else c
                for i, c in enumerate(row)
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_january_assessment_is_imported_checked_and_confirmed(db_session, hospital):
    content = _bases(
        ["dn-nurse", "", "6800", "", ""],
        ["", hospital["retiree"].person.id_number, "6200", "", ""],
        ["dn-new", "", "4000.50", "在职", "2026-01"],
    )
    assert dues.import_bases(db_session, hospital["office"], "bases.xlsx", content, year=2026) == 3
    lines = {
        line.row.member_id: line for line in dues.assessments_for(db_session, hospital["office"], year=2026)
    }
    nurse = lines[hospital["nurse"].id].row
    assert (nurse.amount, nurse.bracket, nurse.confirmed_at) == (
        Decimal("102.00"),
        "5000元至10000元（含） 1.5%",
        None,
    )
    assert lines[hospital["retiree"].id].row.amount == Decimal("62.00")
    stored = db_session.scalar(select(DuesAssessment.base_ciphertext).where(DuesAssessment.id == nurse.id))
    assert "6800" not in stored and nurse.base == Decimal("6800.00")
    # Not confirmed yet: nothing is owed from it.
    assert dues.owed(db_session, hospital["nurse"], date(2026, 5, 1)) is None
    dues.adjust(db_session, hospital["office"], assessment_id=nurse.id, amount="100", reason="据财务核实")
    assert dues.confirm_year(db_session, hospital["office"], year=2026) == 3
    assert dues.owed(db_session, hospital["nurse"], date(2026, 5, 1)) == Decimal("100.00")
    # 预备党员 owe from the month the 支部大会 accepted them.
    assert dues.owed(db_session, hospital["fresh"], date(2026, 2, 1)) == Decimal("0.00")
    assert dues.owed(db_session, hospital["fresh"], date(2026, 3, 1)) == Decimal("40.01")
    with pytest.raises(Conflict, match="不能再改"):
        dues.adjust(db_session, hospital["office"], assessment_id=nurse.id, amount="90", reason="再改")
    # A change of pay from July: a second row, January's amount still holds before it.
    dues.import_bases(
        db_session,
        hospital["office"],
        "july.xlsx",
        _bases(["dn-nurse", "", "10500", "", "2026-07"]),
        year=2026,
    )
    dues.confirm_year(db_session, hospital["office"], year=2026)
    assert dues.owed(db_session, hospital["nurse"], date(2026, 6, 1)) == Decimal("100.00")
    assert dues.owed(db_session, hospital["nurse"], date(2026, 8, 1)) == Decimal("210.00")


def test_a_member_admitted_mid_year_is_listed_until_assessed_from_the_month_they_joined(db_session, hospital):
    office = hospital["office"]
    dues.import_bases(db_session, office, "bases.xlsx", _bases(["dn-nurse", "", "6800", "", ""]), year=2026)
    dues.confirm_year(db_session, office, year=2026)
    waiting = {m.id for m in dues.unassessed(db_session, office, year=2026)}
    assert waiting == {hospital["retiree"].id, hospital["fresh"].id}
    # The template carries them, the newly admitted from the month of the 支部大会.
    template = {row[0]: row for row in dues.template_rows(db_session, office, year=2026)}
    assert template["dn-new"][2:] == ["", "在职", "2026-03"]
    assert template["dn-old"][3:] == ["离退休", "2026-01"]
    # A blank 起始月份 for a member who joined this year starts from that month, not January.
    dues.import_bases(db_session, office, "new.xlsx", _bases(["dn-new", "", "4000", "", ""]), year=2026)
    dues.confirm_year(db_session, office, year=2026)
    fresh = [line.row for line in dues.assessments_for(db_session, office, year=2026)]
    assert [r.from_month for r in fresh if r.member_id == hospital["fresh"].id] == [date(2026, 3, 1)]
    assert dues.owed(db_session, hospital["fresh"], date(2026, 4, 1)) == Decimal("40.00")
    assert {m.id for m in dues.unassessed(db_session, office, year=2026)} == {hospital["retiree"].id}
    with pytest.raises(Forbidden):
        dues.unassessed(db_session, hospital["secretary"], year=2026)


def test_a_bad_bases_file_is_refused_by_row_and_writes_nothing(db_session, hospital):
    content = _bases(
        ["dn-nurse", "", "6800", "", ""],
        ["nobody", "", "5000", "", ""],
        ["dn-old", "", "-1", "", ""],
        ["dn-new", "", "900000", "", ""],
        ["dn-nurse", "", "6900", "", ""],
        ["dn-old", "", "5000", "公务员", ""],
        ["dn-new", "", "5000", "", "2025-12"],
        ["dn-old", "", "五千", "", ""],
    )
    with pytest.raises(dues.ImportRefused) as refused:
        dues.import_bases(db_session, hospital["office"], "bad.xlsx", content, year=2026)
    problems = dict(refused.value.problems)
    assert "找不到职工" in problems[3] and "负数" in problems[4] and "超过 200000" in problems[5]
    assert "与第 2 行重复" in problems[6] and "人员类别应为" in problems[7] and "2026 年内" in problems[8]
    assert "应为金额" in problems[9] and 2 not in problems
    assert db_session.scalar(select(func.count()).select_from(DuesAssessment)) == 0
    with pytest.raises(Forbidden):
        dues.import_bases(
            db_session, hospital["secretary"], "bases.xlsx", _bases(["dn-nurse", "", "1", "", ""]), year=2026
        )


def test_an_approved_relief_sets_the_months_it_covers_in_the_same_transaction(
    db_session, hospital, make_actor
):
    dues.import_bases(
        db_session, hospital["office"], "b.xlsx", _bases(["dn-nurse", "", "6800", "", ""]), year=2026
    )
    dues.confirm_year(db_session, hospital["office"], year=2026)
    nurse = hospital["nurse"]
    request = approvals.submit(
        db_session,
        nurse.person,
        "dues_relief",
        raw_form={"relief": "免交", "from_month": "2026-09", "months": "2", "reason": "家属重病，生活困难"},
    )
    for _ in range(2):  # the branch discusses, the committee approves
        slot = next(s for s in request.slots if s.status == "pending")
        actor = hospital["secretary"] if slot.role == Role.secretary else hospital["office"]
        approvals.decide(db_session, actor, slot_id=slot.id, approve=True)
    assert [dues.owed(db_session, nurse, date(2026, m, 1)) for m in (8, 9, 10, 11)] == [
        Decimal("102.00"),
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("102.00"),
    ]
    year = dues.my_year(db_session, nurse.person, 2026, today=date(2026, 11, 15))
    states = {line.month.month: line.state for line in year.months}
    assert states[9] == states[10] == "免交" and states[11] == "未交"


def test_the_member_sees_their_year_and_a_receipt_per_payment(db_session, hospital):
    dues.import_bases(
        db_session, hospital["office"], "b.xlsx", _bases(["dn-nurse", "", "6800", "", ""]), year=2026
    )
    dues.confirm_year(db_session, hospital["office"], year=2026)
    nurse = hospital["nurse"]
    dues.record(
        db_session,
        hospital["secretary"],
        member_ids=[nurse.id],
        month=date(2026, 10, 1),
        amount="102",
        paid_on=date(2026, 10, 8),
    )
    year = dues.my_year(db_session, nurse.person, 2026, today=date(2026, 11, 15))
    assert year.assessment.amount == Decimal("102.00") and len(year.months) == 11
    assert year.paid_total == Decimal("102.00") and year.unpaid_months == 10
    payment = db_session.scalar(select(DuesPayment).where(DuesPayment.member_id == nurse.id))
    assert dues.receipt(db_session, nurse.person, payment.id) is payment
    assert dues.receipt_number(payment).startswith("DF202610-")
    with pytest.raises(Exception):  # noqa: B017 - someone else's receipt is not found
        dues.receipt(db_session, hospital["retiree"].person, payment.id)
    assert dues.reveal_my_base(db_session, Actor.system(), nurse.person) == Decimal("6800.00")
    assert "每月应交 102.00 元（5000元至10000元（含） 1.5%）" in dues.chat_summary(year)
