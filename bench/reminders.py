"""20,000 reminders for 5,000 members over one simulated morning, through the emulator.

On PostgreSQL and Redis (BENCH_DATABASE_URL / BENCH_REDIS_URL, else the local servers). Each
member has a roster (a third came off a night shift, a third on the day shift, a third
resting) and four reminders falling due between 07:00 and 12:00 with two-hour windows. The
engine plans them all (`remind_many`); then the morning is played quickly: the dispatcher runs
at each simulated five minutes while real RQ workers (separate processes) send the outbox
to the WeCom emulator, which answers each call after 50 ms and enforces WeCom's limits
(10,000 calls a minute per API → 45009; 30 a minute per member → silently dropped).

Goals: planning under 10 s (printed against a floor: inserting the same rows unplanned),
every reminder delivered exactly once or inside a digest, at least 80% of the 10,000
calls/minute cap sustained at the peak (the ratio to the cap is printed), no 45009, and no
member over 30 in any minute.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import delete, func, insert, select

from bench._serving import ServicesMissing, drop_schema, fresh_schema, serve, start_workers, verdict

SCHEMA = "bench_reminders"
MEMBERS, EACH = 5000, 4
LATENCY_MS = 50
SENDERS = 3  # RQ worker processes on the push queue
CAP_PER_MINUTE = 10_000
GOAL_PLAN_S, GOAL_RATIO, MEMBER_MINUTE_LIMIT = 10.0, 0.8, 30


def _morning() -> date:
    from models.base import local_today

    return local_today() + timedelta(days=7)


def _seed(app: Any, day: date) -> list[Any]:
    """Members (bulk) and their rosters for the simulated day."""
    from models import Person, RosterImport, RosterShift
    from models.base import CHINA

    now = datetime.now(CHINA)
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        ids = [uuid.uuid4() for _ in range(MEMBERS)]
        session.execute(
            insert(Person),
            [
                {
                    "id": i,
                    "wecom_userid": f"bm{n:05d}",
                    "name": f"职工{n}",
                    "is_active": True,
                    "created_at": now,
                    "updated_at": now,
                }
                for n, i in enumerate(ids)
            ],
        )
        batch = RosterImport(
            period_start=day - timedelta(days=1),
            period_end=day,
            source="api",
            imported_by="基准",
            members=MEMBERS,
            shifts=MEMBERS,
        )
        session.add(batch)
        session.flush()
        shifts = []
        for n, person_id in enumerate(ids):
            if n % 3 == 0:  # came off a night shift this morning
                starts = datetime.combine(day - timedelta(days=1), clock(17, 30), CHINA)
                shifts.append(
                    (
                        person_id,
                        day - timedelta(days=1),
                        "N",
                        starts,
                        starts + timedelta(hours=14, minutes=30),
                    )
                )
            elif n % 3 == 1:  # on the day shift
                starts = datetime.combine(day, clock(8), CHINA)
                shifts.append((person_id, day, "D", starts, starts + timedelta(hours=9, minutes=30)))
            else:
                shifts.append((person_id, day, "R", None, None))
        session.execute(
            insert(RosterShift),
            [
                {
                    "id": uuid.uuid4(),
                    "person_id": p,
                    "day": d,
                    "code": c,
                    "starts_at": s,
                    "ends_at": e,
                    "import_id": batch.id,
                }
                for p, d, c, s, e in shifts
            ],
        )
    return ids


def _asks(session: Any, ids: list[Any], day: date) -> list[Any]:
    from handlers.reminders import Ask
    from models import Person
    from models.base import CHINA

    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ids)))}
    asks = []
    for n, person_id in enumerate(ids):
        for k in range(EACH):
            due = datetime.combine(day, clock(7), CHINA) + timedelta(minutes=75 * k + n % 40)
            asks.append(
                Ask(
                    people[person_id],
                    "meeting_soon",
                    f"bench:{k}",
                    f"事项{k}（{n}号）",
                    "基准测试",
                    "/m/",
                    due_at=due,
                    earliest=due - timedelta(minutes=60),
                    latest=due + timedelta(hours=2),
                )
            )
    return asks


def _plan(app: Any, ids: list[Any], day: date) -> tuple[float, float]:
    """Seconds to plan every reminder, and a floor: inserting the same rows unplanned."""
    from handlers import reminders
    from models import Reminder, ReminderStatus
    from models.base import CHINA

    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        asks = _asks(session, ids, day)
        started = time.perf_counter()
        session.execute(
            insert(Reminder),
            [
                {
                    "id": uuid.uuid4(),
                    "person_id": a.person.id,
                    "category": a.category,
                    "obligation": a.obligation,
                    "title": a.title,
                    "reason": a.reason,
                    "path": a.path,
                    "due_at": a.due_at,
                    "earliest_at": a.earliest,
                    "latest_at": a.latest,
                    "priority": a.priority,
                    "status": ReminderStatus.planned,
                    "deliver_at": a.due_at,
                    "snoozed": False,
                    "created_at": a.earliest,
                }
                for a in asks
            ],
        )
        floor = time.perf_counter() - started
        session.execute(delete(Reminder))
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        asks = _asks(session, ids, day)
        started = time.perf_counter()
        planned = reminders.remind_many(session, asks, now=datetime.combine(day, clock(5), CHINA))
        took = time.perf_counter() - started
    assert planned == MEMBERS * EACH
    return took, floor


def _play_morning(app: Any, day: date) -> int:
    """The dispatcher at each simulated five minutes, as fast as it can go."""
    from handlers import reminders
    from models.base import CHINA

    rounds = 0
    moment = datetime.combine(day, clock(5), CHINA)
    while moment <= datetime.combine(day, clock(15), CHINA):
        while True:
            with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
                report = reminders.dispatch_due(session, now=moment)
            rounds += 1
            if report.sent + report.cancelled + report.held < reminders.BATCH:
                break
        moment += timedelta(minutes=5)
    return rounds


def _outbox_settled(app: Any) -> tuple[int, int]:
    from models import OutboundMessage, OutboundStatus

    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        total = session.scalar(select(func.count()).select_from(OutboundMessage)) or 0
        sent = session.scalar(select(func.count()).where(OutboundMessage.status == OutboundStatus.sent)) or 0
    return total, sent


def _exactly_once(app: Any, rates: dict) -> tuple[bool, str]:
    from models import OutboundMessage, Reminder, ReminderStatus

    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        statuses = dict(
            session.execute(select(Reminder.status, func.count()).group_by(Reminder.status)).all()
        )
        addressed = sum(len(u.split("|")) for u in session.scalars(select(OutboundMessage.to_users)))
        unsent = session.scalar(select(func.count()).where(Reminder.outbox_key.is_(None))) or 0
    every = statuses.get(ReminderStatus.sent, 0) == MEMBERS * EACH and unsent == 0
    once = rates["deliveries"] == addressed
    return every and once, (
        f"{statuses.get(ReminderStatus.sent, 0)} of {MEMBERS * EACH} reminders sent, "
        f"{rates['deliveries']} deliveries for {addressed} addressed"
    )


def run() -> Iterator[str]:
    try:
        url, env = fresh_schema(SCHEMA)
    except ServicesMissing as missing:
        yield f"skipped: needs PostgreSQL and Redis ({missing})"
        return
    day = _morning()
    with tempfile.TemporaryDirectory() as logs:
        emulator, emulator_base = serve(
            "bench._emulator_app", "emulator", env, Path(logs), "/api/stats", workers=1, threads=64
        )
        senders: list[subprocess.Popen] = []
        try:
            requests.post(f"{emulator_base}/api/latency", json={"ms": LATENCY_MS}, timeout=5)
            env = {**env, "WECOM_API_BASE": emulator_base}
            os.environ.update(env)
            from app import create_app

            app = create_app({})
            ids = _seed(app, day)
            took, floor = _plan(app, ids, day)
            yield (
                f"planning {MEMBERS * EACH} reminders for {MEMBERS} members with rosters: {took:.1f} s "
                f"(floor, the rows inserted unplanned: {floor:.1f} s, ratio {floor / took:.2f}; "
                f"goal < {GOAL_PLAN_S:.0f} s) {verdict(took < GOAL_PLAN_S)}"
            )
            senders = start_workers(env, Path(logs), SENDERS)
            started = time.perf_counter()
            rounds = _play_morning(app, day)
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                total, sent = _outbox_settled(app)
                if total and sent == total:
                    break
                time.sleep(1)
            elapsed = time.perf_counter() - started
            rates = requests.get(f"{emulator_base}/api/rates", timeout=10).json()
            ok, detail = _exactly_once(app, rates)
        finally:
            for process in [*senders, emulator]:
                process.terminate()
                process.wait(10)
    drop_schema(SCHEMA)
    peak = rates["peak_calls_per_minute"]
    reached = verdict(peak >= GOAL_RATIO * CAP_PER_MINUTE)
    yield (
        f"the morning: {rounds} dispatcher runs, {total} outbox rows, {rates['calls']} WeCom calls in "
        f"{elapsed:.0f} s ({SENDERS} sender processes)"
    )
    yield (
        f"peak: {peak} calls in the busiest minute, ratio to the {CAP_PER_MINUTE:,} cap "
        f"{peak / CAP_PER_MINUTE:.2f} (goal ≥ {GOAL_RATIO:.2f}) {reached}"
    )
    yield f"45009 refusals: {rates['rate_refusals']} (goal 0) {verdict(rates['rate_refusals'] == 0)}"
    yield (
        f"busiest member: {rates['max_member_per_minute']} in a minute (limit {MEMBER_MINUTE_LIMIT}) "
        f"{verdict(rates['max_member_per_minute'] <= MEMBER_MINUTE_LIMIT)}"
    )
    yield f"delivered exactly once: {detail} {verdict(ok)}"
