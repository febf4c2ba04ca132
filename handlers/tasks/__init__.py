"""任务督办 (issue 23 item 1): tasks sent down to branches or people and the loop that brings them
back done (sending, loop), a branch's own plan and monthly report (plan), what each side sees
(views), and the deadline reminders (follow_up)."""

from handlers.tasks import follow_up
from handlers.tasks.desk import STATUS_LABELS, at_desk, recipient_label
from handlers.tasks.loop import (
    acknowledge,
    add_file,
    escalate,
    for_desk,
    for_recipient,
    for_viewer,
    owes,
    review,
    submit,
    submitted_files,
)
from handlers.tasks.plan import (
    BranchYear,
    add_plan_item,
    branch_year,
    led_branches,
    month_summary,
    plan_of,
    roll_monthly,
    start_monthly_reports,
    stop_monthly_reports,
)
from handlers.tasks.sending import DONE_BY_LABELS, people_named, send, task_files
from handlers.tasks.views import (
    TaskFigures,
    assignments_of,
    branches_to_send_to,
    detail,
    is_overdue,
    linkables,
    owed,
    progress,
    sent,
)

queue_reminders = follow_up.queue_reminders

__all__ = [
    "DONE_BY_LABELS",
    "STATUS_LABELS",
    "BranchYear",
    "TaskFigures",
    "acknowledge",
    "add_file",
    "add_plan_item",
    "assignments_of",
    "at_desk",
    "branches_to_send_to",
    "branch_year",
    "detail",
    "escalate",
    "for_desk",
    "for_recipient",
    "for_viewer",
    "is_overdue",
    "led_branches",
    "linkables",
    "month_summary",
    "owed",
    "owes",
    "people_named",
    "plan_of",
    "progress",
    "queue_reminders",
    "recipient_label",
    "review",
    "roll_monthly",
    "send",
    "sent",
    "start_monthly_reports",
    "stop_monthly_reports",
    "submit",
    "submitted_files",
    "task_files",
]
