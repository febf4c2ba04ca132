"""Real worker and scheduler processes for the integration tests (a pytest plugin: see conftest.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from models import AuditEvent, migrate
from tests.conftest import EMULATOR_CORP, TEST_AUDIT_KEY, TEST_FIELD_KEYS, TEST_REDIS_URL, build_app

ROOT = Path(__file__).resolve().parents[2]  # the checkout: processes run `flask --app app` there


@pytest.fixture(scope="module")
def integration_app(make_database_url, emulator_server):
    app = build_app(
        make_database_url("integ"), WECOM_API_BASE=emulator_server.url, OUTBOX_CLAIM_TIMEOUT_SECONDS=5
    )
    migrate.upgrade(app.extensions["dangjian.db"].engine)
    return app


@pytest.fixture
def jobs(integration_app):
    queues = integration_app.extensions["dangjian.jobs"]
    queues.redis.flushdb()
    yield queues
    queues.redis.flushdb()


@pytest.fixture
def spawn(integration_app, tmp_path):
    """Start `flask …` processes in their own process groups; kill what is left at the end.

    Their output goes to files: an unread pipe fills up and blocks a chatty worker.
    """
    processes: list[subprocess.Popen] = []
    env = {
        **os.environ,
        "APP_ENV": "test",
        "DATABASE_URL": integration_app.config["DATABASE_URL"],
        "REDIS_URL": TEST_REDIS_URL,
        "SECRET_KEY": "integration-secret-" + "y" * 32,
        "FIELD_KEYS": TEST_FIELD_KEYS,
        "AUDIT_CHAIN_KEY": TEST_AUDIT_KEY,
        "AUDIT_ANCHOR_FILE": str(tmp_path / "audit_anchors.log"),
        "LOG_LEVEL": "WARNING",
        "WECOM_EMULATOR": "0",
        "WECOM_API_BASE": integration_app.config["WECOM_API_BASE"],
        "OUTBOX_CLAIM_TIMEOUT_SECONDS": "5",
        **EMULATOR_CORP,
    }

    def start(*args: str) -> subprocess.Popen:
        log = tmp_path / f"process-{len(processes)}.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "app", *args],
                cwd=ROOT,
                env=env,
                start_new_session=True,
                stdout=subprocess.DEVNULL,
                stderr=sink,
            )
        process.log = log
        processes.append(process)
        return process

    yield start
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def events(app, action):
    with app.extensions["dangjian.db"].unit_of_work() as session:
        return list(session.scalars(select(AuditEvent.object_id).where(AuditEvent.action == action)))


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:  # field 4 of /proc/PID/stat: the parent pid
            found.append(int(stat.parent.name))
    return found


def kill_tree(pid: int) -> None:
    """SIGKILL a worker and the work horse it forked (killing the process group alone would leave
    the horse running). A horse that finished its job a moment ago is already gone: not an error."""
    for each in [*children_of(pid), pid]:
        try:
            os.kill(each, signal.SIGKILL)
        except ProcessLookupError:
            pass


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
