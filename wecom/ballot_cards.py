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


@renderer("ballot_vote")
def ballot_vote(params: dict[str, Any]) -> Rendered:
    """A one-question ballot answered on the card itself: options by index, the ballot in the key.
    One task id per call (a chunk of up to 1,000 voters): WeCom refuses one used twice."""
    secrecy = "不记名" if params["anonymous"] else "记名"
    card = cards.vote_interaction(
        title=f"{params['label']}：{params['title']}"[:36],
        desc=f"{secrecy}，{params['closes']}截止。{params['question']}"[:44],
        task=f"bl{params['ballot_id'].replace('-', '')}{params['chunk']}",
        question_key="q1",
        options=[(str(i), text) for i, text in enumerate(params["options"])],
        multiple=params["multiple"],
        submit_key=f"ballot:{params['ballot_id']}",
    )
    return cards.template_card(card), f"{params['label']}：{params['title']}"
