"""The ballot card: a ballot or survey opened to its electorate, linking to the voting page in H5
(the page says whether it is secret or named before anything is answered)."""

from __future__ import annotations

from typing import Any

from wecom import cards
from wecom.renderers import Rendered, absolute, renderer


@renderer("ballot")
def ballot(params: dict[str, Any]) -> Rendered:
    secrecy = "不记名" if params["anonymous"] else "记名"
    card = cards.textcard(
        title=f"{params['label']}：{params['title']}"[:64],
        description=f"{secrecy}，{params['closes']}截止。{params['summary']}"[:256],
        url=absolute(params["path"]),
        button_text="去填写",
    )
    return card, f"{params['label']}：{params['title']}"
