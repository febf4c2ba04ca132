"""Column maps: how another system lays out a member list (the national system, a provincial
platform). A map is a JSON file: handlers/archive/maps/ ships the national one, every column
named, cited and marked confirmed or not; a file of the same name in instance/archive_maps/
replaces it, another name adds a target. Export and import read the same map, so a member
exported and read back comes back field for field (member_cell is the one way a field is written)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handlers import exports
from handlers.archive import fields as archive_fields
from handlers.errors import Forbidden, ValidationFailed
from handlers.policy import Actor, holds
from models import Member

DEFAULT_MAPS = Path(__file__).with_name("maps")
MAX_ROWS = 10_000
PROGRESS_EVERY = 200
IDENTITY_FIELDS = {
    "name": "姓名",
    "wecom_userid": "企业微信账号",
    "id_number": "公民身份号码",
    "mobile": "联系电话",
    "branch": "所在党支部",
}
CHANGE_FIELDS = {"change_field", "change_old", "change_new", "change_at"}
TRANSFER_FIELDS = {
    "transfer_kind",
    "transfer_from",
    "transfer_to",
    "letter_number",
    "letter_issued_on",
    "valid_until",
    "dues_paid_to",
    "receipt_on",
}
MEMBER_FIELDS = set(IDENTITY_FIELDS) | set(archive_fields.BY_NAME)


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    source: str = ""
    confirmed: bool = False


@dataclass(frozen=True)
class ColumnMap:
    name: str
    label: str
    note: str
    members: tuple[Column, ...]
    changes: tuple[Column, ...] = ()
    transfers: tuple[Column, ...] = ()

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.members)


def _columns(raw: Any, allowed: set[str], where: str) -> tuple[Column, ...]:
    columns = tuple(
        Column(str(c["header"]), str(c["field"]), str(c.get("source", "")), bool(c.get("confirmed")))
        for c in raw or ()
    )
    unknown = [c.field for c in columns if c.field not in allowed]
    if unknown:
        raise ValueError(f"{where}: unknown field(s) {', '.join(unknown)}")
    headers = [c.header for c in columns]
    if len(set(headers)) != len(headers):
        raise ValueError(f"{where}: a header appears twice")
    return columns


def _load(path: Path) -> ColumnMap:
    data = json.loads(path.read_text(encoding="utf-8"))
    members = _columns(data.get("members"), MEMBER_FIELDS, f"{path.name} members")
    if "name" not in {c.field for c in members}:
        raise ValueError(f"{path.name}: the members layout needs a 姓名 column")
    return ColumnMap(
        name=data.get("name") or path.stem,
        label=data.get("label") or path.stem,
        note=data.get("note", ""),
        members=members,
        changes=_columns(
            data.get("changes"), {"name", "id_number", "wecom_userid"} | CHANGE_FIELDS, f"{path.name} changes"
        ),
        transfers=_columns(
            data.get("transfers"),
            {"name", "id_number", "wecom_userid"} | TRANSFER_FIELDS,
            f"{path.name} transfers",
        ),
    )


def column_maps(instance_dir: Path | None = None) -> dict[str, ColumnMap]:
    """The shipped maps, then the hospital's own (same name replaces, a new name adds)."""
    maps = {}
    for folder in (DEFAULT_MAPS, instance_dir):
        if folder is None or not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.json")):
            loaded = _load(path)
            maps[loaded.name] = loaded
    return maps


def column_map(name: str, instance_dir: Path | None = None) -> ColumnMap:
    maps = column_maps(instance_dir)
    if name not in maps:
        raise ValidationFailed("没有这个导出格式。", field="target")
    return maps[name]


def require_exchange(actor: Actor) -> None:
    if not holds(actor, "archive.exchange"):
        raise Forbidden("与全国和省级系统交换数据由党委组织部办理。").audited_as(actor, "archive.export")


def export_reason(reason: str | None) -> str:
    """An export carries every ID number in full: it is for a case at hand, with its reason."""
    text = (reason or "").strip()
    if len(text) < 2:
        raise ValidationFailed(
            "导出完整的党员信息须填写事由（如：报送全国党员管理信息系统）。", field="reason"
        )
    return text[:200]


def member_cell(member: Member, name: str) -> str:
    person = member.person
    if name == "name":
        return person.name
    if name == "wecom_userid":
        return person.wecom_userid
    if name == "id_number":
        return person.id_number or ""
    if name == "mobile":
        return person.mobile or ""
    if name == "branch":
        return member.branch.name if member.branch else ""
    spec = archive_fields.BY_NAME[name]
    return archive_fields.to_text(spec, archive_fields.value_of(member, spec))


def sample(target: ColumnMap) -> bytes:
    """An empty workbook with the target's header, for the office to fill or compare."""
    return exports.workbook("党员信息", target.headers, [])


def describe(target: ColumnMap) -> Iterable[tuple[str, str, str, bool]]:
    """(header, what it holds, source, confirmed) of each member column, for the console."""
    labels = IDENTITY_FIELDS | {f.name: f.label for f in archive_fields.FIELDS}
    for column in target.members:
        yield column.header, labels.get(column.field, column.field), column.source, column.confirmed
