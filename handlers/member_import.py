"""Importing members from the console's workbook: every row checked first, then all or nothing.

The template's columns are fixed (TEMPLATE_COLUMNS). A file with any bad row writes nothing
and comes back with a per-row report in Chinese; a clean file is applied in one transaction
through the same use-cases as a single entry (validation, encryption, audit).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import audit, exports, people
from handlers.errors import DomainError, Forbidden, ValidationFailed
from handlers.policy import Actor, can, holds
from handlers.tables import CONTROL_PROBLEM, RowProblem, check_archive, control_column, workbook_rows
from handlers.validation import validate_id_number, validate_mobile
from models import MemberStatus, OrgKind, PartyOrg

TEMPLATE_COLUMNS = (
    "姓名",
    "企业微信账号",
    "身份证号",
    "手机号",
    "所在支部代码",
    "党员类别",
    "入党日期",
    "班组",
)
STATUS_WORDS = {"正式党员": MemberStatus.full, "预备党员": MemberStatus.probationary}
MAX_ROWS = 5000
#: How often a long import reports how far it got (rows).
PROGRESS_EVERY = 50

#: progress(phase, rows done, rows in the file or None): phase is "check" or "apply".
Progress = Callable[[str, int, int | None], None]


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def template() -> bytes:
    sample = [
        "张三",
        "zhangsan",
        "110101199001011237",
        "13800138000",
        "NK01",
        "正式党员",
        "2010-07-01",
        "白班组",
    ]
    return exports.workbook("党员", TEMPLATE_COLUMNS, [sample])


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel turns long digit strings typed as numbers into floats
    return str(value).strip()


def _date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(_text(value))
    except ValueError:
        raise ValidationFailed("入党日期应为 2010-07-01 的格式。") from None


def _sheet(content: bytes) -> Any:
    check_archive(content)  # before openpyxl opens it (handlers/tables.py)
    try:
        return load_workbook(BytesIO(content), read_only=True, data_only=True).worksheets[0]
    except Exception:  # noqa: BLE001 - any unreadable upload gets the same clear answer
        raise ValidationFailed(
            "无法读取该文件，请使用从本页下载的 Excel 模板（.xlsx）。", field="file"
        ) from None


def row_count(content: bytes) -> int:
    """Data rows the file says it has (its dimension; 0 when unreadable or unknown)."""
    try:
        return max((_sheet(content).max_row or 1) - 1, 0)
    except ValidationFailed:
        return 0


def _no_progress(phase: str, done: int, total: int | None) -> None:
    return None


def import_members(
    session: Session, actor: Actor, content: bytes, *, progress: Progress = _no_progress
) -> ImportReport:
    """Check every row, then apply them all in the caller's transaction, or none."""
    if not holds(actor, "member.edit"):
        raise Forbidden("您无权导入党员。")
    total = max((_sheet(content).max_row or 1) - 1, 0) or None
    rows = workbook_rows(content)  # streamed, with the one reader's limits
    header = tuple(_text(c) for c in next(rows, ()) or ())
    if header[: len(TEMPLATE_COLUMNS)] != TEMPLATE_COLUMNS:
        raise ValidationFailed("表头与模板不一致，请使用从本页下载的模板。", field="file")
    report = ImportReport()
    planned: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    branches: dict[str, PartyOrg | None] = {}
    for number, raw in enumerate(rows, start=2):
        cells = [_text(c) if i != 6 else c for i, c in enumerate((raw or ())[: len(TEMPLATE_COLUMNS)])]
        if not any(cells):
            continue
        report.rows += 1
        if report.rows % PROGRESS_EVERY == 0:
            progress("check", report.rows, total)
        if report.rows > MAX_ROWS:
            raise ValidationFailed(f"一次最多导入 {MAX_ROWS} 行，请分批导入。", field="file")
        cells += [""] * (len(TEMPLATE_COLUMNS) - len(cells))
        column = control_column(cells)
        if column:
            report.problems.append(RowProblem(number, CONTROL_PROBLEM.format(column=column)))
            continue
        try:
            planned.append(_check_row(session, actor, cells, number, seen, branches))
        except DomainError as problem:
            report.problems.append(RowProblem(number, problem.message))
    if report.ok:
        for done, row in enumerate(planned, start=1):
            _apply(session, actor, row)
            if done % PROGRESS_EVERY == 0:
                progress("apply", done, len(planned))
        report.imported = len(planned)
        audit.record(session, actor, "member.import", detail={"rows": report.imported})
    return report


def _check_row(
    session: Session,
    actor: Actor,
    cells: list[Any],
    number: int,
    seen: dict[str, int],
    branches: dict[str, PartyOrg | None],
) -> dict[str, Any]:
    name, userid, id_number, mobile, branch_code, kind, joined, shift = cells
    if not name or not userid:
        raise ValidationFailed("姓名和企业微信账号不能为空。")
    id_number = validate_id_number(id_number) if id_number else None
    mobile = validate_mobile(mobile) if mobile else None
    for key in (f"userid:{userid}", f"id:{id_number}" if id_number else None):
        if key and key in seen:
            raise ValidationFailed(
                f"与第 {seen[key]} 行重复（{'企业微信账号' if key.startswith('userid') else '身份证号'}）。"
            )
        if key:
            seen[key] = number
    if branch_code not in branches:
        branches[branch_code] = session.scalar(select(PartyOrg).where(PartyOrg.code == branch_code))
    branch = branches[branch_code]
    if branch is None or branch.kind != OrgKind.branch or branch.dissolved_at is not None:
        raise ValidationFailed(f"支部代码 {branch_code or '（空）'} 不存在或不是党支部。")
    if not can(session, actor, "member.edit", obj=branch):
        raise ValidationFailed(f"您无权在 {branch.name} 登记党员。")
    if kind not in STATUS_WORDS:
        raise ValidationFailed("党员类别应为“正式党员”或“预备党员”。")
    existing = people.find_by_wecom_userid(session, userid)
    if existing is not None and existing.membership is not None:
        raise ValidationFailed(f"{existing.name}（{userid}）已是党员。")
    if id_number and existing is None and people.find_by_id_number(session, id_number) is not None:
        raise ValidationFailed("该身份证号已登记在另一名职工名下。")
    return {
        "name": name, "userid": userid, "id_number": id_number, "mobile": mobile, "branch": branch,
        "status": STATUS_WORDS[kind], "joined": _date(joined), "shift": shift or None,
    }  # fmt: skip


def _apply(session: Session, actor: Actor, row: dict[str, Any]) -> None:
    people.enrol_staff(
        session,
        actor,
        wecom_userid=row["userid"],
        name=row["name"],
        branch=row["branch"],
        status=row["status"],
        id_number=row["id_number"],
        mobile=row["mobile"],
        joined_on=row["joined"],
        shift_group=row["shift"],
    )


EXPORT_COLUMNS = (
    "姓名",
    "企业微信账号",
    "所在支部",
    "党员类别",
    "入党日期",
    "班组",
    "手机号",
    "身份证号",
    "状态",
)


def export_members(
    session: Session, actor: Actor, listing: list[Any], *, reveal_reason: str | None = None
) -> bytes:
    """The members the actor is looking at, as a workbook.

    Sensitive columns are masked, unless a reason is given and the actor's role allows an
    export in full (policy "member.export": the committee office): then each row within the
    actor's scope is in full and any other stays masked. Either way the export is audited,
    with the reason and how many rows were in full.
    """
    from handlers.members import masked_identity

    if reveal_reason is not None:
        if not holds(actor, "member.export"):
            raise Forbidden("您无权导出完整的敏感信息。").audited_as(
                actor, "member.export", detail={"masked": False}
            )
        reveal_reason = reveal_reason.strip()
        if len(reveal_reason) < 2:
            raise ValidationFailed("导出完整敏感信息须填写事由。", field="reason")
    rows = []
    in_full = 0
    for member in listing:
        person = member.person
        if reveal_reason is not None and can(session, actor, "member.export", obj=person):
            mobile, id_number = person.mobile or "", person.id_number or ""
            in_full += 1
        else:
            masked = masked_identity(person)
            mobile, id_number = masked["mobile"], masked["id_number"]
        rows.append(
            [
                person.name, person.wecom_userid,
                member.branch.name if member.branch else f"外单位（{member.record_org_name}）",
                "预备党员" if member.status == MemberStatus.probationary else "正式党员",
                member.joined_on.isoformat() if member.joined_on else "", member.shift_group or "",
                mobile, id_number, "在职" if person.is_active else "已离开通讯录",
            ]
        )  # fmt: skip
    detail: dict[str, Any] = {"rows": len(listing), "masked": in_full == 0}
    if reveal_reason is not None:
        detail.update(in_full=in_full, reason=reveal_reason[:200])
    audit.record(session, actor, "member.export", detail=detail)
    return exports.workbook("党员", EXPORT_COLUMNS, rows)
