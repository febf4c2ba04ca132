"""Cards for meetings: the notice (参加 / 请假; tapping the card opens the meeting), the 签到
card, and the leave request a secretary decides with one tap. Rendered from the facts the
handlers put in the outbox row."""

from __future__ import annotations

import hashlib
from typing import Any

from wecom import cards
from wecom.renderers import Rendered, page_url, renderer


def _fields(params: dict[str, Any], *extra: tuple[str, str]) -> list[tuple[str, str]]:
    return [*extra, ("地点", params["place"][:26])]


@renderer("meeting_notice")
def meeting_notice(params: dict[str, Any]) -> Rendered:
    sessions = params["sessions"]
    invitation = params["invitation_id"]
    detail = page_url("h5.meeting_detail", meeting_id=params["meeting_id"])
    if len(sessions) == 1:
        attend = [cards.Button("参加", key=f"meeting_attend:{invitation}", style=1)]
        times = [("时间", sessions[0]["when"])]
    else:  # the member picks the session that fits their shift
        attend = [
            cards.Button(f"参加{s['label']}"[:10], key=f"meeting_attend:{invitation}.{s['id']}")
            for s in sessions
        ]
        times = [(s["label"][:5], s["when"]) for s in sessions]
    card = cards.button_interaction(
        title=params["title"][:36],
        desc=params["org"][:44],
        sub_title=params["topic"],
        task=f"mt{invitation.replace('-', '')}",
        fields=_fields(params, *times)[:6],
        url=detail,
        buttons=[
            *attend,
            cards.Button("请假", url=f"{detail}/leave", style=2),
        ],
    )
    summary = f"会议通知：{params['title']}「{params['topic']}」{sessions[0]['when']}"
    return cards.template_card(card), summary


@renderer("meeting_checkin")
def meeting_checkin(params: dict[str, Any]) -> Rendered:
    card = cards.button_interaction(
        title=f"签到：{params['title']}"[:36],
        desc=params["org"][:44],
        sub_title=params["topic"],
        task=f"ci{params['invitation_id'].replace('-', '')}",
        fields=_fields(params, (params["label"][:5], params["when"])),
        url=page_url("h5.meeting_detail", meeting_id=params["meeting_id"]),
        buttons=[cards.Button("签到", key=f"meeting_checkin:{params['session_id']}", style=1)],
    )
    return cards.template_card(card), f"签到提醒：{params['title']} {params['when']}"


@renderer("leave_request")
def leave_request(params: dict[str, Any]) -> Rendered:
    leave_id = params["leave_id"]
    page = page_url("h5.leave_decision", leave_id=leave_id)
    card = cards.button_interaction(
        title="请假申请",
        desc=params["org"][:44],
        sub_title=f"{params['applicant']}：{params['reason']}",
        # One card per decider: task ids are unique per app.
        task=f"lv{leave_id.replace('-', '')}-{hashlib.sha256(params['decider'].encode()).hexdigest()[:16]}",
        fields=[
            ("申请人", params["applicant"][:26]),
            ("会议", params["topic"][:26]),
            ("时间", params["when"]),
        ],
        url=page,
        buttons=[
            cards.Button("同意", key=f"leave_approve:{leave_id}", style=1),
            # A rejection needs a reason: on the page (tapping the card opens it too).
            cards.Button("驳回", url=page_url("h5.leave_decision", leave_id=leave_id, reject="1"), style=3),
        ],
    )
    return cards.template_card(card), f"请假申请：{params['applicant']}（{params['topic']}）"


@renderer("makeup_notice")
def makeup_notice(params: dict[str, Any]) -> Rendered:
    card = cards.text_notice(
        title=f"补学：{params['title']}"[:36],
        desc=params["org"][:44],
        sub_title=f"您未参加“{params['topic']}”，请阅读会议材料并回答一个问题完成补学。",
        url=page_url("h5.meeting_makeup", meeting_id=params["meeting_id"]),
    )
    return cards.template_card(card), f"补学：{params['topic']}"
