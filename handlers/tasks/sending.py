"""Sending a task down (issue 23 item 1): what, why, attachments, a deadline and what counts as
done, to branches (their secretary, or 组织委员, owes each step) or named people; each recipient
gets a card with 收到 and 提交."""

from __future__ import annotations

import re
import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import attachments, audit, links, notify
from handlers.errors import Forbidden, NotFound, ValidationFailed
from handlers.policy import Actor, can, holds
from handlers.tasks.desk import owers, sending_org
from handlers.validation import require_text
from models import (
    AssignmentStatus,
    AttachmentOwner,
    DoneBy,
    Member,
    OrgKind,
    PartyOrg,
    Person,
    Task,
    TaskAssignment,
    TaskKind,
)
from models.base import local_today

DONE_BY_LABELS = {
    DoneBy.report: "书面报告",
    DoneBy.files: "上传材料",
    DoneBy.number: "填报数字",
    DoneBy.meeting: "关联一次会议",
    DoneBy.campaign: "关联一次学习",
}

MAX_BODY = 5000
MAX_FILES = 5


def done_by_of(value: str | DoneBy) -> DoneBy:
    try:
        return DoneBy(value)
    except ValueError:
        raise ValidationFailed("请选择完成标准。", field="done_by") from None


def check_deadline(deadline: date | None, field: str = "deadline") -> date:
    if deadline is None:
        raise ValidationFailed("请填写截止日期。", field=field)
    if deadline < local_today():
        raise ValidationFailed("截止日期不能早于今天。", field=field)
    return deadline


def _targets(
    session: Session,
    actor: Actor,
    sender: PartyOrg | None,
    org_ids: list[uuid.UUID],
    person_ids: list[uuid.UUID],
) -> tuple[list[PartyOrg], list[Person]]:
    orgs = [session.get(PartyOrg, i) for i in dict.fromkeys(org_ids)]
    if any(
        o is None or o.dissolved_at is not None or not can(session, actor, "task.send", obj=o) for o in orgs
    ):
        raise NotFound("所选党组织不存在或不在您的管理范围内。")
    if any(o.kind != OrgKind.branch for o in orgs):
        raise ValidationFailed("任务发给党支部；党总支的工作请发给其下的支部。", field="org_ids")
    if sender is not None and any(o.id == sender.id for o in orgs):
        raise ValidationFailed("本支部自己的工作请列入年度工作计划。", field="org_ids")
    people = []
    for person_id in dict.fromkeys(person_ids):
        member = session.scalar(select(Member).where(Member.person_id == person_id, Member.left_at.is_(None)))
        if member is None or not member.person.is_active or not can(session, actor, "task.send", obj=member):
            raise NotFound("所选党员不存在或不在您的管理范围内。")
        people.append(member.person)
    if not orgs and not people:
        raise ValidationFailed("请选择接收任务的支部或党员。", field="org_ids")
    return orgs, people


def send(
    session: Session,
    actor: Actor,
    *,
    title: str,
    body: str,
    why: str = "",
    done_by: str | DoneBy,
    deadline: date | None,
    org_ids: list[uuid.UUID] = (),
    person_ids: list[uuid.UUID] = (),
    files: list[tuple[str, bytes]] = (),
) -> Task:
    """Send a task now: one assignment per branch or person, a card to whoever owes the step."""
    if not holds(actor, "task.send"):
        raise Forbidden("您无权发布任务。")
    sender = sending_org(session, actor)
    task = Task(
        kind=TaskKind.sent,
        title=require_text(title, "title", "任务名称", max_length=60),
        body=require_text(body, "body", "任务内容", max_length=MAX_BODY),
        why=(why or "").strip()[:MAX_BODY],
        done_by=done_by_of(done_by),
        deadline=check_deadline(deadline),
        sender_org_id=sender.id if sender else None,
        sender_id=actor.person_id,
        sender_label=actor.label,
    )
    orgs, people = _targets(session, actor, sender, list(org_ids), list(person_ids))
    session.add(task)
    session.flush()
    stored = attachments.store_all(
        session,
        AttachmentOwner.task,
        task.id,
        list(files),
        uploaded_by=actor.label,
        limit=MAX_FILES,
        limit_message=f"每个任务最多 {MAX_FILES} 个附件。",
    )
    assign(session, task, orgs=orgs, people=people)
    audit.record(
        session,
        actor,
        "task.send",
        object_type="task",
        object_id=task.id,
        detail={"branches": len(orgs), "people": len(people), "files": len(stored)},
    )
    return task


def assign(
    session: Session,
    task: Task,
    *,
    orgs: list[PartyOrg] = (),
    people: list[Person] = (),
    status: AssignmentStatus = AssignmentStatus.sent,
    reports: dict[uuid.UUID, str] | None = None,
) -> list[TaskAssignment]:
    """The task's recipients, each told on a card (a plan item, set by the branch itself, is not)."""
    rows = [
        TaskAssignment(
            task_id=task.id,
            org_id=o.id,
            status=status,
            deadline=task.deadline,
            report=(reports or {}).get(o.id),
        )
        for o in orgs
    ] + [
        TaskAssignment(task_id=task.id, person_id=p.id, status=status, deadline=task.deadline) for p in people
    ]
    session.add_all(rows)
    session.flush()
    if task.kind == TaskKind.plan:
        return rows
    # Who is told is looked up first, so the cards are added in one flush and go out in batches
    # (jobs/outbox.py) rather than one job each.
    told = [(row, owers(session, row)) for row in rows]
    for row, people in told:
        notify.tell(
            session,
            people,
            "task",
            key=f"task:{row.id}",
            new_key=True,
            title=task.title,
            summary=task.body[:80],
            deadline=f"{row.deadline:%m月%d日}",
            sender=task.sender_label,
            done_by=DONE_BY_LABELS[task.done_by],
            path=links.page("h5.task_page", assignment_id=row.id),
            assignment_id=str(row.id),
        )
    return rows


def task_files(session: Session, task: Task) -> list:
    return attachments.of(session, AttachmentOwner.task, task.id)


def people_named(session: Session, raw: str) -> list[uuid.UUID]:
    """The people named by WeCom account (工号), one per line or separated by commas or spaces."""
    wanted = [w for w in re.split(r"[\s,，、;；]+", raw or "") if w]
    if len(wanted) > 200:
        raise ValidationFailed("一次最多点名 200 人；人多时请发给支部。", field="people")
    found = dict(
        session.execute(select(Person.wecom_userid, Person.id).where(Person.wecom_userid.in_(wanted))).all()
    )
    missing = [w for w in wanted if w not in found]
    if missing:
        raise ValidationFailed(f"找不到这些账号：{'、'.join(missing[:5])}", field="people")
    return [found[w] for w in wanted]
