"""A recipient's loop: 收到, 办理 (files attached as they come), 提交 with what counts as done; the
sending desk accepts or returns for 整改 with a reason and a new deadline; the task closes when
every recipient is accepted. An overdue recipient can be escalated to their superior once."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import attachments, audit, links, notify
from handlers.errors import Conflict, Forbidden, NotFound, ValidationFailed
from handlers.policy import Actor, can, scope_paths
from handlers.tasks.desk import RECIPIENT_OWES, at_desk, desk_people, may_follow, owers, superior
from handlers.tasks.sending import MAX_BODY, check_deadline
from handlers.validation import require_text
from models import (
    AssignmentStatus,
    Attachment,
    AttachmentOwner,
    Campaign,
    DoneBy,
    Meeting,
    Member,
    PartyOrg,
    TaskAssignment,
    TaskEvent,
    TaskKind,
)
from models.base import local_today, utcnow

MAX_SUBMITTED_FILES = 10


def _assignment(session: Session, assignment_id: uuid.UUID) -> TaskAssignment:
    row = session.get(TaskAssignment, assignment_id)
    if row is None:
        raise NotFound("任务不存在。")
    return row


def owes(session: Session, actor: Actor, row: TaskAssignment) -> bool:
    """Whether the actor does this recipient's steps: the named person, or a leader (secretary or
    组织委员) of the very branch it went to — not a 总支 above it."""
    if row.person_id is not None:
        return actor.person_id == row.person_id
    paths = scope_paths(actor, "task.plan") or []
    org = session.get(PartyOrg, row.org_id)
    return org is not None and org.path in paths


def for_recipient(session: Session, actor: Actor, assignment_id: uuid.UUID) -> TaskAssignment:
    """The assignment as its recipient sees it; anyone else's looks exactly like a missing one."""
    row = _assignment(session, assignment_id)
    if not owes(session, actor, row):
        raise NotFound("任务不存在。")
    return row


def for_viewer(session: Session, actor: Actor, assignment_id: uuid.UUID) -> TaskAssignment:
    """The assignment for its page: its recipient, the sending desk, and those above the recipient
    (a 总支 told of an escalation) may read it; only the recipient acts on it."""
    row = _assignment(session, assignment_id)
    if owes(session, actor, row) or may_follow(session, actor, row.task):
        return row
    above = (
        session.get(PartyOrg, row.org_id)
        if row.org_id
        else session.scalar(select(Member).where(Member.person_id == row.person_id))
    )
    if above is not None and can(session, actor, "task.send", obj=above):
        return row
    raise NotFound("任务不存在。")


def for_desk(session: Session, actor: Actor, assignment_id: uuid.UUID) -> TaskAssignment:
    row = _assignment(session, assignment_id)
    if not may_follow(session, actor, row.task):
        raise NotFound("任务不存在。")
    return row


def _open_for_work(row: TaskAssignment) -> None:
    if row.task.closed_at is not None or row.status == AssignmentStatus.accepted:
        raise Conflict("任务已办结，不能再提交。")
    if row.status == AssignmentStatus.submitted:
        raise Conflict("任务已提交，正在等待审核。")


def _event(
    session: Session,
    row: TaskAssignment,
    step: str,
    actor: Actor,
    text: str | None = None,
    deadline: date | None = None,
) -> None:
    session.add(
        TaskEvent(assignment_id=row.id, step=step, by_label=actor.label, text=text, deadline=deadline)
    )


def _tell(
    session: Session, to: list, row: TaskAssignment, step: str, *, desc: str = "", text: str = "", page: str
) -> None:
    notify.tell(
        session,
        to,
        "task_step",
        key=f"task_step:{row.id}:{uuid.uuid4()}",
        new_key=True,
        step=step,
        title=row.task.title,
        desc=desc,
        text=text,
        path=page,
    )


def _recipient_page(row: TaskAssignment) -> str:
    return links.page("h5.task_page", assignment_id=row.id)


def _desk_page(row: TaskAssignment) -> str:
    return links.page("admin.task_detail", task_id=row.task_id)


def acknowledge(session: Session, actor: Actor, assignment_id: uuid.UUID) -> TaskAssignment:
    """收到: the recipient has it in hand (again is no change)."""
    row = for_recipient(session, actor, assignment_id)
    if row.status == AssignmentStatus.sent:
        row.status, row.acknowledged_at = AssignmentStatus.acknowledged, utcnow()
        _event(session, row, "ack", actor)
    return row


def add_file(
    session: Session, actor: Actor, *, assignment_id: uuid.UUID, filename: str, content: bytes
) -> Attachment:
    row = for_recipient(session, actor, assignment_id)
    _open_for_work(row)
    return attachments.store(
        session,
        AttachmentOwner.task_assignment,
        row.id,
        filename=filename,
        content=content,
        uploaded_by=actor.label,
        limit=MAX_SUBMITTED_FILES,
        limit_message=f"每项任务最多提交 {MAX_SUBMITTED_FILES} 个附件。",
    )


def _number(raw: str | None) -> Decimal:
    try:
        value = Decimal((raw or "").strip())
    except InvalidOperation:
        raise ValidationFailed("请填写数字。", field="number") from None
    if not value.is_finite() or value < 0 or value >= Decimal("1e12"):
        raise ValidationFailed("请填写不小于 0 的数字。", field="number")
    return value.quantize(Decimal("0.01"))


def _linked(session: Session, row: TaskAssignment, raw: str | None) -> uuid.UUID:
    """A meeting of the recipient's branch, or a study campaign it took part in."""
    try:
        linked = uuid.UUID((raw or "").strip())
    except ValueError:
        raise ValidationFailed("请选择关联的会议或学习。", field="linked_id") from None
    org_id = row.org_id
    if org_id is None:
        org_id = session.scalar(select(Member.branch_id).where(Member.person_id == row.person_id))
    if row.task.done_by == DoneBy.meeting:
        meeting = session.get(Meeting, linked)
        if meeting is None or meeting.org_id != org_id:
            raise ValidationFailed("请选择本支部的一次会议。", field="linked_id")
    else:
        campaign = session.get(Campaign, linked)
        if campaign is None or (campaign.org_ids and str(org_id) not in campaign.org_ids):
            raise ValidationFailed("请选择本支部参加的一次学习。", field="linked_id")
    return linked


def submit(
    session: Session,
    actor: Actor,
    *,
    assignment_id: uuid.UUID,
    report: str = "",
    number: str | None = None,
    linked_id: str | None = None,
) -> TaskAssignment:
    """提交 with what counts as done; a plan item (the branch's own) is done on submission."""
    row = for_recipient(session, actor, assignment_id)
    _open_for_work(row)
    done_by = row.task.done_by
    text = (report or "").strip()
    if done_by == DoneBy.report:
        text = require_text(report, "report", "报告", max_length=MAX_BODY)
    elif len(text) > MAX_BODY:
        raise ValidationFailed(f"说明不能超过{MAX_BODY}个字符。", field="report")
    if done_by == DoneBy.files and not attachments.count(session, AttachmentOwner.task_assignment, row.id):
        raise ValidationFailed("这项任务以上传材料为完成标准，请先添加附件。", field="file")
    row.number = _number(number) if done_by == DoneBy.number else None
    row.linked_id = _linked(session, row, linked_id) if done_by in (DoneBy.meeting, DoneBy.campaign) else None
    now = utcnow()
    row.report, row.submitted_at = text or None, now
    row.acknowledged_at = row.acknowledged_at or now
    _event(session, row, "submit", actor, text=text or None)
    if row.task.kind == TaskKind.plan:
        _accept(session, row, actor)
    else:
        row.status = AssignmentStatus.submitted
        _tell(
            session,
            desk_people(session, row.task),
            row,
            "任务提交待审核",
            desc=_who(row),
            page=_desk_page(row),
        )
    audit.record(
        session,
        actor,
        "task.submit",
        object_type="task",
        object_id=row.task_id,
        detail={"assignment": str(row.id)},
    )
    return row


def _who(row: TaskAssignment) -> str:
    return row.org.name if row.org is not None else row.person.name


def _accept(session: Session, row: TaskAssignment, actor: Actor) -> None:
    row.status, row.accepted_at = AssignmentStatus.accepted, utcnow()
    _event(session, row, "accept", actor)
    if all(a.status == AssignmentStatus.accepted for a in row.task.assignments):
        row.task.closed_at = utcnow()


def review(
    session: Session,
    actor: Actor,
    *,
    assignment_id: uuid.UUID,
    accept: bool,
    reason: str = "",
    new_deadline: date | None = None,
) -> TaskAssignment:
    """The sending desk accepts a submission, or returns it for 整改 with a reason and a deadline."""
    row = for_desk(session, actor, assignment_id)
    if not at_desk(session, actor, row.task):
        raise Forbidden("只有发出任务的一方可以审核。")
    if row.status != AssignmentStatus.submitted:
        raise Conflict("这项任务没有待审核的提交。")
    if accept:
        _accept(session, row, actor)
        _tell(session, owers(session, row), row, "任务已通过", page=_recipient_page(row))
    else:
        why = require_text(reason, "reason", "退回原因", max_length=500)
        row.deadline = check_deadline(new_deadline, "new_deadline")
        row.status, row.returns = AssignmentStatus.returned, row.returns + 1
        _event(session, row, "return", actor, text=why, deadline=row.deadline)
        desc = f"请于 {row.deadline:%m月%d日} 前整改后重新提交"
        _tell(
            session, owers(session, row), row, "任务退回整改", desc=desc, text=why, page=_recipient_page(row)
        )
    audit.record(
        session,
        actor,
        "task.review",
        object_type="task",
        object_id=row.task_id,
        detail={"assignment": str(row.id), "accepted": accept},
    )
    return row


def escalate(session: Session, actor: Actor, *, assignment_id: uuid.UUID) -> TaskAssignment:
    """督办: an overdue recipient's superior is told, once."""
    row = for_desk(session, actor, assignment_id)
    if not at_desk(session, actor, row.task):
        raise Forbidden("只有发出任务的一方可以督办。")
    if row.status not in RECIPIENT_OWES:
        raise Conflict("这项任务不在办理中，无需督办。")
    if row.deadline >= local_today():
        raise Conflict("任务尚未逾期，逾期后才能督办。")
    if row.escalated_at is not None:
        raise Conflict("这项任务已经督办过一次。")
    name, people = superior(session, row)
    if not people:
        raise ValidationFailed("上级党组织没有书记或组织委员，无法督办，请直接联系。")
    row.escalated_at, row.escalated_to = utcnow(), name
    _event(session, row, "escalate", actor, text=name)
    desc = f"{_who(row)}的任务已于 {row.deadline:%m月%d日} 逾期，请督促办理"
    _tell(session, people, row, "任务督办", desc=desc, page=_recipient_page(row))
    audit.record(
        session,
        actor,
        "task.escalate",
        object_type="task",
        object_id=row.task_id,
        detail={"assignment": str(row.id)},
    )
    return row


def submitted_files(session: Session, row: TaskAssignment) -> list[Attachment]:
    return attachments.of(session, AttachmentOwner.task_assignment, row.id)
