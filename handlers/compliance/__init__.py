"""The compliance calendar: for each branch and 党小组, the year's statutory meetings period by
period (done / planned / due / overdue), and each member's attendance across the year.

Targets come from the rule catalogue (12 支委会, 12 党小组会 per group, 4 党员大会, 12 主题党日,
党课 per the hospital's rule, 1 组织生活会, 1 民主评议). A meeting counts as done once its
record is signed off; one meeting may count for several obligations. Attendance rates are
shown to those who manage the branch and, per member, only to the member and their branch.

`calendar` computes the year per org and member; `rates` sums it per 总支 and per month for the
charts; `warnings` turns what is due into the weekly
cards for secretaries and the committee office, and the 换届 reminders."""

from __future__ import annotations

from handlers.compliance.branch import BranchYear, branch_year, managed_branches  # noqa: F401
from handlers.compliance.calendar import (  # noqa: F401
    OBLIGATIONS,
    STATUS_LABELS,
    MemberYear,
    Obligation,
    OrgCalendar,
    Period,
    calendar,
    calendars_of,
    member_attendance,
)
from handlers.compliance.rates import Rate, by_general_branch, by_kind, by_month  # noqa: F401
from handlers.compliance.warnings import (  # noqa: F401
    WARN_WITHIN,
    queue_due_warnings,
    queue_overdue_summary,
    queue_term_reminders,
)
