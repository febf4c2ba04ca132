"""The H5 mini-app (/m/): opened from the WeCom workbench, logged in silently via OAuth.

`frame` holds the blueprint and what every page shares (the silent login, loading the member);
each feature's pages are a module that adds its routes to that blueprint. The list below is the
whole mini-app: a new feature adds its module here.
"""

from __future__ import annotations

from web.h5 import (
    approvals,
    ballots,
    branch,
    checkin,
    dues,
    home,
    learning,
    mailbox,
    meetings,
    mine,
    notices,
    recruit,
    reminders,
    reviews,
    talks,
    tasks,
)
from web.h5.frame import bp

#: The modules whose routes make up /m/.
PAGES = (
    home,
    meetings,
    checkin,
    approvals,
    learning,
    reminders,
    mine,
    dues,
    mailbox,
    notices,
    branch,
    ballots,
    reviews,
    talks,
    tasks,
    recruit,
)

__all__ = ["PAGES", "bp"]
