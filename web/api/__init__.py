"""The REST API (/api/v1/): JSON, bearer tokens scoped to an org subtree, errors as {"code", "message"}.

`frame` holds the blueprint, authentication and the body and paging readers; each collection's
endpoints are a module that adds its routes to that blueprint; `openapi` describes them all
(served at /api/v1/openapi.json). The list below is the whole API: a new collection adds its
module here and its paths to the document.
"""

from __future__ import annotations

from web.api import (
    applicants,
    approvals,
    archive,
    ballots,
    dues,
    learning,
    meetings,
    messages,
    notices,
    openapi,
    people,
    rosters,
    stats,
    talks,
    tasks,
    venues,
)
from web.api.frame import bp

#: The modules whose routes make up /api/v1/.
RESOURCES = (
    people,
    archive,
    dues,
    messages,
    notices,
    ballots,
    talks,
    stats,
    tasks,
    applicants,
    meetings,
    approvals,
    learning,
    rosters,
    venues,
    openapi,
)

__all__ = ["RESOURCES", "bp"]
