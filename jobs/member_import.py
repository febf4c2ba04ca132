"""Large member imports run here, reporting how far they got, so the console can show progress.

The upload is kept in Redis for an hour under a random token; the console's status page
reads the progress hash. The import itself is handlers.member_import.import_members, the
same all-or-nothing use-case as a small upload: one transaction, committed only if every row
is right. A re-run after a crash is safe: nothing was committed, or every row now reports
"已是党员".
"""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from redis import Redis

from handlers import member_import, people
from handlers.errors import DomainError
from handlers.policy import load_actor
from jobs import job
from jobs.context import queues, unit_of_work

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


@job(queue="default", timeout=1800, retries=1, intervals=(30,))
def import_members_file(token: str, person_id: str) -> str:
    tracker = ImportTracker(queues().redis, token)
    content = tracker.content()
    if content is None:
        tracker.finish(state="failed", message="上传的文件已过期，请重新上传。")
        return "expired"
    with unit_of_work() as session:
        person = people.find_active(session, uuid.UUID(person_id))
        if person is None:
            tracker.finish(state="failed", message="上传人的账号已停用，未导入。")
            return "uploader inactive"
        actor = load_actor(session, person)
        try:
            report = member_import.import_members(session, actor, content, progress=tracker.progress)
        except DomainError as refused:
            tracker.finish(state="failed", message=refused.message)
            return refused.message
        if not report.ok:
            session.rollback()  # all or nothing
            tracker.finish(state="rejected", done=report.rows, total=report.rows,
                           problems=json.dumps(report.problems, ensure_ascii=False))  # fmt: skip
            return f"{len(report.problems)} problems"
    # Committed: only now say so.
    tracker.finish(state="imported", done=report.imported, total=report.imported)
    return f"imported {report.imported}"
