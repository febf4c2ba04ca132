"""Server-side sessions: new id at login, idle and absolute limits, revocation, cookie flags."""

from datetime import UTC, datetime, timedelta

import pytest
from flask import Blueprint, jsonify, session
from sqlalchemy import func, select

from handlers import people
from models import WebSession
from tests.conftest import CLI, build_app

probe = Blueprint("session_probe", __name__)


@probe.post("/_test/login/<person_id>")
def login(person_id):
    import uuid

    session.login(uuid.UUID(person_id))
    session["note"] = "hello"
    return "ok"


@probe.get("/_test/whoami")
def whoami():
    return jsonify(person_id=str(session.person_id) if session.person_id else None, note=session.get("note"))


@probe.post("/_test/logout")
def logout():
    session.logout()
    return "ok"


@pytest.fixture(scope="module")
def session_app(make_database_url):
    from models import migrate

    app = build_app(make_database_url("sessions"))
    app.register_blueprint(probe)
    migrate.upgrade(app.extensions["dangjian.db"].engine)
    return app


@pytest.fixture
def web(session_app):
    database = session_app.extensions["dangjian.db"]
    connection = database.engine.connect()
    outer = connection.begin()
    database.session_factory.configure(bind=connection, join_transaction_mode="create_savepoint")
    db = database.session()
    yield session_app.test_client(), db
    db.close()
    database.session_factory.configure(bind=database.engine)
    database.session_factory.kw.pop("join_transaction_mode", None)
    outer.rollback()
    connection.close()


def _person(db, userid="nurse1"):
    person = people.create_person(db, CLI, wecom_userid=userid, name="护士甲")
    db.commit()
    return person


def cookie(client):
    return client.get_cookie("dj_session")


def test_login_issues_a_new_session_id(web):
    client, db = web
    person = _person(db)
    client.set_cookie("dj_session", "attacker-chosen-fixation-token")
    client.post(f"/_test/login/{person.id}")
    issued = cookie(client).value
    assert issued != "attacker-chosen-fixation-token" and len(issued) >= 40
    assert client.get("/_test/whoami").json == {"person_id": str(person.id), "note": "hello"}
    client.post(f"/_test/login/{person.id}")  # logging in again rotates again
    assert cookie(client).value != issued
    assert db.scalar(select(func.count()).select_from(WebSession)) == 1  # the old one is gone


def test_cookie_flags_in_demo(web):
    client, db = web
    response = client.post(f"/_test/login/{_person(db).id}")
    header = response.headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Path=/" in header


def test_idle_timeout_ends_the_session(web):
    client, db = web
    client.post(f"/_test/login/{_person(db).id}")
    db.query(WebSession).update({WebSession.last_seen_at: datetime.now(UTC) - timedelta(minutes=31)})
    db.commit()
    assert client.get("/_test/whoami").json["person_id"] is None


def test_absolute_timeout_ends_an_active_session(web):
    client, db = web
    client.post(f"/_test/login/{_person(db).id}")
    db.query(WebSession).update({WebSession.expires_at: datetime.now(UTC) - timedelta(seconds=1)})
    db.commit()
    assert client.get("/_test/whoami").json["person_id"] is None


def test_disabling_a_person_ends_their_sessions_at_once(web, session_app):
    client, db = web
    person = _person(db)
    other = session_app.test_client()
    client.post(f"/_test/login/{person.id}")
    other.post(f"/_test/login/{person.id}")
    people.deactivate_person(db, CLI, person=person, reason="停用账号")
    db.commit()
    assert client.get("/_test/whoami").json["person_id"] is None
    assert other.get("/_test/whoami").json["person_id"] is None


def test_logout_deletes_the_server_side_row(web):
    client, db = web
    client.post(f"/_test/login/{_person(db).id}")
    old = cookie(client).value
    client.post("/_test/logout")
    assert db.scalar(select(func.count()).select_from(WebSession)) == 0
    client.set_cookie("dj_session", old)  # a replayed cookie after logout is worthless
    assert client.get("/_test/whoami").json["person_id"] is None


def test_production_cookie_is_host_prefixed_and_secure(make_database_url):
    from models import migrate
    from tests.helpers.config import PRODUCTION_MINIMUM

    wecom = {k: v for k, v in PRODUCTION_MINIMUM.items() if k.startswith("WECOM_")}
    app = build_app(
        make_database_url("prodcookie"), APP_ENV="production", REDIS_URL="redis://127.0.0.1:1/0", **wecom
    )
    app.register_blueprint(probe, name="probe_prod")
    migrate.upgrade(app.extensions["dangjian.db"].engine)
    with app.app_context():
        db = app.extensions["dangjian.db"].session()
        person = _person(db, "prod1")
    response = app.test_client().post(f"/_test/login/{person.id}", base_url="https://dangjian.example")
    header = response.headers["Set-Cookie"]
    assert header.startswith("__Host-dj_session=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert flag in header
    assert "Domain" not in header
