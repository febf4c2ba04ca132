"""通知公告 (issue 23 item 2): a notice to the hospital, a 总支 or some branches goes to their members
(of record, and those taking part there) as a WeCom news card whose link opens the full text in H5.
Opening it marks it read; a notice that asks for it takes a 收到. The sender sees how many it
reached, read and acknowledged — numbers, never a list of who has not read — and, only for a
notice asking for acknowledgement and only the sender, who has and has not acknowledged."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, joinedload

from handlers import attachments, audiences, audit, links, notify
from handlers.errors import Conflict, Forbidden, NotFound, ValidationFailed
from handlers.paging import Page, clamp_page
from handlers.policy import Actor, can, holds, scope_orgs
from handlers.validation import require_text
from models import Attachment, AttachmentOwner, Notice, NoticeRecipient, PartyOrg, Person, Publication
from models.base import local_today, utcnow

MAX_BODY = 5000


MAX_FILES = 5


def _orgs_to_send(session: Session, actor: Actor, org_ids: list[uuid.UUID]) -> list[PartyOrg]:
    """The orgs a notice goes to, each one the sender keeps (none: the whole hospital, the office's)."""
    if not holds(actor, "notice.send"):
        raise Forbidden("您无权发布通知。")
    orgs = [session.get(PartyOrg, i) for i in dict.fromkeys(org_ids)]
    if any(o is None or o.dissolved_at is not None for o in orgs):
        raise NotFound("所选党组织不存在。")
    if not orgs and not can(session, actor, "notice.send"):
        raise Forbidden("面向全院的通知由党委组织部发布，请选择您负责的党组织。")
    if any(not can(session, actor, "notice.send", obj=o) for o in orgs):
        raise Forbidden("只能向您负责的党组织发布通知。")
    return orgs


def send(
    session: Session,
    actor: Actor,
    *,
    title: str,
    body: str,
    org_ids: list[uuid.UUID],
    needs_ack: bool,
    roles: list[str] = (),
    files: list[tuple[str, bytes]] = (),
) -> Notice:
    """Send a notice now to the orgs' members (the whole hospital with none chosen: the office),
    or only those of them holding some roles (every 支部书记, say), with up to five files."""
    orgs = _orgs_to_send(session, actor, org_ids)
    roles = [r for r in roles if r]
    if any(r not in audiences.AUDIENCE_ROLES for r in roles):
        raise ValidationFailed("接收对象的身份不正确。", field="roles")
    notice = Notice(
        roles=roles,
        title=require_text(title, "title", "标题", max_length=60),
        body=require_text(body, "body", "正文", max_length=MAX_BODY),
        org_ids=[str(o.id) for o in orgs],
        needs_ack=bool(needs_ack),
        sender_id=actor.person_id,
        sender_label=actor.label,
    )
    query = audiences.reached(session, org_ids=[o.id for o in orgs], roles=roles)
    people = [person for person, _member in session.execute(query).tuples()]
    if not people:
        raise ValidationFailed("所选范围内没有可以接收通知的党员。", field="org_ids")
    notice.recipients = len(people)
    session.add(notice)
    session.flush()
    stored = attachments.store_all(
        session,
        AttachmentOwner.notice,
        notice.id,
        files,
        uploaded_by=actor.label,
        limit=MAX_FILES,
        limit_message=f"每条通知最多 {MAX_FILES} 个附件。",
    )
    session.execute(
        insert(NoticeRecipient),
        [{"id": uuid.uuid4(), "notice_id": notice.id, "person_id": p.id} for p in people],
    )
    path = links.page("h5.notice_page", notice_id=notice.id)
    for n, start in enumerate(range(0, len(people), notify.MAX_RECIPIENTS)):
        notify.tell(
            session,
            people[start : start + notify.MAX_RECIPIENTS],
            "notice",
            key=f"notice:{notice.id}:{n}",
            title=notice.title,
            summary=notice.body[:60],
            path=path,
            needs_ack=notice.needs_ack,
            notice_id=str(notice.id),
            chunk=n,
        )
    audit.record(
        session,
        actor,
        "notice.send",
        object_type="notice",
        object_id=notice.id,
        detail={"recipients": len(people), "orgs": len(orgs), "roles": roles, "files": len(stored)},
    )
    return notice


def _own_row(session: Session, person: Person, notice_id: uuid.UUID) -> NoticeRecipient:
    row = session.scalar(
        select(NoticeRecipient)
        .where(NoticeRecipient.notice_id == notice_id, NoticeRecipient.person_id == person.id)
        .options(joinedload(NoticeRecipient.notice))
    )
    if row is None:
        raise NotFound()
    return row


def open_notice(session: Session, person: Person, notice_id: uuid.UUID) -> NoticeRecipient:
    """A recipient opens the notice: its full text; the first opening marks it read."""
    row = _own_row(session, person, notice_id)
    if row.read_at is None:
        row.read_at = utcnow()
    return row


def files_of(session: Session, notice: Notice) -> list[Attachment]:
    return attachments.of(session, AttachmentOwner.notice, notice.id)


def file_for_recipient(
    session: Session, person: Person, notice_id: uuid.UUID, attachment_id: str
) -> Attachment:
    """One of a notice's files, for someone it reached; anyone else finds nothing."""
    row = _own_row(session, person, notice_id)
    return attachments.one_of(session, AttachmentOwner.notice, row.notice_id, attachment_id=attachment_id)


def file_for_sender(session: Session, actor: Actor, notice_id: uuid.UUID, attachment_id: str) -> Attachment:
    notice, _ = _followed(session, actor, notice_id)
    return attachments.one_of(session, AttachmentOwner.notice, notice.id, attachment_id=attachment_id)


def acknowledge(session: Session, person: Person, notice_id: uuid.UUID) -> NoticeRecipient:
    row = _own_row(session, person, notice_id)
    if not row.notice.needs_ack:
        raise Conflict("这条通知不需要回复收到。")
    now = utcnow()
    row.read_at = row.read_at or now
    row.acked_at = row.acked_at or now
    return row


def mine(session: Session, person: Person, limit: int = 50) -> list[NoticeRecipient]:
    return list(
        session.scalars(
            select(NoticeRecipient)
            .join(Notice, NoticeRecipient.notice_id == Notice.id)
            .where(NoticeRecipient.person_id == person.id)
            .options(joinedload(NoticeRecipient.notice))
            .order_by(Notice.sent_at.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class Reach:
    notice: Notice
    recipients: int
    read: int
    acked: int


def _reach(session: Session, notice: Notice) -> Reach:
    read, acked = session.execute(
        select(func.count(NoticeRecipient.read_at), func.count(NoticeRecipient.acked_at)).where(
            NoticeRecipient.notice_id == notice.id
        )
    ).one()
    return Reach(notice, notice.recipients, read, acked)


def sent(session: Session, actor: Actor, limit: int = 100) -> list[Reach]:
    """The notices the actor may follow, with their counts: every one for the whole-hospital office;
    otherwise those they sent, or (an API token, which sends nothing) those sent to orgs in its scope."""
    if not holds(actor, "notice.send"):
        raise Forbidden("您无权查看通知。")
    stmt = select(Notice).order_by(Notice.sent_at.desc())
    if can(session, actor, "notice.send"):
        return [_reach(session, n) for n in session.scalars(stmt.limit(limit))]
    if actor.person_id is not None:
        return [
            _reach(session, n)
            for n in session.scalars(stmt.where(Notice.sender_id == actor.person_id).limit(limit))
        ]
    mine = {str(i) for i in session.scalars(scope_orgs(actor, select(PartyOrg.id), "notice.send"))}
    found = [n for n in session.scalars(stmt.limit(limit * 5)) if mine & set(n.org_ids)]
    return [_reach(session, n) for n in found[:limit]]


#: The acknowledgement list is shown a page at a time (a hospital-wide notice reaches thousands).
ACK_PAGE = 100


def _followed(session: Session, actor: Actor, notice_id: uuid.UUID) -> tuple[Notice, bool]:
    """The notice for its sender or the hospital-wide office (anyone else finds nothing), and
    whether the actor sent it."""
    notice = session.get(Notice, notice_id)
    if notice is None or not holds(actor, "notice.send"):
        raise NotFound()
    is_sender = notice.sender_id is not None and notice.sender_id == actor.person_id
    if not is_sender and not can(session, actor, "notice.send"):
        raise NotFound()
    return notice, is_sender


def _bytewise(session: Session, column: Any) -> Any:
    """The column ordered by its bytes: a locale's collation compares thousands of Chinese names
    several times slower, and orders them no more usefully (by code point, not by pinyin)."""
    return column.collate("C") if session.get_bind().dialect.name == "postgresql" else column


def progress(session: Session, actor: Actor, notice_id: uuid.UUID) -> Reach:
    """The counts alone, in one query: what the sender's page polls while acknowledgements come in."""
    return _reach(session, _followed(session, actor, notice_id)[0])


def reach(
    session: Session, actor: Actor, notice_id: uuid.UUID, *, ack_page: int = 1
) -> tuple[Reach, Page[tuple[str, bool]] | None]:
    """A notice's counts, and — only for its sender and only when it asks for acknowledgement —
    who has acknowledged and who has not, a page at a time (those not yet first)."""
    notice, is_sender = _followed(session, actor, notice_id)
    acks = None
    if is_sender and notice.needs_ack:
        # Names and whether acknowledged only: a narrow sort, even over a hospital's thousands.
        page = clamp_page(ack_page)
        rows = session.execute(
            select(Person.name, NoticeRecipient.acked_at.is_not(None))
            .join(Person, NoticeRecipient.person_id == Person.id)
            .where(NoticeRecipient.notice_id == notice.id)
            .order_by(NoticeRecipient.acked_at.is_not(None), _bytewise(session, Person.name), Person.id)
            .limit(ACK_PAGE)
            .offset((page - 1) * ACK_PAGE)
        ).all()
        acks = Page([(name, bool(acked)) for name, acked in rows], page, ACK_PAGE, notice.recipients)
    return _reach(session, notice), acks


def orgs_to_send_to(session: Session, actor: Actor) -> list[PartyOrg]:
    return list(
        session.scalars(
            scope_orgs(
                actor, select(PartyOrg).where(PartyOrg.dissolved_at.is_(None)), "notice.send"
            ).order_by(PartyOrg.path)
        )
    )


# -- 党务公开 ----------------------------------------------------------------------------------------------

#: How long a 公示 may run (days): long enough for a year's 公示, short enough to end.
MAX_PUBLIC_DAYS = 90


def publish(
    session: Session, actor: Actor, *, title: str, body: str, days: int, source: str = "manual"
) -> Publication:
    """Put a 公示 on the hospital's own page from today for `days` days (the office only)."""
    if not can(session, actor, "notice.send"):
        raise Forbidden("党务公开由党委组织部发布。")
    if not 1 <= int(days or 0) <= MAX_PUBLIC_DAYS:
        raise ValidationFailed(f"公示天数应为 1–{MAX_PUBLIC_DAYS} 天。", field="days")
    today = local_today()
    return put_up(
        session,
        actor,
        title=title,
        body=body,
        starts_on=today,
        ends_on=today + timedelta(days=int(days) - 1),
        source=source,
    )


def put_up(
    session: Session, actor: Actor, *, title: str, body: str, starts_on: date, ends_on: date, source: str
) -> Publication:
    """A 公示 on the hospital's page for a set period, by a feature that has checked the actor's
    authority itself (a branch's 发展党员 公示 is its own secretary's to publish)."""
    row = Publication(
        title=require_text(title, "title", "标题", max_length=60),
        body=require_text(body, "body", "内容", max_length=MAX_BODY),
        source=source,
        starts_on=starts_on,
        ends_on=ends_on,
        published_by=actor.label,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "notice.publish",
        object_type="publication",
        object_id=row.id,
        detail={"days": (ends_on - starts_on).days + 1, "source": source},
    )
    return row


def publications(session: Session, on: date | None = None) -> list[Publication]:
    """The 公示 running on a day, newest first: what everyone in the hospital may read then."""
    day = on or local_today()
    return list(
        session.scalars(
            select(Publication)
            .where(Publication.starts_on <= day, Publication.ends_on >= day)
            .order_by(Publication.starts_on.desc(), Publication.created_at.desc())
        )
    )


def publication(session: Session, publication_id: uuid.UUID) -> Publication:
    row = session.get(Publication, publication_id)
    if row is None or not row.starts_on <= local_today() <= row.ends_on:
        raise NotFound()  # ended: no longer public
    return row
