"""Per-member message budget: WeCom silently drops beyond 30 a minute and 1,000 an hour
per member per app (doc 90312), so Dangjian never asks for more.

Sliding windows in Redis (one sorted set per member), checked and taken atomically by a Lua
script so that several workers cannot overspend together. A small margin covers clock skew
between our hosts and WeCom's.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import Any

from redis import Redis

PER_MINUTE = 28  # WeCom: 30
PER_HOUR = 990  # WeCom: 1,000

_ADMIT = """
local key, now, per_minute, per_hour = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - 3600000)
local in_hour = redis.call('ZCARD', key)
local in_minute = redis.call('ZCOUNT', key, now - 60000, '+inf')
if in_minute >= per_minute then
  local oldest = redis.call('ZRANGEBYSCORE', key, now - 60000, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
  return tonumber(oldest[2]) + 60000 - now + 1
end
if in_hour >= per_hour then
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return tonumber(oldest[2]) + 3600000 - now + 1
end
redis.call('ZADD', key, now, ARGV[4])
redis.call('PEXPIRE', key, 3600000)
return 0
"""


class MemberBudget:
    """One member's allowance for one kind of call; messages by default.

    The workbench's set_workbench_data (10 a minute per member, doc 92535) uses its own.
    """

    def __init__(
        self,
        redis: Redis,
        agent_id: str,
        *,
        name: str = "budget",
        per_minute: int = PER_MINUTE,
        per_hour: int = PER_HOUR,
    ) -> None:
        self.redis = redis
        self.agent_id = agent_id
        self.name = name
        self.per_minute = per_minute
        self.per_hour = per_hour
        self.script = redis.register_script(_ADMIT)

    def admit(self, userid: str) -> float:
        """Take one call from the member's budget: 0.0 if admitted, else seconds to wait."""
        return self._take([userid], self.redis)[0]

    def admit_many(self, userids: list[str]) -> tuple[list[str], dict[str, float]]:
        """The same for each of a broadcast's recipients, in one round trip to Redis."""
        waits = self.admit_each(userids)
        admitted = [u for u, wait in zip(userids, waits, strict=True) if not wait]
        return admitted, {u: wait for u, wait in zip(userids, waits, strict=True) if wait}

    def admit_each(self, userids: list[str]) -> list[float]:
        """One call each, in order (a member named twice takes two): the seconds each must wait."""
        # One member (most rows) is one script call; a pipeline would first ask for the script.
        return self._take(
            userids, self.redis if len(userids) == 1 else self.redis.pipeline(transaction=False)
        )

    def _take(self, userids: list[str], client: Any) -> list[float]:
        now_ms = int(time.time() * 1000)
        results = [
            self.script(
                keys=[f"dj:wecom:{self.name}:{self.agent_id}:{userid.lower()}"],
                args=[now_ms, self.per_minute, self.per_hour, f"{now_ms}-{secrets.token_hex(4)}"],
                client=client,
            )
            for userid in userids
        ]
        if client is not self.redis:  # a pipeline: the answers come back together
            results = client.execute()
        return [int(wait_ms) / 1000 for wait_ms in results]


#: WeCom: 10,000 calls a minute per API per corp (blocked for the rest of the minute beyond).
CORP_CALLS_PER_MINUTE = 9500


class CorpRate:
    """The corp-wide budget of one API, shared by every process: a per-minute counter in Redis.

    Over budget, the caller waits for the next minute rather than be blocked by WeCom for the
    rest of it; only bulk work (broadcasts, the directory sync) ever gets here.
    """

    def __init__(
        self,
        redis: Redis,
        corp_id: str,
        per_minute: int = CORP_CALLS_PER_MINUTE,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.redis = redis
        self.corp_id = corp_id
        self.per_minute = per_minute
        self.clock = clock
        self.sleep = sleep

    def take(self, api: str) -> float:
        """Take one call of `api`; returns the seconds waited for it (0.0 almost always)."""
        waited = 0.0
        while True:
            now = self.clock()
            minute = int(now // 60)
            key = f"dj:wecom:rate:{self.corp_id}:{api}:{minute}"
            pipe = self.redis.pipeline()
            pipe.incr(key)
            pipe.expire(key, 120)
            count, _ = pipe.execute()
            if count <= self.per_minute:
                return waited
            pause = (minute + 1) * 60 - now + 0.05
            self.sleep(pause)
            waited += pause
