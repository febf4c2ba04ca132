"""书记信箱 (issue 23 item 3): a member writes to their branch's secretary or to the Party committee
office, named or anonymous, with a category; the recipient answers; the writer reads the answer.

Anonymous is by construction: nothing that says who is stored — no author, no time finer than the
day, no audit event naming them — only the hash of a receipt code shown to the writer once, with
which they (and only whoever holds it) read the answer. A named message is the writer's to see in
我的信箱. Open messages remind their recipient weekly; the office sees counts per category and how
long answers take, never what was written to a branch's secretary.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from statistics import median

from sqlalchemy import Select, false, func, or_, select
from sqlalchemy.orm import Session

from handlers import audit, links, reminders
from handlers.errors import Forbidden, NotFound, ValidationFailed
from handlers.policy import Actor, holds
from handlers.validation import require_text
from models import (
    FaqEntry,
    MailboxCategory,
    MailboxMessage,
    PartyOrg,
    Person,
    ReminderPriority,
    Role,
)
from models.base import CHINA, local_today, utcnow

CATEGORY_LABELS = {
    MailboxCategory.suggestion: "意见建议",
    MailboxCategory.problem: "问题反映",
    MailboxCategory.help: "求助",
}
MAX_BODY = 2000
#: Receipt codes: 12 digits (10^12 of them; easy to copy on a phone, no letters to misread).
CODE_ALPHABET = "0123456789"


def _hash(code: str) -> str:
    return hashlib.sha256("".join(ch for ch in code if ch.isdigit()).encode()).hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


@dataclass(frozen=True)
class Written:
    message: MailboxMessage
    #: Shown once to an anonymous writer, never stored (only its hash).
    receipt_code: str | None


def write(session: Session, person: Person, *, to: str, category: str, body: str, anonymous: bool) -> Written:
    """A member's message to their branch's secretary ("secretary") or the office ("office")."""
    member = person.membership
    if member is None or member.left_at is not None:
        raise Forbidden("书记信箱供本院党员使用。")
    if to == "secretary":
        if member.branch_id is None:
            raise ValidationFailed("您的组织关系不在本院，请写给党委组织部。", field="to")
        org_id = member.branch_id
    elif to == "office":
        org_id = None
    else:
        raise ValidationFailed("请选择写给谁。", field="to")
    try:
        kind = MailboxCategory(category)
    except ValueError:
        raise ValidationFailed("请选择类别。", field="category") from None
    text = require_text(body, "body", "内容", max_length=MAX_BODY)
    message = MailboxMessage(
        org_id=org_id, category=kind, written_on=local_today(), author_id=None if anonymous else person.id
    )
    message.body = text
    code = None
    if anonymous:
        code = _new_code()
        message.receipt_hash = _hash(code)
    session.add(message)
    session.flush()
    if not anonymous:  # an anonymous message leaves no event that could say who wrote it
        audit.record(session, _writer(person), "mailbox.write", object_type="mailbox", object_id=message.id)
    return Written(message, code)


def _writer(person: Person) -> Actor:
    return Actor(kind="person", id=str(person.id), label=person.name, person_id=person.id)


def mine(session: Session, person: Person) -> list[MailboxMessage]:
    """The member's own named messages, newest first (anonymous ones are read by receipt code)."""
    return list(
        session.scalars(
            select(MailboxMessage)
            .where(MailboxMessage.author_id == person.id)
            .order_by(MailboxMessage.written_on.desc(), MailboxMessage.id)
        )
    )


def own_message(session: Session, person: Person, message_id: uuid.UUID) -> MailboxMessage:
    message = session.get(MailboxMessage, message_id)
    if message is None or message.author_id != person.id:
        raise NotFound()
    return message


def by_receipt(session: Session, code: str) -> MailboxMessage:
    """An anonymous message, for whoever holds its receipt code."""
    cleaned = (code or "").strip()
    if not cleaned:
        raise ValidationFailed("请输入回执码。", field="code")
    message = session.scalar(select(MailboxMessage).where(MailboxMessage.receipt_hash == _hash(cleaned)))
    if message is None:
        raise NotFound("没有找到这个回执码对应的来信。")
    return message


# -- the recipient's side ----------------------------------------------------------------------------


def _addressed_to(actor: Actor) -> Select:
    """Messages the actor answers: to the branches where they are secretary (or 组织委员 standing
    in), and to the office when they hold the committee-office role for the whole hospital. The
    same for a person and an API token: both carry their grants as org paths."""
    paths = {g.org_path for g in actor.grants if g.role in (Role.secretary, Role.organizer) and g.org_path}
    office = any(g.role == Role.committee_office and g.org_path is None for g in actor.grants)
    clauses = (
        [MailboxMessage.org_id.in_(select(PartyOrg.id).where(PartyOrg.path.in_(paths)))] if paths else []
    )
    if office:
        clauses.append(MailboxMessage.org_id.is_(None))
    return select(MailboxMessage).where(or_(*clauses) if clauses else false())


def inbox(session: Session, actor: Actor, *, open_only: bool = False) -> list[MailboxMessage]:
    stmt = _addressed_to(actor)
    if open_only:
        stmt = stmt.where(MailboxMessage.answered_at.is_(None))
    return list(
        session.scalars(stmt.order_by(MailboxMessage.answered_at.is_not(None), MailboxMessage.written_on))
    )


def addressed(session: Session, actor: Actor, message_id: uuid.UUID) -> MailboxMessage:
    message = session.get(MailboxMessage, message_id)
    if message is None:
        raise NotFound()
    if (
        session.scalar(
            _addressed_to(actor).where(MailboxMessage.id == message.id).with_only_columns(MailboxMessage.id)
        )
        is None
    ):
        raise NotFound()
    return message


def answer(session: Session, actor: Actor, *, message_id: uuid.UUID, text: str) -> MailboxMessage:
    """The recipient answers (or amends the answer); the open reminders for it stop."""
    message = addressed(session, actor, message_id)
    message.answer = require_text(text, "answer", "答复", max_length=MAX_BODY)
    message.answered_at, message.answered_by = utcnow(), actor.label
    audit.record(session, actor, "mailbox.answer", object_type="mailbox", object_id=message.id)
    return message


def author_of(session: Session, actor: Actor, message_id: uuid.UUID) -> Person | None:
    """Who wrote a named message (the recipient sees it on the message); an anonymous one has no
    author to reveal — asked for, the answer is a refusal, not an empty name."""
    message = addressed(session, actor, message_id)
    if message.author_id is None:
        raise ValidationFailed("这是一封匿名来信，系统没有保存写信人，无法查询。", field="author")
    return session.get(Person, message.author_id)


def author_names(session: Session, actor: Actor) -> dict[uuid.UUID, str]:
    """The writers of the named messages the actor answers, by message (anonymous ones have none)."""
    rows = session.execute(
        _addressed_to(actor)
        .with_only_columns(MailboxMessage.id, Person.name)
        .join(Person, MailboxMessage.author_id == Person.id)
    ).all()
    return dict(rows)


def recipients_of(session: Session, message: MailboxMessage) -> list[Person]:
    """Who answers it: the branch's secretary (or 组织委员), or the office."""
    from handlers.roles import branch_leaders, office_people

    if message.org_id is not None:
        return branch_leaders(session, session.get(PartyOrg, message.org_id))[1]
    return office_people(session)


def queue_open_reminders(session: Session, today: date) -> int:
    """Weekly: each open message reminds its recipients once that week (the reminder engine keeps
    one per person and obligation; met once answered)."""
    week = today.isocalendar()
    now = utcnow()
    asks = []
    for message in session.scalars(select(MailboxMessage).where(MailboxMessage.answered_at.is_(None))):
        for person in recipients_of(session, message):
            asks.append(
                reminders.Ask(
                    person,
                    "mailbox_open",
                    f"mailbox_open:{message.id}:{week.year}-{week.week}",
                    f"信箱有一封{CATEGORY_LABELS[message.category]}待答复",
                    f"{message.written_on:%m月%d日}收到的来信还没有答复，请在信箱中答复。此提醒仅发给您。",
                    links.page("admin.mailbox_inbox"),
                    due_at=datetime.combine(today + timedelta(days=3), time(12), CHINA),
                    earliest=now,
                    latest=now + timedelta(days=2),
                    priority=ReminderPriority.low,
                )
            )
    return reminders.remind_many(session, asks, now=now)


@reminders.obligation_check("mailbox_open")
def _answered(session: Session, key: str) -> bool:
    message = session.get(MailboxMessage, uuid.UUID(key.split(":")[0]))
    return message is None or message.answered_at is not None


@dataclass(frozen=True)
class CategoryFigures:
    category: MailboxCategory
    received: int
    answered: int
    #: Median days from the day written to the answer (None before any answer).
    median_days: float | None


def figures(session: Session, actor: Actor, since: date) -> list[CategoryFigures]:
    """For the office: how many messages per category since a day, how many answered, and the
    median days to answer — counts only, across the hospital, never what was written."""
    if not holds(actor, "mailbox.figures"):
        raise Forbidden("信箱统计由党委组织部查看。")
    result = []
    for category in MailboxCategory:
        rows = session.execute(
            select(MailboxMessage.written_on, MailboxMessage.answered_at).where(
                MailboxMessage.category == category, MailboxMessage.written_on >= since
            )
        ).all()
        days = [(answered.astimezone(CHINA).date() - written).days for written, answered in rows if answered]
        result.append(CategoryFigures(category, len(rows), len(days), median(days) if days else None))
    return result


# -- the FAQ -------------------------------------------------------------------------------------------


def faq(session: Session) -> list[FaqEntry]:
    return list(session.scalars(select(FaqEntry).order_by(FaqEntry.position, FaqEntry.question)))


def save_faq(
    session: Session,
    actor: Actor,
    *,
    entry_id: uuid.UUID | None,
    question: str,
    answer_text: str,
    position: int,
) -> FaqEntry:
    if not holds(actor, "faq.manage"):
        raise Forbidden("常见问题由党委组织部维护。")
    entry = session.get(FaqEntry, entry_id) if entry_id else FaqEntry()
    if entry is None:
        raise NotFound()
    entry.question = require_text(question, "question", "问题", max_length=200)
    entry.answer = require_text(answer_text, "answer", "解答", max_length=MAX_BODY)
    entry.position = max(0, min(int(position or 0), 999))
    entry.updated_by, entry.updated_at = actor.label, utcnow()
    session.add(entry)
    session.flush()
    audit.record(session, actor, "faq.save", object_type="faq", object_id=entry.id)
    return entry


def delete_faq(session: Session, actor: Actor, *, entry_id: uuid.UUID) -> None:
    if not holds(actor, "faq.manage"):
        raise Forbidden("常见问题由党委组织部维护。")
    entry = session.get(FaqEntry, entry_id)
    if entry is None:
        raise NotFound()
    audit.record(
        session,
        actor,
        "faq.delete",
        object_type="faq",
        object_id=entry.id,
        detail={"question": entry.question},
    )
    session.delete(entry)


def open_count(session: Session, actor: Actor) -> int:
    """How many messages wait for the actor's answer (for the chat and the console)."""
    stmt = _addressed_to(actor).where(MailboxMessage.answered_at.is_(None))
    return session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
