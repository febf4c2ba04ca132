"""Campaigns: lessons pushed to an audience with a deadline, through the reminder engine.

The audience is orgs (their subtrees), narrowed by role (secretaries, organizers, committee
members, new members) — or a hand-picked list of people; with neither, every member. The
committee office pushes to anyone; a branch's secretary or organizer only within their orgs.

Each recipient gets one card per lesson (a news card with the lesson's cover; a short
standalone quiz comes as a vote or multiple-choice card instead) at a moment their roster
allows after the send time, and — only if they have not completed it — one gentle reminder in
the day before the deadline (cancelled the moment they complete it). A branch's manager may
bring that one reminder forward for those who have not started ("remind those not started"),
never add a second. Identical cards for many members at the same moment go out in calls of up
to 1,000 recipients; a personalised campaign greets each member by name (one call each).

A repeating campaign is a series (weekly, or monthly on the first Monday): each occurrence
pushes the published lessons carrying the series' tag that it has not pushed before, and is
skipped when there is none."""

from __future__ import annotations

from handlers.learning.campaigns.launch import (  # noqa: F401
    REPEATS,
    SEND_WINDOW,
    Audience,
    audience_of,
    launch,
    next_occurrence,
    run_series,
)
from handlers.learning.campaigns.progress import (  # noqa: F401
    BranchCompletion,
    CampaignProgress,
    campaigns_page,
    completion,
    completion_in,
    get_campaign,
    lessons_of,
    progress,
    recent,
    remind_and_say,
    remind_not_started,
    visible_branches,
)
