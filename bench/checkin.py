"""A meeting's check-in burst, the 500-name roster page and the 5-year compliance calendar.

Under gunicorn on PostgreSQL and Redis (BENCH_DATABASE_URL / BENCH_REDIS_URL, else the
local servers). 500 members of one branch check in to one session: half scan the rotating
QR code (the H5 check-in page, then its form, each under their own login session), half tap
签到 on the card (encrypted WeCom callbacks), with 10% repeats of both and the room screen
polling its QR feed. App and floor run under gunicorn as production runs them (4 workers x
8 threads); the load is sent by wrk (a C load generator: a Python one takes the CPU the
server needs) over 8 connections, each request once. Goals: every member recorded exactly once, p99
of a check-in request under 60 ms, the host's roster page for 500 under 200 ms, and the
compliance calendar for 300 branches with 5 years of meetings under 500 ms. Each is printed
against a floor measured in the same run: a bare endpoint doing only the essential queries.
"""

from __future__ import annotations

import hashlib
import random
import secrets
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import func, insert, select

from bench import _wrk
from bench._serving import (
    PRODUCTION_THREADS,
    PRODUCTION_WORKERS,
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

SCHEMA = "bench_checkin"
MEMBERS, CONNECTIONS = 500, 8
BRANCHES, YEARS = 300, 5
GOAL_CHECKIN_P99_MS, GOAL_ROSTER_MS, GOAL_CALENDAR_MS = 60.0, 200.0, 500.0
#: Longer than either burst takes: each wrk thread stops once its share of the list is sent.
BURST_SECONDS = 30


def _setup(env: dict[str, str]) -> dict[str, Any]:
    """One branch of 500 members with a meeting whose check-in window is open, login sessions
    for everyone and the host, and 300 branches' five years of meetings for the calendar."""
    import os

    os.environ.update(env)
    from app import create_app
    from handlers import meetings, people
    from handlers.meetings import SessionPlan
    from handlers.policy import Actor
    from models import Campus, MemberStatus, OrgKind, PartyOrg, Role, RoleGrant, Venue, WebSession

    app = create_app({})
    cli = Actor.cli("基准测试")
    tokens: dict[str, str] = {}
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        committee = PartyOrg(kind=OrgKind.committee, code="BDW", name="基准党委")
        committee.set_parent(None)
        branch = PartyOrg(kind=OrgKind.branch, code="B000", name="急诊科党支部")
        branch.set_parent(committee)
        campus = Campus(code="BC", name="本部")
        session.add_all([committee, branch, campus])
        session.flush()
        venue = Venue(campus_id=campus.id, name="急诊楼会议室")
        session.add(venue)
        host = people.create_person(session, cli, wecom_userid="host", name="书记")
        office = people.create_person(session, cli, wecom_userid="office", name="组织部")
        session.add_all(
            [
                RoleGrant(person_id=host.id, role=Role.secretary, org_id=branch.id),
                RoleGrant(person_id=office.id, role=Role.committee_office, org_id=None),
            ]
        )
        members = []
        for n in range(MEMBERS):
            person = people.create_person(session, cli, wecom_userid=f"m{n:04d}", name=f"党员{n:04d}")
            members.append(
                people.enrol_member(session, cli, person=person, branch=branch, status=MemberStatus.full)
            )
        start = datetime.now(UTC) + timedelta(minutes=5)
        meeting = meetings.plan_meeting(
            session,
            cli,
            org_id=branch.id,
            kinds=["theme_day"],
            topic="主题党日",
            agenda="",
            venue_mode="onsite",
            venue_id=venue.id,
            sessions=[SessionPlan("A场", start, start + timedelta(hours=1))],
        )
        now = datetime.now(UTC)
        for person_id, key in [(m.person_id, m.person.wecom_userid) for m in members] + [
            (host.id, "host"),
            (office.id, "office"),
        ]:
            token = secrets.token_urlsafe(32)
            tokens[key] = token
            session.add(
                WebSession(
                    token_hash=hashlib.sha256(token.encode()).hexdigest(),
                    person_id=person_id,
                    data={"csrf_token": f"csrf-{key}"},
                    created_at=now,
                    last_seen_at=now,
                    expires_at=now + timedelta(hours=8),
                )
            )
        _seed_calendar(session, committee)
        facts = {
            "meeting_id": str(meeting.id),
            "session_id": str(meeting.sessions[0].id),
            "members": [(m.person.wecom_userid, str(m.id)) for m in members],
            "tokens": tokens,
        }
    return facts


def _seed_calendar(session: Any, committee: Any) -> None:
    """300 branches with five years of monthly 主题党日 and 支委会 and quarterly 党员大会 (bulk)."""
    from models import (
        Meeting,
        MeetingSession,
        MeetingStatus,
        OrgKind,
        PartyOrg,
        VenueMode,
        meeting_obligation,
    )

    rng = random.Random(5)
    branches = []
    for b in range(1, BRANCHES):
        org = PartyOrg(kind=OrgKind.branch, code=f"B{b:03d}", name=f"第{b}党支部")
        org.set_parent(committee)
        branches.append(org)
    session.add_all(branches)
    session.flush()
    meetings_rows, sessions_rows, kinds_rows = [], [], []
    this_year = datetime.now(UTC).year
    for org in branches:
        for year in range(this_year - YEARS + 1, this_year + 1):
            for month in range(1, 13):
                when = datetime(year, month, rng.randint(3, 25), 6, tzinfo=UTC)
                if when > datetime.now(UTC):
                    break
                for kinds in (
                    ["theme_day"] + (["general_assembly"] if month % 3 == 0 else []),
                    ["committee_meeting"],
                ):
                    mid = uuid.uuid4()
                    meetings_rows.append(
                        {
                            "id": mid,
                            "org_id": org.id,
                            "topic": "例会",
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
                            "id": uuid.uuid4(),
                            "meeting_id": mid,
                            "label": "A场",
                            "starts_at": when,
                            "ends_at": when + timedelta(hours=1),
                        }
                    )
                    kinds_rows += [{"meeting_id": mid, "kind": k} for k in kinds]
    session.execute(insert(Meeting), meetings_rows)
    session.execute(insert(MeetingSession), sessions_rows)
    session.execute(meeting_obligation.insert(), kinds_rows)


def _timed(http: requests.Session, method: str, url: str, **kwargs: Any) -> tuple[float, int]:
    started = time.perf_counter()
    response = http.request(method, url, **kwargs)
    return (time.perf_counter() - started) * 1000, response.status_code


SECRET = "bench-" + "k" * 40
FORM = ("Content-Type", "application/x-www-form-urlencoded")


def _cookie(facts: dict[str, Any], userid: str) -> tuple[str, str]:
    return ("Cookie", f"dj_session={facts['tokens'][userid]}")


def _burst_items(facts: dict[str, Any], crypto: CallbackCrypto) -> list[_wrk.Request]:
    """Everyone checks in — half by the QR page and its form (each under their own login), half
    by the card's 签到 (a signed callback) — 10% of them twice; the room screen polls its feed."""
    from handlers.meetings import qr_token

    rng = random.Random(9)
    corp, agent = DEMO_WECOM["WECOM_CORP_ID"], DEMO_WECOM["WECOM_AGENT_ID"]
    session_id = uuid.UUID(facts["session_id"])
    token, _ = qr_token.current_token(SECRET, session_id, datetime.now(UTC))
    jobs = [("qr" if n % 2 else "card", userid) for n, (userid, _member) in enumerate(facts["members"])]
    jobs += [rng.choice(jobs) for _ in range(MEMBERS // 10)]
    rng.shuffle(jobs)
    items: list[_wrk.Request] = []
    for n, (kind, userid) in enumerate(jobs):
        if n % 50 == 0:
            items.append(
                _wrk.Request(
                    "GET", f"/m/meetings/{facts['meeting_id']}/qr.json", headers=(_cookie(facts, "host"),)
                )
            )
        if kind == "qr":
            items.append(_wrk.Request("GET", f"/m/checkin/{token}", headers=(_cookie(facts, userid),)))
            items.append(
                _wrk.Request(
                    "POST", f"/m/checkin/{token}", f"csrf_token=csrf-{userid}", (_cookie(facts, userid), FORM)
                )
            )
            continue
        plain = wire.card_event_xml(
            corp,
            userid,
            agent,
            event_key=f"meeting_checkin:{session_id}",
            task_id=f"ci{userid}",
            create_time=int(time.time()) + rng.randint(0, 10**6),
        )
        signed = wire.sign(crypto, plain)
        items.append(
            _wrk.Request(
                "POST", f"/wecom/callback?{signed.query_string}", signed.body, (("Content-Type", "text/xml"),)
            )
        )
    return items


#: Requests each serving thread answers before the burst is timed: a running hospital server
#: is warm (database connections open, templates compiled); a cold start is not the goal.
WARM_UP = 64


def _warm_items(facts: dict[str, Any], crypto: CallbackCrypto) -> list[_wrk.Request]:
    """Everything a check-in touches, without checking anyone in: the check-in page, the room
    screen's feed and a signed chat callback (帮助)."""
    from handlers.meetings import qr_token

    token, _ = qr_token.current_token(SECRET, uuid.UUID(facts["session_id"]), datetime.now(UTC))
    corp, agent = DEMO_WECOM["WECOM_CORP_ID"], DEMO_WECOM["WECOM_AGENT_ID"]
    items = []
    for userid, _member in facts["members"][:WARM_UP]:
        signed = wire.sign(
            crypto,
            wire.message_xml(
                corp, userid, agent, "text", Content="帮助", MsgId=str(uuid.uuid4().int % 10**18)
            ),
        )
        items += [
            _wrk.Request("GET", f"/m/checkin/{token}", headers=(_cookie(facts, userid),)),
            _wrk.Request(
                "GET", f"/m/meetings/{facts['meeting_id']}/qr.json", headers=(_cookie(facts, "host"),)
            ),
            _wrk.Request(
                "POST", f"/wecom/callback?{signed.query_string}", signed.body, (("Content-Type", "text/xml"),)
            ),
        ]
    return items


def _floor_items(facts: dict[str, Any]) -> list[_wrk.Request]:
    from handlers.meetings import qr_token

    token, _ = qr_token.current_token(SECRET, uuid.UUID(facts["session_id"]), datetime.now(UTC))
    return [_wrk.Request("POST", f"/checkin/{token}/{member_id}") for _userid, member_id in facts["members"]]


def _page_ms(http: requests.Session, url: str, times: int = 15) -> float:
    http.get(url)  # warm
    return percentile([_timed(http, "GET", url)[0] for _ in range(times)], 0.5)


def run() -> Iterator[str]:
    try:
        _wrk.require_wrk()
        url, env = fresh_schema(SCHEMA)
    except (ServicesMissing, _wrk.WrkMissing) as missing:
        yield f"skipped: needs wrk, PostgreSQL and Redis ({missing})"
        return
    started = time.perf_counter()
    facts = _setup(env)
    took = time.perf_counter() - started
    yield f"setup: {MEMBERS} members, {BRANCHES} branches x {YEARS} years of meetings ({took:.0f} s)"
    crypto = CallbackCrypto(
        DEMO_WECOM["WECOM_TOKEN"], DEMO_WECOM["WECOM_ENCODING_AES_KEY"], DEMO_WECOM["WECOM_CORP_ID"]
    )
    with tempfile.TemporaryDirectory() as logs:
        # Both as production runs them (gunicorn.conf.py: 4 workers x 8 threads): on two cores the
        # processes, not the threads, are what keep a burst's tail short (2 x 4 measured 67 ms).
        as_production = {"workers": PRODUCTION_WORKERS, "threads": PRODUCTION_THREADS}
        app, app_base = serve("bench._checkin_apps", "app", env, Path(logs), "/healthz", **as_production)
        floor, floor_base = serve(
            "bench._checkin_apps", "floor", env, Path(logs), "/roster/none", **as_production
        )
        try:
            _wrk.run(
                app_base, _warm_items(facts, crypto), seconds=2, connections=CONNECTIONS, once_then="/healthz"
            )
            items = _burst_items(facts, crypto)
            burst = _wrk.run(
                app_base, items, seconds=BURST_SECONDS, connections=CONNECTIONS, once_then="/healthz"
            )
            counted = _count_attendance(url, facts["meeting_id"])
            host = requests.Session()
            host.cookies.set("dj_session", facts["tokens"]["host"])
            roster_ms = _page_ms(host, f"{app_base}/m/meetings/{facts['meeting_id']}/roster")
            office = requests.Session()
            office.cookies.set("dj_session", facts["tokens"]["office"])
            calendar_ms = _page_ms(office, f"{app_base}/admin/compliance", times=7)
            _reset_attendance(url, facts["meeting_id"])
            for _ in range(WARM_UP):  # warm, as the app was
                requests.get(f"{floor_base}/roster/{facts['meeting_id']}", timeout=30)
            floor_burst = _wrk.run(
                floor_base,
                _floor_items(facts),
                seconds=BURST_SECONDS,
                connections=CONNECTIONS,
                once_then="/roster/none",
            )
            floor_roster_ms = _page_ms(requests.Session(), f"{floor_base}/roster/{facts['meeting_id']}")
        finally:
            for process in (app, floor):
                process.terminate()
                process.wait(10)
    drop_schema(SCHEMA)
    p99, floor_p99 = burst.p99_ms, floor_burst.p99_ms
    errors = burst.bad_status + burst.socket_errors
    yield (
        f"check-in burst (wrk, {CONNECTIONS} connections): {len(items)} requests, p50 {burst.p50_ms:.1f} ms, "
        f"p90 {burst.p90_ms:.1f} ms, p99 {p99:.1f} ms (floor p99 {floor_p99:.1f} ms, ratio floor/app "
        f"{floor_p99 / p99:.2f}), errors {errors}"
    )
    ok_p99 = verdict(p99 < GOAL_CHECKIN_P99_MS)
    yield f"check-in p99 {p99:.1f} ms (goal < {GOAL_CHECKIN_P99_MS:.0f} ms) {ok_p99}"
    yield (
        f"recorded: {counted} attendance rows for {MEMBERS} members, exactly once each: "
        f"{verdict(counted == MEMBERS and errors == 0)}"
    )
    ratio = floor_roster_ms / roster_ms
    yield (
        f"roster page (500): {roster_ms:.1f} ms (floor {floor_roster_ms:.1f} ms, ratio {ratio:.2f}; "
        f"goal < {GOAL_ROSTER_MS:.0f} ms) {verdict(roster_ms < GOAL_ROSTER_MS)}"
    )
    yield (
        f"compliance calendar ({BRANCHES} branches, {YEARS} years seeded): {calendar_ms:.1f} ms "
        f"(goal < {GOAL_CALENDAR_MS:.0f} ms) {verdict(calendar_ms < GOAL_CALENDAR_MS)}"
    )


def _count_attendance(url: str, meeting_id: str) -> int:
    from sqlalchemy import create_engine

    from models import Attendance

    engine = create_engine(url)
    with engine.connect() as c:
        counted = c.execute(
            select(func.count()).where(Attendance.meeting_id == uuid.UUID(meeting_id))
        ).scalar()
    engine.dispose()
    return counted or 0


def _reset_attendance(url: str, meeting_id: str) -> None:
    """Empty the meeting's attendance so the floor checks everyone in from scratch too."""
    from sqlalchemy import create_engine, delete

    from models import Attendance

    engine = create_engine(url)
    with engine.begin() as c:
        c.execute(delete(Attendance).where(Attendance.meeting_id == uuid.UUID(meeting_id)))
    engine.dispose()
