"""A notice to 5,000 and a task to 300 branches via the emulator; the sender's page under 5,000 taps.

On PostgreSQL and Redis (BENCH_DATABASE_URL / BENCH_REDIS_URL, else the local servers). 5,000
members in 300 branches, each with its secretary; real RQ worker processes send the outbox to
the WeCom emulator, which answers each call after 50 ms and enforces WeCom's limits (10,000
calls a minute per API → 45009). The office sends one hospital-wide notice asking for 收到 (up
to 1,000 recipients a call) and one task to every branch (a card per branch: its buttons are
its own).

Goals: everything sent within WeCom's limits — the sending rate while it sends at least 80% of
the 10,000 calls/minute cap (calls ÷ their span), no 45009, one task card per branch; then, while
wrk posts the 5,000 members' 收到 taps as encrypted, signed callbacks (each once), the sender's
notice page and its live counts (progress.json) answer in under 200 ms at the 95th percentile,
printed against a floor measured in the same run — the same counts by one SQL query — and the
counts at the end match the callbacks received.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import create_engine, func, insert, select, text

from bench import _wrk
from bench._serving import (
    ServicesMissing,
    drop_schema,
    fresh_schema,
    percentile,
    serve,
    start_workers,
    verdict,
)
from models import CallbackReceipt
from settings import DEMO_WECOM
from wecom.crypto import CallbackCrypto
from wecom.emulator import wire

SCHEMA = "bench_tasks"
MEMBERS, BRANCHES = 5000, 300
LATENCY_MS = 50
SENDERS = 3
CAP_PER_MINUTE = 10_000
GOAL_RATIO, GOAL_PAGE_MS = 0.8, 200.0
CONNECTIONS = 8
XML = (("Content-Type", "text/xml"),)


def _seed(app: Any) -> dict[str, Any]:
    """Members in bulk, a secretary per branch, the office and its login session."""
    from models import Member, MemberStatus, OrgKind, PartyOrg, Person, Role, RoleGrant, WebSession

    now = datetime.now(UTC)
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        committee = PartyOrg(kind=OrgKind.committee, code="TDW", name="基准党委")
        committee.set_parent(None)
        branches = []
        for b in range(BRANCHES):
            org = PartyOrg(kind=OrgKind.branch, code=f"T{b:03d}", name=f"第{b}党支部")
            org.set_parent(committee)
            branches.append(org)
        session.add_all([committee, *branches])
        session.flush()
        people = [uuid.uuid4() for _ in range(MEMBERS + 1)]
        session.execute(
            insert(Person),
            [
                {
                    "id": p,
                    "wecom_userid": f"tk{n:05d}",
                    "name": f"党员{n}",
                    "is_active": True,
                    "created_at": now,
                    "updated_at": now,
                }
                for n, p in enumerate(people)
            ],
        )
        office = people.pop()  # the office is staff, not a member
        session.execute(
            insert(Member),
            [
                {
                    "id": uuid.uuid4(),
                    "person_id": p,
                    "status": MemberStatus.full,
                    "branch_id": branches[n % BRANCHES].id,
                    "created_at": now,
                    "updated_at": now,
                }
                for n, p in enumerate(people)
            ],
        )
        session.add_all(
            RoleGrant(person_id=people[b], role=Role.secretary, org_id=org.id)
            for b, org in enumerate(branches)
        )
        session.add(RoleGrant(person_id=office, role=Role.committee_office, org_id=None))
        token = secrets.token_urlsafe(32)
        session.add(
            WebSession(
                token_hash=hashlib.sha256(token.encode()).hexdigest(),
                person_id=office,
                data={"csrf_token": "csrf-office"},
                created_at=now,
                last_seen_at=now,
                expires_at=now + timedelta(hours=8),
            )
        )
        return {"office": office, "token": token}


def _send(app: Any, office_id: uuid.UUID) -> tuple[uuid.UUID, float]:
    """The notice and the task, sent in one go by the office; seconds the two sends took."""
    from handlers import notices, tasks
    from handlers.policy import load_actor
    from models import OrgKind, PartyOrg, Person
    from models.base import local_today

    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        office = load_actor(session, session.get(Person, office_id))
        started = time.perf_counter()
        notice = notices.send(
            session,
            office,
            title="关于开展十二月集中学习的通知",
            body="各党支部：请于本月底前组织党员完成集中学习。请回复收到。",
            org_ids=[],
            needs_ack=True,
        )
        tasks.send(
            session,
            office,
            title="报送年度组织生活会准备情况",
            body="请各支部于截止日前报送本支部年度组织生活会的准备情况。",
            done_by="report",
            deadline=local_today() + timedelta(days=7),
            org_ids=list(session.scalars(select(PartyOrg.id).where(PartyOrg.kind == OrgKind.branch))),
        )
        return notice.id, time.perf_counter() - started


def _settle(app: Any) -> None:
    from models import OutboundMessage, OutboundStatus

    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
            if not session.scalar(select(func.count()).where(OutboundMessage.status != OutboundStatus.sent)):
                return
        time.sleep(0.5)


def _acks(notice_id: uuid.UUID) -> list[_wrk.Request]:
    """Every member's 收到 tap on the notice card, as WeCom posts it: encrypted and signed."""
    crypto = CallbackCrypto(
        DEMO_WECOM["WECOM_TOKEN"], DEMO_WECOM["WECOM_ENCODING_AES_KEY"], DEMO_WECOM["WECOM_CORP_ID"]
    )
    corp, agent, now = DEMO_WECOM["WECOM_CORP_ID"], DEMO_WECOM["WECOM_AGENT_ID"], int(time.time())
    items = []
    for n in range(MEMBERS):
        plain = wire.card_event_xml(
            corp,
            f"tk{n:05d}",
            agent,
            event_key=f"notice_ack:{notice_id}",
            task_id=f"nt{notice_id.hex}{n // 1000}",
            create_time=now,
        )
        signed = wire.sign(crypto, plain, timestamp=now)
        items.append(_wrk.Request("POST", f"/wecom/callback?{signed.query_string}", signed.body, XML))
    return items


def _sample(base: str, paths: list[str], token: str, running: threading.Event) -> dict[str, list[float]]:
    """The sender's pages, one after another, for as long as the acknowledgements arrive."""
    http = requests.Session()
    http.cookies.set("dj_session", token)
    timings: dict[str, list[float]] = {p: [] for p in paths}
    while running.is_set() or not all(timings.values()):
        for path in paths:
            started = time.perf_counter()
            http.get(base + path, timeout=10).raise_for_status()
            timings[path].append((time.perf_counter() - started) * 1000)
        time.sleep(0.05)
    return timings


def _floor_ms(url: str, notice_id: uuid.UUID, running: threading.Event) -> list[float]:
    """The same counts by one SQL query, over its own connection, for as long as the load runs."""
    engine = create_engine(url)
    timings = []
    query = text(
        "SELECT count(*), count(read_at), count(acked_at) FROM notice_recipient WHERE notice_id = :n"
    )
    with engine.connect() as c:
        while running.is_set() or not timings:
            started = time.perf_counter()
            c.execute(query, {"n": notice_id}).one()
            timings.append((time.perf_counter() - started) * 1000)
            time.sleep(0.05)
    engine.dispose()
    return timings


def _counts(session: Any, notice_id: uuid.UUID) -> Any:
    from handlers.notices import Reach
    from models import Notice, NoticeRecipient

    read, acked = session.execute(
        select(func.count(NoticeRecipient.read_at), func.count(NoticeRecipient.acked_at)).where(
            NoticeRecipient.notice_id == notice_id
        )
    ).one()
    notice = session.get(Notice, notice_id)
    return Reach(notice, notice.recipients, read, acked)


def run() -> Iterator[str]:
    try:
        _wrk.require_wrk()
        url, env = fresh_schema(SCHEMA)
    except (ServicesMissing, _wrk.WrkMissing) as missing:
        yield f"skipped: needs wrk, PostgreSQL and Redis ({missing})"
        return
    with tempfile.TemporaryDirectory() as logs:
        emulator, emulator_base = serve(
            "bench._emulator_app", "emulator", env, Path(logs), "/api/stats", workers=1, threads=64
        )
        processes = [emulator]
        try:
            env = {**env, "WECOM_API_BASE": emulator_base}
            os.environ.update(env)
            from app import create_app

            app = create_app({})
            facts = _seed(app)
            processes += start_workers(env, Path(logs), SENDERS)
            requests.post(f"{emulator_base}/api/latency", json={"ms": LATENCY_MS}, timeout=5)
            began = time.perf_counter()
            notice_id, sending = _send(app, facts["office"])
            _settle(app)
            elapsed = time.perf_counter() - began
            rates = requests.get(f"{emulator_base}/api/rates", timeout=10).json()

            app_server, app_base = serve("bench._campaign_apps", "app", env, Path(logs), "/healthz")
            processes.append(app_server)
            paths = [f"/admin/notices/{notice_id}", f"/admin/notices/{notice_id}/progress.json"]
            running = threading.Event()
            running.set()
            found: dict[str, Any] = {}
            samplers = [
                threading.Thread(
                    target=lambda: found.update(pages=_sample(app_base, paths, facts["token"], running))
                ),
                threading.Thread(target=lambda: found.update(floor=_floor_ms(url, notice_id, running))),
            ]
            for thread in samplers:
                thread.start()
            try:
                load = _wrk.run(
                    app_base, _acks(notice_id), seconds=120, connections=CONNECTIONS, once_then="/healthz"
                )
            finally:
                running.clear()
                for thread in samplers:
                    thread.join(30)
            with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
                reach = _counts(session, notice_id)
                received = session.scalar(select(func.count()).select_from(CallbackReceipt))
        finally:
            for process in processes:
                process.terminate()
                process.wait(10)
    drop_schema(SCHEMA)

    span = max((rates["last_call_at"] or 0) - (rates["first_call_at"] or 0), 1e-3)
    rate = (rates["calls"] - 1) / span * 60 if rates["calls"] > 1 else 0.0
    yield (
        f"sending: notice to {MEMBERS:,} and task to {BRANCHES} branches written in {sending:.1f} s, out in "
        f"{elapsed:.1f} s; {rates['calls']:,} calls in {span:.1f} s = {rate:,.0f}/min, ratio to the "
        f"{CAP_PER_MINUTE:,} cap {rate / CAP_PER_MINUTE:.2f} (goal ≥ {GOAL_RATIO:.2f}) "
        f"{verdict(rate >= GOAL_RATIO * CAP_PER_MINUTE)}"
    )
    within = rates["rate_refusals"] == 0 and rates["peak_calls_per_minute"] <= CAP_PER_MINUTE
    yield (
        f"limits: busiest 60 s {rates['peak_calls_per_minute']:,} calls (≤ {CAP_PER_MINUTE:,}), 45009 "
        f"refusals {rates['rate_refusals']} (goal 0); {rates['members']:,} people got "
        f"{rates['deliveries']:,} messages "
        f"{verdict(within and rates['members'] == MEMBERS)}"
    )
    pages, floor = found["pages"], found["floor"]
    floor_p50 = percentile(floor, 0.5)
    for path, label in zip(paths, ("notice page", "progress.json"), strict=True):
        p50, p95 = percentile(pages[path], 0.5), percentile(pages[path], 0.95)
        yield (
            f"{label}: {len(pages[path])} loads during {load.requests:,} callbacks ({load.rps:,.0f}/s): p50 "
            f"{p50:.1f} ms, p95 {p95:.1f} ms, slowest {max(pages[path]):.1f} ms (floor, one SQL query: p50 "
            f"{floor_p50:.1f} ms, ratio floor/page {floor_p50 / p50:.2f}; goal p95 < {GOAL_PAGE_MS:.0f} ms) "
            f"{verdict(p95 < GOAL_PAGE_MS)}"
        )
    sent = load.items_sent(MEMBERS, CONNECTIONS)
    errors = load.bad_status + load.socket_errors
    match = reach.acked == reach.read == received and received >= len(sent)
    yield (
        f"counts: {received:,} 收到 callbacks received (at least {len(sent):,} certainly sent), {errors} "
        f"errors; the notice counts {reach.acked:,} acknowledged and {reach.read:,} read "
        f"{verdict(match and not errors)}"
    )
