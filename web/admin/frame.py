"""What every console page shares: the blueprint, loading the console actor, the menu, the scope
switcher and the form helpers."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, abort, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue

from handlers import accounts, members, people
from handlers.errors import DomainError
from handlers.policy import holds, load_actor
from web import db_session, parse_uuid  # noqa: F401  (pages import it from here)
from web.csrf import protect
from web.forms import form_date, local_time  # noqa: F401 — the console's pages import them from here

bp = Blueprint("admin", __name__, url_prefix="/admin")
protect(bp)

#: Dates typed in the console are Beijing dates.
#: Menu entries and the action that shows them (each page still checks its objects itself).
NAVIGATION = {
    "orgs": "org.view",
    "meetings": "meeting.manage",
    "approvals": "approval.view",
    "rosters": "roster.manage",
    "reminders": "reminder.manage",
    "learning": "study.view",
    "dues": "dues.record",
    "mailbox": "mailbox.inbox",
    "notices": "notice.send",
    "tasks": "task.send",
    "recruits": "recruit.manage",
    "ballots": "ballot.manage",
    "reviews": "review.manage",
    "stats": "stats.view",
    "members": "member.view",
    "exchange": "archive.exchange",
    "rules": "org.manage",
    "venues": "venue.manage",
    "roles": "role.grant",
    "directory": "directory.sync",
    "audit": "audit.read",
}
PUBLIC_ENDPOINTS = {"admin.login", "admin.login_wecom", "admin.login_wecom_return", "admin.login_local"}


@bp.app_context_processor
def _console_globals() -> dict[str, Any]:
    # Only console pages call it (base.html), after before_request loaded the actor.
    return {"scope_choices": lambda: _scope_choices() if g.get("actor") else []}


@bp.before_request
def _load_console_actor() -> ResponseReturnValue | None:
    g.actor, g.nav, g.scope = None, set(), None
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    person = people.find_active(db_session(), session.person_id) if session.person_id else None
    if person is None:
        return redirect(url_for("admin.login", next=request.full_path if request.method == "GET" else None))
    actor = load_actor(db_session(), person, source_ip=request.remote_addr)
    if not accounts.has_console_role(actor):
        abort(403)
    g.actor, g.person = actor, person
    g.nav = {page for page, action in NAVIGATION.items() if holds(actor, action)}
    g.scope = _current_scope()
    return None


# -- the scope switcher ----------------------------------------------------------------------------


def _current_scope() -> Any:
    """The org the user narrowed the console to (the scope switcher), if it is still visible."""
    org_id = session.get("scope_org")
    if not org_id:
        return None
    try:
        return members.get_org(db_session(), g.actor, uuid.UUID(org_id))
    except (DomainError, ValueError):
        session.pop("scope_org", None)
        return None


def scoped(tree: list[Any]) -> list[Any]:
    """The orgs of `tree` inside the scope the user chose (all of them when none is chosen)."""
    return [o for o in tree if g.scope is None or o.path.startswith(g.scope.path)]


def scope_org_id(requested: str | None) -> uuid.UUID | None:
    """The org a list is narrowed to: the one asked for in the URL, else the chosen scope."""
    if requested:
        return parse_uuid(requested)
    return g.scope.id if g.scope else None


def _scope_choices() -> list[Any]:
    return [o for o in members.visible_orgs(db_session(), g.actor) if o.kind != "group"]


@bp.post("/scope")
def choose_scope() -> ResponseReturnValue:
    org_id = request.form.get("org_id", "")
    if org_id:
        members.get_org(db_session(), g.actor, parse_uuid(org_id))  # 403 unless visible
        session["scope_org"] = org_id
    else:
        session.pop("scope_org", None)
    back = request.form.get("back", "")
    return redirect(safe_next(back.split("?")[0]))


# -- helpers for the pages ---------------------------------------------------------------------------


def safe_next(target: str | None) -> str:
    """Only ever send the user back inside the console (no open redirect)."""
    return target if target and target.startswith("/admin/") and not target.startswith("//") else "/admin/"
