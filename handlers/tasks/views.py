"""What each side sees: the desk its tasks with how many recipients stand at each step (numbers),
one task with every recipient; a recipient the tasks they owe a step on; the chat's short list."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import false, func, or_, select
from sqlalchemy.orm import Session, joinedload

from handlers.errors import NotFound
from handlers.meetings.lookups import headline
from handlers.policy import Actor, holds, scope_orgs, scope_paths
from handlers.tasks.desk import RECIPIENT_OWES, may_follow, sending_org
from models import (
    AssignmentStatus,
    Campaign,
    DoneBy,
    Meeting,
    Member,
    OrgKind,
    PartyOrg,
    Task,
    TaskAssignment,
    TaskKind,
)
from models.base import local_today


@dataclass
class TaskFigures:
    task: Task
    counts: Counter = field(default_factory=Counter)

    @property
    def recipients(self) -> int:
        return sum(self.counts.values())

    @property
    def accepted(self) -> int:
        return self.counts[AssignmentStatus.accepted]

    @property
    def waiting_review(self) -> int:
        return self.counts[AssignmentStatus.submitted]


def _followed(actor: Actor):
    """Tasks the actor's desk sent or that were sent from below it (plan items excepted)."""
    paths = scope_paths(actor, "task.send")
    kinds = Task.kind.in_((TaskKind.sent, TaskKind.monthly_report))
    if paths is None:
        return kinds
    own = Task.sender_id == actor.person_id if actor.person_id else false()
    if not paths:
        return kinds & own
    below = select(PartyOrg.id).where(or_(*(PartyOrg.path.startswith(p, autoescape=True) for p in paths)))
    return kinds & or_(Task.sender_org_id.in_(below), own)


def sent(session: Session, actor: Actor, *, limit: int = 200) -> list[TaskFigures]:
    tasks = list(
        session.scalars(select(Task).where(_followed(actor)).order_by(Task.created_at.desc()).limit(limit))
    )
    figures = {t.id: TaskFigures(t) for t in tasks}
    if tasks:
        rows = session.execute(
            select(TaskAssignment.task_id, TaskAssignment.status, func.count())
            .where(TaskAssignment.task_id.in_(figures))
            .group_by(TaskAssignment.task_id, TaskAssignment.status)
        )
        for task_id, status, n in rows:
            figures[task_id].counts[AssignmentStatus(status)] = n
    return list(figures.values())


def progress(session: Session, actor: Actor, task_id: uuid.UUID) -> TaskFigures:
    """One task's counts per step, in one grouped query (the desk's progress panel)."""
    task = detail(session, actor, task_id)
    figures = TaskFigures(task)
    rows = session.execute(
        select(TaskAssignment.status, func.count())
        .where(TaskAssignment.task_id == task.id)
        .group_by(TaskAssignment.status)
    )
    for status, n in rows:
        figures.counts[AssignmentStatus(status)] = n
    return figures


def detail(session: Session, actor: Actor, task_id: uuid.UUID) -> Task:
    task = session.get(Task, task_id)
    if task is None or task.kind == TaskKind.plan or not may_follow(session, actor, task):
        raise NotFound("任务不存在。")
    return task


def assignments_of(session: Session, task: Task) -> list[TaskAssignment]:
    return list(
        session.scalars(
            select(TaskAssignment)
            .where(TaskAssignment.task_id == task.id)
            .options(joinedload(TaskAssignment.org), joinedload(TaskAssignment.person))
            .order_by(TaskAssignment.created_at)
        )
    )


def owed(session: Session, actor: Actor) -> list[TaskAssignment]:
    """The assignments the actor does the steps of: named to them, or to a branch they lead —
    open ones first, soonest deadline first."""
    paths = scope_paths(actor, "task.plan") or []
    mine = TaskAssignment.person_id == actor.person_id if actor.person_id else false()
    led = TaskAssignment.org_id.in_(select(PartyOrg.id).where(PartyOrg.path.in_(paths))) if paths else false()
    rows = list(
        session.scalars(
            select(TaskAssignment)
            .where(or_(mine, led))
            .options(joinedload(TaskAssignment.task), joinedload(TaskAssignment.org))
            .order_by(TaskAssignment.deadline)
            .limit(300)
        )
    )
    return sorted(
        rows, key=lambda r: (r.status == AssignmentStatus.accepted, r.status == AssignmentStatus.submitted)
    )


def is_overdue(row: TaskAssignment) -> bool:
    return row.status in RECIPIENT_OWES and row.deadline < local_today()


def linkables(session: Session, row: TaskAssignment) -> list[tuple[str, str]]:
    """What a meeting- or campaign-linked submission may choose: the branch's recent meetings, or
    the campaigns it was part of (id, label)."""
    org_id = row.org_id or session.scalar(select(Member.branch_id).where(Member.person_id == row.person_id))
    if row.task.done_by == DoneBy.meeting:
        meetings = session.scalars(
            select(Meeting).where(Meeting.org_id == org_id).order_by(Meeting.created_at.desc()).limit(30)
        )
        return [(str(m.id), headline(session, m)) for m in meetings]
    campaigns = session.scalars(select(Campaign).order_by(Campaign.send_at.desc()).limit(60))
    return [(str(c.id), c.title) for c in campaigns if not c.org_ids or str(org_id) in c.org_ids][:30]


def branches_to_send_to(session: Session, actor: Actor) -> list[PartyOrg]:
    """The branches the actor's desk may send to (not its own: that is the branch's plan)."""
    own = sending_org(session, actor) if holds(actor, "task.send") else None
    query = select(PartyOrg).where(PartyOrg.dissolved_at.is_(None), PartyOrg.kind == OrgKind.branch)
    rows = session.scalars(scope_orgs(actor, query, "task.send").order_by(PartyOrg.path))
    return [o for o in rows if own is None or o.id != own.id]
