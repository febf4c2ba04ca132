"""Importing members from the workbook: every row checked, a report per row, all or nothing."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from handlers import member_import
from handlers.errors import Forbidden, ValidationFailed
from models import Member, OrgKind, Person, Role
from tests.conftest import valid_id_number
from tests.helpers.refusals import settle_refusal
from tests.helpers.workbooks import row, workbook


@pytest.fixture
def branch(make_org):
    return make_org(OrgKind.branch, code="XN01", name="心内科党支部")


@pytest.fixture
def office(make_actor):
    return make_actor(Role.committee_office, None)


def test_a_clean_file_is_imported_through_the_use_cases(db_session, office, branch):
    content = workbook(row("u1", valid_id_number(51)), row("u2", valid_id_number(52), kind="预备党员"))
    report = member_import.import_members(db_session, office, content)
    assert report.ok and report.imported == 2
    person = db_session.scalar(select(Person).where(Person.wecom_userid == "u1"))
    assert person.membership.branch_id == branch.id and person.id_number == valid_id_number(51)


def test_one_bad_row_writes_nothing_and_every_problem_is_reported(db_session, office, branch):
    bad_id = valid_id_number(53)[:-1] + ("0" if valid_id_number(53)[-1] != "0" else "1")
    content = workbook(
        row("u1", valid_id_number(51)),
        row("u2", bad_id),
        row("u1", valid_id_number(54)),
        row("u5", valid_id_number(55), code="NOPE"),
        row("u6", valid_id_number(56), kind="党员"),
        row("u7", valid_id_number(57), mobile="12345"),
    )
    report = member_import.import_members(db_session, office, content)
    assert not report.ok and report.imported == 0
    assert [n for n, _ in report.problems] == [3, 4, 5, 6, 7]
    messages = dict(report.problems)
    assert "校验" in messages[3] and "与第 2 行重复" in messages[4] and "NOPE" in messages[5]
    assert db_session.scalar(select(func.count()).select_from(Member)) == 0


def test_another_branchs_secretary_cannot_import_into_it(db_session, branch, make_org, make_actor):
    secretary = make_actor(Role.secretary, make_org(OrgKind.branch, code="GK01"))
    report = member_import.import_members(db_session, secretary, workbook(row("u1", valid_id_number(51))))
    assert report.problems == [(2, "您无权在 心内科党支部 登记党员。")]


def test_a_file_that_is_not_the_template_is_refused_clearly(db_session, office):
    with pytest.raises(ValidationFailed, match="模板"):
        member_import.import_members(db_session, office, b"not a workbook")
    with pytest.raises(ValidationFailed, match="表头"):
        member_import.import_members(db_session, office, workbook(header=("name", "userid")))


def test_the_template_opens_with_the_expected_header():
    sheet = load_workbook(BytesIO(member_import.template())).active
    assert tuple(c.value for c in sheet[1]) == member_import.TEMPLATE_COLUMNS


def test_progress_is_reported_while_checking_and_applying(db_session, office, branch):
    rows = [row(f"bulk{n}", valid_id_number(n, born=date(1990, 3, 1))) for n in range(120)]
    seen = []
    report = member_import.import_members(
        db_session, office, workbook(*rows), progress=lambda *step: seen.append(step)
    )
    assert report.ok and report.imported == 120
    assert seen == [("check", 50, 120), ("check", 100, 120), ("apply", 50, 120), ("apply", 100, 120)]
    assert member_import.row_count(workbook(*rows)) == 120 and member_import.row_count(b"junk") == 0


def _exported(content):
    return [[c.value for c in r] for r in load_workbook(BytesIO(content)).active.iter_rows(min_row=2)]


def test_an_export_in_full_needs_the_role_and_a_reason_and_is_audited(
    db_session, office, branch, make_member, make_person, make_actor
):
    import json

    from models import AuditEvent

    member = make_member(branch=branch, person=make_person(mobile="13912345678"))
    listing = [member]
    masked = _exported(member_import.export_members(db_session, office, listing))
    assert masked[0][6] == "139****5678"
    with pytest.raises(ValidationFailed, match="事由"):
        member_import.export_members(db_session, office, listing, reveal_reason=" ")
    full = _exported(member_import.export_members(db_session, office, listing, reveal_reason="报送年度统计"))
    assert full[0][6] == "13912345678" and full[0][7] == member.person.id_number
    secretary = make_actor(Role.secretary, branch)
    settle_refusal(
        db_session,
        Forbidden,
        lambda: member_import.export_members(db_session, secretary, listing, reveal_reason="想看看"),
    )
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "member.export")).all()
    assert [e.result for e in events] == ["ok", "ok", "denied"]
    assert json.loads(events[1].detail) == {
        "rows": 1,
        "masked": False,
        "in_full": 1,
        "reason": "报送年度统计",
    }


def test_the_template_passes_its_own_checks(db_session, make_org, office):
    """Issue 17: the sample row of the downloadable template is a valid row (its ID number's check
    digit included), so an office that fills it in as shown is not refused on the example."""
    make_org(OrgKind.branch, code="NK01", name="内科党支部")
    report = member_import.import_members(db_session, office, member_import.template())
    assert report.problems == [] and report.imported == 1
