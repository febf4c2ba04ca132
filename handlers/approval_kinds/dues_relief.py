"""党费减免: a member in hardship asks to pay less or nothing for some months. The branch
discusses (its secretary decides the first step), the higher Party committee approves
(中组发〔2008〕3号: 少交或免交 … 报上级党委批准). Approval sets the owed amount of each month
it covers, in the same transaction (handlers/dues.owed reads it)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.approval_kinds.registry import (
    ApprovalKind,
    Cleaned,
    Field,
    branch_of,
    office_step,
    register,
    secretary_step,
)
from handlers.errors import ValidationFailed
from handlers.policy import Actor
from models import ApprovalRequest, DuesReliefMonth, Member, Person

REDUCE, EXEMPT = "少交", "免交"


def _clean(session: Session, person: Person, form: dict, now: datetime) -> Cleaned:
    if form["relief"] == REDUCE and form.get("monthly_amount") is None:
        raise ValidationFailed("少交党费请填写每月拟交金额。", field="monthly_amount")
    if form["relief"] == EXEMPT:
        form = {**form, "monthly_amount": None}
    title = f"{form['relief']}党费 {form['from_month']} 起 {form['months']} 个月"
    member = person.membership
    return Cleaned(form=form, org=branch_of(person), title=title, subject_id=member.id)


def _months(form: dict) -> list[date]:
    from handlers.dues import add_months

    start = date.fromisoformat(f"{form['from_month']}-01")
    return [add_months(start, n) for n in range(int(form["months"]))]


def _on_approved(session: Session, request: ApprovalRequest, actor: Actor, now: datetime) -> None:
    """Each month of the relief owes what was approved (nothing for 免交); a month an earlier
    relief already set keeps the later decision."""
    owed = Decimal(request.form["monthly_amount"] or "0").quantize(Decimal("0.01"))
    member = session.get(Member, request.subject_id) if request.subject_id else None
    if member is None:  # a request from before reliefs reached the book names its applicant only
        member = session.get(Person, request.applicant_id).membership
    for month in _months(request.form):
        row = session.scalar(
            select(DuesReliefMonth).where(
                DuesReliefMonth.member_id == member.id, DuesReliefMonth.month == month
            )
        )
        if row is None:
            session.add(DuesReliefMonth(member_id=member.id, month=month, owed=owed, approval_id=request.id))
        else:
            row.owed, row.approval_id = owed, request.id


KIND = register(
    ApprovalKind(
        name="dues_relief",
        label="党费减免",
        description="生活确有困难的党员申请少交或免交党费，支部讨论后报党委审批。",
        fields=(
            Field("relief", "减免方式", kind="choice", choices=(REDUCE, EXEMPT)),
            Field("from_month", "起始月份", kind="month"),
            Field("months", "月数", kind="int", low=1, high=12),
            Field("monthly_amount", "每月拟交金额（元）", kind="money", required=False, low=0, high=1000),
            Field("reason", "困难情况", kind="textarea", max_length=1000),
        ),
        clean=_clean,
        steps=(secretary_step("支部讨论"), office_step("党委审批")),
        summary=lambda session, request: [
            ("方式", request.form["relief"]),
            ("期间", f"{request.form['from_month']} 起 {request.form['months']} 个月"),
            ("原因", request.form["reason"][:26]),
        ],
        on_approved=_on_approved,
        after_approval="减免自起始月份生效，党费台账中这些月份的应交金额已随之调整。",
    )
)
