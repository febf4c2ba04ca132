"""介绍信 in and out: the validity (rule transfer.letter_valid_days; sources disagree, §B6), an
incoming member registered from their letter, the 回执 either way, and the office warned once of
a letter past its validity whose 回执 is not recorded."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import audit, links, people, reminders, rules, workbench
from handlers.errors import Conflict, Forbidden, NotFound, ValidationFailed
from handlers.policy import Actor, holds
from handlers.validation import require_text
from models import (
    Member,
    MemberStatus,
    MemberTransfer,
    OrgKind,
    PartyOrg,
    ReminderPriority,
    Role,
    TransferKind,
)
from models.base import CHINA, local_today, utcnow


def dues_month(raw: str | None) -> str | None:
    text = (raw or "").strip()
    if text and not re.fullmatch(r"(19|20)\d\d-(0[1-9]|1[0-2])", text):
        raise ValidationFailed("党费交至年月格式应为 2026-11。", field="dues_paid_to")
    return text or None


def letter_validity(session: Session, issued_on: date) -> date:
    """The last day a letter issued on `issued_on` may be reported (rule transfer.letter_valid_days)."""
    return issued_on + timedelta(days=rules.value(session, "transfer.letter_valid_days", issued_on))


def _check_letter(
    session: Session,
    issuing_org: str,
    letter_number: str,
    issued_on: date | None,
    valid_until: date | None,
    dues_paid_to: str | None,
    reported_on: date | None,
) -> tuple[str, str, date, str]:
    """An incoming letter as registered: its issuer and number (not seen before), its validity
    (reported within it), and its 党费交至年月."""
    issuing = require_text(issuing_org, "issuing_org", "开具介绍信的党组织", max_length=200)
    number = require_text(letter_number, "letter_number", "介绍信编号", max_length=40)
    if issued_on is None:
        raise ValidationFailed("请填写介绍信开具日期。", field="letter_issued_on")
    reported_on = reported_on or local_today()
    if issued_on > reported_on:
        raise ValidationFailed("介绍信开具日期不能晚于报到日期。", field="letter_issued_on")
    valid_until = valid_until or letter_validity(session, issued_on)
    if reported_on > valid_until:
        raise ValidationFailed(
            f"介绍信已于 {valid_until} 超过有效期。请由原党组织出具证明、本人写出书面申请后再办理转入。",
            field="valid_until",
        )
    dues = dues_month(dues_paid_to)
    if dues is None:
        raise ValidationFailed("请填写介绍信上的党费交至年月。", field="dues_paid_to")
    seen = select(MemberTransfer.id).where(
        MemberTransfer.kind == TransferKind.inbound,
        MemberTransfer.issuing_org == issuing,
        MemberTransfer.letter_number == number,
    )
    if session.scalar(seen):
        raise Conflict("这封介绍信已登记过。", field="letter_number")
    return issuing, number, valid_until, dues


def _arriving_member(
    session: Session,
    actor: Actor,
    wecom_userid: str,
    name: str,
    branch: PartyOrg,
    status: str,
    joined_on: date | None,
    full_on: date | None,
) -> Member:
    """The member a letter brings: new here, back from elsewhere, or a participant from elsewhere
    whose 组织关系 now moves here (the same row, so their history stays theirs)."""
    try:
        member_status = MemberStatus(status)
    except ValueError:
        raise ValidationFailed("党员类别不正确。", field="status") from None
    person = people.find_by_wecom_userid(session, (wecom_userid or "").strip()) or people.create_person(
        session, actor, wecom_userid=wecom_userid, name=name
    )
    member = person.membership
    if member is None:
        return people.enrol_member(
            session,
            actor,
            person=person,
            branch=branch,
            status=member_status,
            joined_on=joined_on,
            full_on=full_on,
        )
    if member.left_at is None and member.branch_id is not None:
        raise Conflict(f"{person.name} 的组织关系已在本院。")
    member.branch_id, member.group_id, member.left_at, member.record_org_name = branch.id, None, None, None
    member.status, member.joined_on, member.full_on = member_status, joined_on or member.joined_on, full_on
    return member


def register_inbound(
    session: Session,
    actor: Actor,
    *,
    wecom_userid: str,
    name: str,
    to_branch_id: uuid.UUID,
    issuing_org: str,
    letter_number: str,
    letter_issued_on: date | None,
    dues_paid_to: str,
    status: str,
    joined_on: date | None,
    full_on: date | None = None,
    valid_until: date | None = None,
    reported_on: date | None = None,
) -> MemberTransfer:
    """A member arrives with a 介绍信 (转入): registered in the receiving branch from the letter.
    A letter reported after its validity is refused (the member needs a certificate from the
    issuing organisation and a written application first, §B6). The 回执 is then owed."""
    if not holds(actor, "transfer.manage"):
        raise Forbidden("组织关系转入由党委组织部办理。")
    branch = session.get(PartyOrg, to_branch_id)
    if branch is None or branch.kind != OrgKind.branch or branch.dissolved_at is not None:
        raise NotFound("接收支部不存在。")
    issuing, number, valid_until, dues = _check_letter(
        session, issuing_org, letter_number, letter_issued_on, valid_until, dues_paid_to, reported_on
    )
    reported_on = reported_on or local_today()
    member = _arriving_member(session, actor, wecom_userid, name, branch, status, joined_on, full_on)
    person = member.person
    transfer = MemberTransfer(
        member_id=member.id,
        kind=TransferKind.inbound,
        to_branch_id=branch.id,
        issuing_org=issuing,
        letter_number=number,
        letter_issued_on=letter_issued_on,
        valid_until=valid_until,
        dues_paid_to=dues,
        reason="持介绍信转入",
        effective_on=reported_on,
        decided_by=actor.label,
    )
    session.add(transfer)
    session.flush()
    audit.record(
        session,
        actor,
        "member.transfer_in",
        object_type="member",
        object_id=member.id,
        detail={"issuing_org": issuing, "letter": number, "branch": branch.code},
    )
    workbench.touch(session, [person])
    return transfer


def record_receipt(
    session: Session, actor: Actor, *, transfer_id: uuid.UUID, on: date | None = None
) -> MemberTransfer:
    """The 回执: sent back for an inbound letter, or come back for an outbound one."""
    if not holds(actor, "transfer.manage"):
        raise Forbidden("回执由党委组织部登记。")
    transfer = session.get(MemberTransfer, transfer_id)
    if transfer is None or transfer.kind == TransferKind.internal:
        raise NotFound()
    if transfer.receipt_on is not None:
        raise Conflict(f"回执已于 {transfer.receipt_on} 登记。")
    day = on or local_today()
    if day < transfer.effective_on or day > local_today():
        raise ValidationFailed("回执日期应在转接日期和今天之间。", field="receipt_on")
    transfer.receipt_on = day
    reminders.cancel(session, f"transfer_overdue:{transfer.id}", "回执已登记")
    audit.record(
        session,
        actor,
        "member.transfer_receipt",
        object_type="member",
        object_id=transfer.member_id,
        detail={"transfer": str(transfer.id), "on": day.isoformat()},
    )
    return transfer


def awaiting_receipt(session: Session) -> list[MemberTransfer]:
    """Letters in or out whose 回执 is not recorded yet, the oldest validity first."""
    return list(
        session.scalars(
            select(MemberTransfer)
            .where(MemberTransfer.kind != TransferKind.internal, MemberTransfer.receipt_on.is_(None))
            .order_by(MemberTransfer.valid_until, MemberTransfer.created_at)
        )
    )


def warn_overdue_letters(session: Session, today: date) -> int:
    """Daily: each letter past its validity without a 回执 warns the office once (the reminder
    engine keeps one row per person and obligation, so the next day's run adds nothing)."""
    from handlers.roles import holders_hospital_wide

    overdue = [t for t in awaiting_receipt(session) if t.valid_until is not None and t.valid_until < today]
    office = [
        people.find_by_wecom_userid(session, u) for u in holders_hospital_wide(session, Role.committee_office)
    ]
    now = utcnow()
    asks = []
    for transfer in overdue:
        person = transfer.member.person if transfer.member else None
        who = person.name if person else "党员"
        if transfer.kind == TransferKind.inbound:
            title = f"{who}的转入回执未寄回"
            reason = (
                f"{transfer.issuing_org}开具的介绍信（{transfer.letter_number}）已过有效期，"
                "回执仍未登记，请尽快寄回并登记。"
            )
        else:
            title = f"{who}的转出回执未收到"
            reason = (
                f"转往{transfer.destination}的介绍信已于 {transfer.valid_until} 过期，"
                "仍未收到回执，请联系接收党组织核实报到情况。"
            )
        for officer in office:
            if officer is None:
                continue
            asks.append(
                reminders.Ask(
                    officer,
                    "transfer_overdue",
                    f"transfer_overdue:{transfer.id}",
                    title,
                    reason,
                    links.page("admin.transfer_list"),
                    due_at=datetime.combine(today + timedelta(days=3), time(12), CHINA),
                    earliest=now,
                    latest=now + timedelta(days=2),
                    priority=ReminderPriority.low,
                )
            )
    return reminders.remind_many(session, asks, now=now)


@reminders.obligation_check("transfer_overdue")
def _receipt_recorded(session: Session, key: str) -> bool:
    transfer = session.get(MemberTransfer, uuid.UUID(key))
    return transfer is None or transfer.receipt_on is not None
