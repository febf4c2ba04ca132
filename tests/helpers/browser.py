"""Driving Debian's Chromium through Playwright against the live app and its emulator."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is a dev dependency (make test installs it)"
)


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
#: The office's screen, as issue 17 looked at the console; pages in Chinese like a hospital PC's.
CONSOLE = {"viewport": {"width": 1400, "height": 900}, "locale": "zh-CN"}


def snap(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"console-{name}.png"), full_page=True)


def scan_in(page, live, userid):
    page.goto(f"{live.base}/admin/")
    assert "/admin/login" in page.url
    snap(page, "login")
    page.click("text=企业微信扫码登录")
    page.fill("input[name=as_user]", userid)  # the emulator's stand-in for scanning the QR code
    page.click("text=确认登录")
    page.wait_for_url(f"{live.base}/admin/")


def deliver(live):
    """The workers' turn: send what the outbox holds to the emulator."""
    from rq import SimpleWorker
    from rq.serializers import JSONSerializer

    from handlers import reminders

    app = live.flask_app
    queues = app.extensions["dangjian.jobs"]
    with app.app_context():
        with app.extensions["dangjian.db"].unit_of_work() as session:
            reminders.dispatch_due(session)  # what the scheduler's minute run would send
        SimpleWorker(
            [queues.queue(n) for n in ("push", "default")], connection=queues.redis, serializer=JSONSerializer
        ).work(burst=True, with_scheduler=False)


def chat(page, live, user):
    page.goto(f"{live.base}/_emulator/?user={user}#bottom")


def as_member(context, live, user, path):
    """Open an app page inside WeCom as `user` (the emulator's webview identity)."""
    page = context.new_page()
    page.goto(f"{live.base}/_emulator/chat/{user}/open?next={live.base}{path}")
    return page
