"""A campaign to 5,000 members through the emulator, and a member's hours page with 5 years of records.

On PostgreSQL and Redis (BENCH_DATABASE_URL / BENCH_REDIS_URL, else the local servers). 5,000
members in ten branches; real RQ worker processes send the outbox to the WeCom emulator, which
answers each call after 50 ms and enforces WeCom's limits (10,000 calls a minute per API →
45009). Two campaigns of one lesson to everyone: one personalised (each card greets its member
by name: one call per member), one identical for all (up to 1,000 recipients a call).

Goals: personalised, the sending rate while it sends is at least 80% of the 10,000 calls/minute
cap (calls ÷ their span; the busiest 60 s must stay under the cap), with no 45009 and exactly
one card per member; identical, at most 5 calls for the 5,000. Then a member with five years of
study records (150 lessons a year, 党课 attended, training days; 1,000 others' records beside
them) opens their hours page: under 50 ms, printed against a floor measured in the same run —
a bare endpoint doing only the three sums.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import func, insert, select

from bench._serving import (
    ServicesMissing,
    drop_schema,
    fresh_schema,
    percentile,
    serve,
    start_workers,
    verdict,
)

SCHEMA = "bench_campaign"
MEMBERS, BRANCHES = 5000, 10
LATENCY_MS = 50
SENDERS = 3
CAP_PER_MINUTE = 10_000
GOAL_RATIO, GOAL_IDENTICAL_CALLS, GOAL_HOURS_MS = 0.8, 5, 50.0
YEARS, LESSONS_A_YEAR, OTHERS, OTHERS_A_YEAR = 5, 150, 1000, 30


def _seed(app: Any) -> dict[str, Any]:
    """Members in bulk, a published lesson, and the reader's five years (with others' beside)."""
    from handlers import learning
    from handlers.policy import Actor
    from models import (
        Attendance,
        CheckInMethod,
        Lesson,
        LessonKind,
        LessonStatus,
        Meeting,
        MeetingSession,
        MeetingStatus,
        Member,
        MemberStatus,
        OrgKind,
        PartyOrg,
        Person,
        StudyRecord,
        TrainingAttendance,
        TrainingDay,
        VenueMode,
        WebSession,
        meeting_obligation,
    )

    now = datetime.now(UTC)
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        committee = PartyOrg(kind=OrgKind.committee, code="CDW", name="基准党委")
        committee.set_parent(None)
        branches = []
        for b in range(BRANCHES):
            org = PartyOrg(kind=OrgKind.branch, code=f"C{b:03d}", name=f"第{b}党支部")
            org.set_parent(committee)
            branches.append(org)
        session.add_all([committee, *branches])
        session.flush()
        people = [uuid.uuid4() for _ in range(MEMBERS)]
        members = [uuid.uuid4() for _ in range(MEMBERS)]
        session.execute(
            insert(Person),
            [
                {
                    "id": p,
                    "wecom_userid": f"cm{n:05d}",
                    "name": f"党员{n}",
                    "is_active": True,
                    "created_at": now,
                    "updated_at": now,
                }
                for n, p in enumerate(people)
            ],
        )
        session.execute(
            insert(Member),
            [
                {
                    "id": m,
                    "person_id": p,
                    "status": MemberStatus.full,
                    "branch_id": branches[n % BRANCHES].id,
                    "created_at": now,
                    "updated_at": now,
                }
                for n, (m, p) in enumerate(zip(members, people, strict=True))
            ],
        )
        lesson = learning.create_lesson(
            session,
            Actor.cli("基准"),
            kind="article",
            title="学习党章",
            summary="",
            body_html="<p>党章</p>",
            credit_hours="1",
            min_minutes="10",
        )
        learning.set_status(session, Actor.cli("基准"), lesson.id, status="published")

        # Five years of lessons, the reader's records of all of them, 1,000 others' of some.
        this_year = now.year
        history = []
        for year in range(this_year - YEARS + 1, this_year + 1):
            for k in range(LESSONS_A_YEAR):
                published = datetime(year, 1, 1, tzinfo=UTC) + timedelta(days=k * 2)
                if published > now:
                    break
                history.append((uuid.uuid4(), year, published))
        session.execute(
            insert(Lesson),
            [
                {
                    "id": i,
                    "kind": LessonKind.article,
                    "title": f"{year}年第{k}课",
                    "summary": "",
                    "body_html": "<p>x</p>",
                    "credit_hours": Decimal("0.5"),
                    "min_seconds": 600,
                    "tags": "党章",
                    "audience_roles": "",
                    "source": "",
                    "status": LessonStatus.published,
                    "created_by": "基准",
                    "published_at": when,
                    "created_at": when,
                    "updated_at": when,
                }
                for k, (i, year, when) in enumerate(history)
            ],
        )
        reader = members[0]
        records = [
            {
                "id": uuid.uuid4(),
                "member_id": reader,
                "lesson_id": i,
                "year": year,
                "opened_at": when,
                "last_beat_at": when,
                "seconds": 600,
                "completed_at": when,
                "credited_hours": Decimal("0.5"),
            }
            for i, year, when in history
        ]
        for n in range(1, OTHERS + 1):
            for i, year, when in history[n % 5 :: LESSONS_A_YEAR // OTHERS_A_YEAR]:
                records.append(
                    {
                        "id": uuid.uuid4(),
                        "member_id": members[n],
                        "lesson_id": i,
                        "year": year,
                        "opened_at": when,
                        "last_beat_at": when,
                        "seconds": 600,
                        "completed_at": when,
                        "credited_hours": Decimal("0.5"),
                    }
                )
        for start in range(0, len(records), 20_000):
            session.execute(insert(StudyRecord), records[start : start + 20_000])

        # Quarterly 党课 in the reader's branch, attended by its members; training days.
        branch_members = [m for n, m in enumerate(members) if n % BRANCHES == 0]
        meetings, sessions_rows, kinds, attendance = [], [], [], []
        for year in range(this_year - YEARS + 1, this_year + 1):
            for quarter in range(4):
                when = datetime(year, 3 * quarter + 2, 10, 6, tzinfo=UTC)
                if when > now:
                    break
                mid, sid = uuid.uuid4(), uuid.uuid4()
                meetings.append(
                    {
                        "id": mid,
                        "org_id": branches[0].id,
                        "topic": "党课",
                        "agenda": "",
                        "venue_mode": VenueMode.online,
                        "online_room": "线上",
                        "status": MeetingStatus.signed_off,
                        "planned_by": "基准",
                        "minutes": "记录",
                        "resolutions": "",
                        "version": 1,
                        "makeup_material": "",
                    }
                )
                sessions_rows.append(
                    {
                        "id": sid,
                        "meeting_id": mid,
                        "label": "A场",
                        "starts_at": when,
                        "ends_at": when + timedelta(hours=1),
                    }
                )
                kinds.append({"meeting_id": mid, "kind": "party_lecture"})
                attendance += [
                    {
                        "id": uuid.uuid4(),
                        "meeting_id": mid,
                        "session_id": sid,
                        "member_id": m,
                        "method": CheckInMethod.qr,
                        "checked_in_at": when,
                        "late": False,
                        "present": True,
                    }
                    for m in branch_members
                ]
        session.execute(insert(Meeting), meetings)
        session.execute(insert(MeetingSession), sessions_rows)
        session.execute(meeting_obligation.insert(), kinds)
        session.execute(insert(Attendance), attendance)
        for year in range(this_year - YEARS + 1, this_year + 1):
            for month in (3, 6, 9):
                if date(year, month, 1) > now.date():
                    break
                day = TrainingDay(
                    title=f"{year}年培训", held_on=date(year, month, 1), hours=Decimal(6), created_by="基准"
                )
                session.add(day)
                session.flush()
                session.add(TrainingAttendance(training_id=day.id, member_id=reader))
        token = secrets.token_urlsafe(32)
        session.add(
            WebSession(
                token_hash=hashlib.sha256(token.encode()).hexdigest(),
                person_id=people[0],
                data={"csrf_token": "csrf-reader"},
                created_at=now,
                last_seen_at=now,
                expires_at=now + timedelta(hours=8),
            )
        )
        return {"lesson_id": lesson.id, "token": token, "records": len(records), "lessons": len(history)}


def _launch(app: Any, lesson_id: Any, personalised: bool) -> float:
    """Launch to everyone at once and dispatch what is due; seconds it took (planning included)."""
    from handlers import reminders
    from handlers.learning import campaigns
    from handlers.policy import Actor

    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        now = datetime.now(UTC)
        started = time.perf_counter()
        campaigns.launch(
            session,
            Actor.cli("基准"),
            title="基准学习" + ("（逐人）" if personalised else ""),
            lesson_ids=[lesson_id],
            send_at=now,
            deadline=now + timedelta(days=3),
            personalised=personalised,
            now=now,
        )
        took = time.perf_counter() - started
    # The cards are planned for each member's first good moment (off the :00/:30 peaks, outside
    # quiet hours): the dispatcher runs at that moment (a simulated clock, as bench/reminders).
    while True:
        with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
            moment = _last_planned_card(session)
            if moment is None:
                break
            reminders.dispatch_due(session, now=moment)
    return took


def _last_planned_card(session: Any) -> datetime | None:
    from models import Reminder, ReminderStatus

    return session.scalar(
        select(func.max(Reminder.deliver_at)).where(
            Reminder.category == "campaign_lesson", Reminder.status == ReminderStatus.planned
        )
    )


def _settle(app: Any) -> None:
    from models import OutboundMessage, OutboundStatus

    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
            waiting = session.scalar(
                select(func.count()).where(OutboundMessage.status != OutboundStatus.sent)
            )
        if not waiting:
            return
        time.sleep(0.5)


def _outbox_rows(app: Any, personalised: bool) -> int:
    """How many outbox rows (calls to be) the dispatcher wrote for one of the two campaigns."""
    from models import OutboundMessage

    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        rows = session.scalars(
            select(OutboundMessage.to_users).where(OutboundMessage.kind == "lesson_push")
        ).all()
    return sum(1 for users in rows if ("|" in users) != personalised)


def _hours_ms(base: str, path: str, token: str, times: int = 21) -> tuple[float, float]:
    http = requests.Session()
    http.cookies.set("dj_session", token)
    first = http.get(base + path, timeout=10)
    first.raise_for_status()
    timings = []
    for _ in range(times):
        started = time.perf_counter()
        http.get(base + path, timeout=10).raise_for_status()
        timings.append((time.perf_counter() - started) * 1000)
    return percentile(timings, 0.5), max(timings)


def run() -> Iterator[str]:
    try:
        _url, env = fresh_schema(SCHEMA)
    except ServicesMissing as missing:
        yield f"skipped: needs PostgreSQL and Redis ({missing})"
        return
    with tempfile.TemporaryDirectory() as logs:
        emulator, emulator_base = serve(
            "bench._emulator_app", "emulator", env, Path(logs), "/api/stats", workers=1, threads=64
        )
        senders, servers = [], [emulator]
        try:
            env = {**env, "WECOM_API_BASE": emulator_base}
            os.environ.update(env)
            from app import create_app

            app = create_app({})
            started = time.perf_counter()
            facts = _seed(app)
            yield (
                f"setup: {MEMBERS} members, {facts['lessons']} lessons over {YEARS} years, "
                f"{facts['records']:,} study records ({time.perf_counter() - started:.0f} s)"
            )
            senders = start_workers(env, Path(logs), SENDERS)
            results = {}
            for personalised in (True, False):
                requests.post(f"{emulator_base}/api/reset", timeout=5)
                requests.post(f"{emulator_base}/api/latency", json={"ms": LATENCY_MS}, timeout=5)
                began = time.perf_counter()
                planning = _launch(app, facts["lesson_id"], personalised)
                _settle(app)
                elapsed = time.perf_counter() - began
                rates = requests.get(f"{emulator_base}/api/rates", timeout=10).json()
                results[personalised] = (planning, elapsed, rates, _outbox_rows(app, personalised))
            app_server, app_base = serve("bench._campaign_apps", "app", env, Path(logs), "/healthz")
            floor_server, floor_base = serve("bench._campaign_apps", "floor", env, Path(logs), "/hours")
            servers += [app_server, floor_server]
            hours_p50, hours_max = _hours_ms(app_base, "/m/study", facts["token"])
            floor_p50, _ = _hours_ms(floor_base, "/hours", facts["token"])
        finally:
            for process in [*senders, *servers]:
                process.terminate()
                process.wait(10)
    drop_schema(SCHEMA)

    planning, elapsed, rates, _rows = results[True]
    span = max((rates["last_call_at"] or 0) - (rates["first_call_at"] or 0), 1e-3)
    rate = (rates["calls"] - 1) / span * 60 if rates["calls"] > 1 else 0.0
    once = rates["members"] == MEMBERS and rates["most_deliveries_to_one_member"] == 1
    yield (
        f"personalised: launch (10,000 reminders planned) {planning:.1f} s; {rates['calls']:,} calls in "
        f"{span:.1f} s = {rate:,.0f}/min while sending, ratio to the {CAP_PER_MINUTE:,} cap "
        f"{rate / CAP_PER_MINUTE:.2f} (goal ≥ {GOAL_RATIO:.2f}) "
        f"{verdict(rate >= GOAL_RATIO * CAP_PER_MINUTE)}"
    )
    yield (
        f"personalised: busiest 60 s {rates['peak_calls_per_minute']:,} calls (≤ {CAP_PER_MINUTE:,}), "
        f"45009 refusals {rates['rate_refusals']} (goal 0) "
        f"{verdict(rates['rate_refusals'] == 0 and rates['peak_calls_per_minute'] <= CAP_PER_MINUTE)}; "
        f"{rates['members']:,} members got {rates['deliveries']:,} cards, at most "
        f"{rates['most_deliveries_to_one_member']} each {verdict(once)}"
    )
    _, elapsed, rates, rows = results[False]
    once = rates["members"] == MEMBERS and rates["most_deliveries_to_one_member"] == 1
    sends = rates["accepted_sends"]
    yield (
        f"identical: {rows} outbox rows, {sends} message/send calls delivered to {rates['members']:,} "
        f"members (goal ≤ {GOAL_IDENTICAL_CALLS}; {rates['calls'] - sends} more refused: tokens the "
        f"bench's emulator reset revoked, renewed and retried), one card each: {once}, "
        f"45009 refusals {rates['rate_refusals']} "
        f"{verdict(sends <= GOAL_IDENTICAL_CALLS and once and rates['rate_refusals'] == 0)}"
    )
    yield (
        f"hours page, {YEARS} years of records: p50 {hours_p50:.1f} ms, slowest of 21 {hours_max:.1f} ms "
        f"(floor p50 {floor_p50:.1f} ms, ratio floor/app {floor_p50 / hours_p50:.2f}; "
        f"goal < {GOAL_HOURS_MS:.0f} ms) "
        f"{verdict(hours_p50 < GOAL_HOURS_MS)}"
    )
