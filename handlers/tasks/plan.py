"""A branch's own year of work: its annual plan (tasks it sets itself, done when it submits them)
and the 组织生活 monthly report, a task the office (or a 总支) sends every month to the branches it
names, prefilled with the meetings the branch held that month. Both feed the 书记述职 pack."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from handlers import audit, rules
from handlers.errors import Forbidden, NotFound, ValidationFailed
from handlers.meetings.lookups import headline
from handlers.policy import Actor, can, holds, scope_paths
from handlers.tasks.desk import at_desk, sending_org
from handlers.tasks.sending import assign, check_deadline, done_by_of
from handlers.validation import require_text
from models import (
    AssignmentStatus,
    DoneBy,
    Meeting,
    MeetingSession,
    MeetingStatus,
    OrgKind,
    PartyOrg,
    Task,
    TaskAssignment,
    TaskKind,
)
from models.base import CHINA, local_today

MONTHLY_TITLE = "组织生活月报"


def _led_branch(session: Session, actor: Actor, org_id: uuid.UUID) -> PartyOrg:
    org = session.get(PartyOrg, org_id)
    if org is None or org.kind != OrgKind.branch or org.path not in (scope_paths(actor, "task.plan") or []):
        raise NotFound("党支部不存在。")
    return org


def add_plan_item(
    session: Session,
    actor: Actor,
    *,
    org_id: uuid.UUID,
    year: int,
    title: str,
    body: str = "",
    done_by: str | DoneBy = DoneBy.report,
    deadline: date | None,
) -> TaskAssignment:
    """A line of the branch's annual work plan, set by its secretary or 组织委员."""
    org = _led_branch(session, actor, org_id)
    if year not in (local_today().year, local_today().year + 1):
        raise ValidationFailed("年度工作计划只能为今年或明年制定。", field="year")
    deadline = check_deadline(deadline)
    if deadline.year != year:
        raise ValidationFailed(f"完成时间应在 {year} 年内。", field="deadline")
    task = Task(
        kind=TaskKind.plan,
        title=require_text(title, "title", "工作事项", max_length=60),
        body=(body or "").strip()[:2000],
        done_by=done_by_of(done_by),
        deadline=deadline,
        sender_org_id=org.id,
        sender_id=actor.person_id,
        sender_label=actor.label,
        plan_year=year,
    )
    session.add(task)
    session.flush()
    (row,) = assign(session, task, orgs=[org], status=AssignmentStatus.acknowledged)
    audit.record(
        session, actor, "task.plan", object_type="task", object_id=task.id, detail={"org": str(org.id)}
    )
    return row


def _period(day: date) -> str:
    return f"{day:%Y-%m}"


def _previous_month(day: date) -> date:
    return day.replace(day=1) - timedelta(days=1)


def _report_deadline(session: Session, today: date) -> date:
    """The report on last month is due on the rule's day of this month (at least three days away)."""
    due_day = int(rules.value(session, "task.monthly_report_day", today))
    due = today.replace(day=min(max(due_day, 1), 28))
    return max(due, today + timedelta(days=3))


def month_summary(session: Session, org_id: uuid.UUID, month: date) -> str:
    """The branch's meetings held in `month`, one line each: the prefill of its monthly report."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    meetings = session.scalars(
        select(Meeting)
        .join(MeetingSession, MeetingSession.meeting_id == Meeting.id)
        .where(
            Meeting.org_id == org_id,
            Meeting.status != MeetingStatus.cancelled,
            MeetingSession.starts_at >= _local(first),
            MeetingSession.starts_at < _local(following),
        )
        .order_by(MeetingSession.starts_at)
    ).unique()
    lines = []
    for meeting in meetings:
        when = min(s.starts_at for s in meeting.sessions).astimezone(CHINA)
        lines.append(f"{when:%m月%d日} {headline(session, meeting)}")
    if not lines:
        return f"{first:%Y年%m月}本支部未召开会议。"
    return f"{first:%Y年%m月}本支部召开会议 {len(lines)} 次：\n" + "\n".join(lines)


def _local(day: date) -> datetime:
    return datetime.combine(day, time(0), CHINA)


def start_monthly_reports(session: Session, actor: Actor, *, org_ids: list[uuid.UUID]) -> Task:
    """Begin the monthly 组织生活 report for these branches: last month's goes out now; each month
    after, the daily job sends the next on the 1st."""
    if not holds(actor, "task.send"):
        raise Forbidden("您无权发布任务。")
    sender = sending_org(session, actor)
    orgs = [session.get(PartyOrg, i) for i in dict.fromkeys(org_ids)]
    if not orgs:
        raise ValidationFailed("请选择报送月报的支部。", field="org_ids")
    if any(
        o is None or o.kind != OrgKind.branch or not can(session, actor, "task.send", obj=o) for o in orgs
    ):
        raise NotFound("所选党组织不存在或不在您的管理范围内。")
    head = Task(
        kind=TaskKind.monthly_report,
        title=MONTHLY_TITLE,
        body="请核对系统按本支部会议记录生成的本月组织生活情况，补充说明后提交。",
        done_by=DoneBy.report,
        deadline=_report_deadline(session, local_today()),
        sender_org_id=sender.id if sender else None,
        sender_id=actor.person_id,
        sender_label=actor.label,
        recurring=True,
    )
    head.id = uuid.uuid4()
    head.series_id = head.id
    _send_month(session, head, orgs, _previous_month(local_today()))
    audit.record(
        session, actor, "task.monthly", object_type="task", object_id=head.id, detail={"branches": len(orgs)}
    )
    return head


def _send_month(session: Session, task: Task, orgs: list[PartyOrg], month: date) -> None:
    task.period = _period(month)
    task.title = f"{MONTHLY_TITLE}（{month:%Y年%m月}）"
    session.add(task)
    session.flush()
    assign(session, task, orgs=orgs, reports={o.id: month_summary(session, o.id, month) for o in orgs})


def stop_monthly_reports(session: Session, actor: Actor, *, task_id: uuid.UUID) -> Task:
    task = session.get(Task, task_id)
    if task is None or task.kind != TaskKind.monthly_report or not at_desk(session, actor, task):
        raise NotFound("任务不存在。")
    head = session.get(Task, task.series_id)
    head.recurring = False
    audit.record(session, actor, "task.monthly_stop", object_type="task", object_id=head.id)
    return head


def roll_monthly(session: Session, today: date) -> int:
    """Daily: each running series sends last month's report once (on the 1st, or the first run
    after it); a dissolved branch drops out. Returns how many reports went out."""
    month = _period(_previous_month(today))
    sent = 0
    for head in session.scalars(
        select(Task).where(Task.recurring.is_(True), Task.kind == TaskKind.monthly_report)
    ):
        if head.period >= month or session.scalar(
            select(Task.id).where(Task.series_id == head.id, Task.period == month)
        ):
            continue
        latest = session.scalar(
            select(Task).where(Task.series_id == head.id).order_by(Task.period.desc()).limit(1)
        )
        orgs = [a.org for a in latest.assignments if a.org is not None and a.org.dissolved_at is None]
        if not orgs:
            continue
        task = Task(
            kind=TaskKind.monthly_report,
            title=MONTHLY_TITLE,
            body=head.body,
            done_by=DoneBy.report,
            deadline=_report_deadline(session, today),
            sender_org_id=head.sender_org_id,
            sender_id=head.sender_id,
            sender_label=head.sender_label,
            series_id=head.id,
        )
        _send_month(session, task, orgs, _previous_month(today))
        sent += len(orgs)
    return sent


@dataclass(frozen=True)
class BranchYear:
    """What the 书记述职 pack reads of a branch's year of tasks."""

    plan: list[TaskAssignment]
    monthly: list[TaskAssignment]
    sent: list[TaskAssignment]

    @staticmethod
    def done(rows: list[TaskAssignment]) -> int:
        return sum(1 for r in rows if r.status == AssignmentStatus.accepted)


def branch_year(session: Session, org_id: uuid.UUID, year: int) -> BranchYear:
    rows = list(
        session.scalars(
            select(TaskAssignment)
            .join(Task, Task.id == TaskAssignment.task_id)
            .where(TaskAssignment.org_id == org_id)
            .options(joinedload(TaskAssignment.task))
            .order_by(Task.deadline, Task.created_at)
        )
    )
    in_year = [r for r in rows if (r.task.plan_year or r.task.deadline.year) == year]
    return BranchYear(
        plan=[r for r in in_year if r.task.kind == TaskKind.plan],
        monthly=[r for r in in_year if r.task.kind == TaskKind.monthly_report],
        sent=[r for r in in_year if r.task.kind == TaskKind.sent],
    )


def plan_of(session: Session, actor: Actor, org_id: uuid.UUID, year: int) -> tuple[PartyOrg, BranchYear]:
    """The branch's year for its own leaders, or those above it."""
    org = session.get(PartyOrg, org_id)
    if org is None or org.kind != OrgKind.branch:
        raise NotFound("党支部不存在。")
    led = org.path in (scope_paths(actor, "task.plan") or [])
    if not led and not can(session, actor, "task.send", obj=org):
        raise NotFound("党支部不存在。")
    return org, branch_year(session, org.id, year)


def led_branches(session: Session, actor: Actor) -> list[PartyOrg]:
    paths = scope_paths(actor, "task.plan") or []
    if not paths:
        return []
    return list(
        session.scalars(
            select(PartyOrg)
            .where(PartyOrg.path.in_(paths), PartyOrg.kind == OrgKind.branch)
            .order_by(PartyOrg.code)
        )
    )
