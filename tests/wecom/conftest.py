"""Fixtures for driving the app as WeCom drives it."""

from __future__ import annotations

import pytest

from wecom.crypto import CallbackCrypto
from wecom.emulator import wire


@pytest.fixture
def wecom(app):
    config = app.config
    return CallbackCrypto(config["WECOM_TOKEN"], config["WECOM_ENCODING_AES_KEY"], config["WECOM_CORP_ID"])


@pytest.fixture
def send(client, app, wecom):
    """Deliver a plaintext callback to the app the way WeCom does."""

    def deliver(plaintext: str, **sign_kwargs):
        signed = wire.sign(wecom, plaintext, **sign_kwargs)
        return client.post(
            f"/wecom/callback?{signed.query_string}", data=signed.body, content_type="application/xml"
        )

    return deliver
