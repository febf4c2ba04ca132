"""党费台账 and the unpaid-dues reminder: months counted from the branch's first entry and the
member's joining, the current month never overdue, the secretary (only) told once a month, the
reminder cancelled when the member catches up; recording and import scoped to the branch of record."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from handlers import dues, reminders
from handlers.errors import Conflict, Forbidden, ValidationFailed
from models import DuesPayment, OrgKind, Reminder, ReminderStatus, Role

TODAY = date(2026, 11, 20)


@pytest.fixture
def branch(make_org, make_member, make_actor, make_person):
    org = make_org(OrgKind.branch, name="放射科党支部")
    secretary_person = make_person(name="书记甘")
    members = [make_member(branch=org, joined_on=date(2015, 7, 1)) for _ in range(3)]
    make_member(branch=org, person=secretary_person, joined_on=date(2010, 7, 1))
    secretary = make_actor(Role.secretary, org, person=secretary_person)
    return {"org": org, "members": members, "secretary": secretary, "secretary_person": secretary_person}


def pay(session, member, *months):
    for month in months:
        session.add(DuesPayment(member_id=member.id, month=month, paid_on=month, recorded_by="测试"))
    session.flush()


def test_months_unpaid_count_from_the_branchs_first_entry_and_stop_before_this_month(db_session, branch):
    behind, current, fresh = branch["members"]
    # Before the branch keeps a book here, nobody is "behind".
    assert all(line.unpaid == 0 for line in dues.book(db_session, [branch["org"].id], TODAY))
    pay(db_session, current, *[date(2026, m, 1) for m in range(1, 11)])  # the book starts in January
    pay(db_session, behind, date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1))
    fresh.joined_on = date(2026, 9, 15)  # joined in September: owes September and October
    lines = {line.member.id: line for line in dues.book(db_session, [branch["org"].id], TODAY)}
    assert lines[current.id].unpaid == 0  # November is not overdue yet
    assert (lines[behind.id].last_paid, lines[behind.id].unpaid) == (date(2026, 4, 1), 6)
    assert lines[fresh.id].unpaid == 2


def test_the_secretary_alone_is_told_once_a_month_until_the_member_pays(db_session, branch):
    behind, current, fresh = branch["members"]
    for member in (current, fresh, branch["secretary_person"].membership):
        pay(db_session, member, *[date(2026, m, 1) for m in range(1, 11)])
    pay(db_session, behind, *[date(2026, m, 1) for m in range(1, 6)])  # paid through May: 5 behind
    assert dues.queue_unpaid_reminders(db_session, TODAY) == 0
    pay(db_session, behind, date(2025, 12, 1))  # the book now starts earlier; still 5 behind
    assert dues.queue_unpaid_reminders(db_session, date(2026, 12, 3)) == 1  # December: 6 behind
    [told] = db_session.scalars(select(Reminder).where(Reminder.category == "dues_unpaid")).all()
    assert told.person_id == branch["secretary_person"].id
    assert told.title == "1 名党员已连续 6 个月以上未交党费" and "仅发给您" in told.reason
    assert dues.queue_unpaid_reminders(db_session, date(2026, 12, 10)) == 0  # once a month
    # The member pays June to November: the reminder is no longer needed.
    dues.record(
        db_session, branch["secretary"], member_ids=[behind.id], month=date(2026, 6, 1), paid_on=TODAY
    )
    for month in range(7, 12):
        dues.record(
            db_session, branch["secretary"], member_ids=[behind.id], month=date(2026, month, 1), paid_on=TODAY
        )
    assert reminders.is_met(db_session, told.obligation)
    reminders.dispatch_due(db_session, now=told.deliver_at)
    assert told.status == ReminderStatus.cancelled


def test_recording_is_for_the_branch_of_record_and_checks_the_month(db_session, branch, make_org, make_actor):
    behind = branch["members"][0]
    other = make_actor(Role.secretary, make_org(OrgKind.branch))
    with pytest.raises(Forbidden):
        dues.record(db_session, other, member_ids=[behind.id], month=date(2026, 10, 1), paid_on=TODAY)
    with pytest.raises(ValidationFailed, match="最多预交 12 个月"):
        dues.record(
            db_session, branch["secretary"], member_ids=[behind.id], month=date(2028, 1, 1), paid_on=TODAY
        )
    with pytest.raises(ValidationFailed, match="早于入党时间"):
        dues.record(
            db_session, branch["secretary"], member_ids=[behind.id], month=date(2014, 1, 1), paid_on=TODAY
        )
    assert (
        dues.record(
            db_session,
            branch["secretary"],
            member_ids=[behind.id],
            month=date(2026, 10, 1),
            amount="15",
            paid_on=TODAY,
        )
        == 1
    )
    with pytest.raises(Conflict, match="已登记"):  # a month already recorded is refused, left as it was
        dues.record(
            db_session, branch["secretary"], member_ids=[behind.id], month=date(2026, 10, 1), paid_on=TODAY
        )
    # Two members, one already paid: the other is recorded, the first left as it was.
    assert (
        dues.record(
            db_session,
            branch["secretary"],
            member_ids=[behind.id, branch["members"][1].id],
            month=date(2026, 10, 1),
            paid_on=TODAY,
            way="转账",
            paid_by="配偶代交",
        )
        == 1
    )
    with pytest.raises(ValidationFailed, match="补交已超过 6 个月"):
        dues.record(
            db_session, branch["secretary"], member_ids=[behind.id], month=date(2026, 4, 1), paid_on=TODAY
        )
    with pytest.raises(ValidationFailed, match="不得从工资中代扣"):
        dues.record(
            db_session,
            branch["secretary"],
            member_ids=[behind.id],
            month=date(2026, 9, 1),
            paid_on=TODAY,
            way="工资代扣",
        )


def test_an_imported_book_is_checked_row_by_row_and_applied_whole(db_session, branch):
    behind, current, _ = branch["members"]
    csv = (
        "企业微信账号,月份,金额\n"
        f"{behind.person.wecom_userid},2026-09,15.00\n"
        f"{current.person.wecom_userid},2026年10月,30\n"
        "nobody,2026-10,15\n"
        f"{current.person.wecom_userid},2026-13,15\n"
    ).encode()
    with pytest.raises(dues.ImportRefused) as refused:
        dues.import_book(db_session, branch["secretary"], "book.csv", content=csv, paid_on=TODAY)
    assert [(p.line, p.message) for p in refused.value.problems] == [
        (4, "“nobody”不是在册党员。"),
        (5, "月份应写作 2026-11。"),
    ]
    assert db_session.scalar(select(DuesPayment)) is None
    clean = b"\n".join(csv.split(b"\n")[:3]) + b"\n"
    assert dues.import_book(db_session, branch["secretary"], "book.csv", content=clean, paid_on=TODAY) == 2
    assert dues.import_book(db_session, branch["secretary"], "book.csv", content=clean, paid_on=TODAY) == 0
    amounts = sorted(str(p.amount) for p in db_session.scalars(select(DuesPayment)))
    assert amounts == ["15.00", "30.00"]


def test_the_console_book_shows_the_branch_and_records_a_month(app, db_session, branch, emulator, queues):
    from tests.helpers.pages import csrf, qr_login

    browser = app.test_client()
    branch["secretary_person"].wecom_userid = "fs-sec"
    db_session.flush()
    qr_login(browser, "fs-sec")
    page = browser.get("/admin/dues").get_data(as_text=True)
    assert "党费台账" in page and branch["members"][0].person.name in page
    done = browser.post(
        "/admin/dues",
        data={
            "csrf_token": csrf(page),
            "month": "2026-10",
            "member_ids": [str(m.id) for m in branch["members"][:2]],
            "amount": "15",
        },
        follow_redirects=True,
    )
    assert "已登记 2 人 2026年10月的党费" in done.get_data(as_text=True)
    assert len(db_session.scalars(select(DuesPayment)).all()) == 2


def test_the_book_comes_a_page_at_a_time(db_session, branch, make_member):
    for _ in range(52):
        make_member(branch=branch["org"], joined_on=date(2020, 7, 1))
    first = dues.book_for(db_session, branch["secretary"], page=1, per_page=50)
    second = dues.book_for(db_session, branch["secretary"], page=2, per_page=50)
    assert (first.total, first.pages, len(first.items), len(second.items)) == (56, 2, 50, 6)
    assert len({line.member.id for line in first.items + second.items}) == 56  # no one twice, no one lost
