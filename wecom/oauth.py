"""Silent login for the H5 app (snsapi_base; docs 91022, 91023).

The `state` WeCom carries through the redirect must be `[a-zA-Z0-9]` and at most 128 bytes,
so it is a random nonce plus an HMAC tag (hex), bound to the browser's session and spent
once in Redis. A refused code (reused, expired: 40029) restarts the login once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

from redis import Redis

from wecom.client import WeComClient, WeComError

STATE_TTL_SECONDS = 600


@dataclass(frozen=True)
class OAuthIdentity:
    userid: str | None  #: a member of the corp
    openid: str | None  #: someone outside the corp's directory


class CodeRejected(Exception):
    """WeCom refused the code (used, expired or invalid)."""


def authorize_url(*, oauth_base: str, corp_id: str, agent_id: str, redirect_uri: str, state: str) -> str:
    query = urlencode(
        {
            "appid": corp_id,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": "snsapi_base",
            "state": state,
            "agentid": agent_id,
        }
    )
    return f"{oauth_base}/connect/oauth2/authorize?{query}#wechat_redirect"


def web_login_url(*, login_base: str, corp_id: str, agent_id: str, redirect_uri: str, state: str) -> str:
    """WeCom's web login (QR scan) for the console (doc 98151); the code goes to auth/getuserinfo."""
    query = urlencode(
        {
            "login_type": "CorpApp",
            "appid": corp_id,
            "agentid": agent_id,
            "redirect_uri": redirect_uri,
            "state": state,
        }
    )
    return f"{login_base}/wwlogin/sso/login?{query}"


class LoginStates:
    def __init__(self, redis: Redis, secret_key: str) -> None:
        self.redis = redis
        self.key = hashlib.sha256(b"dangjian-oauth-state|" + secret_key.encode()).digest()

    def _tag(self, nonce: str) -> str:
        return hmac.new(self.key, nonce.encode(), hashlib.sha256).hexdigest()[:32]

    def issue(self, *, attempt: int, next_path: str) -> str:
        nonce = secrets.token_hex(16)
        self.redis.set(
            f"dj:oauth:state:{nonce}",
            json.dumps({"attempt": attempt, "next": next_path}),
            ex=STATE_TTL_SECONDS,
        )
        return nonce + self._tag(nonce)

    def spend(self, state: str) -> dict | None:
        """The state's data if it is ours, unexpired and unused; None otherwise."""
        nonce, tag = state[:32], state[32:]
        if len(state) != 64 or not hmac.compare_digest(tag, self._tag(nonce)):
            return None
        raw = self.redis.getdel(f"dj:oauth:state:{nonce}")
        return json.loads(raw) if raw else None


def exchange_code(client: WeComClient, code: str) -> OAuthIdentity:
    try:
        data = client.get("auth/getuserinfo", {"code": code})
    except WeComError as error:
        if error.errcode in (40029, 42022):
            raise CodeRejected() from None
        raise
    return OAuthIdentity(userid=data.get("userid"), openid=data.get("openid"))
