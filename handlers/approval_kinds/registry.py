"""The registry of approval kinds and what a kind is made of: its form's fields, the check that
cleans a submission, its steps of slots, its effects."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from handlers.errors import NotFound, ValidationFailed
from models import ApprovalRequest, PartyOrg, Person, Role

if TYPE_CHECKING:
    from handlers.policy import Actor


@dataclass(frozen=True)
class Field:
    """One form field. kind: text, textarea, date, month, money, int, choice, hidden."""

    name: str
    label: str
    kind: str = "text"
    required: bool = True
    max_length: int = 100
    choices: tuple[str, ...] = ()
    low: int = 0
    high: int = 100_000
    hint: str = ""

    def clean(self, raw: Any) -> Any:
        text = "" if raw is None else str(raw).strip()
        if not text:
            if self.required:
                raise ValidationFailed(f"请填写{self.label}。", field=self.name)
            return None
        if len(text) > self.max_length and self.kind not in ("date", "month"):
            raise ValidationFailed(f"{self.label}不能超过{self.max_length}字。", field=self.name)
        if self.kind == "date":
            try:
                return date.fromisoformat(text).isoformat()
            except ValueError:
                raise ValidationFailed(f"{self.label}格式应为 2026-01-31。", field=self.name) from None
        if self.kind == "month":
            if not re.fullmatch(r"20\d\d-(0[1-9]|1[0-2])", text):
                raise ValidationFailed(f"{self.label}格式应为 2026-01。", field=self.name)
            return text
        if self.kind == "money":
            try:
                amount = Decimal(text)
            except InvalidOperation:
                raise ValidationFailed(f"{self.label}应为金额（元），如 1200.50。", field=self.name) from None
            if not (self.low <= amount <= self.high) or amount.as_tuple().exponent < -2:
                raise ValidationFailed(
                    f"{self.label}应在 {self.low}–{self.high} 元之间，最多两位小数。", field=self.name
                )
            return str(amount)
        if self.kind == "int":
            if not text.isdigit() or not self.low <= int(text) <= self.high:
                raise ValidationFailed(
                    f"{self.label}应为 {self.low}–{self.high} 之间的整数。", field=self.name
                )
            return int(text)
        if self.kind == "choice" and text not in self.choices:
            raise ValidationFailed(f"请从列表中选择{self.label}。", field=self.name)
        return text


@dataclass(frozen=True)
class SlotSpec:
    """Who decides one part of a step: anyone with `role` over `org_id`, or `person_id`."""

    role: Role | None = None
    org_id: uuid.UUID | None = None
    person_id: uuid.UUID | None = None


@dataclass(frozen=True)
class StepSpec:
    name: str
    #: The slots decided in parallel at this step (co-signers); [] skips the step.
    deciders: Callable[[Session, ApprovalRequest], list[SlotSpec]]
    #: A rule that skips the step (e.g. the applicant is the branch secretary).
    skip: Callable[[Session, ApprovalRequest], bool] = lambda session, request: False
    skip_note: str = "按规则跳过"
    #: Hours to decide; None reads the rule catalogue's approval.step_deadline_hours.
    deadline_hours: int | None = None


@dataclass(frozen=True)
class Cleaned:
    form: dict
    org: PartyOrg
    title: str
    subject_id: uuid.UUID | None = None
    dedupe_key: str | None = None


def _nothing(*_: Any) -> None:
    return None


def _anyone(*_: Any) -> bool:
    return True


@dataclass(frozen=True)
class ApprovalKind:
    name: str
    label: str
    fields: tuple[Field, ...]
    clean: Callable[[Session, Person, dict, datetime], Cleaned]
    steps: tuple[StepSpec, ...]
    #: Key facts on the decider's card (label, value), at most five.
    summary: Callable[[Session, ApprovalRequest], list[tuple[str, str]]]
    on_submit: Callable[[Session, ApprovalRequest, datetime], None] = _nothing
    on_approved: Callable[[Session, ApprovalRequest, Actor, datetime], None] = _nothing
    on_rejected: Callable[[Session, ApprovalRequest, Actor, datetime], None] = _nothing
    #: Withdrawn or expired.
    on_closed: Callable[[Session, ApprovalRequest, Actor, datetime], None] = _nothing
    #: When the request stops making sense (leave after the meeting): undecided, it expires.
    expires_at: Callable[[Session, ApprovalRequest], datetime | None] = lambda session, request: None
    after_approval: str = "无需其他操作。"
    after_rejection: str = "可按意见修改后重新提交。"
    resubmittable: bool = True
    #: Offered on the H5 "new request" page (leave starts from the meeting instead).
    listed: bool = True
    #: Whether to offer it to this person at all (活动申报 only to those who run a branch); the
    #: kind's clean() still refuses anyone else, this only keeps the page honest.
    offered_to: Callable[[Session, Person], bool] = _anyone
    attachments: bool = False
    description: str = ""

    def validate(self, raw: dict) -> dict:
        raw = raw or {}
        return {f.name: f.clean(raw.get(f.name)) for f in self.fields}


KINDS: dict[str, ApprovalKind] = {}


def register(kind: ApprovalKind) -> ApprovalKind:
    KINDS[kind.name] = kind
    return kind


def kind_of(name: str) -> ApprovalKind:
    try:
        return KINDS[name]
    except KeyError:
        raise NotFound("审批类型不存在。") from None


def branch_of(person: Person) -> PartyOrg:
    """The applicant's branch of record (a 党小组's parent branch decides)."""
    member = person.membership
    if member is None or member.left_at is not None or member.branch is None:
        raise ValidationFailed("您不在本院党员名册中，不能提交该申请。")
    return member.branch


def branch_secretary_slot(session: Session, org: PartyOrg) -> list[SlotSpec]:
    """The branch secretary decides; a branch without one falls back to its organizer."""
    from handlers.roles import branch_leaders

    role, _ = branch_leaders(session, org)
    return [SlotSpec(role=role, org_id=org.id)]


def committee_office_slot(session: Session, request: ApprovalRequest) -> list[SlotSpec]:
    return [SlotSpec(role=Role.committee_office, org_id=request.org_id)]


def applicant_is_secretary(session: Session, request: ApprovalRequest) -> bool:
    from sqlalchemy import select

    from models import RoleGrant

    return bool(
        session.scalar(
            select(RoleGrant.id).where(
                RoleGrant.person_id == request.applicant_id,
                RoleGrant.role == Role.secretary,
                RoleGrant.org_id == request.org_id,
                RoleGrant.revoked_at.is_(None),
            )
        )
    )


def secretary_step(name: str = "支部书记审批") -> StepSpec:
    return StepSpec(
        name,
        deciders=lambda session, request: branch_secretary_slot(session, request.org),
        skip=applicant_is_secretary,
        skip_note="申请人即支部书记",
    )


def in_the_office_name(actor: Actor) -> Actor:
    """Who an effect of the office's approval acts as: the office itself, whoever decided for it
    (a delegate included) — the approval is the authority, and the label says who gave it."""
    from handlers.policy import Actor, Grant

    return Actor(
        kind="system",
        id=None,
        label=f"{actor.label}（审批通过）",
        grants=(Grant(Role.committee_office, None),),
    )


def office_step(name: str = "党委组织部审批") -> StepSpec:
    return StepSpec(name, deciders=committee_office_slot)
