"""The console (/admin/): one module of pages per area, on the blueprint `frame` defines.

Views parse the form, call one handler and render or redirect; the request commits once, at
web/transaction.py. Permissions come from handlers/policy through the handlers. The list below
is the whole console: a new area adds its module here and, if it has a menu entry, a line in
`frame.NAVIGATION`.
"""

from __future__ import annotations

from web.admin import (
    approval_pages,
    archive_pages,
    assessment_pages,
    audit_pages,
    ballot_pages,
    business_pages,
    directory_pages,
    dues_assessment_pages,
    dues_ledger_pages,
    dues_pages,
    election_pages,
    lesson_pages,
    login,
    mailbox_pages,
    meeting_pages,
    member_pages,
    notice_pages,
    org_pages,
    pack_pages,
    recruit_pages,
    recruit_paper_pages,
    reminder_pages,
    review_pages,
    role_pages,
    rule_pages,
    stats_pages,
    talk_pages,
    task_pages,
    venue_pages,
)
from web.admin.frame import bp

#: The modules whose routes make up /admin/.
PAGES = (
    login,
    org_pages,
    member_pages,
    archive_pages,
    meeting_pages,
    approval_pages,
    lesson_pages,
    dues_pages,
    dues_assessment_pages,
    dues_ledger_pages,
    mailbox_pages,
    notice_pages,
    task_pages,
    recruit_pages,
    recruit_paper_pages,
    ballot_pages,
    business_pages,
    assessment_pages,
    pack_pages,
    election_pages,
    review_pages,
    stats_pages,
    talk_pages,
    reminder_pages,
    rule_pages,
    role_pages,
    venue_pages,
    directory_pages,
    audit_pages,
)

__all__ = ["PAGES", "bp"]
