"""Outbox kinds → message/send bodies. Handlers name a kind and parameters; this renders them.

The renderers live with their feature's cards; the list below is every card module there is
(each registers its kinds in wecom/renderers.py when imported).
"""

from __future__ import annotations

from typing import Any

from wecom import (
    approval_cards,
    ballot_cards,
    learning_cards,
    meeting_cards,
    notice_cards,
    reminder_cards,
    task_cards,
)
from wecom.renderers import RENDERERS, Rendered, digest, renderer

#: The modules whose renderers make up every outbox kind.
CARD_MODULES = (
    approval_cards,
    ballot_cards,
    learning_cards,
    meeting_cards,
    notice_cards,
    reminder_cards,
    task_cards,
)

__all__ = ["CARD_MODULES", "RENDERERS", "Rendered", "digest", "render", "renderer"]


def render(kind: str, params: dict[str, Any]) -> Rendered:
    try:
        fn = RENDERERS[kind]
    except KeyError:
        raise ValueError(f"no renderer for outbox kind {kind!r}") from None
    return fn(params)
