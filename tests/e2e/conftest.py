"""Fixtures of the browser tests: one headless Chromium per module."""

from __future__ import annotations

import pytest

from tests.helpers.browser import CHROMIUM, sync_api


@pytest.fixture(scope="module")
def chromium():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=zh-CN"],
        )
        yield browser
        browser.close()
