"""档案更正: a member finds a field of 我的档案 wrong and asks their branch of record to correct it.

For an ordinary field the request carries the right value, checked as the archive checks it, and
approval writes it (with its history row) in the same transaction. A sensitive field (民族, 出生日期)
is never written into the request — approval forms are not encrypted — so the request names the
field only and the branch corrects it in the console against the member's original papers.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from handlers.approval_kinds.registry import ApprovalKind, Cleaned, Field, branch_of, register, secretary_step
from handlers.errors import ValidationFailed
from handlers.policy import Actor
from models import ApprovalRequest, Person

#: What a member may ask to correct: every archive field but the markers the branch keeps.
CORRECTABLE = (
    "性别",
    "民族",
    "出生日期",
    "籍贯",
    "学历",
    "学位",
    "岗位",
    "技术职称",
    "申请入党日期",
    "入党日期",
    "转正日期",
    "党内职务",
)


def _spec(label: str):
    from handlers.archive.fields import BY_LABEL

    return BY_LABEL[label]


def _clean(session: Session, person: Person, form: dict, now: datetime) -> Cleaned:
    from handlers.archive import fields

    org = branch_of(person)
    spec = _spec(form["field"])
    if spec.sensitive:
        if form.get("value"):
            raise ValidationFailed(
                f"{spec.label}属于敏感信息，请不要在申请中填写，支部会与您当面核对原件。", field="value"
            )
    else:
        if not form.get("value"):
            raise ValidationFailed("请填写正确的内容。", field="value")
        value = fields.parse(spec, form["value"])
        fields.check_record(fields.current_values(person.membership) | {spec.name: value})
        form = form | {"value": fields.to_text(spec, value)}
    return Cleaned(
        form=form,
        org=org,
        title=f"更正档案：{spec.label}",
        subject_id=person.membership.id,
        dedupe_key=f"archive_correction:{person.membership.id}:{spec.name}",
    )


def _on_approved(session: Session, request: ApprovalRequest, actor: Actor, now: datetime) -> None:
    from handlers.archive import fields
    from models import Member

    spec = _spec(request.form["field"])
    if spec.sensitive:
        return  # corrected by the branch in the console, from the papers
    member = session.get(Member, request.subject_id)
    fields.apply(
        session,
        actor,
        member,
        {spec.name: fields.parse(spec, request.form["value"])},
        source="correction",
        reason=f"本人申请更正（{request.form.get('note') or '无说明'}）"[:200],
    )


def _summary(session: Session, request: ApprovalRequest) -> list[tuple[str, str]]:
    lines = [("更正项目", request.form["field"])]
    if request.form.get("value"):
        lines.append(("正确内容", request.form["value"][:26]))
    if request.form.get("note"):
        lines.append(("说明", request.form["note"][:26]))
    return lines


KIND = register(
    ApprovalKind(
        name="archive_correction",
        label="档案更正",
        description="我的档案中有信息不对，请所在支部更正。民族、出生日期属敏感信息，只选项目、不填内容，支部会当面核对原件。",
        fields=(
            Field("field", "更正项目", kind="choice", choices=CORRECTABLE),
            Field(
                "value",
                "正确内容",
                required=False,
                max_length=60,
                hint="如：大学本科；日期写作 2010-07-01",
            ),
            Field("note", "说明", kind="textarea", required=False, max_length=500),
        ),
        clean=_clean,
        steps=(secretary_step(),),
        summary=_summary,
        on_approved=_on_approved,
        after_approval="普通项目已在档案中更正；敏感项目由支部核对原件后更正。",
    )
)
