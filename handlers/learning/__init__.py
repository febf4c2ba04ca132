"""Learning: the lesson library (drafts, proposals, review), honest study time, this year's hours,
what is due and what to read next, quizzes, the private points ledger, campaigns that push lessons,
training days and bulk import.

Time is counted by the server (`study_time`): the lesson page sends a heartbeat while it is
visible and each beat adds at most what really passed, never beyond the lesson's own length.
Completion credits the lesson's hours once per member and lesson. Nothing here ranks anyone:
points are read for one member only.
"""

from __future__ import annotations

from handlers.learning.api_views import (  # noqa: F401
    get_lesson,
    lessons_page,
    records_page,
)
from handlers.learning.hours import (  # noqa: F401
    YearHours,
    format_hours,
    hours_this_year,
    queue_pace_reminders,
)
from handlers.learning.library import (  # noqa: F401
    ALLOWED_TAGS,
    AUDIENCE_ROLES,
    KIND_LABELS,
    STATUS_LABELS,
    WATCHED_PERCENT,
    LessonDraft,
    all_lessons,
    console_lesson,
    create_lesson,
    published,
    published_lesson,
    sanitize,
    save_lesson,
    set_status,
    typed_minutes,
)
from handlers.learning.recommendations import (  # noqa: F401
    RECOMMEND_FROM,
    DueLesson,
    StudyPlan,
    plan_for,
    roles_of,
)
from handlers.learning.study_time import (  # noqa: F401
    BEAT_CAP,
    BEAT_SECONDS,
    CLAIM_TOLERANCE,
    beat,
    open_lesson,
    record_of,
)
