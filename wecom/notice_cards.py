"""The notice card: the notice's title and opening words, linking to its full text in H5; a notice
that asks for 收到 is a button card whose 收到 is answered from the card (wecom/office_routes.py)."""

from __future__ import annotations

from typing import Any

from wecom import cards
from wecom.renderers import Rendered, absolute, renderer


def _fit(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1] + "…"


@renderer("notice")
def notice(params: dict[str, Any]) -> Rendered:
    if params["needs_ack"]:
        card = cards.button_interaction(
            title=_fit(f"通知：{params['title']}", 36),
            desc=_fit(params["summary"], 44),
            # One task id per call (a chunk of up to 1,000 recipients): WeCom refuses one used twice.
            task=f"nt{params['notice_id'].replace('-', '')}{params['chunk']}",
            url=absolute(params["path"]),
            buttons=[cards.Button("收到", key=f"notice_ack:{params['notice_id']}", style=1)],
        )
        return cards.template_card(card), f"通知：{params['title']}（请回复收到）"
    desc = params["summary"]
    card = cards.textcard(
        title=_fit(f"通知：{params['title']}", 64),
        description=_fit(desc, 256),
        url=absolute(params["path"]),
        button_text="查看全文",
    )
    return card, f"通知：{params['title']}"
