"""The WSGI apps bench/checkin.py runs under gunicorn (configured by environment).

`app`: Dangjian itself. `floor`: the least a QR check-in endpoint must do — verify the
rotating token, look the member's invitation up, insert the attendance row if absent — and
the least a roster page must do — one query for 500 names and a bare table. No login, no
templates, no audit: the yardstick the real pages are measured against in the same run.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from html import escape

from flask import Flask, Response
from sqlalchemy import create_engine, text

from handlers.meetings import qr_token


def _floor() -> Flask:
    floor = Flask("floor")
    engine = create_engine(os.environ["DATABASE_URL"], pool_size=8)
    secret = os.environ["SECRET_KEY"]

    @floor.post("/checkin/<token>/<member_id>")
    def checkin(token: str, member_id: str) -> Response:
        session_id = qr_token.read_token(secret, token, datetime.now(UTC))
        with engine.begin() as c:
            meeting = c.execute(
                text(
                    "SELECT i.meeting_id FROM meeting_invitation i"
                    " JOIN meeting_session s ON s.meeting_id = i.meeting_id"
                    " WHERE s.id = :s AND i.member_id = :m"
                ),
                {"s": session_id, "m": member_id},
            ).scalar()
            c.execute(
                text(
                    "INSERT INTO meeting_attendance"
                    " (id, meeting_id, session_id, member_id, method, checked_in_at, late, present)"
                    " VALUES (gen_random_uuid(), :mt, :s, :m, 'qr', now(), false, true)"
                    " ON CONFLICT (meeting_id, member_id) DO NOTHING"
                ),
                {"mt": meeting, "s": session_id, "m": member_id},
            )
        return Response("ok")

    @floor.get("/roster/<meeting_id>")
    def roster(meeting_id: str) -> Response:
        with engine.connect() as c:
            rows = c.execute(
                text(
                    "SELECT p.name, a.checked_in_at FROM meeting_invitation i"
                    " JOIN member m ON m.id = i.member_id JOIN person p ON p.id = m.person_id"
                    " LEFT JOIN meeting_attendance a"
                    " ON a.meeting_id = i.meeting_id AND a.member_id = i.member_id WHERE i.meeting_id = :mt"
                    " ORDER BY p.name"
                ),
                {"mt": meeting_id},
            ).all()
        body = "".join(f"<tr><td>{escape(n)}</td><td>{t or ''}</td></tr>" for n, t in rows)
        return Response(f"<table>{body}</table>")

    return floor


def _dangjian() -> Flask:
    from app import create_app

    return create_app({})


app = _dangjian() if os.environ.get("BENCH_APP") == "app" else None
floor = _floor() if os.environ.get("BENCH_APP") == "floor" else None
