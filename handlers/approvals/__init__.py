"""The approvals engine: submit, decide, withdraw, resubmit, expire, remind and escalate.

A kind (handlers/approval_kinds) says what its form holds, who decides at each step and what
happens when the request is approved or rejected; this package runs every kind the same way.
Each transition happens under a row lock on the request, so two deciders tapping in the same
second, or a double tap, produce one decision; the loser is told who decided. Cards name the
slot they ask about: a tap on a card of a step that has moved on finds a slot that is no longer
pending and is refused politely. Messages go through the one notify door in the same
transaction as the decision.

`lookups` (who decides, what each may see, a request's page), `flow` (submit, decide,
withdraw, resubmit), `cards` (what deciders and applicants are told), `deadlines` (expiry,
remind-once then escalate-once), `delegation`, `attachments`.
"""

from __future__ import annotations

from handlers.approvals.attachments import (  # noqa: F401
    MAX_ATTACHMENTS,
    attach,
    attachment_for,
)
from handlers.approvals.cards import (  # noqa: F401
    card_key,
    card_params,
    send_card,
    send_cards_again,
)
from handlers.approvals.deadlines import (  # noqa: F401
    escalate_overdue,
    expire_overdue,
)
from handlers.approvals.delegation import (  # noqa: F401
    delegate,
    delegations_of,
    may_delegate,
    revoke_delegation,
)
from handlers.approvals.flow import (  # noqa: F401
    MAX_COMMENT,
    decide,
    resubmit,
    send_draft,
    submit,
    withdraw,
)
from handlers.approvals.lookups import (  # noqa: F401
    EVENT_LABELS,
    ORDER,
    STATUS_LABELS,
    StepView,
    approvals_to_decide,
    attachments_of,
    current_step_name,
    deciders_of,
    get_request,
    list_requests,
    may_decide,
    my_requests,
    page_facts,
    page_of,
    pending_slot_for,
    person_actor,
    principal_deciders,
    slot_of,
    steps_of,
    to_decide,
)
