"""发展党员报批: the branch asks the 上级党委 to decide a step of a person's way in (备案, 预审, 审批);
the office decides, one tap on the card; approval records the step (handlers/recruitment/decisions)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from handlers.approval_kinds.registry import ApprovalKind, Cleaned, Field, office_step, register
from handlers.recruitment import decisions
from handlers.recruitment.steps import STAGE_LABELS, step
from models import ApprovalRequest, Person, Recruit


def _clean(session: Session, person: Person, form: dict, now: datetime) -> Cleaned:
    recruit, number = decisions.clean(session, person, form, now)
    return Cleaned(
        form=form,
        org=recruit.org,
        title=f"{recruit.person.name}：{step(number).label}",
        subject_id=recruit.id,
        dedupe_key=f"{decisions.KIND}:{recruit.id}:{number}",
    )


def _summary(session: Session, request: ApprovalRequest) -> list[tuple[str, str]]:
    recruit = session.get(Recruit, request.subject_id)
    the_step = step(int(request.form["step"]))
    lines = [
        ("姓名", recruit.person.name),
        ("党支部", recruit.org.name[:26]),
        ("阶段", STAGE_LABELS[recruit.stage]),
        ("事项", f"第{the_step.number}步 {the_step.label}"),
    ]
    if request.form.get("note"):
        lines.append(("说明", request.form["note"][:26]))
    return lines


KIND = register(
    ApprovalKind(
        name=decisions.KIND,
        label="发展党员报批",
        description="支部将发展党员的备案、预审、审批事项报党委组织部，党委组织部审批后记入纪实。",
        fields=(
            Field("recruit", "发展对象", kind="hidden", max_length=40),
            Field("step", "步骤", kind="int", low=1, high=25),
            Field("note", "报送说明", kind="textarea", required=False, max_length=500),
        ),
        clean=_clean,
        steps=(office_step(),),
        summary=_summary,
        on_approved=decisions.approved,
        after_approval="已记入发展党员纪实。",
        after_rejection="请按党委组织部的意见补充材料后重新报送。",
        listed=False,
    )
)
