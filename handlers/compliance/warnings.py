"""The weekly compliance cards (a secretary's due list, the office's summary of branches behind)
and the 换届 reminder, all through the reminder engine."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import links, reminders, rules
from handlers.compliance.calendar import calendar
from handlers.policy import Actor, Grant
from handlers.roles import branch_leaders
from models import (
    OrgKind,
    PartyOrg,
    Person,
    Role,
    RoleGrant,
)
from models.base import CHINA, utcnow

#: Warn when the current period ends within this many days with nothing planned.
WARN_WITHIN = timedelta(days=14)


def queue_overdue_summary(session: Session, today: date) -> int:
    """The committee office's weekly card: branches with overdue obligations, most behind
    first (never one message per item). Returns how many office members were told."""
    everyone = Actor(
        kind="system", id=None, label="组织生活汇总", grants=(Grant(Role.committee_office, None),)
    )
    behind: list[tuple[int, str]] = []
    for entry in calendar(session, everyone, year=today.year, today=today):
        overdue = sum(1 for o in entry.obligations for p in o.periods if p.status == "overdue")
        if overdue:
            behind.append((overdue, entry.org.name))
    if not behind:
        return 0
    behind.sort(key=lambda item: (-item[0], item[1]))
    week = today.isocalendar()
    now = utcnow()
    office = session.scalars(
        select(Person)
        .join(RoleGrant, RoleGrant.person_id == Person.id)
        .where(
            RoleGrant.role == Role.committee_office,
            RoleGrant.revoked_at.is_(None),
            Person.is_active.is_(True),
        )
    ).unique()
    told = 0
    for person in office:
        row = reminders.remind(
            session,
            person,
            category="compliance_overdue",
            obligation=f"overdue_summary:{week.year}-{week.week}",
            title=f"{len(behind)} 个党组织有超期的组织生活",
            reason="本周组织生活超期情况（按超期项数排列），详见管理后台“组织生活”。",
            detail="\n".join(f"{name}：超期 {count} 项" for count, name in behind),
            path=links.page("h5.home"),
            due_at=now + timedelta(days=2),
            earliest=now,
            latest=now + timedelta(days=1),
            now=now,
        )
        told += row is not None and row.created_at == now
    return told


def queue_term_reminders(session: Session, today: date) -> int:
    """换届 due: each branch (or general branch) whose term ends within the warning period, or
    has ended, reminds its secretary once per term end; recording the new term settles it."""
    warning = timedelta(days=rules.value(session, "org.term_warning_days", today))
    due = session.scalars(
        select(PartyOrg).where(
            PartyOrg.kind.in_([OrgKind.branch, OrgKind.general_branch]),
            PartyOrg.dissolved_at.is_(None),
            PartyOrg.term_ends_on.is_not(None),
            PartyOrg.term_ends_on <= today + warning,
        )
    ).all()
    now = utcnow()
    told = 0
    for org in due:
        ended = org.term_ends_on < today
        for leader in branch_leaders(session, org)[1]:
            row = reminders.remind(
                session,
                leader,
                category="term_due",
                obligation=f"term_due:{org.id}:{org.term_ends_on}",
                title=f"{org.name}{'任期已届满' if ended else '即将换届'}",
                reason=f"本届任期{'已于' if ended else '将于'} {org.term_ends_on} 届满，"
                "请按程序换届（党员大会选举），选举后在系统中登记新一届。",
                path=links.page("h5.home"),
                due_at=datetime.combine(org.term_ends_on, time(9), CHINA),
                earliest=now,
                latest=now + timedelta(days=2),
                now=now,
            )
            told += row is not None and row.created_at == now
    return told


@reminders.obligation_check("term_due")
def _term_renewed(session: Session, key: str) -> bool:
    """Met once the org's term end changed (a new term recorded) or the org is gone."""
    org_id, _, ends_on = key.partition(":")
    org = session.get(PartyOrg, uuid.UUID(org_id))
    return org is None or org.dissolved_at is not None or str(org.term_ends_on) != ends_on


def queue_due_warnings(session: Session, today: date) -> int:
    """One chat message per secretary listing their branch's obligations that fall due soon
    with nothing planned (never one per item, never to members). Returns how many were queued."""
    # The whole hospital's calendar, read by the system on the office's behalf.
    everyone = Actor(
        kind="system", id=None, label="组织生活提醒", grants=(Grant(Role.committee_office, None),)
    )
    soon: dict[uuid.UUID, list[str]] = defaultdict(list)
    branches: dict[uuid.UUID, PartyOrg] = {}
    for entry in calendar(session, everyone, year=today.year, today=today):
        branch = entry.org if entry.org.kind == OrgKind.branch else entry.org.parent
        for obligation in entry.obligations:
            for period in obligation.periods:
                if period.status == "due" and period.end - today <= WARN_WITHIN:
                    where = "" if entry.org.kind == OrgKind.branch else f"（{entry.org.name}）"
                    last_day = period.end - timedelta(days=1)
                    soon[branch.id].append(
                        f"{obligation.label}{where}：{period.label}，{last_day:%m月%d日}前"
                    )
                    branches[branch.id] = branch
    week = today.isocalendar()
    queued = 0
    now = utcnow()
    for branch_id, items in soon.items():
        branch = branches[branch_id]
        for secretary in branch_leaders(session, branch)[1]:
            # One card a week per secretary and branch, at a moment their roster allows.
            row = reminders.remind(
                session,
                secretary,
                category="compliance_due",
                obligation=f"due_warning:{branch_id}:{week.year}-{week.week}",
                title=f"{branch.name}有 {len(items)} 项组织生活即将到期",
                reason="以下组织生活即将到期、尚未安排，请及时安排（可在手机上直接安排会议）。",
                detail="\n".join(items),
                path=links.page("h5.meeting_list"),
                due_at=now + timedelta(days=3),
                earliest=now,
                latest=now + timedelta(days=2),
                now=now,
            )
            queued += row is not None and row.created_at == now
    return queued
