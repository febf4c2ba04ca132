"""Pure builders for message/send bodies, enforcing WeCom's limits (doc 90236).

A builder either returns a body WeCom will accept or raises CardError naming the limit, so a
bad card fails in a test, not silently on a nurse's phone. Lengths in 字 are characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

TASK_ID_RE = re.compile(r"^[0-9A-Za-z_\-@]{1,128}$")
CARD_TYPES = ("text_notice", "news_notice", "button_interaction", "vote_interaction", "multiple_interaction")
INTERACTIVE = ("button_interaction", "vote_interaction", "multiple_interaction")


class CardError(ValueError):
    pass


def _limit(value: str | None, chars: int, what: str) -> str | None:
    if value is not None and len(value) > chars:
        raise CardError(f"{what} is {len(value)} characters; WeCom allows {chars}")
    return value


def _bytes(value: str, limit: int, what: str) -> str:
    if len(value.encode()) > limit:
        raise CardError(f"{what} is over {limit} bytes")
    return value


def fit_bytes(value: str, limit: int) -> str:
    """Text WeCom counts in bytes and truncates past the limit (textcard, news: doc 90236) cut
    here instead, at a character boundary and with an ellipsis, so the cut never falls inside
    a Chinese character (3 bytes in UTF-8) and the reader sees that something follows."""
    if len(value.encode()) <= limit:
        return value
    room = limit - len("…".encode())
    return value.encode()[:room].decode("utf-8", "ignore") + "…"


#: news_notice card_image.aspect_ratio must lie strictly between 1.3 and 2.25 (doc 90236:
#: "1.3-2.25"; 2.25 itself is refused). The lesson cover is 900×400 (2.25): shown at 2.24 it
#: loses 0.4 % of its width.
NEWS_IMAGE_RATIO = 2.24
NEWS_RATIO_OPEN_INTERVAL = (1.3, 2.25)
#: textcard and news articles (doc 90236), in bytes: title 128, description 512, url 2048.
TITLE_BYTES, DESCRIPTION_BYTES, URL_BYTES = 128, 512, 2048


def task_id(value: str) -> str:
    if not TASK_ID_RE.match(value):
        raise CardError("task_id must be 1-128 of digits, letters and _-@")
    return value


@dataclass(frozen=True)
class Button:
    text: str
    key: str = ""
    style: int = 1  #: 1-4
    url: str = ""  #: set → a link button (type 1) instead of a callback button

    def render(self) -> dict[str, Any]:
        _limit(self.text, 10, "button text")
        if not 1 <= self.style <= 4:
            raise CardError("button style must be 1-4")
        if self.url:
            return {"type": 1, "text": self.text, "style": self.style, "url": self.url}
        if not self.key:
            raise CardError("a callback button needs a key")
        return {
            "type": 0,
            "text": self.text,
            "style": self.style,
            "key": _bytes(self.key, 1024, "button key"),
        }


def _common(
    card_type: str,
    title: str,
    desc: str | None,
    task: str | None,
    source: str | None,
    sub_title: str | None,
    fields: list[tuple[str, str]] | None,
    url: str | None,
) -> dict[str, Any]:
    card: dict[str, Any] = {"card_type": card_type, "main_title": {"title": _limit(title, 36, "main title")}}
    if desc:
        card["main_title"]["desc"] = _limit(desc, 44, "main title desc")
    if source:
        card["source"] = {"desc": _limit(source, 20, "source"), "desc_color": 1}
    if task:
        card["task_id"] = task_id(task)
    if sub_title:
        card["sub_title_text"] = _limit(sub_title, 160, "sub title")
    if fields:
        if len(fields) > 6:
            raise CardError("at most 6 horizontal fields")
        card["horizontal_content_list"] = [
            {"keyname": _limit(k, 5, "field name"), "value": _limit(v, 26, "field value")} for k, v in fields
        ]
    if url:
        card["card_action"] = {"type": 1, "url": _bytes(url, 2048, "card url")}
    return card


def text_notice(
    *,
    title: str,
    url: str,
    desc: str | None = None,
    sub_title: str | None = None,
    fields: list[tuple[str, str]] | None = None,
    source: str | None = "智慧党建",
    task: str | None = None,
) -> dict[str, Any]:
    return _common("text_notice", title, desc, task, source, sub_title, fields, url)


def news_notice(
    *,
    title: str,
    url: str,
    image_url: str,
    desc: str | None = None,
    source: str | None = "智慧党建",
    task: str | None = None,
) -> dict[str, Any]:
    card = _common("news_notice", title, desc, task, source, None, None, url)
    card["card_image"] = {
        "url": _bytes(image_url, URL_BYTES, "card image url"),
        "aspect_ratio": NEWS_IMAGE_RATIO,
    }
    return card


def button_interaction(
    *,
    title: str,
    task: str,
    buttons: list[Button],
    desc: str | None = None,
    sub_title: str | None = None,
    fields: list[tuple[str, str]] | None = None,
    url: str | None = None,
    source: str | None = "智慧党建",
) -> dict[str, Any]:
    if not 1 <= len(buttons) <= 6:
        raise CardError("a button card has 1 to 6 buttons")
    rendered = [b.render() for b in buttons]
    keys = [b["key"] for b in rendered if "key" in b]
    if len(keys) != len(set(keys)):
        raise CardError("button keys must be unique within a card")
    if url and any(b.get("url") == url for b in rendered):
        # Tapping the card already opens its page: a 详情 button beside it is a second way to
        # the same place (issue 17: one way to open a card's details).
        raise CardError("a link button repeats the card's own url")
    card = _common("button_interaction", title, desc, task, source, sub_title, fields, url)
    card["button_list"] = rendered
    return card


def _options(options: list[tuple[str, str]], most: int, chars: int) -> list[dict[str, str]]:
    if not 1 <= len(options) <= most:
        raise CardError(f"1 to {most} options")
    return [{"id": _bytes(i, 128, "option id"), "text": _limit(t, chars, "option text")} for i, t in options]


def vote_interaction(
    *,
    title: str,
    task: str,
    question_key: str,
    options: list[tuple[str, str]],
    submit_key: str,
    multiple: bool = False,
    desc: str | None = None,
    source: str | None = "智慧党建",
) -> dict[str, Any]:
    card = _common("vote_interaction", title, desc, task, source, None, None, None)
    card["checkbox"] = {
        "question_key": _bytes(question_key, 1024, "question key"),
        "option_list": _options(options, 20, 17),
        "mode": 1 if multiple else 0,
    }
    card["submit_button"] = {"text": "提交", "key": _bytes(submit_key, 1024, "submit key")}
    return card


def multiple_interaction(
    *,
    title: str,
    task: str,
    questions: list[tuple[str, str, list[tuple[str, str]]]],
    submit_key: str,
    desc: str | None = None,
    source: str | None = "智慧党建",
) -> dict[str, Any]:
    """questions: (question_key, title ≤16字, options) × 1-3."""
    if not 1 <= len(questions) <= 3:
        raise CardError("a multiple card has 1 to 3 questions")
    card = _common("multiple_interaction", title, desc, task, source, None, None, None)
    card["select_list"] = [
        {
            "question_key": _bytes(key, 1024, "question key"),
            "title": _limit(q_title, 16, "question title"),
            "option_list": _options(options, 10, 16),
        }
        for key, q_title, options in questions
    ]
    card["submit_button"] = {"text": "提交", "key": _bytes(submit_key, 1024, "submit key")}
    return card


# --- whole message bodies ------------------------------------------------------------------


def text(content: str) -> dict[str, Any]:
    return {"msgtype": "text", "text": {"content": _bytes(content, 2048, "text content")}}


def markdown(content: str) -> dict[str, Any]:
    return {"msgtype": "markdown", "markdown": {"content": _bytes(content, 2048, "markdown content")}}


def textcard(*, title: str, description: str, url: str, button_text: str = "详情") -> dict[str, Any]:
    return {
        "msgtype": "textcard",
        "textcard": {
            "title": fit_bytes(title, TITLE_BYTES),
            "description": fit_bytes(description, DESCRIPTION_BYTES),
            "url": _bytes(url, URL_BYTES, "textcard url"),
            "btntxt": _limit(button_text, 4, "textcard button"),
        },
    }


def news(articles: list[dict[str, str]]) -> dict[str, Any]:
    """1 to 8 articles; title and description fitted to WeCom's byte limits, url required."""
    if not 1 <= len(articles) <= 8:
        raise CardError("news carries 1 to 8 articles")
    fitted = []
    for article in articles:
        if not article.get("title") or not article.get("url"):
            raise CardError("a news article needs a title and a url")
        item = {**article, "title": fit_bytes(article["title"], TITLE_BYTES)}
        item["url"] = _bytes(article["url"], URL_BYTES, "news url")
        if article.get("description"):
            item["description"] = fit_bytes(article["description"], DESCRIPTION_BYTES)
        fitted.append(item)
    return {"msgtype": "news", "news": {"articles": fitted}}


def template_card(card: dict[str, Any]) -> dict[str, Any]:
    if card.get("card_type") not in CARD_TYPES:
        raise CardError(f"unknown card_type {card.get('card_type')!r}")
    if card["card_type"] in INTERACTIVE and "task_id" not in card:
        raise CardError("interactive cards need a task_id")
    return {"msgtype": "template_card", "template_card": card}
