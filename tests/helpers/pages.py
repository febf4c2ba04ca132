"""Signing in and sending forms as people do: the console's QR login, the H5 silent login, CSRF tokens."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import requests


def qr_login(browser, userid):
    """Scan the QR code on WeCom's login page (the emulator) as `userid`, then follow back."""
    to_wecom = browser.get("/admin/login/wecom")
    assert to_wecom.status_code == 302
    scanned = requests.get(
        to_wecom.headers["Location"] + f"&as_user={userid}", allow_redirects=False, timeout=10
    )
    assert scanned.status_code == 302, scanned.text
    back = urlsplit(scanned.headers["Location"])
    return browser.get(f"{back.path}?{back.query}")


def csrf(page_html):
    return re.search(r'name="csrf_token" value="([^"]+)"', page_html).group(1)


def login(browser, userid, path):
    """Open `path` as WeCom's webview would: silent login, then back to the same page."""
    first = browser.get(path)
    assert first.status_code == 302 and "/connect/oauth2/authorize" in first.headers["Location"]
    back = browser.get(wecom_redirects(first.headers["Location"], userid))
    assert back.status_code == 302 and back.headers["Location"].endswith(path)
    return browser.get(path)


def wecom_redirects(authorize_url, userid):
    """WeCom (the emulator) authenticates whoever holds the phone and redirects back with a code."""
    assert authorize_url.endswith("#wechat_redirect")
    response = requests.get(
        authorize_url.split("#")[0] + f"&as_user={userid}", allow_redirects=False, timeout=10
    )
    assert response.status_code == 302
    back = urlsplit(response.headers["Location"])
    return f"{back.path}?{back.query}"


def to_wecom(browser):
    """Open /m/ without a session: the app sends the webview to WeCom's authorize page."""
    response = browser.get("/m/")
    assert response.status_code == 302
    return response.headers["Location"]
