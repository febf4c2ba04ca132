"""An upload a background import works on (members, rosters): the file kept in Redis for an hour
under a random token, and the progress hash the console's status page reads — the uploader's only.
"""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from redis import Redis
from sqlalchemy.orm import Session

from handlers import people
from handlers.policy import Actor, load_actor

KEPT_SECONDS = 3600


@dataclass
class ImportTracker:
    """One background import's upload and progress in Redis (`kind`: member-import, roster-import)."""

    redis: Redis
    token: str
    kind: str = "member-import"

    @property
    def _key(self) -> str:
        return f"dj:{self.kind}:{self.token}"

    @classmethod
    def start(
        cls,
        redis: Redis,
        person_id: uuid.UUID,
        content: bytes,
        rows: int,
        *,
        kind: str = "member-import",
        facts: dict[str, str] | None = None,
    ) -> ImportTracker:
        """Keep the upload for the job; `facts`: what else the job needs (a roster's period)."""
        tracker = cls(redis, secrets.token_urlsafe(16), kind)
        with redis.pipeline() as pipe:
            pipe.set(f"{tracker._key}:file", content, ex=KEPT_SECONDS)
            pipe.hset(
                tracker._key,
                mapping={
                    "person": str(person_id),
                    "state": "queued",
                    "done": 0,
                    "total": rows,
                    **(facts or {}),
                },
            )
            pipe.expire(tracker._key, KEPT_SECONDS)
            pipe.execute()
        return tracker

    def fields(self) -> dict[str, str]:
        return {k.decode(): v.decode() for k, v in self.redis.hgetall(self._key).items()}

    def status(self, person_id: uuid.UUID) -> dict[str, Any] | None:
        """The progress, for the person who uploaded the file only (None for anyone else)."""
        raw = self.fields()
        if raw.get("person") != str(person_id):
            return None
        raw["done"], raw["total"] = int(raw.get("done", 0)), int(raw.get("total", 0))
        raw["problems"] = json.loads(raw.get("problems", "[]"))
        return raw

    def progress(self, phase: str, done: int, total: int | None) -> None:
        fields: dict[str, Any] = {"state": phase, "done": done}
        if total:
            fields["total"] = total
        self.redis.hset(self._key, mapping=fields)

    def finish(self, **fields: Any) -> None:
        self.redis.hset(self._key, mapping=fields)
        self.redis.delete(f"{self._key}:file")

    def content(self) -> bytes | None:
        return self.redis.get(f"{self._key}:file")


def open_upload(session: Session, tracker: ImportTracker, person_id: str) -> tuple[Actor, bytes] | None:
    """The uploader, still active, and their file; None once the tracker says why the job cannot run."""
    content = tracker.content()
    if content is None:
        tracker.finish(state="failed", message="上传的文件已过期，请重新上传。")
        return None
    person = people.find_active(session, uuid.UUID(person_id))
    if person is None:
        tracker.finish(state="failed", message="上传人的账号已停用，未导入。")
        return None
    return load_actor(session, person), content
