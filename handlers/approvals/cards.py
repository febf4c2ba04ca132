"""What deciders and applicants are told: the decision card per slot and decider, greying every
card of a decided slot, the result to the applicant."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import workbench
from handlers.approval_kinds import kind_of
from models import (
    ApprovalRequest,
    ApprovalSlot,
    OutboundMessage,
    Person,
)


def card_key(slot_id: uuid.UUID, userid: str) -> str:
    return f"approval_card:{slot_id}:{userid}"


def card_params(session: Session, request: ApprovalRequest, slot: ApprovalSlot, userid: str) -> dict:
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
    for person in people:
        session.add(
            OutboundMessage(
                kind="approval_request",
                to_users=person.wecom_userid,
                params=card_params(session, request, slot, person.wecom_userid),
                dedupe_key=card_key(slot.id, person.wecom_userid),
            )
        )
    workbench.touch(session, people)


def _grey_cards(session: Session, slot: ApprovalSlot, label: str) -> None:
    """Every card sent for this slot stops taking taps (update_template_card by its code)."""
    cards = session.scalars(
        select(OutboundMessage).where(OutboundMessage.dedupe_key.startswith(f"approval_card:{slot.id}:"))
    )
    for card in cards:
        session.add(
            OutboundMessage(
                kind="card_update",
                to_users=card.to_users,
                params={"card_key": card.dedupe_key, "replace_name": label, "fallback_text": ""},
                dedupe_key=f"approval_card_update:{slot.id}:{card.to_users}",
            )
        )
    holders = session.scalars(select(Person).where(Person.wecom_userid.in_([c.to_users for c in cards])))
    workbench.touch(session, holders)


def _tell_applicant(
    session: Session, request: ApprovalRequest, outcome: str, next_step: str, key: str
) -> None:
    session.add(
        OutboundMessage(
            kind="approval_result",
            to_users=request.applicant.wecom_userid,
            params={
                "request_id": str(request.id),
                "kind": kind_of(request.kind).label,
                "title": request.title,
                "outcome": outcome,
                "next": next_step,
            },
            dedupe_key=f"approval_result:{request.id}:{key}",
        )
    )
