"""The emulator's sign-in pages: OAuth for the H5 mini-app (doc 91022) and web login for the
console (doc 98151), with the code exchange (auth/getuserinfo). The person holding the phone
is picked on the page, or named by `as_user`."""

from __future__ import annotations

import secrets
import time
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, redirect, render_template_string, request
from flask.typing import ResponseReturnValue

from wecom.emulator.state import AS_USER_COOKIE, EmulatorState, error, guard, ok

SCAN_PAGE = """<!doctype html><html lang="zh-CN"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>企业微信登录（模拟器）</title>
<body style="font-family:sans-serif;padding:16px;max-width:640px"><h3>企业微信扫码登录（模拟器）</h3>
<p>真实环境中此处显示二维码，由职工用企业微信扫码确认。这里请输入扫码职工的账号。</p>
{% if accounts %}<p>可登录管理后台的演示账号（点击即以该身份扫码）：</p><ul>
{% for userid, role in accounts %}<li>
<a href="?{{ args|urlencode }}&amp;as_user={{ userid }}"><code>{{ userid }}</code></a> {{ role }}</li>
{% endfor %}
</ul>{% endif %}
<form method="get">{% for k, v in args.items() %}
<input type="hidden" name="{{ k }}" value="{{ v }}">{% endfor %}
<label>扫码的职工账号（userid）<input name="as_user" required></label>
<button>确认登录</button></form></body></html>"""
#: The posts that open the console, as the demo labels them (cli/demo.py): offered on the scan page.
CONSOLE_POSTS = ("党委组织部", "支部书记", "组织委员", "审计管理员", "系统管理员", "安全管理员", "党小组长")
OAUTH_CODE_TTL = 300
PICK_USER_PAGE = """<!doctype html><html lang="zh-CN"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>企业微信（模拟器）</title>
<body style="font-family:sans-serif;padding:16px"><h3>企业微信模拟器：以谁的身份打开应用？</h3>
<form method="get">{% for k, v in args.items() %}
<input type="hidden" name="{{ k }}" value="{{ v }}">{% endfor %}
<label>成员账号（userid）<input name="as_user" required></label> <button>进入</button></form></body></html>"""


def create_blueprint(state: EmulatorState) -> Blueprint:
    bp = Blueprint("wecom_emulator_oauth", __name__)

    @bp.get("/cgi-bin/auth/getuserinfo")
    def auth_getuserinfo() -> ResponseReturnValue:
        refused = guard(state, "auth/getuserinfo")
        if refused:
            return refused
        with state.lock:
            issued = state.oauth_codes.pop(request.args.get("code", ""), None)
        if issued is None or issued[1] + OAUTH_CODE_TTL < time.time():
            return error(40029)  # invalid, used, or older than five minutes
        who = issued[0]
        if who.startswith("openid:"):
            return ok(openid=who.removeprefix("openid:"))
        return ok(userid=who)

    @bp.get("/connect/oauth2/authorize")
    def authorize() -> ResponseReturnValue:
        """WeCom's OAuth page (doc 91022), for whoever the emulator says is holding the phone."""
        return _issue_code(request.args.get("as_user") or request.cookies.get(AS_USER_COOKIE), PICK_USER_PAGE)

    @bp.get("/wwlogin/sso/login")
    def sso_login() -> ResponseReturnValue:
        """WeCom's web login page (doc 98151): a QR code a member scans with their phone. Here
        the scanner is named on the page (or by `as_user`); the code is exchanged the same way."""
        if request.args.get("login_type") != "CorpApp" or str(request.args.get("agentid")) != state.agent_id:
            return error(40056)
        return _issue_code(request.args.get("as_user"), SCAN_PAGE, _console_accounts())

    def _console_accounts(most: int = 8) -> list[tuple[str, str]]:
        """A few demo accounts that may open the console, the office first (the demo only)."""
        with state.lock:
            roles = dict(state.demo_roles)
        fitting = [(u, r) for u, r in roles.items() if any(p in r for p in CONSOLE_POSTS)]
        fitting.sort(key=lambda item: (next(i for i, p in enumerate(CONSOLE_POSTS) if p in item[1]), item[0]))
        return fitting[:most]

    def _issue_code(
        who: str | None, pick_page: str, accounts: list[tuple[str, str]] | None = None
    ) -> ResponseReturnValue:
        args = request.args
        redirect_uri = args.get("redirect_uri", "")
        if args.get("appid") != state.corp_id:
            return error(40013)
        if state.trusted_domain and urlsplit(redirect_uri).netloc != state.trusted_domain:
            return error(50001)
        if not who:
            carried = {k: v for k, v in args.items() if k != "as_user"}
            return render_template_string(pick_page, args=carried, accounts=accounts or []), 200
        code = secrets.token_urlsafe(48)
        with state.lock:
            state.oauth_codes[code] = (who, time.time())
        separator = "&" if "?" in redirect_uri else "?"
        return redirect(
            f"{redirect_uri}{separator}{urlencode({'code': code, 'state': args.get('state', '')})}"
        )

    return bp
