"""Deadlines and overdue follow-ups through the reminder engine, to whoever owes the step: the
recipient before the deadline (from the rule's days ahead) and weekly once it has passed; the
desk when a submission has waited the rule's days for review. Each is met — and cancelled — as
soon as the step is taken."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from handlers import links, reminders, rules
from handlers.tasks.desk import RECIPIENT_OWES, desk_people, owers
from models import AssignmentStatus, ReminderPriority, Task, TaskAssignment
from models.base import CHINA, utcnow


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), CHINA)


def queue_reminders(session: Session, today: date) -> int:
    """Daily: plan the reminders the open assignments call for today. Returns how many."""
    ahead = int(rules.value(session, "task.remind_days_before", today))
    review_days = int(rules.value(session, "task.review_days", today))
    now = utcnow()
    week = today.isocalendar()
    asks = []
    rows = session.scalars(
        select(TaskAssignment)
        .join(Task, Task.id == TaskAssignment.task_id)
        .where(Task.closed_at.is_(None), TaskAssignment.status != AssignmentStatus.accepted)
        .options(joinedload(TaskAssignment.task))
    )
    for row in rows:
        page = links.page("h5.task_page", assignment_id=row.id)
        if row.status in RECIPIENT_OWES and row.deadline < today:
            title, obligation = (
                f"任务已逾期：{row.task.title}",
                f"task_overdue:{row.id}:{week.year}-{week.week}",
            )
            reason = f"截止日期 {row.deadline:%m月%d日} 已过，请尽快办理并提交。此提醒仅发给办理人。"
            people, due = owers(session, row), _noon(today + timedelta(days=2))
        elif row.status in RECIPIENT_OWES and (row.deadline - today).days <= ahead:
            title, obligation = f"任务将到期：{row.task.title}", f"task_due:{row.id}:{row.deadline}"
            reason = f"请于 {row.deadline:%m月%d日} 前提交。"
            people, due = owers(session, row), _noon(row.deadline)
        elif (
            row.status == AssignmentStatus.submitted
            and row.submitted_at.astimezone(CHINA).date() + timedelta(days=review_days) <= today
        ):
            title, obligation = (
                f"任务待审核：{row.task.title}",
                f"task_review:{row.id}:{row.submitted_at:%Y%m%d%H%M%S}",
            )
            reason = "有一项任务提交已等待审核，请通过或退回整改。"
            people, due = desk_people(session, row.task), _noon(today + timedelta(days=2))
            page = links.page("admin.task_detail", task_id=row.task_id)
        else:
            continue
        asks += [
            reminders.Ask(
                person,
                _category(obligation),
                obligation,
                title,
                reason,
                page,
                due_at=due,
                earliest=now,
                latest=max(now, min(due, now + timedelta(days=2))),
                priority=ReminderPriority.normal,
            )
            for person in people
        ]
    return reminders.remind_many(session, asks, now=now)


def _category(obligation: str) -> str:
    return obligation.partition(":")[0]


def _assignment_of(session: Session, key: str) -> TaskAssignment | None:
    return session.get(TaskAssignment, uuid.UUID(key.split(":")[0]))


@reminders.obligation_check("task_due")
def _due_met(session: Session, key: str) -> bool:
    row = _assignment_of(session, key)
    return row is None or row.status not in RECIPIENT_OWES or str(row.deadline) != key.split(":")[1]


@reminders.obligation_check("task_overdue")
def _overdue_met(session: Session, key: str) -> bool:
    row = _assignment_of(session, key)
    return row is None or row.status not in RECIPIENT_OWES


@reminders.obligation_check("task_review")
def _review_met(session: Session, key: str) -> bool:
    row = _assignment_of(session, key)
    return row is None or row.status != AssignmentStatus.submitted
