"""Approval kinds: what each request holds, who decides at each step, what approval does.

Adding a kind is a small module in this package (see general.py, the smallest): declare its
fields, its `clean` (checks beyond the fields, and where the request belongs), its steps and its
effects, `register()` it (registry.py), and add the module to the import below. The engine
(handlers/approvals), the cards, the H5 and console pages and the API pick it up from the registry.
"""

from __future__ import annotations

# The kinds register themselves when imported; this list is every kind there is.
from handlers.approval_kinds import (
    activity_plan,
    archive_correction,
    dues_relief,
    general,
    makeup_confirmation,
    meeting_leave,
    recruit_decision,
    transfer_out,
)
from handlers.approval_kinds.registry import (  # noqa: F401
    KINDS,
    ApprovalKind,
    Cleaned,
    Field,
    SlotSpec,
    StepSpec,
    applicant_is_secretary,
    branch_of,
    branch_secretary_slot,
    committee_office_slot,
    kind_of,
    office_step,
    register,
    secretary_step,
)

#: The modules that define the kinds.
KIND_MODULES = (
    activity_plan,
    archive_correction,
    dues_relief,
    general,
    makeup_confirmation,
    meeting_leave,
    recruit_decision,
    transfer_out,
)
