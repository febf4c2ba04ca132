"""The compliance page's rates: per 党总支 and per month, over periods owed (ended or done)."""

from __future__ import annotations

from datetime import date

from handlers.compliance import Obligation, OrgCalendar, Period, by_general_branch, by_month
from handlers.compliance.rates import DIRECT
from models import MeetingKind, OrgKind


def _calendar(org, statuses):
    periods = [
        Period(f"{m}月", date(2026, m, 1), date(2026, m + 1, 1) if m < 12 else date(2027, 1, 1), status)
        for m, status in enumerate(statuses, start=1)
    ]
    return OrgCalendar(org, [Obligation(MeetingKind.committee_meeting, 12, periods)])


def test_rates_count_what_was_owed_per_general_branch_and_per_month(db_session, make_org):
    committee = make_org(OrgKind.committee, name="医院党委")
    internal = make_org(OrgKind.general_branch, parent=committee, name="内科党总支")
    cardio = make_org(OrgKind.branch, parent=internal, name="心内科党支部")
    admin = make_org(OrgKind.branch, parent=committee, name="行政党支部")
    # Jan–Mar ended; April is the current month (due, not yet owed); May on is upcoming.
    calendars = [
        _calendar(cardio, ["done", "done", "overdue", "due"] + ["upcoming"] * 8),
        _calendar(admin, ["done", "overdue", "overdue", "done"] + ["upcoming"] * 8),
    ]
    rates = {r.label: r for r in by_general_branch(db_session, calendars)}
    assert (rates["内科党总支"].done, rates["内科党总支"].owed, rates["内科党总支"].percent) == (2, 3, 66)
    # April done early counts as done and owed; the direct branch is its own group.
    assert (rates[DIRECT].done, rates[DIRECT].owed) == (2, 4)
    months = by_month(calendars, 2026, date(2026, 4, 15))
    assert [(r.label, r.done, r.owed) for r in months] == [
        ("1月", 2, 2),
        ("2月", 1, 2),
        ("3月", 0, 2),
        ("4月", 1, 1),
    ]
