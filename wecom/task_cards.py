"""Task cards: a task sent down is a button card with 收到 and 提交 (提交 answers with the page to
submit on, since a submission carries a report or files); each later step of the loop — submitted,
returned for 整改, accepted, escalated — is a text card linking to the task's page."""

from __future__ import annotations

from typing import Any

from wecom import cards
from wecom.renderers import Rendered, absolute, renderer


@renderer("task")
def task(params: dict[str, Any]) -> Rendered:
    assignment = params["assignment_id"]
    card = cards.button_interaction(
        title=f"任务：{params['title']}"[:36],
        desc=f"截止 {params['deadline']}",
        sub_title=params["summary"][:160] or None,
        fields=[("发出", params["sender"][:26]), ("交付", params["done_by"][:26])],
        # One card per recipient: the assignment names the call (WeCom refuses a task id twice).
        task=f"tk{assignment.replace('-', '')}",
        url=absolute(params["path"]),
        buttons=[
            cards.Button("收到", key=f"task_ack:{assignment}", style=1),
            cards.Button("提交", key=f"task_submit:{assignment}", style=2),
        ],
    )
    return cards.template_card(card), f"任务：{params['title']}（截止 {params['deadline']}）"


@renderer("task_step")
def task_step(params: dict[str, Any]) -> Rendered:
    card = cards.text_notice(
        title=f"{params['step']}：{params['title']}"[:36],
        desc=params.get("desc") or None,
        sub_title=(params.get("text") or "")[:160] or None,
        url=absolute(params["path"]),
    )
    return cards.template_card(card), f"{params['step']}：{params['title']}"
