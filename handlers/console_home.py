"""The console's first page: the state of the signed-in user's scope at a glance — members, branches
behind on their meetings this quarter, meetings held this month, learning completion, approvals
waiting, terms ending soon — each a figure that opens its page; and the org tree, whole.

Figures count orgs, meetings and requests, never rank people.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from handlers import approvals, compliance, members
from handlers.policy import Actor, holds, scope_orgs
from models import ApprovalStatus, Meeting, MeetingSession, MeetingStatus, PartyOrg
from models.base import CHINA

#: Terms ending within this many days are flagged (the 换届 reminder's own window is a rule).
TERMS_WITHIN = timedelta(days=90)
#: Learning completion counts the newest pushes (each one's counts are one pass over its branches).
RECENT_PUSHES = 10


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    #: The console page it opens (endpoint and its query), or None when the role has no such page.
    endpoint: str | None
    query: dict = field(default_factory=dict)
    note: str = ""


@dataclass
class OrgNode:
    org: PartyOrg
    children: list[OrgNode] = field(default_factory=list)


def figures(session: Session, actor: Actor, *, scope: PartyOrg | None, today: date) -> list[Figure]:
    """The home page's figures for what the actor sees (narrowed to `scope` when one is chosen)."""
    org_id = scope.id if scope else None
    shown: list[Figure] = []
    if holds(actor, "member.view"):
        total = members.list_members(session, actor, org_id=org_id, of_record=True, per_page=1).total
        shown.append(Figure("党员", f"{total} 人", "admin.member_list", {"org": org_id} if org_id else {}))
    if holds(actor, "meeting.manage"):
        calendars = compliance.calendar(session, actor, year=today.year, today=today, org_id=org_id)
        behind = [c for c in calendars if c.overdue]
        due = [c for c in calendars if c.due and not c.overdue]
        shown.append(
            Figure(
                "组织生活逾期",
                f"{len(behind)} 个",
                "admin.compliance_calendar",
                note=f"本期待办 {len(due)} 个",
            )
        )
        shown.append(
            Figure(
                "本月已开会议",
                f"{_meetings_this_month(session, actor, scope, today)} 次",
                "admin.meeting_index",
            )
        )
    if holds(actor, "study.view"):
        done, asked = _learning_completion(session, actor, scope)
        rate = f"{round(done * 100 / asked)}%" if asked else "—"
        shown.append(
            Figure("学习完成率", rate, "admin.campaign_index", note=f"最近推送 {done} / {asked} 人次")
        )
    if holds(actor, "approval.view"):
        waiting = approvals.page_of(
            session, actor, page=1, per_page=1, status=ApprovalStatus.pending.value
        ).total
        shown.append(Figure("待审批", f"{waiting} 件", "admin.approval_index", {"status": "pending"}))
    if holds(actor, "org.view"):
        ending = _terms_ending(session, actor, scope, today)
        shown.append(Figure("90天内换届", f"{len(ending)} 个", "admin.org_tree"))
    return shown


def _in_scope(actor: Actor, scope: PartyOrg | None, action: str) -> Select:
    stmt = scope_orgs(actor, select(PartyOrg.id), action)
    return stmt.where(PartyOrg.path.startswith(scope.path, autoescape=True)) if scope else stmt


def _meetings_this_month(session: Session, actor: Actor, scope: PartyOrg | None, today: date) -> int:
    start = datetime(today.year, today.month, 1, tzinfo=CHINA)
    end = (start + timedelta(days=32)).replace(day=1)
    first_session = (
        select(MeetingSession.meeting_id, func.min(MeetingSession.starts_at).label("starts_at"))
        .group_by(MeetingSession.meeting_id)
        .subquery()
    )
    return (
        session.scalar(
            select(func.count(Meeting.id))
            .join(first_session, first_session.c.meeting_id == Meeting.id)
            .where(
                Meeting.org_id.in_(_in_scope(actor, scope, "meeting.manage")),
                Meeting.status == MeetingStatus.signed_off,
                first_session.c.starts_at >= start,
                first_session.c.starts_at < end,
            )
        )
        or 0
    )


def _learning_completion(session: Session, actor: Actor, scope: PartyOrg | None) -> tuple[int, int]:
    """Of the recipients of the newest pushes in scope, how many completed all the push's lessons —
    counted, never listed. The newest RECENT_PUSHES only: the page must stay quick."""
    from handlers.learning import campaigns

    visible = [c for c in campaigns.recent(session, actor, limit=RECENT_PUSHES) if not c.repeat]
    done = asked = 0
    for campaign in visible:
        for branch in campaigns.completion(session, actor, campaign):
            if scope is None or branch.org.path.startswith(scope.path):
                done += branch.completed
                asked += branch.recipients
    return done, asked


def _terms_ending(session: Session, actor: Actor, scope: PartyOrg | None, today: date) -> list[uuid.UUID]:
    return list(
        session.scalars(
            select(PartyOrg.id).where(
                PartyOrg.id.in_(_in_scope(actor, scope, "org.view")),
                PartyOrg.dissolved_at.is_(None),
                PartyOrg.term_ends_on.is_not(None),
                PartyOrg.term_ends_on <= today + TERMS_WITHIN,
            )
        )
    )


def org_tree(orgs: list[PartyOrg]) -> list[OrgNode]:
    """The visible orgs as a tree (roots are those whose parent is not visible), in path order."""
    nodes = {org.id: OrgNode(org) for org in sorted(orgs, key=lambda o: o.path)}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.org.parent_id)
        (parent.children if parent else roots).append(node)
    return roots
