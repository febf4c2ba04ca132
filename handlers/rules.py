"""The rule catalogue: every number the Party rules give Dangjian, with its source, and the
hospital's own overrides (effective from a date, with the document that decided them).

Features read rules from here (`value(session, key, on=date)`), never from constants. The
defaults are DOMAIN.md's; where DOMAIN.md calls a rule local practice it is marked `local`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from handlers import audit
from handlers.errors import Forbidden, NotFound, ValidationFailed
from handlers.policy import Actor, holds
from handlers.rule_catalogue import CATALOGUE, RULES, Rule  # noqa: F401
from handlers.validation import require_text
from models import RuleOverride
from models.base import local_today

LIMITS = {
    "count": (0, 366),
    "hours": (0, 1000),
    "minutes": (0, 24 * 60),
    "duration_hours": (1, 24 * 30),
    "yuan": (0, 1_000_000),
    "points": (0, 100),
    "percent": (1, 100),
}


def _rule(key: str) -> Rule:
    try:
        return RULES[key]
    except KeyError:
        raise NotFound(f"没有名为 {key} 的规则。") from None


def value(session: Session, key: str, on: date | None = None) -> Any:
    """The rule's value on a date: the latest override in force then, else the default."""
    rule = _rule(key)
    on = on or local_today()
    # A request reads several rules (a check-in reads four): the hospital's overrides — a few
    # dozen rows at most, each a deliberate act in the console — are read once per transaction.
    overrides = session.info.get("rule_overrides")
    if overrides is None:
        overrides = {}
        rows = session.execute(
            select(RuleOverride.key, RuleOverride.effective_from, RuleOverride.value).order_by(
                RuleOverride.effective_from.desc(), RuleOverride.created_at.desc()
            )
        )
        for row_key, effective_from, override_value in rows:
            overrides.setdefault(row_key, []).append((effective_from, override_value))
        session.info["rule_overrides"] = overrides
    return next((v for since, v in overrides.get(key, ()) if since <= on), rule.default)


@event.listens_for(Session, "after_transaction_end")
def _forget_rule_values(session: Session, transaction: Any) -> None:
    """The cache lives for one transaction: another process may override a rule meanwhile."""
    if transaction.parent is None:
        session.info.pop("rule_overrides", None)


def history(session: Session, key: str) -> list[RuleOverride]:
    return list(
        session.scalars(
            select(RuleOverride).where(RuleOverride.key == key).order_by(RuleOverride.effective_from.desc())
        )
    )


def parse(rule: Rule, raw: str) -> Any:
    """A value typed in the console, checked against the rule's kind."""
    text = (raw or "").strip()
    if rule.kind == "flag":
        if text not in ("是", "否"):
            raise ValidationFailed("请填写“是”或“否”。", field="value")
        return text == "是"
    if rule.kind == "text":
        return require_text(text, "value", rule.label_text, max_length=200)
    if rule.kind == "time":
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", text):
            raise ValidationFailed("时间格式应为 22:00。", field="value")
        return text
    low, high = LIMITS[rule.kind]
    if not text.isdigit() or not low <= int(text) <= high:
        raise ValidationFailed(f"请填写 {low}–{high} 之间的整数。", field="value")
    return int(text)


def override(
    session: Session, actor: Actor, *, key: str, raw_value: str, effective_from: date, note: str
) -> RuleOverride:
    """Record the hospital's own value for a rule from a date, with the document behind it."""
    if not holds(actor, "org.manage"):
        raise Forbidden("只有党委组织部可以调整规则。")
    rule = _rule(key)
    row = RuleOverride(
        key=key,
        value=parse(rule, raw_value),
        effective_from=effective_from,
        note=require_text(note, "note", "依据（本院文件名称或文号）", max_length=500),
        created_by=actor.label,
    )
    session.add(row)
    session.flush()
    session.info.pop("rule_overrides", None)  # what was read before this override is stale
    audit.record(session, actor, "rule.override", object_type="rule", object_id=key,
                 detail={"value": row.value, "from": effective_from.isoformat()})  # fmt: skip
    return row


def display(rule: Rule, raw: Any) -> str:
    if rule.kind == "text":
        return str(raw)
    if rule.kind == "flag":
        return "是" if raw else "否"
    unit = (
        f" {rule.unit}"
        if rule.unit
        else {
            "count": " 次",
            "hours": " 学时",
            "minutes": " 分钟",
            "duration_hours": " 小时",
            "yuan": " 元",
            "points": " 分",
            "percent": "%",
        }.get(rule.kind, "")
    )
    return f"{raw}{unit}"
