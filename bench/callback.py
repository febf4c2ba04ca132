"""/wecom/callback under gunicorn against a floor app (signature, decrypt, parse, SET NX).

Both run under gunicorn with the same workers and threads, on PostgreSQL and Redis (BENCH_
DATABASE_URL / BENCH_REDIS_URL, else the local servers), and receive the same mixed workload
from 8 concurrent connections: text commands answered with an encrypted passive reply, card
taps that write to the database, and WeCom's retries of both. Goals: at least 0.5 of the
floor's throughput, p99 under 50 ms, no errors, and exactly one effect per unique tap.
"""

from __future__ import annotations

import random
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import Pool
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

from bench._serving import (
    THREADS,
    WORKERS,
    ServicesMissing,
    drop_schema,
    fresh_schema,
    percentile,
    serve,
    verdict,
)
from settings import DEMO_WECOM
from wecom.crypto import CallbackCrypto
from wecom.emulator import wire

CONNECTIONS = 8
CLIENT_PROCESSES = 2
REQUESTS = 3000
ROUNDS = 3
GOAL_RATIO, GOAL_P99_MS = 0.5, 50.0
SCHEMA = "bench_callback"


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


def _load(base: str, workload: list[tuple[str, str]]) -> tuple[float, list[float], int]:
    _send_share((base, workload[:50]))  # warm up connections, pools and imports
    shares = [(base, workload[50:][i::CLIENT_PROCESSES]) for i in range(CLIENT_PROCESSES)]
    started = time.perf_counter()
    with Pool(CLIENT_PROCESSES) as pool:
        results = pool.map(_send_share, shares)
    elapsed = time.perf_counter() - started
    latencies = sorted(x for r in results for x in r[0])
    return (len(workload) - 50) / elapsed, latencies, sum(r[1] for r in results)


def run() -> Iterator[str]:
    try:
        url, env = fresh_schema(SCHEMA)
    except ServicesMissing as missing:
        yield f"skipped: needs PostgreSQL and Redis ({missing})"
        return
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
        servers = {
            which: serve(
                "bench._callback_apps", which, env, Path(logs), "/healthz" if which == "app" else "/"
            )
            for which in results
        }
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
    drop_schema(SCHEMA)

    median = {
        which: sorted(rounds, key=lambda r: r[0])[len(rounds) // 2] for which, rounds in results.items()
    }
    (floor_rps, _, _), (app_rps, app_lat, _) = median["floor"], median["app"]
    app_err = sum(r[2] for r in results["app"])
    ratio = app_rps / floor_rps
    once = len(per_tap) == taps and total == taps
    p99 = percentile(app_lat, 0.99)
    yield (
        f"workload: {ROUNDS} rounds of {REQUESTS} callbacks ({taps} unique taps in all), "
        f"{CONNECTIONS} connections, gunicorn {WORKERS} workers x {THREADS} threads; median round:"
    )
    for name, (rps, latencies, errors) in median.items():
        yield (
            f"{name:6} {rps:7.0f} req/s  p50 {percentile(latencies, 0.5):5.1f} ms  "
            f"p99 {percentile(latencies, 0.99):5.1f} ms  errors {errors}"
        )
    yield f"ratio app/floor: {ratio:.2f} (goal >= {GOAL_RATIO}) {verdict(ratio >= GOAL_RATIO)}"
    yield f"app p99 {p99:.1f} ms (goal < {GOAL_P99_MS:.0f} ms) {verdict(p99 < GOAL_P99_MS)}"
    yield f"effects: {total} for {taps} unique taps, exactly once each: {verdict(once and not app_err)}"
