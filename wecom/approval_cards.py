"""Cards for approvals: the decider's card (同意 / 驳回) and the applicant's result.

同意 is a callback button naming the slot; 驳回 opens the H5 page because a rejection needs
a reason; tapping the card itself opens the full form and history (one way to the details).
Rendered from the facts the engine put in the outbox row, never from live rows (what the
decider saw is what they decided on).
"""

from __future__ import annotations

import hashlib
from typing import Any

from wecom import cards
from wecom.renderers import Rendered, page_url, renderer


def _page(request_id: str, **query: str) -> str:
    return page_url("h5.approval_detail", request_id=request_id, **query)


@renderer("approval_request")
def approval_request(params: dict[str, Any]) -> Rendered:
    page = _page(params["request_id"])
    slot = params["slot_id"]
    card = cards.button_interaction(
        title=f"{params['kind']}待审批"[:36],
        desc=f"{params['org']} · {params['step']}"[:44],
        sub_title=f"{params['applicant']}：{params['title']}",
        # One card per decider and slot: task ids are unique per app.
        task=f"ap{slot.replace('-', '')}-{hashlib.sha256(params['decider'].encode()).hexdigest()[:16]}",
        fields=[("申请人", params["applicant"][:26]), *[(k[:5], v[:26]) for k, v in params["fields"]]][:6],
        url=page,
        buttons=[
            cards.Button("同意", key=f"approval_ok:{slot}", style=1),
            cards.Button("驳回", url=_page(params["request_id"], reject="1"), style=3),
        ],
    )
    return cards.template_card(card), f"{params['kind']}待审批：{params['applicant']}（{params['title']}）"


@renderer("approval_result")
def approval_result(params: dict[str, Any]) -> Rendered:
    card = cards.text_notice(
        title=f"{params['kind']}：{params['outcome']}"[:36],
        desc=params["title"][:44],
        sub_title=params["next"],
        url=_page(params["request_id"]),
    )
    return cards.template_card(
        card
    ), f"您的{params['kind']}“{params['title']}”{params['outcome']}。{params['next']}"
