"""Who stands where in a task: the desk that sent it (and so reviews it), the people who owe a
recipient's next step, and the recipient's superior an overdue task is escalated to."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.errors import NotFound
from handlers.policy import Actor, can, scope_paths
from handlers.roles import branch_leaders, office_people
from models import AssignmentStatus, Member, PartyOrg, Person, Task, TaskAssignment

STATUS_LABELS = {
    AssignmentStatus.sent: "待接收",
    AssignmentStatus.acknowledged: "办理中",
    AssignmentStatus.submitted: "待审核",
    AssignmentStatus.returned: "整改中",
    AssignmentStatus.accepted: "已完成",
}

#: The recipient owes the next step in these; in `submitted` the sender does.
RECIPIENT_OWES = (AssignmentStatus.sent, AssignmentStatus.acknowledged, AssignmentStatus.returned)


def sending_org(session: Session, actor: Actor) -> PartyOrg | None:
    """The desk the actor sends from: None for the office (hospital-wide), else the widest org
    they lead. Raises if they may send tasks nowhere."""
    paths = scope_paths(actor, "task.send")
    if paths is None:
        return None
    if not paths:
        raise NotFound()
    return session.scalar(select(PartyOrg).where(PartyOrg.path == min(paths, key=len)))


def at_desk(session: Session, actor: Actor, task: Task) -> bool:
    """Whether the actor sits at the desk that sent `task`: its sender, or anyone holding the
    sending roles at the same org (the office's colleagues for an office task)."""
    if actor.person_id is not None and actor.person_id == task.sender_id:
        return True
    paths = scope_paths(actor, "task.send")
    if task.sender_org_id is None or paths is None:
        return task.sender_org_id is None and paths is None
    org = session.get(PartyOrg, task.sender_org_id)
    return org is not None and org.path in paths


def may_follow(session: Session, actor: Actor, task: Task) -> bool:
    """The desk, and above it whoever may send tasks over the sending org (the office sees what its
    总支 sent; a 总支 the plan of its branches)."""
    if at_desk(session, actor, task):
        return True
    if task.sender_org_id is None:
        return False
    return can(session, actor, "task.send", obj=session.get(PartyOrg, task.sender_org_id))


def owers(session: Session, assignment: TaskAssignment) -> list[Person]:
    """Who does a recipient's step: the branch's secretary (or 组织委员), or the named person."""
    if assignment.org_id is not None:
        return branch_leaders(session, session.get(PartyOrg, assignment.org_id))[1]
    person = session.get(Person, assignment.person_id)
    return [person] if person is not None and person.is_active else []


def desk_people(session: Session, task: Task) -> list[Person]:
    """Who reviews: the sending org's leaders, or the office (with the sender first if still here)."""
    if task.sender_org_id is not None:
        people = branch_leaders(session, session.get(PartyOrg, task.sender_org_id))[1]
    else:
        people = office_people(session)
    sender = [p for p in people if p.id == task.sender_id]
    return sender or people


def superior(session: Session, assignment: TaskAssignment) -> tuple[str, list[Person]]:
    """The recipient's superior an escalation goes to: the branch's parent org's leaders (a 总支),
    or a named person's branch of record's; the name of that org with them."""
    if assignment.org_id is not None:
        org = session.get(PartyOrg, assignment.org_id)
        above = session.get(PartyOrg, org.parent_id) if org and org.parent_id else None
    else:
        member = session.scalar(select(Member).where(Member.person_id == assignment.person_id))
        above = session.get(PartyOrg, member.branch_id) if member and member.branch_id else None
    if above is None:
        return "", []
    return above.name, branch_leaders(session, above)[1]


def recipient_label(assignment: TaskAssignment) -> str:
    if assignment.org is not None:
        return assignment.org.name
    return assignment.person.name if assignment.person is not None else "—"
