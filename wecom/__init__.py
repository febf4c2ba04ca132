"""Everything on WeCom's wire and nothing else: callback crypto, the callback blueprint, the
router, the API client, card builders, OAuth silent login, JS-SDK signatures, directory sync,
and `wecom/emulator/`, a local WeCom speaking the real protocol.

Built by the issue "WeCom boundary and its local twin"; models/ and handlers/ never import it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask


def init_app(app: Flask) -> None:
    from wecom import callback
    from wecom.client import WeComClient
    from wecom.crypto import CallbackCrypto

    config = app.config
    app.extensions["dangjian.wecom_crypto"] = CallbackCrypto(
        config["WECOM_TOKEN"], config["WECOM_ENCODING_AES_KEY"], config["WECOM_CORP_ID"]
    )
    app.extensions["dangjian.wecom_client"] = WeComClient(
        api_base=config["WECOM_API_BASE"],
        corp_id=config["WECOM_CORP_ID"],
        secret=config["WECOM_SECRET"],
        agent_id=config["WECOM_AGENT_ID"],
        redis=app.extensions["dangjian.jobs"].redis,
    )
    # Directory reads through the 通讯录同步 secret when the hospital configured it (wecom/directory.py).
    app.extensions["dangjian.wecom_contacts_client"] = (
        WeComClient(
            api_base=config["WECOM_API_BASE"],
            corp_id=config["WECOM_CORP_ID"],
            secret=config["WECOM_CONTACT_SECRET"],
            agent_id=config["WECOM_AGENT_ID"],
            redis=app.extensions["dangjian.jobs"].redis,
            cache_as="contacts",
        )
        if config.get("WECOM_CONTACT_SECRET")
        else None
    )
    app.register_blueprint(callback.bp)
    if config["WECOM_EMULATOR"]:
        from handlers import links
        from wecom.emulator.api import register
        from wecom.emulator.state import CallbackTarget, EmulatorState

        state = EmulatorState(
            config["WECOM_CORP_ID"],
            config["WECOM_SECRET"],
            config["WECOM_AGENT_ID"],
            contact_secret=config.get("WECOM_CONTACT_SECRET"),
        )
        state.trusted_domain = urlsplit(config["PUBLIC_BASE_URL"]).netloc
        # Configured as an admin would configure the app's 接收消息服务器 in WeCom's console.
        state.callback = CallbackTarget(
            f"{config['PUBLIC_BASE_URL'].rstrip('/')}/wecom/callback",
            config["WECOM_TOKEN"],
            config["WECOM_ENCODING_AES_KEY"],
        )
        state.app_home_url = config["PUBLIC_BASE_URL"].rstrip("/") + links.page("h5.home")
        state.app_session_cookie = getattr(app.session_interface, "cookie_name", None)
        app.extensions["wecom_emulator"] = state
        register(app, state, url_prefix="/_emulator")
