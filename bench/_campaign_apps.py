"""The WSGI apps bench/campaign.py runs under gunicorn (configured by environment).

`app`: Dangjian itself. `floor`: the least a member's hours page must do — the three sums
(lessons credited this year, 党课 attended, training days) for one member, found by the
session token, in a bare text response: no templates, no recommendations.
"""

from __future__ import annotations

import hashlib
import os

from flask import Flask, Response, request
from sqlalchemy import create_engine, text


def _floor() -> Flask:
    floor = Flask("floor")
    engine = create_engine(os.environ["DATABASE_URL"], pool_size=8)

    @floor.get("/hours")
    def hours() -> Response:
        token = hashlib.sha256(request.cookies.get("dj_session", "").encode()).hexdigest()
        with engine.connect() as c:
            member = c.execute(
                text(
                    "SELECT m.id FROM web_session s JOIN member m ON m.person_id = s.person_id"
                    " WHERE s.token_hash = :t"
                ),
                {"t": token},
            ).scalar()
            online = c.execute(
                text(
                    "SELECT coalesce(sum(credited_hours), 0) FROM study_record"
                    " WHERE member_id = :m AND year = extract(year FROM now())"
                ),
                {"m": member},
            ).scalar()
            lectures = c.execute(
                text(
                    "SELECT count(DISTINCT a.meeting_id) FROM meeting_attendance a"
                    " JOIN meeting_session s ON s.id = a.session_id"
                    " JOIN meeting_obligation o ON o.meeting_id = a.meeting_id"
                    " WHERE a.member_id = :m AND a.present AND o.kind = 'party_lecture'"
                    " AND s.starts_at >= date_trunc('year', now())"
                ),
                {"m": member},
            ).scalar()
            training = c.execute(
                text(
                    "SELECT coalesce(sum(d.hours), 0) FROM training_attendance t"
                    " JOIN training_day d ON d.id = t.training_id"
                    " WHERE t.member_id = :m AND d.held_on >= date_trunc('year', now())"
                ),
                {"m": member},
            ).scalar()
        return Response(f"{online} {lectures} {training}")

    return floor


def _dangjian() -> Flask:
    from app import create_app

    return create_app({})


app = _dangjian() if os.environ.get("BENCH_APP") == "app" else None
floor = _floor() if os.environ.get("BENCH_APP") == "floor" else None
