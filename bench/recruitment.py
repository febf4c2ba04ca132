"""发展党员 at hospital scale: the office's and a secretary's pipeline boards, and planning every deadline.

On PostgreSQL and Redis (BENCH_DATABASE_URL / BENCH_REDIS_URL, else the local servers). 300
branches of five members each; 1,500 people on the way, spread over the four open stages with
their steps done, and five years of history beside them (1,500 finished ways of 25 steps each).
The app runs under gunicorn and wrk loads each board for a few seconds.

Goals: the office's board and a secretary's board answer in under 300 ms (p50), printed with the
ratio to a single hand-written SQL query returning the same counts (the floor); planning all
the deadlines' reminders in under 5 s.
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
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, text

from bench import _wrk
from bench._serving import ServicesMissing, drop_schema, fresh_schema, percentile, serve, verdict

SCHEMA = "bench_recruitment"
BRANCHES, MEMBERS_EACH, OPEN_WAYS, FINISHED_WAYS = 300, 5, 1500, 1500
GOAL_BOARD_MS, GOAL_PLANNING_S = 300.0, 5.0
SECONDS, CONNECTIONS = 4, 2  # one reader per wrk thread: the board is the office's, not a crowd's
#: The last step done for each open stage, in turn.
OPEN_UPTO = {"applicant": 2, "activist": 6, "candidate": 12, "probationary": 21}


def _rows(now: datetime, today: date) -> dict[str, list[dict[str, Any]]]:
    """Every row to insert, in bulk: orgs, people, members, grants, ways and their steps."""
    committee = uuid.uuid4()
    orgs = [
        {
            "id": committee,
            "kind": "committee",
            "name": "基准党委",
            "code": "RDW",
            "path": f"/{committee.hex}/",
        }
    ]
    people, members, grants, recruits, steps = [], [], [], [], []
    stamp = {"created_at": now, "updated_at": now}
    for b in range(BRANCHES):
        org = uuid.uuid4()
        orgs.append(
            {
                "id": org,
                "kind": "branch",
                "name": f"第{b}党支部",
                "code": f"R{b:03d}",
                "parent_id": committee,
                "path": f"/{committee.hex}/{org.hex}/",
            }
        )
        for m in range(MEMBERS_EACH):
            person = uuid.uuid4()
            people.append(
                {
                    "id": person,
                    "wecom_userid": f"rm{b:03d}{m}",
                    "name": f"党员{b}-{m}",
                    "is_active": True,
                    **stamp,
                }
            )
            members.append(
                {"id": uuid.uuid4(), "person_id": person, "status": "full", "branch_id": org, **stamp}
            )
            if m == 0:
                grants.append(
                    {
                        "id": uuid.uuid4(),
                        "person_id": person,
                        "role": "secretary",
                        "org_id": org,
                        "granted_at": now,
                    }
                )
    stages = list(OPEN_UPTO)
    branch_ids = [o["id"] for o in orgs[1:]]
    for n in range(OPEN_WAYS + FINISHED_WAYS):
        person, recruit = uuid.uuid4(), uuid.uuid4()
        people.append(
            {"id": person, "wecom_userid": f"ra{n:05d}", "name": f"申请人{n}", "is_active": True, **stamp}
        )
        finished = n >= OPEN_WAYS
        stage = "full" if finished else stages[n % len(stages)]
        applied = today - timedelta(days=(400 + n % 1400) if finished else 30 + (n % 700))
        upto = 25 if finished else OPEN_UPTO[stage]
        recruits.append(
            {
                "id": recruit,
                "person_id": person,
                "org_id": branch_ids[n % BRANCHES],
                "stage": stage,
                "applied_on": applied,
                "activist_on": applied + timedelta(days=10) if upto >= 4 else None,
                "admitted_on": None,
                "probation_ends_on": today + timedelta(days=n % 300) if stage == "probationary" else None,
                **stamp,
            }
        )
        for s in range(1, upto + 1):
            steps.append(
                {
                    "id": uuid.uuid4(),
                    "recruit_id": recruit,
                    "step": s,
                    "done_on": applied + timedelta(days=s),
                    "evidence": "",
                    "recorded_by": "基准",
                    "recorded_at": now,
                }
            )
    return {
        "party_org": orgs,
        "person": people,
        "member": members,
        "role_grant": grants,
        "recruit": recruits,
        "recruit_step": steps,
    }


def _seed(app: Any) -> dict[str, str]:
    from models import Member, PartyOrg, Person, Recruit, RecruitStep, Role, RoleGrant, WebSession

    now = datetime.now(UTC)
    tables = {
        "party_org": PartyOrg,
        "person": Person,
        "member": Member,
        "role_grant": RoleGrant,
        "recruit": Recruit,
        "recruit_step": RecruitStep,
    }
    rows = _rows(now, now.date())
    tokens = {}
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        for table, model in tables.items():
            for start in range(0, len(rows[table]), 10_000):
                session.execute(insert(model), rows[table][start : start + 10_000])
        office = uuid.uuid4()
        session.execute(
            insert(Person),
            [
                {
                    "id": office,
                    "wecom_userid": "roffice",
                    "name": "组织部",
                    "is_active": True,
                    "created_at": now,
                    "updated_at": now,
                }
            ],
        )
        session.add(RoleGrant(person_id=office, role=Role.committee_office, org_id=None))
        secretary = rows["role_grant"][0]["person_id"]
        for who, person in (("office", office), ("secretary", secretary)):
            token = secrets.token_urlsafe(32)
            session.add(
                WebSession(
                    token_hash=hashlib.sha256(token.encode()).hexdigest(),
                    person_id=person,
                    data={},
                    created_at=now,
                    last_seen_at=now,
                    expires_at=now + timedelta(hours=8),
                )
            )
            tokens[who] = token
    return tokens


def _floor_ms(url: str) -> float:
    """The board's counts by one hand-written query."""
    engine = create_engine(url)
    query = text(
        "SELECT org_id, stage, count(*) FROM recruit"
        " WHERE stage IN ('applicant', 'activist', 'candidate', 'probationary') GROUP BY org_id, stage"
    )
    timings = []
    with engine.connect() as c:
        for _ in range(21):
            started = time.perf_counter()
            c.execute(query).all()
            timings.append((time.perf_counter() - started) * 1000)
    engine.dispose()
    return percentile(timings, 0.5)


def _planning_s(app: Any) -> tuple[float, int]:
    from handlers.recruitment import deadlines
    from models.base import local_today

    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        started = time.perf_counter()
        planned = deadlines.queue_reminders(session, local_today())
        return time.perf_counter() - started, planned


def run() -> Iterator[str]:
    try:
        _wrk.require_wrk()
        url, env = fresh_schema(SCHEMA)
    except (ServicesMissing, _wrk.WrkMissing) as missing:
        yield f"skipped: needs wrk, PostgreSQL and Redis ({missing})"
        return
    with tempfile.TemporaryDirectory() as logs:
        os.environ.update(env)
        from app import create_app

        app = create_app({})
        started = time.perf_counter()
        tokens = _seed(app)
        took = time.perf_counter() - started
        yield f"setup: {BRANCHES} branches, {OPEN_WAYS:,} open and {FINISHED_WAYS:,} finished ({took:.0f} s)"
        server, base = serve("bench._campaign_apps", "app", env, Path(logs), "/healthz")
        try:
            boards = {}
            for who in ("office", "secretary"):
                item = _wrk.Request(
                    "GET", "/admin/recruits", headers=(("Cookie", f"dj_session={tokens[who]}"),)
                )
                _wrk.run(base, [item], seconds=1, connections=CONNECTIONS)  # warm
                boards[who] = _wrk.run(base, [item], seconds=SECONDS, connections=CONNECTIONS)
        finally:
            server.terminate()
            server.wait(10)
        floor = _floor_ms(url)
        planning, planned = _planning_s(app)
    drop_schema(SCHEMA)
    for who, result in boards.items():
        errors = result.bad_status + result.socket_errors
        yield (
            f"{who} board: p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, {result.requests} loads, "
            f"{errors} errors (floor, one SQL query: {floor:.1f} ms, "
            f"ratio floor/board {floor / result.p50_ms:.3f}; "
            f"goal p50 < {GOAL_BOARD_MS:.0f} ms) {verdict(result.p50_ms < GOAL_BOARD_MS and not errors)}"
        )
    yield (
        f"planning every deadline of {OPEN_WAYS:,} ways: {planning:.2f} s, {planned:,} reminders planned "
        f"(goal < {GOAL_PLANNING_S:.0f} s) {verdict(planning < GOAL_PLANNING_S)}"
    )
