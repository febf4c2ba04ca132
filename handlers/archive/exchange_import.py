"""Reading a member list exported from the national system (or a provincial platform) into the
archive: every row checked first — unknown 民族 or 学历, a 转正日期 before the 入党日期, an ID number
already on someone else, a branch that does not exist — and nothing written until the whole
file is clean; a dry run writes nothing at all and says what would change."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from handlers import audit, people
from handlers.archive import fields as archive_fields
from handlers.archive.column_maps import MAX_ROWS, PROGRESS_EVERY, ColumnMap, require_exchange
from handlers.errors import DomainError, ValidationFailed
from handlers.policy import Actor, can
from handlers.tables import CONTROL_PROBLEM, RowProblem, control_column, read_table
from handlers.validation import validate_id_number, validate_mobile
from models import Member, OrgKind, PartyOrg, Person

#: progress(phase, rows done, rows in the file or None)
Progress = Callable[[str, int, int | None], None]
#: Rows with a change listed on the result page (the counts cover all of them).
SHOWN_ROWS = 500


@dataclass
class PlannedRow:
    line: int
    name: str
    #: "新增" or "更新" or "无变化"
    action: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    member: Member | None = None
    person: Person | None = None
    identity: dict[str, Any] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    branch: PartyOrg | None = None


@dataclass
class ExchangeReport:
    rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    planned: list[PlannedRow] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, action: str) -> int:
        return sum(1 for p in self.planned if p.action == action)

    def summary(self, shown: int = SHOWN_ROWS) -> dict[str, Any]:
        """What the console shows of the result (plain data: a background import keeps it in Redis)."""
        return {
            "rows": self.rows,
            "ok": self.ok,
            "applied": self.applied,
            "problems": [list(p) for p in self.problems],
            "counts": {a: self.count(a) for a in ("新增", "更新", "无变化")},
            "planned": [
                [p.line, p.name, p.action, p.changes[:8], len(p.changes)]
                for p in self.planned
                if p.action != "无变化"
            ][:shown],
        }


class _Lookups:
    """What every row is checked against, read once per file (5,000 rows, not 5,000 queries)."""

    def __init__(self, session: Session) -> None:
        people_rows = session.scalars(select(Person).options(joinedload(Person.membership))).unique().all()
        self.by_userid = {p.wecom_userid: p for p in people_rows}
        self.by_id_number = {}
        for person in people_rows:
            if person.id_number_ciphertext is not None:
                self.by_id_number[person.id_number] = person
        branches = session.scalars(
            select(PartyOrg).where(PartyOrg.kind == OrgKind.branch, PartyOrg.dissolved_at.is_(None))
        ).all()
        by_name: dict[str, list[PartyOrg]] = {}
        for branch in branches:
            by_name.setdefault(branch.name, []).append(branch)
        # A name two live branches share cannot say which one is meant: refused by row (None).
        self.branches: dict[str, PartyOrg | None] = {b.code: b for b in branches} | {
            name: found[0] if len(found) == 1 else None for name, found in by_name.items()
        }


def _cell(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel turns long digit strings into numbers
    if isinstance(value, (date, datetime)):
        return value
    return "" if value is None else str(value).strip()


def import_members(
    session: Session,
    actor: Actor,
    filename: str,
    content: bytes,
    target: ColumnMap,
    *,
    dry_run: bool,
    progress: Progress | None = None,
) -> ExchangeReport:
    """Read a member list in the target's layout into the archive: every row checked first; then,
    unless it is a dry run or a row has a problem, applied in the caller's transaction."""
    require_exchange(actor)
    raw_rows = read_table(filename, content, columns=target.headers, max_rows=MAX_ROWS)
    report = ExchangeReport()
    lookups = _Lookups(session)
    seen: dict[str, int] = {}
    for done, (line, cells) in enumerate(raw_rows, start=1):
        report.rows += 1
        if progress and done % PROGRESS_EVERY == 0:
            progress("check", done, len(raw_rows))
        column = control_column(cells)
        if column:
            report.problems.append(RowProblem(line, CONTROL_PROBLEM.format(column=column)))
            continue
        values = {c.field: _cell(cells[i]) if i < len(cells) else "" for i, c in enumerate(target.members)}
        try:
            report.planned.append(_plan_row(session, actor, line, values, lookups, seen))
        except DomainError as problem:
            report.problems.append(RowProblem(line, problem.message))
    if report.ok and not dry_run:
        for done, planned in enumerate(report.planned, start=1):
            _apply(session, actor, planned)
            if progress and done % PROGRESS_EVERY == 0:
                progress("apply", done, len(report.planned))
        report.applied = True
    audit.record(
        session,
        actor,
        "archive.import",
        detail={
            "target": target.name,
            "rows": report.rows,
            "problems": len(report.problems),
            "dry_run": dry_run,
            "applied": report.applied,
            "new": report.count("新增"),
            "updated": report.count("更新"),
        },
    )
    return report


def _plan_row(
    session: Session, actor: Actor, line: int, raw: dict[str, Any], lookups: _Lookups, seen: dict[str, int]
) -> PlannedRow:
    name = str(raw.get("name") or "").strip()
    if not name:
        raise ValidationFailed("姓名不能为空。")
    userid = str(raw.get("wecom_userid") or "").strip()
    id_number = validate_id_number(str(raw["id_number"])) if raw.get("id_number") else None
    mobile = validate_mobile(str(raw["mobile"])) if raw.get("mobile") else None
    for key, label in ((userid, "企业微信账号"), (id_number, "公民身份号码")):
        if key and f"{label}:{key}" in seen:
            raise ValidationFailed(f"与第 {seen[f'{label}:{key}']} 行重复（{label}）。")
        if key:
            seen[f"{label}:{key}"] = line
    values = archive_fields.parse_all({k: v for k, v in raw.items() if k in archive_fields.BY_NAME})
    # A row names its person by WeCom account when it has one, else by ID number (the national
    # system's key); an ID number that belongs to someone else is refused, never merged.
    person = lookups.by_userid.get(userid) if userid else lookups.by_id_number.get(id_number or "")
    holder = lookups.by_id_number.get(id_number) if id_number else None
    if holder is not None and holder is not person:
        raise ValidationFailed(f"公民身份号码已登记在另一名职工（{holder.name}）名下。")
    if person is not None and id_number and person.id_number and person.id_number != id_number:
        raise ValidationFailed("公民身份号码与本院记录不一致，请核对后在档案中更正。")
    if person is not None and person.name != name:
        raise ValidationFailed(f"姓名与本院记录（{person.name}）不一致。")
    if person is None and not userid:
        raise ValidationFailed("本院找不到该职工：请先同步企业微信通讯录，或在表中填写“企业微信账号”列。")
    branch = None
    if "branch" in raw:
        branch_name = str(raw.get("branch") or "").strip()
        branch = lookups.branches.get(branch_name)
        if branch is None:
            raise ValidationFailed(
                f"所在党支部“{branch_name[:30] or '（空）'}”不存在、已撤销或与其他支部重名。"
            )
        if not can(session, actor, "archive.exchange", obj=branch):
            raise ValidationFailed(f"您无权导入 {branch.name} 的党员。")
    member = person.membership if person is not None else None
    if member is not None and member.left_at is not None:
        raise ValidationFailed(f"{person.name} 的组织关系已转出本院，请按组织关系转入办理。")
    if member is not None and branch is not None and member.branch_id != branch.id:
        raise ValidationFailed(
            f"{person.name} 在本院的所在支部是 {member.branch.name if member.branch else '外单位'}，"
            "支部变动请按组织关系转接办理。"
        )
    if member is None and branch is None:
        raise ValidationFailed("新党员须填写所在党支部。")
    current = archive_fields.current_values(member) if member is not None else {}
    if member is None and person is not None:
        current = {"birth_date": person.birth_date}
    archive_fields.check_record(current | values)
    planned = PlannedRow(
        line,
        name,
        "新增" if member is None else "无变化",
        member=member,
        person=person,
        identity={"name": name, "wecom_userid": userid, "id_number": id_number, "mobile": mobile},
        values=values,
        branch=branch,
    )
    for key, new in values.items():
        spec = archive_fields.BY_NAME[key]
        old = current.get(key)
        if old != new and not (old is None and new in (None, False)):
            shown_old = "已加密" if spec.sensitive else archive_fields.to_text(spec, old)
            shown_new = "已加密" if spec.sensitive else archive_fields.to_text(spec, new)
            planned.changes.append((spec.label, shown_old or "（空）", shown_new or "（空）"))
    if member is not None and planned.changes:
        planned.action = "更新"
    return planned


def _apply(session: Session, actor: Actor, row: PlannedRow) -> None:
    identity = row.identity
    person = row.person
    if person is None:
        person = people.create_person(
            session,
            actor,
            wecom_userid=identity["wecom_userid"],
            name=identity["name"],
            id_number=identity["id_number"],
            mobile=identity["mobile"],
        )
    else:
        if identity["id_number"] and not person.id_number:
            person.id_number = identity["id_number"]
        if identity["mobile"] and not person.mobile:
            person.mobile = identity["mobile"]
    member = row.member
    if member is None:
        member = people.enrol_member(
            session, actor, person=person, branch=row.branch, status=row.values.get("status") or "full"
        )
    archive_fields.apply(session, actor, member, row.values, source="import", reason="从外部系统导入")
