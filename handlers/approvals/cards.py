"""What deciders and applicants are told: the decision card per slot and decider, greying every
card of a decided slot, the result to the applicant."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import notify, workbench
from handlers.approval_kinds import kind_of
from models import (
    ApprovalRequest,
    ApprovalSlot,
    ApprovalStatus,
    Person,
)


def card_key(slot_id: uuid.UUID, userid: str) -> str:
    return f"approval_card:{slot_id}:{userid}"


def card_params(session: Session, request: ApprovalRequest, slot: ApprovalSlot, *, userid: str) -> dict:
    kind = kind_of(request.kind)
    return {
        "request_id": str(request.id),
        "slot_id": str(slot.id),
        "kind": kind.label,
        "applicant": request.applicant.name,
        "org": request.org.name,
        "title": request.title,
        "step": slot.step_name,
        "fields": [list(f) for f in kind.summary(session, request)][:5],
        "decider": userid,
    }


def _send_cards(
    session: Session, request: ApprovalRequest, slot: ApprovalSlot, people: Iterable[Person]
) -> None:
    people = list(people)
    for person in people:
        send_card(session, request, slot, person=person, key=card_key(slot.id, person.wecom_userid))
    workbench.touch(session, people)


def send_card(
    session: Session, request: ApprovalRequest, slot: ApprovalSlot, *, person: Person, key: str
) -> None:
    """The decision card for one decider of one slot, under `key` (its buttons carry the slot)."""
    notify.tell(
        session,
        person,
        "approval_request",
        key=key,
        **card_params(session, request, slot, userid=person.wecom_userid),
    )


def send_cards_again(
    session: Session, person: Person, slots: Iterable[ApprovalSlot], *, asked_at: object
) -> None:
    """Fresh decision cards for a decider who asked (待办): each under its own key, since the
    first card may be used up or past WeCom's 72 hours."""
    for slot in slots:
        if slot.request.status == ApprovalStatus.pending:
            key = card_key(slot.id, person.wecom_userid) + f":todo{asked_at}"
            send_card(session, slot.request, slot, person=person, key=key)


def _grey_cards(session: Session, slot: ApprovalSlot, label: str) -> None:
    """Every card sent for this slot stops taking taps (update_template_card by its code)."""
    cards = notify.cards_sent_under(session, f"approval_card:{slot.id}:")
    for card in cards:
        notify.close_card(
            session,
            card.to_users,
            card_key=card.dedupe_key,
            label=label,
            key=f"approval_card_update:{slot.id}:{card.to_users}",
        )
    holders = session.scalars(select(Person).where(Person.wecom_userid.in_([c.to_users for c in cards])))
    workbench.touch(session, holders)


def _tell_applicant(
    session: Session, request: ApprovalRequest, outcome: str, next_step: str, key: str
) -> None:
    notify.tell(
        session,
        request.applicant,
        "approval_result",
        key=f"approval_result:{request.id}:{key}",
        request_id=str(request.id),
        kind=kind_of(request.kind).label,
        title=request.title,
        outcome=outcome,
        next=next_step,
    )
