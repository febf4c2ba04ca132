"""The break-glass login under concurrency (issue 16 item 1), with real threads against a live
server: however many guesses arrive together, at most five passwords are checked before the
account locks, and one address cannot go on guessing across accounts."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import select

from handlers import accounts
from handlers.policy import Actor
from models import AuditEvent, LocalAccount

PASSWORD = "correct horse battery staple"


@pytest.fixture
def root(live):
    app = live.flask_app
    redis = app.extensions["dangjian.jobs"].redis
    for key in redis.scan_iter("dj:throttle:*"):
        redis.delete(key)
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        account = session.scalar(select(LocalAccount).where(LocalAccount.username == "race-root"))
        if account is None:
            accounts.create_admin(
                session, Actor.cli("测试"), username="race-root", name="应急管理员", password=PASSWORD
            )
        else:
            account.failed_attempts, account.locked_until = 0, None
    return live


def _form(base: str) -> tuple[requests.Session, str]:
    http = requests.Session()
    page = http.get(f"{base}/admin/login", timeout=10).text
    return http, re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _attempts(live, passwords: list[str]) -> list[int]:
    """Every password posted at once, each from its own browser session (barrier-started)."""
    forms = [_form(live.base) for _ in passwords]
    barrier = threading.Barrier(len(passwords))

    def post(index: int) -> int:
        http, token = forms[index]
        barrier.wait()
        answer = http.post(
            f"{live.base}/admin/login/local",
            data={"csrf_token": token, "username": "race-root", "password": passwords[index]},
            allow_redirects=False,
            timeout=60,
        )
        return answer.status_code

    with ThreadPoolExecutor(len(passwords)) as pool:
        return list(pool.map(post, range(len(passwords))))


def _checked(live, since: int) -> list[str]:
    """The reasons of local-login audit lines after `since` (ok for a success)."""
    app = live.flask_app
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        rows = session.execute(
            select(AuditEvent.result, AuditEvent.detail).where(
                AuditEvent.action == "console.login_local", AuditEvent.id > since
            )
        ).all()
    return [("ok" if result == "ok" else (detail or "")) for result, detail in rows]


def _last_id(live) -> int:
    app = live.flask_app
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        return session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0


def test_twenty_guesses_at_once_check_at_most_five_passwords_and_lock(root):
    live = root
    since = _last_id(live)
    statuses = _attempts(live, ["wrong password!"] * 20)
    assert 500 not in statuses and statuses.count(401) <= accounts.MAX_FAILURES - 1
    lines = _checked(live, since)
    checked = [line for line in lines if "wrong password" in line or line == "ok"]
    assert len(lines) == 20 and len(checked) <= accounts.MAX_FAILURES
    app = live.flask_app
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        account = session.scalar(select(LocalAccount).where(LocalAccount.username == "race-root"))
        assert account.locked_until is not None
    # Locked: even the right password is refused now.
    http, token = _form(live.base)
    locked = http.post(
        f"{live.base}/admin/login/local",
        data={"csrf_token": token, "username": "race-root", "password": PASSWORD},
        allow_redirects=False,
        timeout=30,
    )
    assert locked.status_code == 429


def test_the_right_password_among_many_wrong_ones_is_checked_only_within_the_limit(root):
    live = root
    since = _last_id(live)
    passwords = ["wrong password!"] * 15 + [PASSWORD]
    statuses = _attempts(live, passwords)
    lines = _checked(live, since)
    wrong = [line for line in lines if "wrong password" in line]
    assert len(lines) == 16 and len(wrong) <= accounts.MAX_FAILURES and 500 not in statuses
    # The right one got in only if it came before the fifth wrong one locked the account.
    assert (statuses[-1] == 302) == ("ok" in lines)


def test_one_address_cannot_guess_on_across_accounts(root):
    live = root
    forms = [_form(live.base) for _ in range(22)]
    statuses = []
    for n, (http, token) in enumerate(forms):
        statuses.append(
            http.post(
                f"{live.base}/admin/login/local",
                data={"csrf_token": token, "username": f"nobody{n}", "password": "guess"},
                allow_redirects=False,
                timeout=30,
            ).status_code
        )
    assert statuses[:20] == [401] * 20 and statuses[20:] == [429, 429]
    assert (
        "过于频繁"
        in forms[21][0]
        .post(
            f"{live.base}/admin/login/local",
            data={"csrf_token": forms[21][1], "username": "x", "password": "y"},
            timeout=30,
        )
        .text
    )
