"""gunicorn settings for Dangjian's web process (gunicorn reads this file from the working
directory; `gunicorn 'app:create_app()'` is the whole command line behind nginx).

Threads, not only processes: most of a request's time is spent waiting on PostgreSQL, Redis
or WeCom. The garbage-collector freeze matters for the tail: the app's start-up heap (tens
of thousands of long-lived objects: SQLAlchemy mappers, Jinja templates, the rule catalogue)
would otherwise be rescanned on every full collection, a stall of 100–200 ms that every
request in flight waits out (bench/checkin measured a p99 of 150–200 ms without, 60–70 ms
with). Freezing moves it out of the collector's sight for the worker's life.
"""

from __future__ import annotations

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# WeCom retries a callback after 5 s without an answer; nothing here should take near that.
timeout = 30
graceful_timeout = 30
accesslog = "-"


def post_worker_init(worker: object) -> None:
    """Everything the app loaded at start-up is permanent: keep it out of every GC pass."""
    gc.collect()
    gc.freeze()
