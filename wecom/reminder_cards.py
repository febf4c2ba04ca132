"""Reminder cards: one reminder, or several due together folded into one digest card."""

from __future__ import annotations

from typing import Any

from wecom import cards
from wecom.renderers import Rendered, absolute, page_url, renderer

#: A text_notice card shows at most six key-value rows.
DIGEST_ROWS = 6


@renderer("reminder")
def reminder(params: dict[str, Any]) -> Rendered:
    lines = [line for line in (params.get("detail") or "").splitlines() if line.strip()]
    rows = [_row(line) for line in lines[:DIGEST_ROWS]]
    card = cards.text_notice(
        title=f"提醒：{params['title']}"[:36],
        desc=f"另有 {len(lines) - DIGEST_ROWS} 项" if len(lines) > DIGEST_ROWS else None,
        sub_title=params["reason"],
        fields=rows or None,
        url=absolute(params["path"]),
    )
    return cards.template_card(card), f"提醒：{params['title']}"


def _row(line: str) -> tuple[str, str]:
    """ "支委会：3月，03月31日前" → ("支委会", "3月，03月31日前") for a card's key-value row."""
    key, _, value = line.lstrip("· ").partition("：")
    return (key[:5], value[:26]) if value else ("·", key[:26])


@renderer("reminder_digest")
def reminder_digest(params: dict[str, Any]) -> Rendered:
    items = params["items"]
    rows = [(f"{n}.", item["title"][:26]) for n, item in enumerate(items[:DIGEST_ROWS], start=1)]
    more = f"另有 {len(items) - DIGEST_ROWS} 项" if len(items) > DIGEST_ROWS else None
    card = cards.text_notice(
        title=f"您有 {len(items)} 项待办提醒",
        desc=more,
        fields=rows,
        url=page_url("h5.reminder_list"),
    )
    return cards.template_card(card), f"您有 {len(items)} 项待办提醒：" + "；".join(
        i["title"] for i in items[:3]
    )
