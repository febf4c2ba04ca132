"""The org tree: create, rename, move, merge and dissolve Party orgs, and each org's committee
(委员会 seats and terms), keeping their history.

Nothing is deleted: a dissolved org keeps its row (dissolved_at), an ended seat keeps its row
(ended_on), and every change is in the audit trail. Shape rules (branch size, committee size,
term length) are read from the rule catalogue (handlers/rules), whose defaults are DOMAIN.md's."""

from __future__ import annotations

from handlers.orgs.committees import (  # noqa: F401
    POST_LABELS,
    appoint,
    end_seat,
    end_seats,
    live_seats,
    seat_candidates,
    seat_history,
    start_term,
)
from handlers.orgs.tree import (  # noqa: F401
    CHILD_KINDS,
    KIND_LABELS,
    create_org,
    department_choices,
    dissolve_org,
    merge_branches,
    move_org,
    rename_org,
    set_departments,
    warnings,
)
