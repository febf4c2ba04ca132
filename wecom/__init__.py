"""Everything on WeCom's wire and nothing else: callback crypto, the callback blueprint, the
router, the API client, card builders, OAuth silent login, JS-SDK signatures, directory sync,
and `wecom/emulator/`, a local WeCom speaking the real protocol.

Built by the issue "WeCom boundary and its local twin"; models/ and handlers/ never import it.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from wecom import callback
    from wecom.crypto import CallbackCrypto

    app.extensions["dangjian.wecom_crypto"] = CallbackCrypto(
        app.config["WECOM_TOKEN"], app.config["WECOM_ENCODING_AES_KEY"], app.config["WECOM_CORP_ID"]
    )
    app.register_blueprint(callback.bp)
