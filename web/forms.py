"""Form parsing shared by the console and the H5 pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from handlers.errors import ValidationFailed
from handlers.meetings import SessionPlan
from models.base import CHINA

#: Dates and times typed in forms are Beijing time.


def local_time(raw: str, field: str) -> datetime:
    """A datetime-local input's value, read as Beijing time."""
    try:
        return datetime.strptime(raw, "%Y-%m-%dT%H:%M").replace(tzinfo=CHINA)
    except ValueError:
        raise ValidationFailed("请选择日期和时间。", field=field) from None


def form_date(name: str) -> Any:
    """A date input of the current form (None when left empty)."""
    from flask import request

    value = request.form.get(name, "").strip()
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise ValidationFailed("日期格式应为 2026-01-31。", field=name) from None


def session_plans(form: Any, rows: int) -> list[SessionPlan]:
    """Sessions from rows of fields s<i>_label, s<i>_date, s<i>_start, s<i>_end, s<i>_shift;
    empty rows are skipped."""
    plans = []
    for row in range(rows):
        day, start, end = (form.get(f"s{row}_{k}", "").strip() for k in ("date", "start", "end"))
        if not (day or start or end):
            continue
        try:
            starts = datetime.strptime(f"{day} {start}", "%Y-%m-%d %H:%M").replace(tzinfo=CHINA)
            ends = datetime.strptime(f"{day} {end}", "%Y-%m-%d %H:%M").replace(tzinfo=CHINA)
        except ValueError:
            raise ValidationFailed(f"第{row + 1}场的日期或时间格式不正确。", field="sessions") from None
        label = form.get(f"s{row}_label", "").strip() or f"{'ABCD'[row]}场"
        plans.append(SessionPlan(label, starts, ends, form.get(f"s{row}_shift", "").strip() or None))
    return plans


def userids(raw: str | None) -> tuple[str, ...]:
    """A comma-separated list of WeCom accounts (Chinese or ASCII commas)."""
    return tuple(u.strip() for u in (raw or "").replace("，", ",").split(",") if u.strip())


def approval_decision(form: Any) -> tuple[Callable[[], Any], str]:
    """What a 同意 / 驳回 form posts (the H5 page and the console alike): the decision to apply
    on the named slot, and what to tell the decider when it is done."""
    from flask import g

    from handlers import approvals
    from web import db_session

    approve = form.get("decision") == "approve"

    def apply() -> Any:
        return approvals.decide(
            db_session(),
            g.actor,
            slot_id=form.get("slot_id", ""),
            approve=approve,
            comment=form.get("comment", ""),
        )

    return apply, "已同意。" if approve else "已驳回，已通知申请人。"
