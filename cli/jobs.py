"""flask jobs worker | scheduler"""

from __future__ import annotations

import logging
import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import text

from jobs import QUEUE_NAMES, redis_durability_warnings, scheduler
from jobs.worker import make_worker

logger = logging.getLogger(__name__)
group = AppGroup("jobs", help="后台任务（RQ）。")


@group.command("worker")
@click.option(
    "--queue", "queue_names", multiple=True, type=click.Choice(QUEUE_NAMES), help="default: all queues"
)
@click.option("--burst", is_flag=True, help="exit when the queues are empty")
@click.option("--name", help="worker name (default: RQ's random name)")
def worker(queue_names: tuple[str, ...], burst: bool, name: str | None) -> None:
    """Run an RQ worker inside the app context."""
    queues = current_app.extensions["dangjian.jobs"]
    if queues.embedded:
        raise click.ClickException("REDIS_URL is not set: the demo runs jobs in-process (flask demo serve)")
    for warning in redis_durability_warnings(queues.redis):
        logger.warning("%s", warning)
    with current_app.extensions["dangjian.db"].engine.connect() as connection:
        connection.execute(text("SELECT 1"))  # fail at start, not on the first job
    # with_scheduler: Retry intervals and enqueue_in need RQ's scheduler; one worker holds its lock.
    make_worker(queues, queue_names or QUEUE_NAMES, name=name).work(burst=burst, with_scheduler=True)


@group.command("scheduler")
@click.option("--interval", default=5.0, show_default=True, help="seconds between checks")
def run_scheduler(interval: float) -> None:
    """Enqueue periodic jobs when due (several schedulers may run; each run is enqueued once)."""
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    scheduler.run_forever(
        current_app.extensions["dangjian.db"], current_app.extensions["dangjian.jobs"], stop, interval
    )
