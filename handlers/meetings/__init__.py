"""Meetings (三会一课, 主题党日 and the rest): plan with sessions and invitations, respond, check in,
confirm the roster, quorum and vote tally, minutes with sign-off and appended corrections, make-up
study and attachments.

Rules come from the catalogue (check-in window, lateness, whether card check-in is allowed).
Attendance is the statutory record of a real meeting, never a daily 打卡: there are no streaks,
rankings or time counters here. Callers read `meetings.plan_meeting(...)`: each concern has its
own module (planning, invitations, checkin, record, makeup, attachments, lookups) and this
package re-exports the public use-cases.
"""

from __future__ import annotations

from handlers.meetings.attachments import (  # noqa: F401
    MAX_ATTACHMENTS,
    attach,
    attachment_for,
    attachments,
)
from handlers.meetings.checkin import (  # noqa: F401
    DISTANCE_BANDS,
    CheckInOutcome,
    GeoFix,
    check_in,
    check_in_window,
)
from handlers.meetings.invitations import (  # noqa: F401
    attend,
    cancel_checkin_card,
    meetings_to_answer,
    queue_checkin_card,
)
from handlers.meetings.lookups import (  # noqa: F401
    GROUP_KINDS,
    HOST_KINDS,
    KIND_LABELS,
    METHOD_LABELS,
    MODE_LABELS,
    RESPONSE_LABELS,
    VOTING_KINDS,
    attendance_of,
    checkin_card_key,
    get_meeting,
    headline,
    hostable_orgs,
    invitation_for,
    kinds_of,
    list_meetings,
    meeting_page,
    my_invitations,
    notice_key,
    own_invitation,
    place_text,
    scanned_session,
    title_of,
    venues,
    when_text,
)
from handlers.meetings.makeup import (  # noqa: F401
    complete_makeup,
    makeup_candidates,
    send_makeup,
    set_makeup,
)
from handlers.meetings.planning import (  # noqa: F401
    MAX_SESSION_HOURS,
    MAX_SESSIONS,
    SessionPlan,
    cancel,
    committee_invitees,
    invitees,
    plan_meeting,
)
from handlers.meetings.record import (  # noqa: F401
    Quorum,
    RosterLine,
    add_correction,
    assemblies,
    assembly_quorum,
    confirm,
    corrections,
    headcount,
    quorum,
    roster,
    save_minutes,
    sign_off,
    tally,
)
