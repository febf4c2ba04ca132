"""Server-side, revocable login sessions (Flask's default is a 31-day signed client cookie).

The cookie holds a random token; the `web_session` row (keyed by the token's SHA-256) holds
the data. Login issues a new token (no session fixation); idle and absolute limits are
checked on every request; deleting a person's rows logs them out everywhere at once.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import delete, select
from werkzeug.datastructures import CallbackDict

from models import Person, WebSession
from models.db import Database

#: Touch last_seen_at at most this often: a write per request would be wasted I/O.
TOUCH_EVERY = timedelta(seconds=60)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ServerSession(CallbackDict[str, Any], SessionMixin):
    def __init__(
        self,
        data: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        person_id: uuid.UUID | None = None,
        last_seen_at: datetime | None = None,
    ) -> None:
        def on_update(_self: Any) -> None:
            self.modified = True

        super().__init__(data or {}, on_update)
        self.token = token
        self.person_id = person_id
        self.last_seen_at = last_seen_at
        self.modified = False
        self.rotate = False
        self.destroy = False
        self.lifetime: timedelta | None = None

    def login(self, person_id: uuid.UUID, lifetime: timedelta | None = None) -> None:
        """Bind the session to a person under a brand-new token (old data is dropped).

        `lifetime` overrides the absolute limit (the H5 app's sessions last 8 hours)."""
        self.clear()
        self.person_id = person_id
        self.lifetime = lifetime
        self.rotate = True
        self.modified = True

    def logout(self) -> None:
        self.clear()
        self.person_id = None
        self.destroy = True


TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]+")


class ServerSessionInterface(SessionInterface):
    def __init__(self, db: Database, *, secure: bool, idle: timedelta, absolute: timedelta) -> None:
        self.db = db
        self.secure = secure
        # __Host- binds the cookie to this exact host over HTTPS (no Domain, Path=/).
        self.cookie_name = "__Host-dj_session" if secure else "dj_session"
        self.idle = idle
        self.absolute = absolute

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        token = request.cookies.get(self.cookie_name)
        # Tokens are URL-safe base64 (secrets.token_urlsafe): anything else is nobody's session.
        if not token or len(token) > 128 or not TOKEN_SHAPE.fullmatch(token):
            return ServerSession()
        now = datetime.now(UTC)
        with self.db.unit_of_work() as s:
            # One query on every request: the session and whether its person may still log in.
            found = s.execute(
                select(WebSession, Person.is_active)
                .outerjoin(Person, Person.id == WebSession.person_id)
                .where(WebSession.token_hash == _hash(token))
            ).first()
            if found is None:
                return ServerSession()
            row, active = found
            expired = row.expires_at <= now or row.last_seen_at + self.idle <= now
            person_disabled = row.person_id is not None and not active
            if expired or person_disabled:
                s.delete(row)
                return ServerSession()
            return ServerSession(
                dict(row.data), token=token, person_id=row.person_id, last_seen_at=row.last_seen_at
            )

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        assert isinstance(session, ServerSession)
        now = datetime.now(UTC)
        if session.destroy:
            if session.token:
                with self.db.unit_of_work() as s:
                    s.execute(delete(WebSession).where(WebSession.token_hash == _hash(session.token)))
            response.delete_cookie(
                self.cookie_name, path="/", secure=self.secure, httponly=True, samesite="Lax"
            )
            return
        if session.token is None and not session.modified:
            return  # an anonymous visitor who stored nothing gets no cookie
        if session.rotate or session.token is None:
            self._issue(session, response, now)
            return
        if session.modified or (session.last_seen_at and now - session.last_seen_at >= TOUCH_EVERY):
            with self.db.unit_of_work() as s:
                row = s.get(WebSession, _hash(session.token))
                if row is not None:
                    row.last_seen_at = now
                    if session.modified:
                        row.data = dict(session)

    def _issue(self, session: ServerSession, response: Response, now: datetime) -> None:
        new_token = secrets.token_urlsafe(32)
        with self.db.unit_of_work() as s:
            if session.token:
                s.execute(delete(WebSession).where(WebSession.token_hash == _hash(session.token)))
            s.add(
                WebSession(
                    token_hash=_hash(new_token),
                    person_id=session.person_id,
                    data=dict(session),
                    created_at=now,
                    last_seen_at=now,
                    expires_at=now + (session.lifetime or self.absolute),
                )
            )
        session.token = new_token
        response.set_cookie(
            self.cookie_name, new_token, path="/", secure=self.secure, httponly=True, samesite="Lax"
        )


def init_app(app: Flask) -> None:
    app.session_interface = ServerSessionInterface(
        app.extensions["dangjian.db"],
        secure=app.config["APP_ENV"] == "production",
        idle=timedelta(minutes=app.config["SESSION_IDLE_MINUTES"]),
        absolute=timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"]),
    )
