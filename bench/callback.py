"""/wecom/callback under gunicorn against a floor app (signature, decrypt, parse, SET NX).

Both run under gunicorn with the same workers and threads, on PostgreSQL and Redis (BENCH_
DATABASE_URL / BENCH_REDIS_URL, else the local servers), and receive the same mixed workload
from 8 concurrent connections: text commands answered with an encrypted passive reply, card
taps that write to the database, and WeCom's retries of both. Goals: at least 0.5 of the
floor's throughput, p99 under 50 ms, no errors, and exactly one effect per unique tap.
"""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import Pool
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

from settings import DEMO_WECOM, format_field_keys, new_field_key
from wecom.crypto import CallbackCrypto
from wecom.emulator import wire

CONNECTIONS = 8
CLIENT_PROCESSES = 2
REQUESTS = 3000
ROUNDS = 3
WORKERS, THREADS = 2, 4
GOAL_RATIO, GOAL_P99_MS = 0.5, 50.0
DATABASE = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
SCHEMA = "bench_callback"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _workload(crypto: CallbackCrypto, round_no: int) -> tuple[list[tuple[str, str]], int]:
    """Signed callbacks: 45% text commands, 45% card taps, 10% retries of earlier ones.
    Each round has its own ids, so no round finds its callbacks already seen."""
    rng = random.Random(round_no)
    corp, agent = DEMO_WECOM["WECOM_CORP_ID"], DEMO_WECOM["WECOM_AGENT_ID"]
    now = int(time.time())
    originals, taps = [], 0
    for i in range(round_no * REQUESTS, round_no * REQUESTS + int(REQUESTS * 0.9)):
        user = f"demo{rng.randrange(1, 600):04d}"
        if i % 2:
            plain = wire.message_xml(corp, user, agent, "text", now, Content="帮助", MsgId=str(10**18 + i))
        else:
            taps += 1
            plain = wire.card_event_xml(
                corp, user, agent, event_key=f"bench.tap:{i}", task_id=f"bench{i}", create_time=now
            )
        signed = wire.sign(crypto, plain, timestamp=now)
        originals.append((signed.query_string, signed.body))
    retries = [rng.choice(originals) for _ in range(REQUESTS - len(originals))]
    mixed = originals + retries
    rng.shuffle(mixed)
    return mixed, taps


def _send_share(args: tuple[str, list[tuple[str, str]]]) -> tuple[list[float], int]:
    base, share = args
    local = __import__("threading").local()

    def one(item: tuple[str, str]) -> tuple[float, bool]:
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        started = time.perf_counter()
        response = session.post(
            f"{base}/wecom/callback?{item[0]}", data=item[1].encode(), headers={"Content-Type": "text/xml"}
        )
        return (time.perf_counter() - started) * 1000, response.status_code == 200

    with ThreadPoolExecutor(CONNECTIONS // CLIENT_PROCESSES) as pool:
        results = list(pool.map(one, share))
    return [r[0] for r in results], sum(1 for r in results if not r[1])


def _serve(which: str, env: dict[str, str], logs: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    log = open(logs / f"{which}.log", "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", f"bench._callback_apps:{which}",
            "-b", f"127.0.0.1:{port}", "-w", str(WORKERS), "-k", "gthread", "--threads", str(THREADS),
            "--log-level", "warning",
        ],
        env={**env, "BENCH_APP": which},
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(f"{base}/healthz" if which == "app" else base, timeout=5)
            return process, base
        except requests.RequestException:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{which} did not start; see {logs / which}.log")


def _load(base: str, workload: list[tuple[str, str]]) -> tuple[float, list[float], int]:
    _send_share((base, workload[:50]))  # warm up connections, pools and imports
    shares = [(base, workload[50:][i::CLIENT_PROCESSES]) for i in range(CLIENT_PROCESSES)]
    started = time.perf_counter()
    with Pool(CLIENT_PROCESSES) as pool:
        results = pool.map(_send_share, shares)
    elapsed = time.perf_counter() - started
    latencies = sorted(x for r in results for x in r[0])
    return (len(workload) - 50) / elapsed, latencies, sum(r[1] for r in results)


def _p(latencies: list[float], q: float) -> float:
    return latencies[min(len(latencies) - 1, int(len(latencies) * q))]


def run() -> Iterator[str]:
    try:
        admin = create_engine(DATABASE)
        with admin.begin() as c:
            c.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}"))
        __import__("redis").Redis.from_url(REDIS).flushdb()
    except Exception as exc:  # noqa: BLE001 - report and skip, as a benchmark without its services
        yield f"skipped: needs PostgreSQL and Redis ({type(exc).__name__})"
        return
    url = f"{DATABASE}{'&' if '?' in DATABASE else '?'}options=-csearch_path%3D{SCHEMA}"
    env = {
        **os.environ,
        **DEMO_WECOM,
        "APP_ENV": "test",
        "WECOM_EMULATOR": "0",
        "DATABASE_URL": url,
        "REDIS_URL": REDIS,
        "SECRET_KEY": "bench-" + "k" * 40,
        "FIELD_KEYS": format_field_keys([new_field_key("b1")]),
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
        env=env,
        check=True,
        capture_output=True,
    )
    # The effect table: no unique constraint, so a duplicate effect would be counted, not refused.
    engine = create_engine(url)
    with engine.begin() as c:
        c.execute(text("CREATE TABLE bench_effect (tap text NOT NULL)"))
    crypto = CallbackCrypto(
        DEMO_WECOM["WECOM_TOKEN"], DEMO_WECOM["WECOM_ENCODING_AES_KEY"], DEMO_WECOM["WECOM_CORP_ID"]
    )
    # The two servers take turns over ROUNDS rounds (the machine's noise hits both alike);
    # each side reports its median round.
    results: dict[str, list[tuple[float, list[float], int]]] = {"floor": [], "app": []}
    taps = 0
    with tempfile.TemporaryDirectory() as logs:
        servers = {which: _serve(which, env, Path(logs)) for which in results}
        try:
            for round_no in range(ROUNDS):
                workload, round_taps = _workload(crypto, round_no)
                taps += round_taps
                for which, (_process, base) in servers.items():
                    results[which].append(_load(base, workload))
        finally:
            for process, _base in servers.values():
                process.terminate()
                process.wait(10)
    with engine.connect() as c:
        per_tap = Counter(c.execute(text("SELECT tap FROM bench_effect")).scalars())
        total = sum(per_tap.values())
    engine.dispose()
    with admin.begin() as c:
        c.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
    admin.dispose()

    median = {
        which: sorted(rounds, key=lambda r: r[0])[len(rounds) // 2] for which, rounds in results.items()
    }
    (floor_rps, _, _), (app_rps, app_lat, _) = median["floor"], median["app"]
    app_err = sum(r[2] for r in results["app"])
    ratio = app_rps / floor_rps
    once = len(per_tap) == taps and total == taps
    p99 = _p(app_lat, 0.99)
    yield (
        f"workload: {ROUNDS} rounds of {REQUESTS} callbacks ({taps} unique taps in all), "
        f"{CONNECTIONS} connections, gunicorn {WORKERS} workers x {THREADS} threads; median round:"
    )
    for name, (rps, latencies, errors) in median.items():
        yield (
            f"{name:6} {rps:7.0f} req/s  p50 {_p(latencies, 0.5):5.1f} ms  "
            f"p99 {_p(latencies, 0.99):5.1f} ms  errors {errors}"
        )
    yield f"ratio app/floor: {ratio:.2f} (goal >= {GOAL_RATIO}) {_verdict(ratio >= GOAL_RATIO)}"
    yield f"app p99 {p99:.1f} ms (goal < {GOAL_P99_MS:.0f} ms) {_verdict(p99 < GOAL_P99_MS)}"
    yield f"effects: {total} for {taps} unique taps, exactly once each: {_verdict(once and not app_err)}"


def _verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"
