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


@renderer("review_result")
def review_result(params: dict[str, Any]) -> Rendered:
    """The year's 民主评议 confirmed: the member's own result waits on their page (the card itself
    says no grade — a chat screen is seen over shoulders)."""
    card = cards.textcard(
        title=f"{params['year']}年度民主评议结果已确认",
        description="上级党委已确认本支部的民主评议结果。您的评议结果只有您本人可以查看。",
        url=absolute(params["path"]),
        button_text="查看",
    )
    return card, f"{params['year']}年度民主评议结果已确认"


@renderer("review_follow_up")
def review_follow_up(params: dict[str, Any]) -> Rendered:
    card = cards.textcard(
        title=f"{params['org']}：民主评议不合格党员待处置",
        description=f"{params['year']}年度民主评议有 {params['count']} 名党员评为不合格，"
        "请按规定记录限期改正或劝退。",
        url=absolute(params["path"]),
        button_text="去处置",
    )
    return card, f"{params['org']}：民主评议不合格党员待处置"
