"""The reminder engine: features say what is owed and when a reminder is useful; the engine
picks the moment and, when it comes, sends it once — alone, or in one digest with others.

`planning`: the first moment inside the acceptable window that is outside the member's quiet
hours and the rest after a night shift, and — unless urgent — not during a shift; never on
WeCom's :00 and :30 peaks (`remind`, `remind_many`, `replan` after a roster changes).
`dispatch`: every minute (jobs/reminders.py) claim what is due under SKIP LOCKED, drop what the
obligation no longer needs, hold what would exceed the member's hourly allowance, and hand the
rest to the one notify door, several due together folded into a digest (`digests`).
`views`: the office's list, the hospital-wide pause, and the member's own reminders and times.
"""

from __future__ import annotations

from handlers.reminders.digests import (  # noqa: F401
    MAX_RECIPIENTS,
    mark_undelivered,
)
from handlers.reminders.dispatch import (  # noqa: F401
    BATCH,
    DispatchReport,
    dispatch_due,
)
from handlers.reminders.planning import (  # noqa: F401
    CATEGORY_LABELS,
    OBLIGATION_MET,
    PROMPT,
    STATUS_LABELS,
    Ask,
    Availability,
    Blocked,
    cancel,
    is_met,
    obligation_check,
    plan,
    remind,
    remind_many,
    replan,
)
from handlers.reminders.views import (  # noqa: F401
    counts,
    mine,
    page_of,
    paused,
    preference_of,
    scoped_page,
    set_paused,
    set_preference,
    snooze,
)
