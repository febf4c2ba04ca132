"""The H5 mini-app (/m/): opened from the WeCom workbench, logged in silently via OAuth."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
)
from flask.typing import ResponseReturnValue

from handlers import people, uploads, workbench
from handlers.policy import load_actor
from models import Person
from web import db_session
from web.csrf import protect
from wecom.client import WeComError
from wecom.jssdk import JsapiTickets
from wecom.oauth import CodeRejected, LoginStates, authorize_url, exchange_code

logger = logging.getLogger(__name__)
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


@bp.get("/")
def home() -> ResponseReturnValue:
    person = people.find_active(db_session(), session.person_id) if session.person_id else None
    if person is None:
        return _start_login()
    return render_template("h5/home.html", person=person, todos=workbench.todos_for(db_session(), person))


@bp.get("/oauth/callback")
def oauth_callback() -> ResponseReturnValue:
    state = request.args.get("state", "")
    data = _states().spend(state) if state and state == session.get("oauth_state") else None
    if data is None:
        return _message("登录链接已失效", "请回到企业微信，从工作台重新打开“智慧党建”。", 400)
    try:
        identity = exchange_code(
            current_app.extensions["dangjian.wecom_client"], request.args.get("code", "")
        )
    except CodeRejected:
        if data["attempt"] < 1:  # a reused or expired code: try once more
            return _start_login(attempt=data["attempt"] + 1, next_path=data.get("next", "/m/"))
        return _message(
            "登录未成功", "企业微信未能确认您的身份。请关闭本页，从工作台重新打开“智慧党建”。", 400
        )
    if identity.userid is None:
        return _message("无法使用", "“智慧党建”仅供本院职工使用。如您是本院职工，请使用企业微信登录。", 403)
    person = people.find_by_wecom_userid(db_session(), identity.userid)
    if person is None or not person.is_active:
        return _message(
            "账号尚未开通", "您的企业微信账号尚未同步到党建系统，或已停用。请联系党委组织部。", 403
        )
    session.login(person.id, lifetime=H5_SESSION_LIFETIME)
    # Back to the page that asked (a card's link, a scanned check-in code), not just home.
    return redirect(_safe_next(data.get("next")))


def current_member_or_login() -> tuple[Person | None, ResponseReturnValue | None]:
    """The logged-in staff member, or a silent login that comes back to this very page."""
    person = people.find_active(db_session(), session.person_id) if session.person_id else None
    if person is None:
        path = request.full_path.rstrip("?")
        return None, _start_login(next_path=path)
    return person, None


@bp.get("/jssdk-config")
def jssdk_config() -> ResponseReturnValue:
    """Signatures for wx.config and wx.agentConfig on one of our own H5 pages (check-in's
    getLocation and scanQRCode use them). Only for a logged-in member, only for our pages."""
    if not session.person_id or people.find_active(db_session(), session.person_id) is None:
        return jsonify(code="unauthenticated", message="请从企业微信工作台重新打开“智慧党建”。"), 401
    url = request.args.get("url", "")
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/m/"
    if not url.startswith(base):
        return jsonify(code="invalid", message="只能为本应用的页面签名。"), 400
    try:
        return jsonify(JsapiTickets(current_app.extensions["dangjian.wecom_client"]).config_for(url))
    except WeComError as exc:
        logger.warning("jssdk ticket unavailable: %s", exc)
        return jsonify(code="wecom_unavailable", message="企业微信暂时繁忙，定位与扫码稍后可用。"), 503


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


def read_upload(field: str = "file") -> tuple[str, bytes]:
    """An uploaded file's name and bytes, read no further than the limit; 413 when the body is
    plainly too big (the handler's check by content and size does the rest)."""
    if (request.content_length or 0) > uploads.MAX_BYTES + 64 * 1024:
        abort(413)
    upload = request.files.get(field)
    return (upload.filename or "", upload.read(uploads.MAX_BYTES + 1)) if upload else ("", b"")


def send_stored_file(found: Any) -> Response:
    """A stored attachment as a download (never rendered inline: no stored content runs)."""
    disposition = f"attachment; filename*=UTF-8''{quote(found.filename)}"
    return Response(found.content, mimetype=found.content_type, headers={"Content-Disposition": disposition})


# Feature pages register their routes on `bp` when imported.
from web import h5_approvals, h5_learning, h5_meetings, h5_reminders  # noqa: E402, F401
