"""主题党日/党日活动申报: plan, budget, venue. The branch secretary, then the committee office.

A budget above the rule's threshold also needs the branch's 纪检委员 to co-sign (in parallel
with the secretary). A plan the secretary files themselves skips their own step.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import rules
from handlers.approval_kinds.registry import (
    ApprovalKind,
    Cleaned,
    Field,
    SlotSpec,
    StepSpec,
    applicant_is_secretary,
    branch_of,
    branch_secretary_slot,
    office_step,
    register,
)
from handlers.errors import Forbidden, ValidationFailed
from models import ApprovalRequest, CommitteePost, CommitteeSeat, Member, Person, Role, RoleGrant


def runs_a_branch(session: Session, person: Person) -> bool:
    """The branch secretary or 组织委员 of the person's branch of record: who files a plan."""
    member = person.membership
    if member is None or member.left_at is not None or member.branch is None:
        return False
    return (
        session.scalar(
            select(RoleGrant.id).where(
                RoleGrant.person_id == person.id,
                RoleGrant.org_id == member.branch.id,
                RoleGrant.role.in_([Role.secretary, Role.organizer]),
                RoleGrant.revoked_at.is_(None),
            )
        )
        is not None
    )


def _clean(session: Session, person: Person, form: dict, now: datetime) -> Cleaned:
    branch = branch_of(person)
    if not runs_a_branch(session, person):
        raise Forbidden("活动申报由支部书记或组织委员提交。")
    if date.fromisoformat(form["held_on"]) < now.date():
        raise ValidationFailed("活动日期不能早于今天。", field="held_on")
    return Cleaned(form=form, org=branch, title=form["title"])


def _first_step(session: Session, request: ApprovalRequest) -> list[SlotSpec]:
    """The secretary (unless they filed it) and, over the threshold, the 纪检委员 co-signs."""
    slots = [] if applicant_is_secretary(session, request) else branch_secretary_slot(session, request.org)
    threshold = rules.value(session, "approval.activity_cosign_yuan", request.created_at.date())
    if Decimal(request.form["budget"]) > threshold:
        inspector = session.scalar(
            select(Member.person_id)
            .join(CommitteeSeat, CommitteeSeat.member_id == Member.id)
            .where(
                CommitteeSeat.org_id == request.org_id,
                CommitteeSeat.post == CommitteePost.discipline,
                CommitteeSeat.ended_on.is_(None),
            )
        )
        if inspector and inspector != request.applicant_id:
            slots.append(SlotSpec(person_id=inspector))
    return slots


KIND = register(
    ApprovalKind(
        name="activity_plan",
        label="活动申报",
        offered_to=runs_a_branch,
        description="主题党日等党日活动的计划、经费和地点，支部审核后报党委组织部。",
        fields=(
            Field("title", "活动名称", max_length=60),
            Field("held_on", "活动日期", kind="date"),
            Field("venue", "地点", max_length=60),
            Field("budget", "经费预算（元）", kind="money", low=0, high=100_000),
            Field("plan", "活动方案", kind="textarea", max_length=2000),
        ),
        clean=_clean,
        steps=(StepSpec("支部审核", deciders=_first_step, skip_note="申请人即支部书记"), office_step()),
        summary=lambda session, request: [
            ("活动", request.form["title"][:26]),
            ("日期", request.form["held_on"]),
            ("地点", request.form["venue"][:26]),
            ("预算", f"{request.form['budget']} 元"),
        ],
        after_approval="请按方案组织活动，活动后在会议中记录。",
    )
)
