"""Throttles by source address, shared by every process through Redis: a counter per address per
window (INCR, then EXPIRE on the first) — what a guesser behind one address can try, whichever
accounts they try it on."""

from __future__ import annotations

from flask import current_app


class WindowCounter:
    """Attempts under a key, counted atomically in Redis for `window_seconds` from the first
    (SET … NX EX creates it with its lifetime, INCR keeps that lifetime): the
    handlers/accounts.AttemptCounter the login uses."""

    def __init__(self, name: str, window_seconds: int) -> None:
        self.name, self.window = name, window_seconds

    def _key(self, key: str) -> str:
        return f"dj:throttle:{self.name}:{key}"

    def take(self, key: str) -> int:
        redis = current_app.extensions["dangjian.jobs"].redis
        pipe = redis.pipeline()
        pipe.set(self._key(key), 0, ex=self.window, nx=True)
        pipe.incr(self._key(key))
        _, count = pipe.execute()
        return int(count)

    def give_back(self, key: str) -> None:
        current_app.extensions["dangjian.jobs"].redis.decr(self._key(key))


class SourceThrottle:
    """At most `limit` attempts per source address per window, whichever accounts they name."""

    def __init__(self, name: str, limit: int, window_seconds: int) -> None:
        self.counter, self.limit = WindowCounter(name, window_seconds), limit

    def allow(self, source: str | None) -> bool:
        """Count one attempt from `source`; False once it is over the limit for this window."""
        return self.counter.take(source or "unknown") <= self.limit


#: Local (password) logins: 20 attempts per address per 15 minutes, over every account.
LOCAL_LOGIN = SourceThrottle("local-login", limit=20, window_seconds=15 * 60)
#: The same login's attempts per account (the lock's count; handlers/accounts.MAX_FAILURES).
LOCAL_ACCOUNT_ATTEMPTS = WindowCounter("local-account", window_seconds=15 * 60)
