"""The member's home page, the OAuth return and the JS-SDK signatures for our own pages."""

from __future__ import annotations

import logging
from typing import Any

from flask import (
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
)
from flask.typing import ResponseReturnValue

from handlers import learning, meetings, my_year, people
from web import charts, db_session
from web.h5.frame import H5_SESSION_LIFETIME, _message, _safe_next, _start_login, _states, bp
from wecom.client import WeComError
from wecom.jssdk import JsapiTickets
from wecom.oauth import CodeRejected, exchange_code

logger = logging.getLogger(__name__)


@bp.get("/")
def home() -> ResponseReturnValue:
    person = people.find_active(db_session(), session.person_id) if session.person_id else None
    if person is None:
        return _start_login()
    facts = my_year.home_facts(db_session(), person)
    return render_template(
        "h5/home.html", person=person, facts=facts, when=meetings.when_text, **_year_chart(facts.hours)
    )


def _year_chart(hours: Any) -> dict[str, Any]:
    if hours is None:
        return {"ring": None}
    label = f"/ {hours.target} 学时"
    sources = (
        ("网上学习", hours.online),
        ("党课", hours.lectures),
        ("集中培训", hours.training),
        ("合计", hours.total),
    )
    rows = [(name, learning.format_hours(value)) for name, value in sources]
    return {"ring": charts.ring(hours.total, hours.target, label=label), "ring_rows": rows}


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
