"""Jobs used by the tests only: importable by worker processes (flask puts the cwd on sys.path)."""

import time

from handlers import audit
from handlers.policy import Actor
from jobs import job
from jobs.context import database


@job(queue="default", timeout=60, retries=2, intervals=(1, 1))
def record_visit(label: str) -> str:
    """Leave an audit event: proves the job ran, in a forked horse, with a working database."""
    with database().unit_of_work() as session:
        audit.record(session, Actor.system("测试任务"), "test.visit", object_type="label", object_id=label)
    return label


@job(queue="default", timeout=60, retries=2, intervals=(1, 1))
def slow_visit(label: str, seconds: float) -> str:
    """Record a start, sleep, record a finish: a worker killed in between leaves only the start."""
    with database().unit_of_work() as session:
        audit.record(session, Actor.system("测试任务"), "test.start", object_type="label", object_id=label)
    time.sleep(seconds)
    with database().unit_of_work() as session:
        audit.record(session, Actor.system("测试任务"), "test.done", object_type="label", object_id=label)
    return label


FLAKY_STATE = {"calls": 0}


@job(queue="default", timeout=30, retries=2, intervals=(0, 0))
def flaky_once(label: str) -> str:
    """Fail on the first call, succeed on the next (exercises Retry)."""
    FLAKY_STATE["calls"] += 1
    if FLAKY_STATE["calls"] == 1:
        raise RuntimeError("transient failure")
    return record_visit(label)
