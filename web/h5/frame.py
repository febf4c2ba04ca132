"""What every H5 page shares: the blueprint, the silent login that brings a member back to the page
that asked, loading the member for the feature pages, uploads and stored-file downloads."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue

from handlers import people
from handlers.policy import load_actor
from models import Person
from web import db_session
from web.csrf import protect
from wecom.oauth import LoginStates, authorize_url

bp = Blueprint("h5", __name__, url_prefix="/m")


protect(bp)


#: A shift is long; a nurse should not be asked to log in twice in one.
H5_SESSION_LIFETIME = timedelta(hours=8)


def _states() -> LoginStates:
    return LoginStates(current_app.extensions["dangjian.jobs"].redis, current_app.config["SECRET_KEY"])


def _safe_next(path: str | None) -> str:
    """Only ever return to a page of the H5 app (no open redirect)."""
    return path if path and path.startswith("/m/") and not path.startswith("//") else "/m/"


def _start_login(attempt: int = 0, next_path: str = "/m/") -> ResponseReturnValue:
    state = _states().issue(attempt=attempt, next_path=_safe_next(next_path))
    session["oauth_state"] = state  # binds the login to this browser
    config = current_app.config
    return redirect(
        authorize_url(
            oauth_base=config["WECOM_OAUTH_BASE"],
            corp_id=config["WECOM_CORP_ID"],
            agent_id=config["WECOM_AGENT_ID"],
            redirect_uri=f"{config['PUBLIC_BASE_URL']}/m/oauth/callback",
            state=state,
        )
    )


def _message(title: str, text: str, status: int = 200) -> ResponseReturnValue:
    return render_template("h5/message.html", title=title, text=text), status


def current_member_or_login() -> tuple[Person | None, ResponseReturnValue | None]:
    """The logged-in staff member, or a silent login that comes back to this very page."""
    person = people.find_active(db_session(), session.person_id) if session.person_id else None
    if person is None:
        path = request.full_path.rstrip("?")
        return None, _start_login(next_path=path)
    return person, None


#: The feature pages that need the member (and log them in silently first): endpoint name
#: prefixes registered by each feature module with `member_pages`.
_MEMBER_PAGES: list[str] = []


def member_pages(*prefixes: str) -> None:
    """Mark the endpoints starting with these names (e.g. "h5.approval") as the member's own:
    `g.person` and `g.actor` are loaded before they run, after a silent login if needed."""
    _MEMBER_PAGES.extend(prefixes)


@bp.before_request
def _load_member() -> ResponseReturnValue | None:
    if not (request.endpoint or "").startswith(tuple(_MEMBER_PAGES)):
        return None
    person, login = current_member_or_login()
    if login is not None:
        return login
    g.person, g.actor = person, load_actor(db_session(), person, request.remote_addr)
    return None


@bp.app_context_processor
def _jssdk() -> dict[str, object]:
    """Where a page loads WeCom's JS-SDK from: the copy vendored from @wecom/jssdk, or — the
    emulator on — its stand-in, which answers the same calls outside WeCom's webview."""

    def jssdk() -> dict[str, str]:
        config = current_app.config
        src = (
            url_for("wecom_emulator_chat.static", filename="jssdk-standin.js")
            if config.get("WECOM_EMULATOR")
            else url_for("static", filename="vendor/wecom-jssdk/wecom.global.prod.js")
        )
        return {"src": src, "corp": config["WECOM_CORP_ID"], "agent": str(config["WECOM_AGENT_ID"])}

    return {"jssdk": jssdk}
