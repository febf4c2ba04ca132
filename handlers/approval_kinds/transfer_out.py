"""组织关系转出: a member moving to another unit asks to transfer out. On the committee
office's approval the member's 转出 record starts (handlers/transfers), with its history;
the letter itself is issued in the national system."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from handlers.approval_kinds.registry import (
    ApprovalKind,
    Cleaned,
    Field,
    branch_of,
    in_the_office_name,
    office_step,
    register,
    secretary_step,
)
from handlers.policy import Actor
from models import ApprovalRequest, Person

REASONS = ("工作调动", "升学", "退休迁居", "其他")


def _clean(session: Session, person: Person, form: dict, now: datetime) -> Cleaned:
    return Cleaned(
        form=form,
        org=branch_of(person),
        title=f"转往{form['destination']}",
        subject_id=person.membership.id,
        dedupe_key=f"transfer_out:{person.membership.id}",
    )


def _on_approved(session: Session, request: ApprovalRequest, actor: Actor, now: datetime) -> None:
    from handlers import transfers

    transfers.transfer_out(
        session,
        in_the_office_name(actor),
        member_id=request.subject_id,
        destination=request.form["destination"],
        reason=f"{request.form['reason']}：{request.form.get('note') or ''}".rstrip("："),
        effective_on=date.fromisoformat(request.form["leave_on"]),
    )


KIND = register(
    ApprovalKind(
        name="transfer_out",
        label="组织关系转出",
        description="调离、升学等需要转出党组织关系时申请，支部同意后由党委组织部审批。",
        fields=(
            Field("destination", "转往的党组织", max_length=100),
            Field("reason", "转出原因", kind="choice", choices=REASONS),
            Field("leave_on", "离开日期", kind="date"),
            Field("note", "说明", kind="textarea", required=False, max_length=500),
        ),
        clean=_clean,
        steps=(secretary_step(), office_step()),
        summary=lambda session, request: [
            ("转往", request.form["destination"][:26]),
            ("原因", request.form["reason"]),
            ("日期", request.form["leave_on"]),
        ],
        on_approved=_on_approved,
        after_approval="党委组织部将在全国党员管理信息系统中开具介绍信，请留意通知。",
    )
)
