"""The registry of outbox renderers (`@renderer("kind")`), the links cards carry, plain text and
the digest that folds several notices into one message. Each renderer returns the body and a
one-line summary, used when several notices for one member are folded into a digest."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app

from handlers import links
from wecom import cards

Rendered = tuple[dict[str, Any], str]
RENDERERS: dict[str, Callable[[dict[str, Any]], Rendered]] = {}


def absolute(path: str) -> str:
    """A path of the app as a card link: WeCom opens it from the phone, so it names the app's host."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def page_url(endpoint: str, **values: Any) -> str:
    """A card link to one of the app's pages, by route name (handlers/links.py)."""
    return absolute(links.page(endpoint, **values))


def renderer(
    kind: str,
) -> Callable[[Callable[[dict[str, Any]], Rendered]], Callable[[dict[str, Any]], Rendered]]:
    def register(fn: Callable[[dict[str, Any]], Rendered]) -> Callable[[dict[str, Any]], Rendered]:
        if kind in RENDERERS:
            raise ValueError(f"outbox kind {kind!r} registered twice")
        RENDERERS[kind] = fn
        return fn

    return register


@renderer("text")
def _text(params: dict[str, Any]) -> Rendered:
    content = params["content"]
    return cards.text(content), content


def digest(summaries: list[str]) -> dict[str, Any]:
    """One message in place of several, so none is lost to WeCom's per-member limit."""
    header = f"您有 {len(summaries)} 条党建消息："
    lines = [header]
    for number, summary in enumerate(summaries, start=1):
        line = f"{number}. {summary.splitlines()[0][:60] if summary else ''}"
        remaining = len(summaries) - number + 1
        tail = f"……另有 {remaining} 条，请在党建应用中查看。"
        if len("\n".join([*lines, line, tail]).encode()) > 2000:
            lines.append(tail)
            break
        lines.append(line)
    return cards.text("\n".join(lines))
