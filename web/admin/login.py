"""Console login: WeCom web QR login for staff with a console role, and the break-glass local account."""

from __future__ import annotations

import uuid

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from handlers import accounts, people
from handlers.errors import DomainError
from web import db_session, throttle
from web.admin.frame import bp, safe_next
from web.transaction import note_refusal
from wecom.oauth import CodeRejected, LoginStates, exchange_code, web_login_url


def _states() -> LoginStates:
    return LoginStates(current_app.extensions["dangjian.jobs"].redis, current_app.config["SECRET_KEY"])


def _enter(person_id: uuid.UUID, next_path: str) -> ResponseReturnValue:
    session.login(person_id)
    return redirect(safe_next(next_path))


@bp.get("/login")
def login() -> ResponseReturnValue:
    return render_template("admin/login.html", next=request.args.get("next", ""))


@bp.get("/login/wecom")
def login_wecom() -> ResponseReturnValue:
    state = _states().issue(attempt=0, next_path=safe_next(request.args.get("next")))
    session["console_state"] = state
    config = current_app.config
    return redirect(
        web_login_url(
            login_base=config["WECOM_LOGIN_BASE"],
            corp_id=config["WECOM_CORP_ID"],
            agent_id=config["WECOM_AGENT_ID"],
            redirect_uri=f"{config['PUBLIC_BASE_URL']}/admin/login/wecom/return",
            state=state,
        )
    )


@bp.get("/login/wecom/return")
def login_wecom_return() -> ResponseReturnValue:
    state = request.args.get("state", "")
    data = _states().spend(state) if state and state == session.get("console_state") else None
    if data is None:
        flash("登录已过期，请重新扫码。", "error")
        return redirect(url_for("admin.login"))
    try:
        identity = exchange_code(
            current_app.extensions["dangjian.wecom_client"], request.args.get("code", "")
        )
    except CodeRejected:
        flash("企业微信未能确认您的身份，请重新扫码。", "error")
        return redirect(url_for("admin.login"))
    person = people.find_by_wecom_userid(db_session(), identity.userid) if identity.userid else None
    if person is None:
        abort(403)
    accounts.console_actor(db_session(), person, request.remote_addr)  # a refusal is audited
    return _enter(person.id, data["next"])


@bp.post("/login/local")
def login_local() -> ResponseReturnValue:
    username = request.form.get("username", "").strip()
    try:
        if not throttle.LOCAL_LOGIN.allow(request.remote_addr):
            raise accounts.throttled(username=username, source_ip=request.remote_addr)
        person = accounts.authenticate_local(
            db_session(),
            username=username,
            password=request.form.get("password", ""),
            source_ip=request.remote_addr,
            attempts=throttle.LOCAL_ACCOUNT_ATTEMPTS,
        )
        accounts.console_actor(db_session(), person, request.remote_addr)
    except DomainError as refused:
        note_refusal(refused)
        return render_template(
            "admin/login.html", error=refused.message, next=request.form.get("next")
        ), refused.status
    return _enter(person.id, request.form.get("next", ""))


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    session.logout()
    return redirect(url_for("admin.login"))
