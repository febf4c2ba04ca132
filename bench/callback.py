"""/wecom/callback under gunicorn, driven by wrk, against a floor app (signature, decrypt, parse, SET NX).

The workload is the issue's: text 帮助 from 300 distinct members, each callback unique (its own
MsgId), answered with an encrypted passive reply; wrk with 8 connections. The floor does the
least any callback endpoint must — check the signature, decrypt, parse, one Redis SET NX —
under gunicorn with 2 sync workers; Dangjian runs with 2 workers of the class production uses.
Both on PostgreSQL and Redis (BENCH_DATABASE_URL / BENCH_REDIS_URL, else the local servers),
taking turns over ROUNDS rounds; each reports its median round.

Then the effects: unique card taps that write one row each, sent until the list wraps round so
that every tap is also retried (as WeCom retries), must leave exactly one row per tap.

Goals: at least 0.6 of the floor's throughput, p99 under 25 ms, no errors, effects once.
"""

from __future__ import annotations

import random
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text

from bench import _wrk
from bench._serving import ServicesMissing, drop_schema, fresh_schema, serve, verdict
from settings import DEMO_WECOM
from wecom.crypto import CallbackCrypto
from wecom.emulator import wire

CONNECTIONS = 8
MEMBERS = 300
ROUNDS = 3
SECONDS = 6
#: More callbacks than either server answers in SECONDS, so none is sent twice in a round.
PER_ROUND = 40_000
TAPS, TAP_SECONDS = 2_000, 4
WORKERS = 2
APP_WORKER_CLASS, APP_THREADS = "gthread", 4
GOAL_RATIO, GOAL_P99_MS = 0.6, 25.0
SCHEMA = "bench_callback"
XML = (("Content-Type", "text/xml"),)


def _crypto() -> CallbackCrypto:
    return CallbackCrypto(
        DEMO_WECOM["WECOM_TOKEN"], DEMO_WECOM["WECOM_ENCODING_AES_KEY"], DEMO_WECOM["WECOM_CORP_ID"]
    )


def _signed(crypto: CallbackCrypto, plain: str, now: int) -> _wrk.Request:
    signed = wire.sign(crypto, plain, timestamp=now)
    return _wrk.Request("POST", f"/wecom/callback?{signed.query_string}", signed.body, XML)


def _help_texts(crypto: CallbackCrypto, first_id: int, count: int) -> list[_wrk.Request]:
    """`count` unique 帮助 texts from MEMBERS members (ids from `first_id`: no two rounds share one)."""
    corp, agent = DEMO_WECOM["WECOM_CORP_ID"], DEMO_WECOM["WECOM_AGENT_ID"]
    rng, now = random.Random(first_id), int(time.time())
    return [
        _signed(
            crypto,
            wire.message_xml(
                corp,
                f"demo{rng.randrange(MEMBERS):04d}",
                agent,
                "text",
                now,
                Content="帮助",
                MsgId=str(10**18 + i),
            ),
            now,
        )
        for i in range(first_id, first_id + count)
    ]


def _taps(crypto: CallbackCrypto) -> list[_wrk.Request]:
    corp, agent = DEMO_WECOM["WECOM_CORP_ID"], DEMO_WECOM["WECOM_AGENT_ID"]
    now = int(time.time())
    return [
        _signed(
            crypto,
            wire.card_event_xml(
                corp,
                f"demo{i % MEMBERS:04d}",
                agent,
                event_key=f"bench.tap:{i}",
                task_id=f"bench{i}",
                create_time=now,
            ),
            now,
        )
        for i in range(TAPS)
    ]


def run() -> Iterator[str]:
    try:
        _wrk.require_wrk()
        url, env = fresh_schema(SCHEMA)
    except (ServicesMissing, _wrk.WrkMissing) as missing:
        yield f"skipped: needs wrk, PostgreSQL and Redis ({missing})"
        return
    engine = create_engine(url)
    with engine.begin() as c:  # no unique constraint: a duplicate effect is counted, not refused
        c.execute(text("CREATE TABLE bench_effect (tap text NOT NULL)"))
    crypto = _crypto()
    rounds: dict[str, list[_wrk.WrkResult]] = {"floor": [], "app": []}
    with tempfile.TemporaryDirectory() as logs:
        servers = {
            "floor": serve(
                "bench._callback_apps", "floor", env, Path(logs), "/", workers=WORKERS, worker_class="sync"
            ),
            "app": serve(
                "bench._callback_apps",
                "app",
                env,
                Path(logs),
                "/healthz",
                workers=WORKERS,
                threads=APP_THREADS,
                worker_class=APP_WORKER_CLASS,
            ),
        }
        try:
            for _process, base in servers.values():  # warm pools, imports and caches
                _wrk.run(base, _help_texts(crypto, 9 * 10**8, 3000), seconds=1, connections=CONNECTIONS)
            for round_no in range(ROUNDS):
                workload = _help_texts(crypto, round_no * PER_ROUND, PER_ROUND)
                for which, (_process, base) in servers.items():
                    rounds[which].append(_wrk.run(base, workload, seconds=SECONDS, connections=CONNECTIONS))
            taps = _taps(crypto)
            tapped = _wrk.run(servers["app"][1], taps, seconds=TAP_SECONDS, connections=CONNECTIONS)
        finally:
            for process, _base in servers.values():
                process.terminate()
                process.wait(10)
    with engine.connect() as c:
        per_tap = Counter(c.execute(text("SELECT tap FROM bench_effect")).scalars())
    engine.dispose()
    drop_schema(SCHEMA)

    median = {
        which: sorted(results, key=lambda r: r.rps)[len(results) // 2] for which, results in rounds.items()
    }
    floor, app = median["floor"], median["app"]
    exhausted = any(r.requests >= PER_ROUND for results in rounds.values() for r in results)
    errors = sum(r.bad_status + r.socket_errors for results in rounds.values() for r in results)
    ratio = app.rps / floor.rps
    yield (
        f"workload: {ROUNDS} rounds of {SECONDS} s of unique 帮助 texts from {MEMBERS} members, wrk "
        f"{CONNECTIONS} connections; floor gunicorn {WORKERS} sync workers, app {WORKERS} "
        f"{APP_WORKER_CLASS} workers x {APP_THREADS} threads; median round:"
    )
    for name, result in median.items():
        yield (
            f"{name:6} {result.rps:7.0f} req/s  p50 {result.p50_ms:5.1f} ms  p90 {result.p90_ms:5.1f} ms  "
            f"p99 {result.p99_ms:5.1f} ms  errors {result.bad_status + result.socket_errors}"
        )
    if exhausted:
        yield f"warning: a round sent all {PER_ROUND} callbacks and wrapped round (raise PER_ROUND)"
    yield f"ratio app/floor: {ratio:.2f} (goal >= {GOAL_RATIO}) {verdict(ratio >= GOAL_RATIO and not errors)}"
    yield f"app p99 {app.p99_ms:.1f} ms (goal < {GOAL_P99_MS:.0f} ms) {verdict(app.p99_ms < GOAL_P99_MS)}"
    sent = tapped.items_sent(TAPS, CONNECTIONS)
    effects = {int(tap) for tap in per_tap}
    once = (
        max(per_tap.values(), default=0) == 1
        and sent <= effects
        and not tapped.bad_status + tapped.socket_errors
    )
    yield (
        f"effects: {tapped.requests} tap callbacks for {TAPS} unique taps (the rest WeCom's retries), "
        f"{sum(per_tap.values())} rows, at most one per tap and one for every tap sent: {verdict(once)}"
    )
