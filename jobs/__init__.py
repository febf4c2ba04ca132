"""RQ jobs: one configured enqueue path, queues on the JSON serializer, after-commit enqueue.

Jobs are module-level functions in `jobs/<topic>.py` taking ids, declared with `@job(...)`
so every one has a queue, a `job_timeout` and a `Retry`. Redis is only the transport: the
durable intent lives in PostgreSQL and `jobs.maintenance.reconcile` re-enqueues what Redis
lost. Without REDIS_URL (the demo), queues live on an in-process Redis stand-in and an
in-process worker thread runs them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from redis import Redis
from rq import Queue, Retry
from rq.job import Job
from rq.serializers import JSONSerializer
from sqlalchemy.orm import Session

from models.db import after_commit

logger = logging.getLogger(__name__)

QUEUE_NAMES = ("default", "push", "scheduled")


@dataclass(frozen=True)
class JobSpec:
    func: Callable[..., Any]
    queue: str
    timeout: int
    retries: int
    retry_intervals: tuple[int, ...]

    @property
    def path(self) -> str:
        return f"{self.func.__module__}.{self.func.__qualname__}"


def job(
    *,
    queue: str = "default",
    timeout: int = 300,
    retries: int = 3,
    intervals: tuple[int, ...] = (10, 60, 300),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a job function; it keeps working as a plain function for tests and the CLI."""
    if queue not in QUEUE_NAMES:
        raise ValueError(f"unknown queue {queue!r}")
    if retries < 1 or timeout < 1:
        raise ValueError("every job needs a job_timeout and at least one Retry (RQ is at-most-once without)")

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        func.job_spec = JobSpec(func, queue, timeout, retries, intervals)  # type: ignore[attr-defined]
        return func

    return register


def spec_of(func: Callable[..., Any]) -> JobSpec:
    spec = getattr(func, "job_spec", None)
    if spec is None:
        raise TypeError(f"{func!r} is not declared with @jobs.job")
    return spec


class JobQueues:
    """The app's Redis connection and queues (one per app, in app.extensions)."""

    def __init__(self, redis: Redis, *, embedded: bool) -> None:
        self.redis = redis
        #: True when running on the in-process stand-in (no REDIS_URL): demo and local tests.
        self.embedded = embedded
        self.queues = {name: Queue(name, connection=redis, serializer=JSONSerializer) for name in QUEUE_NAMES}

    @classmethod
    def from_url(cls, url: str | None) -> JobQueues:
        if url:
            return cls(Redis.from_url(url), embedded=False)
        return cls(embedded_redis(), embedded=True)

    def queue(self, name: str) -> Queue:
        return self.queues[name]

    def enqueue(self, func: Callable[..., Any], *args: Any, job_id: str | None = None) -> Job:
        """Enqueue now. Arguments must be ids and plain values: job hashes persist in Redis."""
        spec = spec_of(func)
        retry = Retry(max=spec.retries, interval=list(spec.retry_intervals))
        return self.queue(spec.queue).enqueue(
            spec.path,
            *args,
            job_id=job_id,
            job_timeout=spec.timeout,
            retry=retry,
            result_ttl=3600,
            failure_ttl=30 * 24 * 3600,
        )

    def enqueue_at(
        self, when: datetime, func: Callable[..., Any], *args: Any, job_id: str | None = None
    ) -> Job:
        """Enqueue for later (RQ's scheduler, run by the workers, moves it to the queue)."""
        spec = spec_of(func)
        return self.queue(spec.queue).enqueue_at(
            when,
            spec.path,
            *args,
            job_id=job_id,
            job_timeout=spec.timeout,
            retry=Retry(max=spec.retries, interval=list(spec.retry_intervals)),
            result_ttl=3600,
        )

    def enqueue_after_commit(
        self, session: Session, func: Callable[..., Any], *args: Any, job_id: str | None = None
    ) -> None:
        """Enqueue once `session` commits; nothing is enqueued for a rolled-back change."""
        spec_of(func)  # fail now, inside the transaction, not after it committed
        after_commit(session, lambda: self.enqueue(func, *args, job_id=job_id))

    def is_live(self, job_id: str) -> bool:
        """Whether a job with this id will still run: queued or scheduled, or started by a
        worker that is alive (its heartbeat key exists) and within the job's own timeout.

        RQ keeps a dead worker's job "started" until another worker's maintenance notices,
        minutes later; the reconciler must not wait on that.
        """
        if not self.redis.exists(f"rq:job:{job_id}"):
            return False
        job = Job.fetch(job_id, connection=self.redis, serializer=JSONSerializer)
        status = job.get_status(refresh=False)
        if status in ("queued", "scheduled", "deferred"):
            return True
        if status != "started":
            return False
        worker_alive = bool(job.worker_name) and bool(self.redis.exists(f"rq:worker:{job.worker_name}"))
        started = job.started_at.replace(tzinfo=UTC) if job.started_at else None
        within_timeout = started is None or datetime.now(UTC) - started < timedelta(
            seconds=(job.timeout or 180) + 30
        )
        return worker_alive and within_timeout

    def ping(self) -> bool:
        return bool(self.redis.ping())


_EMBEDDED_SERVER: Any = None


def embedded_redis() -> Redis:
    """A connection to the process-wide in-memory Redis stand-in (fakeredis)."""
    global _EMBEDDED_SERVER
    import fakeredis

    if _EMBEDDED_SERVER is None:
        _EMBEDDED_SERVER = fakeredis.FakeServer()
    return fakeredis.FakeRedis(server=_EMBEDDED_SERVER)


def redis_durability_warnings(redis: Redis) -> list[str]:
    """What about this Redis could lose queued jobs (security-notes §5.2)."""
    warnings = []
    try:
        policy = redis.config_get("maxmemory-policy").get("maxmemory-policy")
        appendonly = redis.config_get("appendonly").get("appendonly")
    except Exception as exc:  # managed Redis may forbid CONFIG; say so rather than guess
        return [
            f"cannot read Redis configuration ({type(exc).__name__}); check maxmemory-policy and appendonly"
        ]
    if policy and policy != "noeviction":
        warnings.append(f"Redis maxmemory-policy is {policy}: queued jobs can be evicted; set noeviction")
    if appendonly != "yes":
        warnings.append("Redis keeps no append-only file: a restart loses queued jobs; set appendonly yes")
    return warnings
