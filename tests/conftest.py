"""Fixtures on real services.

With TEST_DATABASE_URL / TEST_REDIS_URL set (CI), tests run on PostgreSQL (a schema of their
own, dropped at the end) and Redis (a database of their own, flushed per test). Without
them, on the embedded defaults: a SQLite file and the in-process Redis stand-in.

Each test runs inside one transaction that is rolled back (SQLAlchemy's "join a session
into an external transaction" recipe): views, handlers and the session store all commit to
savepoints of it. Tests marked `integration` run real worker processes, which cannot see an
uncommitted transaction, so they commit to a database of their own instead.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from app import create_app
from handlers import people
from handlers.policy import Actor, load_actor
from models import MemberStatus, OrgKind, PartyOrg, Person, Role, RoleGrant, migrate
from models.crypto import install_keyring
from settings import format_field_keys, new_field_key, parse_chain_keys, parse_field_keys

#: Shared fixtures that live in tests/helpers (test modules never import each other).
pytest_plugins = ["tests.helpers.processes"]

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
REAL_SERVICES = bool(TEST_DATABASE_URL and TEST_REDIS_URL)

needs_real_services = pytest.mark.skipif(
    not REAL_SERVICES, reason="needs TEST_DATABASE_URL and TEST_REDIS_URL (worker processes share state)"
)
needs_postgresql = pytest.mark.skipif(not TEST_DATABASE_URL, reason="PostgreSQL-only behaviour")

TEST_FIELD_KEYS = format_field_keys([new_field_key("t1")])
#: The audit chain's HMAC key, the same in every process a test starts (workers chain onto it).
TEST_AUDIT_KEY = "ta1:" + __import__("base64").b64encode(b"audit-chain-key-for-the-tests-0123456789").decode()


def _schema_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session")
def make_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Creates empty databases (a PostgreSQL schema or a SQLite file); drops them at the end."""
    schemas: list[str] = []
    admin = (
        create_engine(TEST_DATABASE_URL.replace("postgresql://", "postgresql+psycopg://"))
        if TEST_DATABASE_URL
        else None
    )

    def make(label: str) -> str:
        if admin is None:
            return f"sqlite:///{tmp_path_factory.mktemp(label)}/test.db"
        schema = f"t_{label}_{os.getpid()}_{secrets.token_hex(3)}"
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        schemas.append(schema)
        return _schema_url(admin.url.render_as_string(hide_password=False), schema)

    yield make
    if admin is not None:
        # One transaction per schema: dropping them all in one takes a lock per table, index and
        # constraint of every schema at once, past PostgreSQL's shared lock table (64 × 100).
        for schema in schemas:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


EMULATOR_CORP = {
    "WECOM_CORP_ID": "wwtestcorp000001",
    "WECOM_SECRET": "test-app-secret",
    "WECOM_AGENT_ID": "1000002",
}
#: The emulated corp's 通讯录同步 secret (apps in tests use it only where a test configures it).
EMULATOR_CONTACT_SECRET = "test-contact-secret"


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[Any]:
    """A standalone WeCom emulator on a free port, reached over HTTP like the real WeCom."""
    import threading

    from werkzeug.serving import make_server

    from wecom.emulator.api import create_emulator_app

    emulator_app = create_emulator_app(
        EMULATOR_CORP["WECOM_CORP_ID"],
        EMULATOR_CORP["WECOM_SECRET"],
        EMULATOR_CORP["WECOM_AGENT_ID"],
        contact_secret=EMULATOR_CONTACT_SECRET,
    )
    server = make_server("127.0.0.1", 0, emulator_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    server.state = emulator_app.extensions["wecom_emulator"]
    yield server
    server.shutdown()


@pytest.fixture
def emulator(emulator_server: Any) -> Any:
    """The emulator, reset for this test; `.state` is WeCom's view of what happened."""
    emulator_server.state.reset()
    yield emulator_server
    emulator_server.state.reset()


def build_app(database_url: str, **overrides: Any) -> Flask:
    config: dict[str, Any] = {
        "APP_ENV": "test",
        "TESTING": True,
        "DATABASE_URL": database_url,
        "REDIS_URL": TEST_REDIS_URL,
        "SECRET_KEY": "test-secret-key-" + "x" * 32,
        "FIELD_KEYS": parse_field_keys(TEST_FIELD_KEYS),
        "AUDIT_CHAIN_KEY": parse_chain_keys(TEST_AUDIT_KEY),
        "AUDIT_ANCHOR_FILE": tempfile.mkstemp(prefix="dangjian-anchors-", suffix=".log")[1],
        "WECOM_EMULATOR": False,
        # Uploaded lesson media go to a throwaway folder, never the checkout's instance/.
        "MEDIA_DIR": tempfile.mkdtemp(prefix="dangjian-media-"),
        **EMULATOR_CORP,
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture(scope="session")
def app(make_database_url: Any, emulator_server: Any) -> Flask:
    app = build_app(
        make_database_url("main"),
        WECOM_API_BASE=emulator_server.url,
        WECOM_OAUTH_BASE=emulator_server.url,
        WECOM_LOGIN_BASE=emulator_server.url,
        # Every session here shares one connection (the rolled-back-transaction recipe), so
        # batch jobs send one row at a time; the integration tests run the threads for real.
        OUTBOX_SENDER_THREADS=1,
    )
    migrate.upgrade(app.extensions["dangjian.db"].engine)
    return app


@pytest.fixture(autouse=True)
def _keyring_of_the_app(request: pytest.FixtureRequest) -> None:
    """Tests that build their own app install another key ring; put the main one back."""
    if "app" in request.fixturenames:
        install_keyring(request.getfixturevalue("app").extensions["dangjian.keyring"])


@pytest.fixture
def db_session(app: Flask) -> Iterator[Session]:
    """A session inside one transaction that is rolled back after the test."""
    database = app.extensions["dangjian.db"]
    connection = database.engine.connect()
    outer = connection.begin()
    saved = dict(database.session_factory.kw)
    database.session_factory.configure(bind=connection, join_transaction_mode="create_savepoint")
    session = database.session()
    try:
        yield session
    finally:
        session.close()
        database.session_factory.kw.clear()
        database.session_factory.kw.update(saved)
        outer.rollback()
        connection.close()


@pytest.fixture
def queues(app: Flask) -> Any:
    jobs = app.extensions["dangjian.jobs"]
    jobs.redis.flushdb()
    yield jobs
    jobs.redis.flushdb()


@pytest.fixture
def run_jobs(app: Flask, queues: Any) -> Any:
    """Work the queues in this process, so the rolled-back test transaction stays visible."""
    from rq import SimpleWorker
    from rq.serializers import JSONSerializer

    def work(names: tuple[str, ...] = ("push", "default")) -> None:
        with app.app_context():
            SimpleWorker(
                [queues.queue(n) for n in names], connection=queues.redis, serializer=JSONSerializer
            ).work(burst=True, with_scheduler=False)

    return work


@pytest.fixture
def client(app: Flask, db_session: Session) -> Any:
    return app.test_client()


@pytest.fixture
def runner(app: Flask, db_session: Session) -> Any:
    return app.test_cli_runner()


# --- factories ---------------------------------------------------------------------------

CLI = Actor.cli("测试")


@pytest.fixture
def make_org(db_session: Session) -> Any:
    counter = iter(range(1, 10_000))

    def make(kind: OrgKind = OrgKind.branch, parent: PartyOrg | None = None, **fields: Any) -> PartyOrg:
        n = next(counter)
        org = PartyOrg(
            kind=kind,
            code=fields.pop("code", f"T{kind.value[:2].upper()}{n:03d}"),
            name=fields.pop("name", f"测试{n}党组织"),
            **fields,
        )
        org.set_parent(parent)
        db_session.add(org)
        db_session.flush()
        return org

    return make


def valid_id_number(serial: int, born: date = date(1985, 6, 15)) -> str:
    from handlers.validation import id_check_digit

    first17 = f"110101{born:%Y%m%d}{serial % 1000:03d}"
    return first17 + id_check_digit(first17)


@pytest.fixture
def make_person(db_session: Session) -> Any:
    counter = iter(range(1, 10_000))

    def make(**fields: Any) -> Person:
        n = next(counter)
        fields.setdefault("wecom_userid", f"user{n:04d}")
        fields.setdefault("name", f"测试人员{n}")
        fields.setdefault("id_number", valid_id_number(n))
        fields.setdefault("mobile", f"138{n:08d}")
        return people.create_person(db_session, CLI, **fields)

    return make


@pytest.fixture
def make_member(db_session: Session, make_person: Any, make_org: Any) -> Any:
    def make(branch: PartyOrg | None = None, status: MemberStatus = MemberStatus.full, **fields: Any) -> Any:
        person = fields.pop("person", None) or make_person()
        branch = branch or make_org()
        return people.enrol_member(db_session, CLI, person=person, branch=branch, status=status, **fields)

    return make


@pytest.fixture
def published_lesson(db_session: Session) -> Any:
    """A short published article (a lesson any campaign can push)."""
    from handlers import learning

    def make(title: str = "党章学习", **fields: Any) -> Any:
        draft = {"kind": "article", "title": title, "summary": "十分钟读完", "body_html": "<p>正文</p>",
                 "credit_hours": "0.5", "min_minutes": "5"} | fields  # fmt: skip
        lesson = learning.save_lesson(db_session, CLI, learning.LessonDraft(**draft))
        learning.set_status(db_session, CLI, lesson.id, status="published")
        return lesson

    return make


@pytest.fixture
def take_part(db_session: Session) -> Any:
    """Record that `member` takes part in `org` (条例 art. 16) from a day long past, open-ended."""
    from models import MemberParticipation, ParticipationDirection, ParticipationKind

    def make(member: Any, org: PartyOrg, **fields: Any) -> Any:
        row = MemberParticipation(
            member_id=member.id,
            direction=fields.pop("direction", ParticipationDirection.here),
            kind=fields.pop("kind", ParticipationKind.rotation),
            org_id=org.id if org is not None else None,
            starts_on=fields.pop("starts_on", date(2020, 1, 1)),
            recorded_by="测试",
            **fields,
        )
        db_session.add(row)
        db_session.flush()
        return row

    return make


@pytest.fixture
def make_actor(db_session: Session, make_person: Any) -> Any:
    """A person holding `role` over `org` (None: the whole hospital), as a loaded Actor."""

    def make(role: Role, org: PartyOrg | None = None, person: Person | None = None) -> Actor:
        person = person or make_person()
        db_session.add(RoleGrant(person_id=person.id, role=role, org_id=org.id if org else None))
        db_session.flush()
        return load_actor(db_session, person, source_ip="10.1.2.3")

    return make


@pytest.fixture(scope="session")
def live(make_database_url: Any) -> Iterator[Any]:
    """The app as `make demo` serves it, on a free port: emulator mounted at /_emulator, WeCom
    calls and callbacks over real HTTP to itself, a database of its own that tests commit to."""
    import threading

    from werkzeug.serving import make_server

    from cli.demo import load_emulator_directory

    server = make_server("127.0.0.1", 0, lambda environ, start: [], threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app = build_app(
        make_database_url("live"),
        WECOM_EMULATOR=True,
        PUBLIC_BASE_URL=base,
        WECOM_API_BASE=f"{base}/_emulator",
        WECOM_OAUTH_BASE=f"{base}/_emulator",
        WECOM_LOGIN_BASE=f"{base}/_emulator",
    )
    migrate.upgrade(app.extensions["dangjian.db"].engine)
    # Tokens and JS-SDK tickets cached by an earlier run were issued by an earlier emulator.
    app.extensions["dangjian.jobs"].redis.flushdb()
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        people.create_person(
            session, Actor.cli("测试"), wecom_userid="nurse01", name="李护士", position="护师"
        )
    with app.app_context():
        load_emulator_directory(app)
    server.app = app
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.base, server.flask_app = base, app
    yield server
    server.shutdown()


@pytest.fixture
def stats_hospital(
    db_session: Session, make_org: Any, make_member: Any, make_person: Any, make_actor: Any
) -> dict:
    """The 数据中心's hospital: a 总支 of two branches — one of eight members with known birth dates,
    党龄, gender and 学历, one of three — the office, and the small branch's secretary."""
    from models import MemberStatus, OrgKind, Role
    from models.base import local_today

    today = local_today()
    committee = make_org(OrgKind.committee, name="统计测试党委")
    general = make_org(OrgKind.general_branch, parent=committee, name="内科总支")
    big = make_org(OrgKind.branch, parent=general, name="心内科党支部")
    small = make_org(OrgKind.branch, parent=general, name="肾内科党支部")
    people = []
    for n in range(8):
        person = make_person(name=f"大支部{n}", birth_date=date(1990 - n * 4, 6, 1))
        member = make_member(
            branch=big,
            person=person,
            status=MemberStatus.probationary if n == 7 else MemberStatus.full,
            joined_on=date(today.year - 3 * n - 1, 1, 1),
        )
        member.gender = "男" if n == 0 else "女"  # one man among eight: a lone small category
        member.education = "研究生" if n < 5 else "大学本科"
        people.append(member)
    smalls = [make_member(branch=small) for _ in range(3)]
    db_session.flush()
    return {
        "committee": committee,
        "general": general,
        "big": big,
        "small": small,
        "members": people,
        "smalls": smalls,
        "office": make_actor(Role.committee_office),
        "secretary": make_actor(Role.secretary, small),
    }
