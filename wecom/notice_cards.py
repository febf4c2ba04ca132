"""The notice card: a news card with the notice's title and opening words, linking to its full
text in H5 (where 收到 is, when the notice asks for it)."""

from __future__ import annotations

from typing import Any

from wecom import cards
from wecom.renderers import Rendered, absolute, renderer


def _fit(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1] + "…"


@renderer("notice")
def notice(params: dict[str, Any]) -> Rendered:
    desc = ("请阅读后点“收到”。" if params["needs_ack"] else "") + params["summary"]
    card = cards.textcard(
        title=_fit(f"通知：{params['title']}", 64),
        description=_fit(desc, 256),
        url=absolute(params["path"]),
        button_text="查看全文",
    )
    return card, f"通知：{params['title']}"
