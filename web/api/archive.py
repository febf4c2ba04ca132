"""/api/v1/transfers and /api/v1/participations: 组织关系转接 in and out (read), and who takes part
where (read, and recorded by the branch of record or the host), within the token's scope."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, request
from flask.typing import ResponseReturnValue

from handlers import transfers
from handlers.archive import participations
from handlers.errors import ValidationFailed
from models import MemberParticipation, MemberTransfer
from web import db_session
from web.api.frame import (
    bp,
    date_field,
    json_body,
    listing_response,
    page_args,
    parse_uuid,
    required_uuid,
    text_field,
)


def _day(value: Any) -> str | None:
    return value.isoformat() if value else None


def _transfer(t: MemberTransfer) -> dict[str, Any]:
    return {
        "id": str(t.id),
        "member_id": str(t.member_id),
        "name": t.member.person.name,
        "kind": t.kind.value,
        "from_branch_id": str(t.from_branch_id) if t.from_branch_id else None,
        "to_branch_id": str(t.to_branch_id) if t.to_branch_id else None,
        "issuing_org": t.issuing_org,
        "destination": t.destination,
        "letter_number": t.letter_number,
        "letter_issued_on": _day(t.letter_issued_on),
        "valid_until": _day(t.valid_until),
        "dues_paid_to": t.dues_paid_to,
        "receipt_on": _day(t.receipt_on),
        "effective_on": _day(t.effective_on),
    }


def _participation(p: MemberParticipation) -> dict[str, Any]:
    return {
        "id": str(p.id),
        "member_id": str(p.member_id),
        "name": p.member.person.name,
        "direction": p.direction.value,
        "kind": p.kind.value,
        "org_id": str(p.org_id) if p.org_id else None,
        "place": p.place,
        "certificate_number": p.certificate_number,
        "starts_on": _day(p.starts_on),
        "ends_on": _day(p.ends_on),
        "of_record_here": p.member.branch_id is not None,
    }


@bp.get("/transfers")
def transfer_list() -> ResponseReturnValue:
    page, per_page = page_args()
    listing = transfers.list_transfers(
        db_session(),
        g.actor,
        kind=request.args.get("kind") or None,
        awaiting=request.args.get("awaiting_receipt") == "true",
        page=page,
        per_page=per_page,
    )
    return listing_response([_transfer(t) for t in listing.items], listing.page, per_page, listing.total)


@bp.get("/transfers/<transfer_id>")
def transfer_get(transfer_id: str) -> ResponseReturnValue:
    return jsonify(
        _transfer(transfers.get_transfer(db_session(), g.actor, parse_uuid(transfer_id, "transfer_id")))
    )


@bp.get("/participations")
def participation_list() -> ResponseReturnValue:
    page, per_page = page_args()
    listing = participations.list_participations(
        db_session(),
        g.actor,
        current_only=request.args.get("current") == "true",
        direction=request.args.get("direction") or None,
        page=page,
        per_page=per_page,
    )
    return listing_response([_participation(p) for p in listing.items], listing.page, per_page, listing.total)


@bp.post("/participations")
def participation_create() -> ResponseReturnValue:
    body = json_body()
    unknown = sorted(
        set(body)
        - {
            "member_id",
            "direction",
            "kind",
            "org_id",
            "place",
            "certificate_number",
            "starts_on",
            "ends_on",
            "note",
        }
    )
    if unknown:
        raise ValidationFailed(f"不认识的字段：{'、'.join(unknown)}。", field=unknown[0])
    common = {
        "member_id": required_uuid(body, "member_id"),
        "kind": text_field(body, "kind"),
        "starts_on": date_field(body, "starts_on"),
        "ends_on": date_field(body, "ends_on"),
        "note": text_field(body, "note") or None,
    }
    direction = text_field(body, "direction")
    if direction == "away":
        row = participations.post_away(
            db_session(),
            g.actor,
            place=text_field(body, "place"),
            certificate_number=text_field(body, "certificate_number") or None,
            **common,
        )
    elif direction == "here":
        row = participations.take_part(db_session(), g.actor, org_id=required_uuid(body, "org_id"), **common)
    else:
        raise ValidationFailed("direction 取 here 或 away。", field="direction")
    return jsonify(_participation(row)), 201
