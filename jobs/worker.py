"""Workers: `flask jobs worker` in production, an in-process thread in the embedded demo."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from flask import Flask
from rq import SimpleWorker, Worker
from rq.serializers import JSONSerializer
from rq.timeouts import TimerDeathPenalty

from jobs import QUEUE_NAMES, JobQueues

logger = logging.getLogger(__name__)

#: RQ's defaults notice a worker killed with -9 only after tens of minutes (security-notes
#: §2.1). These bound it to about three: heartbeat expiry (10 s + 60 s) plus the next
#: maintenance pass (60 s) of another worker whose idle dequeue wakes every 45 s.
WORKER_TUNING = {"job_monitoring_interval": 10, "maintenance_interval": 60, "worker_ttl": 60}


def make_worker(queues: JobQueues, names: Sequence[str] = QUEUE_NAMES, name: str | None = None) -> Worker:
    """A forking worker: each job runs in a fresh horse process (engine disposed at fork)."""
    return Worker(
        [queues.queue(n) for n in names],
        connection=queues.redis,
        serializer=JSONSerializer,
        name=name,
        **WORKER_TUNING,
    )


class ThreadWorker(SimpleWorker):
    """Runs jobs in the calling thread; for the embedded demo only.

    Signal handlers and SIGALRM timeouts work only in the main thread, so this worker uses
    RQ's timer-based timeouts and leaves signals alone; it takes no `rq` shell commands.
    """

    death_penalty_class = TimerDeathPenalty

    def _install_signal_handlers(self) -> None:
        pass

    def subscribe(self) -> None:
        """No remote-control channel in-process (it would start a listener thread per pass)."""

    def unsubscribe(self) -> None:
        pass


class EmbeddedRunner(threading.Thread):
    """The demo's in-process worker and scheduler: ticks the schedule, then drains the queues."""

    def __init__(self, app: Flask, poll_seconds: float = 1.0) -> None:
        super().__init__(name="embedded-jobs", daemon=True)
        self.app = app
        self.poll_seconds = poll_seconds
        self.stopping = threading.Event()

    def run(self) -> None:
        from jobs.scheduler import tick

        queues: JobQueues = self.app.extensions["dangjian.jobs"]
        with self.app.app_context():
            while not self.stopping.is_set():
                try:
                    tick(self.app.extensions["dangjian.db"], queues)
                    # A fresh worker per pass: RQ refuses to re-register a worker name it still knows.
                    worker = ThreadWorker(
                        [queues.queue(n) for n in QUEUE_NAMES],
                        connection=queues.redis,
                        serializer=JSONSerializer,
                    )
                    worker.work(burst=True, logging_level="WARNING", with_scheduler=True)
                except Exception:
                    logger.exception("embedded job runner: tick failed; trying again")
                self.stopping.wait(self.poll_seconds)

    def stop(self) -> None:
        self.stopping.set()
