"""Learning cards: a pushed lesson as a news card with its cover, and a short quiz answered on
the card itself (a vote card for one question, a multiple-choice card for up to three)."""

from __future__ import annotations

import hashlib
from typing import Any

from wecom import cards
from wecom.renderers import Rendered, absolute, renderer


def _fit(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1] + "…"


@renderer("lesson_push")
def lesson_push(params: dict[str, Any]) -> Rendered:
    card = cards.news_notice(
        title=_fit(params["title"], 36),
        desc=_fit(params["reason"], 44),
        url=absolute(params["path"]),
        image_url=absolute(params["cover"]),
    )
    return cards.template_card(card), f"学习：{params['title']}"


@renderer("quiz_card")
def quiz_card(params: dict[str, Any]) -> Rendered:
    # One task id per call (the dispatcher's batch key): WeCom refuses a task id used twice.
    task = "qz" + hashlib.sha256(params["batch"].encode()).hexdigest()[:30]
    submit = f"quiz:{params['lesson_id']}"
    questions = params["questions"]
    if params["layout"] == "vote":
        [question] = questions
        card = cards.vote_interaction(
            title=_fit(params["title"], 36),
            desc=_fit(question["text"], 44),
            task=task,
            question_key=question["key"],
            options=[(str(i), text) for i, text in enumerate(question["options"])],
            multiple=question["multiple"],
            submit_key=submit,
        )
    else:
        card = cards.multiple_interaction(
            title=_fit(params["title"], 36),
            desc=_fit(params["reason"], 44),
            task=task,
            questions=[
                (q["key"], q["text"], [(str(i), text) for i, text in enumerate(q["options"])])
                for q in questions
            ],
            submit_key=submit,
        )
    return cards.template_card(card), f"测验：{params['title']}"
