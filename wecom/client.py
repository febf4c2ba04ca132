"""WeCom API client: shared token cache, bounded retries, errors that say what to fix.

wechatpy's client retries token errors by unbounded recursion and shares one expiry key
between apps of a corp (shared/reference/wecom-notes.md §10), so this thin client does it
itself: one token per app in Redis, refreshed under a lock so that many workers cause one
gettoken, and exactly one refresh-and-retry on 40014/42001.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

import requests
from redis import Redis
from requests.adapters import HTTPAdapter

from wecom.limits import CorpRate

logger = logging.getLogger(__name__)

#: Refresh a little before WeCom's expiry so a call never carries a token about to lapse.
TOKEN_MARGIN_SECONDS = 300
TOKEN_ERRORS = frozenset({40014, 42001})
#: Transient: the caller (a job with Retry) backs off and tries again.
RETRYABLE = frozenset({-1, 45009, 45033})
#: message/send with no valid recipient at all (doc 90236, 全局错误码 81013): the recipients
#: are wrong, not WeCom — the send is refused for good and retried never.
NO_VALID_RECIPIENT = 81013
#: What message/send lists as not reached although it answers errcode 0 (doc 90236): the
#: userid does not exist or is outside the app's 可见范围 (invaliduser), or the member holds no
#: 接口许可 (unlicenseduser). Dangjian addresses members only, never parties or tags, so
#: invalidparty / invalidtag can only be empty; they are still read, in case.
REFUSED_RECIPIENT_FIELDS = ("invaliduser", "unlicenseduser", "invalidparty", "invalidtag")
#: Configuration mistakes: retrying cannot help; the message names the fix (doc 90313).
CONFIG_ERRORS = {
    40001: "WECOM_SECRET 不正确：请在企业微信管理后台 → 应用管理 → 本应用 查看 Secret",
    40013: "WECOM_CORP_ID 不正确：请在 我的企业 → 企业信息 查看企业ID",
    40056: "WECOM_AGENT_ID 不正确：请在 应用管理 → 本应用 查看 AgentId",
    48002: "本应用无权调用该接口：请在管理后台为应用开通相应权限",
    60020: "本服务器出口 IP 不在“企业可信IP”中：请在 应用管理 → 本应用 → 企业可信IP 添加",
    50001: "回调域名不在“可信域名”中：请在 应用管理 → 本应用 → 网页授权及JS-SDK 设置可信域名",
}


class WeComError(Exception):
    def __init__(self, errcode: int, errmsg: str, api: str) -> None:
        self.errcode = errcode
        self.api = api
        self.retryable = errcode in RETRYABLE
        self.advice = CONFIG_ERRORS.get(errcode)
        message = f"{api}: errcode {errcode}"
        if self.advice:
            message += f" — {self.advice}"
        # errmsg carries WeCom's hint and the caller's IP, never our secrets.
        super().__init__(f"{message} ({errmsg[:120]})")


class WeComClient:
    def __init__(
        self,
        *,
        api_base: str,
        corp_id: str,
        secret: str,
        agent_id: str,
        redis: Redis,
        timeout: float = 10.0,
        cache_as: str | None = None,
    ) -> None:
        self.api_base = api_base.rstrip("/")
        self.corp_id = corp_id
        self.secret = secret
        self.agent_id = int(agent_id)
        self.redis = redis
        self.timeout = timeout
        self.http = requests.Session()
        # A batch job has up to 64 calls in flight (OUTBOX_SENDER_THREADS): each keeps its
        # connection alive rather than open a new one for every call past the default 10.
        self.http.mount("https://", HTTPAdapter(pool_maxsize=64))
        self.http.mount("http://", HTTPAdapter(pool_maxsize=64))
        # A proxy the hospital sets in the environment is read once, here: requests would read the
        # environment again on every call (5 ms each, measured in bench/tasks).
        self.http.proxies = requests.utils.get_environ_proxies(self.api_base)
        self.http.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
        self.http.trust_env = False
        # Per secret, not per corp: each app's token is its own, and the 通讯录同步 secret's
        # (cache_as "contacts") is another again (doc 91039).
        self.token_key = f"dj:wecom:token:{corp_id}:{cache_as or agent_id}"
        self.rate = CorpRate(redis, corp_id)

    def __repr__(self) -> str:
        return f"WeComClient({self.api_base!r}, corp={self.corp_id!r}, agent={self.agent_id})"

    # -- token -----------------------------------------------------------------------------

    def access_token(self, *, replacing: str | None = None) -> str:
        """The cached token; `replacing` a token WeCom refused forces one refresh (not one per worker)."""
        return self.cached_credential(
            self.token_key,
            lambda: self._get("gettoken", {"corpid": self.corp_id, "corpsecret": self.secret}),
            "access_token",
            replacing=replacing,
        )

    def cached_credential(
        self, key: str, fetch: Callable[[], dict[str, Any]], field: str, *, replacing: str | None = None
    ) -> str:
        """A credential WeCom issues for `expires_in` seconds and rate-limits (the access token,
        the JS-SDK tickets): cached in Redis, fetched under a lock so that many workers and
        gunicorn processes make one call, re-read after waiting for the lock."""
        cached = self._cached(key)
        if cached and cached != replacing:
            return cached
        with self.redis.lock(key + ":lock", timeout=30, blocking_timeout=35):
            cached = self._cached(key)  # another process may have refreshed while we waited
            if cached and cached != replacing:
                return cached
            data = fetch()
            value = str(data[field])
            ttl = max(60, int(data.get("expires_in", 7200)) - TOKEN_MARGIN_SECONDS)
            self.redis.set(key, value.encode(), ex=ttl)
            logger.info("wecom %s refreshed for agent %s", field, self.agent_id)
            return value

    def _cached(self, key: str) -> str | None:
        value = self.redis.get(key)
        return value.decode() if value else None

    # -- calls -----------------------------------------------------------------------------

    def _get(self, api: str, params: dict[str, Any]) -> dict[str, Any]:
        self.rate.take(api)
        return self._checked(api, self._over_the_wire(api, "get", params=params))

    def _over_the_wire(self, api: str, method: str, **request: Any) -> requests.Response:
        """One HTTP call. A dropped connection or a timeout is WeCom being unreachable for now:
        a retryable error like -1 (系统繁忙), so the row's job backs off and the send happens once
        (a resent message/send is caught by WeCom's duplicate check) — never an exception that
        aborts a whole batch and leaves its claimed rows waiting for the reconciler."""
        try:
            return self.http.request(
                method, f"{self.api_base}/cgi-bin/{api}", timeout=self.timeout, **request
            )
        except (requests.ConnectionError, requests.Timeout) as error:
            raise WeComError(-1, f"network: {type(error).__name__}", api) from error

    def _checked(self, api: str, response: requests.Response) -> dict[str, Any]:
        if response.status_code != 200:
            raise WeComError(-1, f"HTTP {response.status_code}", api)
        data = response.json()
        errcode = int(data.get("errcode", 0))
        if errcode:
            raise WeComError(errcode, str(data.get("errmsg", "")), api)
        return data

    def post(self, api: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST with the token; on 40014/42001 refresh once and retry once, never more."""
        token = self.access_token()
        try:
            return self._post_with(api, body, token)
        except WeComError as error:
            if error.errcode not in TOKEN_ERRORS:
                raise
            logger.warning("wecom %s: token refused (%s); refreshing once", api, error.errcode)
        return self._post_with(api, body, self.access_token(replacing=token))

    def get(self, api: str, params: dict[str, Any]) -> dict[str, Any]:
        """GET with the token; the same single refresh-and-retry as post()."""
        token = self.access_token()
        try:
            return self._get(api, {**params, "access_token": token})
        except WeComError as error:
            if error.errcode not in TOKEN_ERRORS:
                raise
        return self._get(api, {**params, "access_token": self.access_token(replacing=token)})

    def _post_with(self, api: str, body: dict[str, Any], token: str) -> dict[str, Any]:
        self.rate.take(api)
        return self._checked(api, self._over_the_wire(api, "post", params={"access_token": token}, json=body))

    # -- message APIs ----------------------------------------------------------------------

    def send(
        self, message: dict[str, Any], to_users: list[str], *, duplicate_check_seconds: int = 1800
    ) -> dict[str, Any]:
        """message/send (doc 90236). The duplicate check makes a resend after a crash harmless."""
        if not 1 <= len(to_users) <= 1000:
            raise ValueError("message/send takes 1 to 1,000 users per call")
        body = {
            "touser": "|".join(to_users),
            "agentid": self.agent_id,
            **message,
            "enable_duplicate_check": 1,
            "duplicate_check_interval": duplicate_check_seconds,
        }
        return self.post("message/send", body)

    @staticmethod
    def refused_recipients(result: dict[str, Any]) -> dict[str, str]:
        """Recipients a successful message/send did not reach, with WeCom's field as the reason:
        {userid: "invaliduser" | "unlicenseduser" | …}. WeCom sends "|"-joined strings; some
        answers carry lists instead (UNCONFIRMED which), so both are read."""
        refused: dict[str, str] = {}
        for reason in REFUSED_RECIPIENT_FIELDS:
            value = result.get(reason) or ""
            names = value if isinstance(value, list) else str(value).split("|")
            for name in names:
                if str(name).strip():
                    refused.setdefault(str(name).strip(), reason)
        return refused

    def update_buttons(
        self, response_code: str, replace_name: str, *, userids: list[str] | None = None, atall: bool = False
    ) -> dict[str, Any]:
        """message/update_template_card with a button-only update (doc 94888). Whose card
        changes is always said: `userids` (an array, ≤1,000) or `atall` (everyone who got it);
        the doc does not say what naming nobody does."""
        if not userids and not atall:
            raise ValueError("update_template_card: name the userids or set atall")
        if userids and len(userids) > 1000:
            raise ValueError("update_template_card takes at most 1,000 userids")
        body: dict[str, Any] = {
            "agentid": self.agent_id,
            "response_code": response_code,
            "button": {"replace_name": replace_name},
        }
        if atall:
            body["atall"] = 1
        else:
            body["userids"] = list(userids or [])
        return self.post("message/update_template_card", body)

    def recall(self, msgid: str) -> dict[str, Any]:
        return self.post("message/recall", {"msgid": msgid})
