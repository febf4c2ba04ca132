"""4,000 members vote within minutes, half on the phone and half on the vote card; then the tally.

On PostgreSQL and Redis (BENCH_DATABASE_URL / BENCH_REDIS_URL, else the local servers). The office
opens a one-question survey to 4,000 members; wrk (8 connections) posts every member's vote once,
in turn: the even ones as the H5 form (a logged-in session, its CSRF token), the odd ones as
WeCom's encrypted, signed vote-card callback. Goals: p99 under 100 ms, every ballot counted
exactly once (4,000 submissions, 4,000 voters marked, no error), and the tally after close in
under 1 s. The floor, measured in the same run: the same row written by one INSERT (and the
voter's flag by one UPDATE) over a plain connection.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import create_engine, func, insert, select, text, update

from bench import _wrk
from bench._serving import ServicesMissing, drop_schema, fresh_schema, percentile, serve, verdict
from settings import DEMO_WECOM
from wecom.crypto import CallbackCrypto
from wecom.emulator import wire

SCHEMA = "bench_ballots"
MEMBERS = 4000
CONNECTIONS = 8
GOAL_P99_MS, GOAL_TALLY_S = 100.0, 1.0
OPTIONS = ("周三下午", "周六上午")
FORM = (("Content-Type", "application/x-www-form-urlencoded"),)
XML = (("Content-Type", "text/xml"),)


def _seed(app: Any) -> tuple[uuid.UUID, list[str]]:
    """4,000 members in 40 branches, each with a phone session; the office's survey to them all.
    Returns the survey and each member's session token."""
    from handlers import ballots
    from handlers.policy import load_actor
    from models import Member, MemberStatus, OrgKind, PartyOrg, Person, Role, RoleGrant, WebSession
    from models.base import utcnow

    now = datetime.now(UTC)
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        committee = PartyOrg(kind=OrgKind.committee, code="BLW", name="基准党委")
        committee.set_parent(None)
        branches = []
        for b in range(40):
            org = PartyOrg(kind=OrgKind.branch, code=f"B{b:02d}", name=f"第{b}党支部")
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
                    "wecom_userid": f"bl{n:05d}",
                    "name": f"党员{n}",
                    "is_active": True,
                    "created_at": now,
                    "updated_at": now,
                }
                for n, p in enumerate(people)
            ],
        )
        office = people.pop()
        session.execute(
            insert(Member),
            [
                {
                    "id": uuid.uuid4(),
                    "person_id": p,
                    "status": MemberStatus.full,
                    "branch_id": branches[n % len(branches)].id,
                    "created_at": now,
                    "updated_at": now,
                }
                for n, p in enumerate(people)
            ],
        )
        tokens = [secrets.token_urlsafe(24) for _ in people]
        session.execute(
            insert(WebSession),
            [
                {
                    "id": uuid.uuid4(),
                    "token_hash": hashlib.sha256(t.encode()).hexdigest(),
                    "person_id": p,
                    "data": {"csrf_token": f"csrf-{n}"},
                    "created_at": now,
                    "last_seen_at": now,
                    "expires_at": now + timedelta(hours=8),
                }
                for n, (p, t) in enumerate(zip(people, tokens, strict=True))
            ],
        )
        session.add(RoleGrant(person_id=office, role=Role.committee_office, org_id=None))
        session.flush()
        survey = ballots.create_survey(
            session,
            load_actor(session, session.get(Person, office)),
            title="主题党日时间安排",
            description="",
            org_id=None,
            anonymous=True,
            closes_at=utcnow() + timedelta(minutes=10),
            questions=f"单选：主题党日放在哪天更合适｜{OPTIONS[0]}｜{OPTIONS[1]}",
        )
        return survey.id, tokens


def _votes(ballot_id: uuid.UUID, tokens: list[str]) -> list[_wrk.Request]:
    crypto = CallbackCrypto(
        DEMO_WECOM["WECOM_TOKEN"], DEMO_WECOM["WECOM_ENCODING_AES_KEY"], DEMO_WECOM["WECOM_CORP_ID"]
    )
    corp, agent, now = DEMO_WECOM["WECOM_CORP_ID"], DEMO_WECOM["WECOM_AGENT_ID"], int(time.time())
    items = []
    for n, token in enumerate(tokens):
        choice = n % 3 % 2  # two thirds 周三, one third 周六
        if n % 2 == 0:
            body = f"csrf_token=csrf-{n}&q1={quote(OPTIONS[choice])}"
            headers = (*FORM, ("Cookie", f"dj_session={token}"))
            items.append(_wrk.Request("POST", f"/m/ballots/{ballot_id}", body, headers))
            continue
        plain = wire.card_event_xml(
            corp,
            f"bl{n:05d}",
            agent,
            event_key=f"ballot:{ballot_id}",
            task_id=f"bl{ballot_id.hex}{n // 1000}",
            card_type="vote_interaction",
            selected=[("q1", [str(choice)])],
            create_time=now,
        )
        signed = wire.sign(crypto, plain, timestamp=now)
        items.append(_wrk.Request("POST", f"/wecom/callback?{signed.query_string}", signed.body, XML))
    return items


def _floor_ms(url: str, ballot_id: uuid.UUID, count: int = 500) -> list[float]:
    """The least a vote is: one INSERT of the same row and one UPDATE of a flag, per transaction."""
    engine = create_engine(url)
    timings = []
    with engine.connect() as c:
        c.execute(text("CREATE TEMP TABLE floor_voter (id int primary key, voted bool)"))
        c.execute(text("INSERT INTO floor_voter SELECT g, false FROM generate_series(1, :n) g"), {"n": count})
        c.commit()
        for n in range(count):
            started = time.perf_counter()
            c.execute(text("UPDATE floor_voter SET voted = true WHERE id = :i AND NOT voted"), {"i": n + 1})
            c.execute(
                text(
                    "INSERT INTO ballot_submission (id, ballot_id, answers, receipt_hash, sealed)"
                    " VALUES (:id, :b, CAST(:a AS json), :h, false)"
                ),
                {"id": uuid.uuid4(), "b": ballot_id, "a": '{"1": "周三下午"}', "h": secrets.token_hex(32)},
            )
            c.rollback()  # measured, never kept
            timings.append((time.perf_counter() - started) * 1000)
    engine.dispose()
    return timings


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
        ballot_id, tokens = _seed(app)
        app_server, app_base = serve("bench._campaign_apps", "app", env, Path(logs), "/healthz")
        try:
            load = _wrk.run(
                app_base,
                _votes(ballot_id, tokens),
                seconds=120,
                connections=CONNECTIONS,
                once_then="/healthz",
            )
        finally:
            app_server.terminate()
            app_server.wait(10)
        from handlers import ballots
        from models import Ballot, BallotSubmission, BallotVoter

        with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
            submissions = session.scalar(select(func.count()).where(BallotSubmission.ballot_id == ballot_id))
            marked = session.scalar(
                select(func.count()).where(BallotVoter.ballot_id == ballot_id, BallotVoter.voted.is_(True))
            )
            session.execute(
                update(Ballot)
                .where(Ballot.id == ballot_id)
                .values(closes_at=datetime.now(UTC) - timedelta(seconds=1))
            )
        with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
            started = time.perf_counter()
            ballots.close_due(session)
        tally_s = time.perf_counter() - started
        with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
            results = session.get(Ballot, ballot_id).results
        floor = _floor_ms(url, ballot_id)
    drop_schema(SCHEMA)

    floor_p50 = percentile(floor, 0.5)
    errors = load.bad_status + load.socket_errors
    ratio = floor_p50 / max(load.p50_ms, 1e-3)
    yield (
        f"voting: {load.requests:,} requests in {load.seconds:.1f} s ({load.rps:,.0f}/s, half H5 forms, "
        f"half vote-card callbacks, {CONNECTIONS} connections): p50 {load.p50_ms:.1f} ms, p99 "
        f"{load.p99_ms:.1f} ms (floor, one INSERT and one UPDATE: p50 {floor_p50:.2f} ms, ratio floor/vote "
        f"{ratio:.3f}; goal p99 < {GOAL_P99_MS:.0f} ms) {verdict(load.p99_ms < GOAL_P99_MS)}"
    )
    counts = results[0]["counts"] if results and results[0].get("counts") else []
    counted = sum(n for _option, n in counts)
    # wrk cannot say whether the last request of each connection left before it stopped: the
    # votes certainly sent are each thread's but those last few (as bench/tasks counts them).
    sent = load.items_sent(MEMBERS, CONNECTIONS)
    exact = submissions == marked == counted and len(sent) <= submissions <= MEMBERS and not errors
    yield (
        f"counted: {submissions:,} submissions, {marked:,} voters marked, {counted:,} in the tally "
        f"(at least {len(sent):,} of the {MEMBERS:,} votes certainly sent), {errors} errors {verdict(exact)}"
    )
    quick = verdict(tally_s < GOAL_TALLY_S)
    yield f"tally after close: {tally_s * 1000:.0f} ms (goal < {GOAL_TALLY_S:.0f} s) {quick}"
