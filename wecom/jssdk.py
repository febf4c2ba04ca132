"""JS-SDK signatures for the H5 pages (docs 90506, 96909): wx.config and wx.agentConfig.

wx.config is signed with the corp's jsapi ticket, wx.agentConfig with the app's own ticket
(signing it with the corp ticket fails with 42012). WeCom allows 400 corp-ticket and 100
app-ticket fetches an hour, so both are cached in Redis for their lifetime, per corp and
per app, through the same locked refresh as the access token.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from wecom.client import WeComClient


def signature(ticket: str, nonce: str, timestamp: int | str, url: str) -> str:
    """sha1 over the four fields in this fixed order, unencoded; the URL without its #fragment."""
    plain = f"jsapi_ticket={ticket}&noncestr={nonce}&timestamp={timestamp}&url={url}"
    return hashlib.sha1(plain.encode()).hexdigest()  # noqa: S324 - wecom-protocol: sha1 (doc 90506)


def page_url(url: str) -> str:
    """The URL as WeCom's client signs it: everything but the fragment."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


class JsapiTickets:
    def __init__(self, client: WeComClient) -> None:
        self.client = client
        self.corp_key = f"dj:wecom:jsapi:{client.corp_id}"
        self.agent_key = f"dj:wecom:jsapi:{client.corp_id}:{client.agent_id}"

    def corp_ticket(self) -> str:
        return self.client.cached_credential(
            self.corp_key, lambda: self.client.get("get_jsapi_ticket", {}), "ticket"
        )

    def agent_ticket(self) -> str:
        return self.client.cached_credential(
            self.agent_key, lambda: self.client.get("ticket/get", {"type": "agent_config"}), "ticket"
        )

    def config_for(self, url: str) -> dict[str, Any]:
        """What a page passes to wx.config and wx.agentConfig for `url`."""
        url = page_url(url)
        timestamp = int(time.time())
        nonce = secrets.token_hex(8)
        return {
            "config": {
                "beta": True,
                "appId": self.client.corp_id,
                "timestamp": timestamp,
                "nonceStr": nonce,
                "signature": signature(self.corp_ticket(), nonce, timestamp, url),
            },
            "agentConfig": {
                "corpid": self.client.corp_id,
                "agentid": self.client.agent_id,
                "timestamp": timestamp,
                "nonceStr": nonce,
                "signature": signature(self.agent_ticket(), nonce, timestamp, url),
            },
        }
