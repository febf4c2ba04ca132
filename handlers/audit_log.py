"""The audit trail as an auditor reads it: every action code in Chinese, the object by its name,
the details as Chinese key/value pairs and the result as 成功 or 拒绝 — on the page and in the
CSV alike. The codes stay what they are in the chain (audit.py hashes them); only their reading
is here. tests/test_audit_log.py fails when an action recorded anywhere has no label here."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.audit_labels import (  # noqa: F401  (the labels are read through here too)
    ACTION_LABELS,
    DETAIL_LABELS,
    OBJECT_LABELS,
    RESULT_LABELS,
    VALUE_LABELS,
)
from handlers.reminders import CATEGORY_LABELS
from handlers.rules import RULES
from models import (
    ApiToken,
    ApprovalRequest,
    AuditEvent,
    Campaign,
    Campus,
    Lesson,
    Meeting,
    Member,
    PartyOrg,
    Person,
    TrainingDay,
    Venue,
)


@dataclass(frozen=True)
class AuditLine:
    """One event as the page and the CSV show it."""

    event: AuditEvent
    action: str
    object_kind: str
    object_name: str
    result: str
    details: list[tuple[str, str]]
    #: What the object's name opens: (kind, id) — a person opens their member record.
    link: tuple[str, str] | None = None


def action_label(code: str) -> str:
    return ACTION_LABELS.get(code, code)


def action_choices() -> list[tuple[str, str]]:
    """The filter's choices: every action, by its label."""
    return sorted(ACTION_LABELS.items(), key=lambda item: item[1])


def _ids(values: set[str]) -> list[uuid.UUID]:
    ids = []
    for value in values:
        try:
            ids.append(uuid.UUID(value))
        except (TypeError, ValueError):
            continue
    return ids


#: How each kind of object is named: (model, the attribute that names it).
NAMERS = {
    "person": (Person, "name"),
    "party_org": (PartyOrg, "name"),
    "meeting": (Meeting, "topic"),
    "approval": (ApprovalRequest, "title"),
    "lesson": (Lesson, "title"),
    "campaign": (Campaign, "title"),
    "api_token": (ApiToken, "name"),
    "training_day": (TrainingDay, "title"),
    "campus": (Campus, "name"),
    "venue": (Venue, "name"),
}


def _names(session: Session, events: list[AuditEvent], detail_ids: set[str]) -> dict[str, str]:
    """Every object's name by id, in one query per kind; ids inside details are looked up as
    党组织, people and members (the ones details carry)."""
    wanted: dict[str, set[str]] = {}
    for e in events:
        if e.object_type in NAMERS and e.object_id:
            wanted.setdefault(e.object_type, set()).add(e.object_id)
    for kind in ("party_org", "person"):
        wanted.setdefault(kind, set()).update(detail_ids)
    names: dict[str, str] = {}
    for kind, ids in wanted.items():
        model, attribute = NAMERS[kind]
        column = getattr(model, attribute)
        for key, name in session.execute(select(model.id, column).where(model.id.in_(_ids(ids)))):
            names[str(key)] = name
    members = detail_ids | {e.object_id for e in events if e.object_type == "member" and e.object_id}
    for member_id, name in session.execute(
        select(Member.id, Person.name)
        .join(Person, Person.id == Member.person_id)
        .where(Member.id.in_(_ids(members)))
    ):
        names[str(member_id)] = name
    return names


def _object_name(event: AuditEvent, names: dict[str, str]) -> str:
    """The object as its reader knows it: a name, a rule's label, a month — never a bare id."""
    key = event.object_id or ""
    if not key:
        return ""
    if event.object_type in NAMERS or event.object_type == "member":
        return names.get(key, "（已删除）")
    if event.object_type == "rule":
        return RULES[key].label_text if key in RULES else key
    if event.object_type == "reminder_category":
        return CATEGORY_LABELS.get(key, key)
    if event.object_type == "roster":
        return "一次排班导入"
    return key


def objects_named(session: Session, text: str, limit: int = 500) -> list[str]:
    """The ids of the objects whose name contains `text` (a person, an org, a meeting, …), or
    the text itself when it is an id or a code (a rule key, a month): the audit page's object
    filter. Names are searched only by someone who may read the trail anyway."""
    found = [text]
    for model, attribute in NAMERS.values():
        column = getattr(model, attribute)
        found += [
            str(i)
            for i in session.scalars(
                select(model.id).where(column.contains(text, autoescape=True)).limit(limit)
            )
        ]
    found += [
        str(i)
        for i in session.scalars(
            select(Member.id)
            .join(Person, Person.id == Member.person_id)
            .where(Person.name.contains(text, autoescape=True))
            .limit(limit)
        )
    ]
    found += [key for key, rule in RULES.items() if text in rule.label]
    return found


def _value_text(value: Any, names: dict[str, str]) -> str:
    if isinstance(value, list):
        return "、".join(_value_text(v, names) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{DETAIL_LABELS.get(k, k)}：{_value_text(v, names)}" for k, v in value.items())
    text = str(value)
    return names.get(text) or VALUE_LABELS.get(text) or text


def _detail_of(event: AuditEvent) -> dict[str, Any]:
    if not event.detail:
        return {}
    try:
        parsed = json.loads(event.detail)
    except ValueError:
        return {"value": event.detail}
    return parsed if isinstance(parsed, dict) else {"value": parsed}


LINKED = {"party_org", "meeting", "approval", "lesson", "campaign", "member", "venue"}


def _links(session: Session, events: list[AuditEvent]) -> dict[int, tuple[str, str]]:
    people = {e.object_id for e in events if e.object_type == "person" and e.object_id}
    member_of = {
        str(person_id): str(member_id)
        for member_id, person_id in session.execute(
            select(Member.id, Member.person_id).where(Member.person_id.in_(_ids(people)))
        )
    }
    links = {}
    for e in events:
        if e.object_type in LINKED and e.object_id:
            links[e.id] = (e.object_type, e.object_id)
        elif e.object_type == "person" and e.object_id in member_of:
            links[e.id] = ("member", member_of[e.object_id])
    return links


def read(session: Session, events: list[AuditEvent]) -> list[AuditLine]:
    """The events as lines an auditor reads, names looked up in bulk."""
    details = [_detail_of(e) for e in events]
    detail_ids: set[str] = set()
    for detail in details:
        for value in detail.values():
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and len(item) == 36:
                    detail_ids.add(item)
    names = _names(session, events, detail_ids)
    links = _links(session, events)
    lines = []
    for event, detail in zip(events, details, strict=True):
        kind = OBJECT_LABELS.get(event.object_type or "", event.object_type or "")
        lines.append(
            AuditLine(
                event=event,
                action=action_label(event.action),
                object_kind=kind,
                object_name=_object_name(event, names),
                result=RESULT_LABELS.get(event.result, event.result),
                details=[(DETAIL_LABELS.get(k, k), _value_text(v, names)) for k, v in detail.items()],
                link=links.get(event.id) if _object_name(event, names) != "（已删除）" else None,
            )
        )
    return lines
