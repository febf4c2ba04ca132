"""/api/v1/approvals: list, read, create on a member's behalf, and decide.

An OA system files a request for a member (identified by WeCom userid, inside the token's
scope); the request then runs exactly as if the member had filed it on the phone. A token
decides a step when it holds that step's role (a committee-office token for 党委组织部审批).
"""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, request
from flask.typing import ResponseReturnValue

from handlers import approvals, people
from handlers.approval_kinds import kind_of
from handlers.errors import Forbidden, ValidationFailed
from handlers.policy import can
from models import ApprovalRequest
from web import db_session
from web.api.frame import bp, json_body, listing_response, page_args, parse_uuid, text_field


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment else None


def _request(found: ApprovalRequest) -> dict[str, Any]:
    return {
        "id": str(found.id),
        "kind": found.kind,
        "title": found.title,
        "org_id": str(found.org_id),
        "applicant_userid": found.applicant.wecom_userid,
        "status": found.status.value,
        "round": found.round,
        "current_step": approvals.current_step_name(found) or None,
        "form": found.form,
        "submitted_at": _iso(found.submitted_at),
        "closed_at": _iso(found.closed_at),
        "steps": [
            {
                "slot_id": str(s.id),
                "step": s.step_name,
                "status": s.status.value,
                "due_at": _iso(s.due_at),
                "decided_by": s.decided_by,
                "decided_at": _iso(s.decided_at),
                "comment": s.comment,
            }
            for s in found.slots
            if s.round == found.round
        ],
    }


@bp.get("/approvals")
def approval_list() -> ResponseReturnValue:
    page, per_page = page_args()
    listing = approvals.page_of(
        db_session(),
        g.actor,
        page=page,
        per_page=per_page,
        kind=request.args.get("kind") or None,
        status=request.args.get("status") or None,
        org_id=parse_uuid(request.args.get("org_id"), "org_id"),
        overdue_only=request.args.get("overdue") == "true",
    )
    return listing_response([_request(r) for r in listing.items], listing.page, per_page, listing.total)


@bp.get("/approvals/<request_id>")
def approval_get(request_id: str) -> ResponseReturnValue:
    return jsonify(
        _request(approvals.get_request(db_session(), g.actor, parse_uuid(request_id, "request_id")))
    )


@bp.post("/approvals")
def approval_create() -> ResponseReturnValue:
    body = json_body()
    kind = kind_of(text_field(body, "kind"))
    if not kind.listed:
        raise ValidationFailed(f"{kind.label}由党员本人在相关页面提出，不能通过接口代为提交。", field="kind")
    form = body.get("form")
    if not isinstance(form, dict):
        raise ValidationFailed("form 应为对象。", field="form")
    applicant = people.find_by_wecom_userid(db_session(), text_field(body, "applicant_userid"))
    if applicant is None or not can(db_session(), g.actor, "approval.view", obj=applicant):
        raise Forbidden("申请人不存在，或不在令牌的权限范围内。")
    created = approvals.submit(
        db_session(), applicant, kind.name, raw_form={k: str(v) for k, v in form.items()}, actor=g.actor
    )
    return jsonify(_request(created)), 201


@bp.post("/approvals/<request_id>/decision")
def approval_decide(request_id: str) -> ResponseReturnValue:
    body = json_body()
    if not isinstance(body.get("approve"), bool):
        raise ValidationFailed("approve 应为 true 或 false。", field="approve")
    slot = approvals.slot_of(
        db_session(),
        request_id=parse_uuid(request_id, "request_id"),
        slot_id=parse_uuid(text_field(body, "slot_id"), "slot_id"),
    )
    decided = approvals.decide(
        db_session(), g.actor, slot_id=slot.id, approve=body["approve"], comment=text_field(body, "comment")
    )
    return jsonify(_request(decided))
