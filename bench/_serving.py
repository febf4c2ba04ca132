"""What the gunicorn-based benchmarks share: a schema of their own on PostgreSQL, the app's
environment, serving a WSGI app under gunicorn on a free port, and reporting."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import suppress
from pathlib import Path

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from settings import DEMO_WECOM, format_field_keys, new_field_key

DATABASE = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
WORKERS, THREADS = 2, 4
#: gunicorn.conf.py's defaults: what a hospital runs unless it sets GUNICORN_WORKERS/THREADS.
PRODUCTION_WORKERS, PRODUCTION_THREADS = 4, 8


class ServicesMissing(Exception):
    pass


def fresh_schema(schema: str) -> tuple[str, dict[str, str]]:
    """An empty schema with the app's tables and a flushed Redis db: (database URL, env)."""
    try:
        admin = create_engine(DATABASE)
        with admin.begin() as c:
            c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"))
        admin.dispose()
        __import__("redis").Redis.from_url(REDIS).flushdb()
    except Exception as exc:  # noqa: BLE001 - a benchmark without its services reports and skips
        raise ServicesMissing(type(exc).__name__) from None
    url = f"{DATABASE}{'&' if '?' in DATABASE else '?'}options=-csearch_path%3D{schema}"
    env = {
        **os.environ,
        **DEMO_WECOM,
        "APP_ENV": "test",
        "WECOM_EMULATOR": "0",
        "DATABASE_URL": url,
        "REDIS_URL": REDIS,
        "SECRET_KEY": "bench-" + "k" * 40,
        "FIELD_KEYS": format_field_keys([new_field_key("b1")]),
        "AUDIT_CHAIN_KEY": "ba1:" + "C" * 43 + "=",
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
        env=env,
        check=True,
        capture_output=True,
    )
    return url, env


def drop_schema(schema: str) -> None:
    """Drop a benchmark's schema and flush what it wrote (CHECKPOINT), so the next benchmark does
    not share the disk with this one's write-back (a large seed made the next p99 miss)."""
    admin = create_engine(DATABASE)
    with admin.begin() as c:
        c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    # A role without the privilege (pg_checkpoint) only loses the quiet, not the benchmark.
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as c, suppress(DBAPIError):
        c.execute(text("CHECKPOINT"))
    admin.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(
    module: str,
    which: str,
    env: dict[str, str],
    logs: Path,
    ready_path: str,
    *,
    workers: int = WORKERS,
    threads: int = THREADS,
    worker_class: str = "gthread",
) -> tuple[subprocess.Popen, str]:
    """`module:which` under gunicorn (workers x threads of `worker_class`), once it answers
    `ready_path`."""
    port = free_port()
    log = open(logs / f"{which}.log", "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"),  # as production runs
            f"{module}:{which}",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "-k",
            worker_class,
            "--threads",
            str(threads),
            "--log-level",
            "warning",
            "--access-logfile",
            os.devnull,
        ],
        env={**env, "BENCH_APP": which},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(base + ready_path, timeout=5)
            return process, base
        except requests.RequestException:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{which} did not start; see {logs / which}.log")


def start_workers(env: dict[str, str], logs: Path, count: int, queue: str = "push") -> list[subprocess.Popen]:
    """Real RQ worker processes (`flask jobs worker`) on one queue, as production runs them."""
    workers = []
    for n in range(count):
        log = open(logs / f"{queue}-worker{n}.log", "w")  # noqa: SIM115 - closed with the process
        workers.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "flask",
                    "--app",
                    "app",
                    "jobs",
                    "worker",
                    "--queue",
                    queue,
                    "--name",
                    f"bench-{queue}-{n}",
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        )
    return workers


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"
