"""/api/v1/lessons, campaigns and study-records: in the token's scope, as documented, no points."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from handlers import learning
from handlers.learning import campaigns
from handlers.policy import Actor
from models import Role
from tests.helpers.api import api_hospital

pytestmark = pytest.mark.usefixtures("queues")
NOW = datetime(2026, 11, 20, 2, tzinfo=UTC)


@pytest.fixture
def studied(db_session, hospital):  # noqa: F811
    lesson = learning.create_lesson(
        db_session, Actor.cli(), kind="article", title="党章", summary="", body_html="<p>x</p>",
        credit_hours="1", min_minutes="1", tags="党章,微党课",
    )  # fmt: skip
    learning.set_status(db_session, Actor.cli(), lesson.id, status="published")
    draft = learning.create_lesson(
        db_session, Actor.cli(), kind="link", title="草稿", summary="", url="https://intranet/x",
        credit_hours="1", min_minutes="1",
    )  # fmt: skip
    campaign = campaigns.launch(
        db_session, Actor.cli(), title="十一月学习", lesson_ids=[lesson.id],
        org_ids=[hospital["cardio"].id, hospital["ortho"].id], send_at=NOW, deadline=NOW + timedelta(days=3),
        now=NOW,
    )  # fmt: skip
    for member in (hospital["nurse"], hospital["surgeon"]):
        learning.open_lesson(db_session, member.person, lesson.id, now=NOW)
    for n in range(1, 5):
        learning.beat(db_session, hospital["nurse"].person, lesson.id, now=NOW + timedelta(seconds=15 * n))
    return {"lesson": lesson, "draft": draft, "campaign": campaign}


@pytest.fixture
def hospital(make_org, make_member, make_person, db_session):
    return api_hospital(make_org, make_member, make_person)


def test_lessons_campaigns_and_records_in_the_tokens_scope(client, token, conforms, hospital, studied):  # noqa: F811
    office, cardio = token(Role.committee_office), token(Role.secretary, hospital["cardio"].code)
    everything = client.get("/api/v1/lessons", headers=office).get_json()
    conforms("/lessons", 200, everything)
    assert {x["title"] for x in everything["items"]} == {"党章", "草稿"}
    published = client.get("/api/v1/lessons?tag=微党课", headers=cardio).get_json()
    assert [x["title"] for x in published["items"]] == ["党章"]  # a branch sees no office drafts
    assert client.get(f"/api/v1/lessons/{studied['draft'].id}", headers=cardio).status_code == 404
    one = client.get(f"/api/v1/lessons/{studied['lesson'].id}", headers=cardio).get_json()
    conforms("/lessons/{lesson_id}", 200, one)

    listed = client.get("/api/v1/campaigns", headers=cardio).get_json()
    conforms("/campaigns", 200, listed)
    [campaign] = listed["items"]
    assert [(b["name"], b["completed"], b["in_progress"]) for b in campaign["branches"]] == [
        ("心内科党支部", 1, 0)
    ]
    whole = client.get(f"/api/v1/campaigns/{studied['campaign'].id}", headers=office).get_json()
    assert sorted((b["name"], b["completed"], b["in_progress"]) for b in whole["branches"]) == [
        ("心内科党支部", 1, 0),
        ("骨科党支部", 0, 1),
    ]

    records = client.get("/api/v1/study-records?year=2026", headers=cardio).get_json()
    conforms("/study-records", 200, records)
    assert [(r["member_id"], r["seconds"], r["credited_hours"]) for r in records["items"]] == [
        (str(hospital["nurse"].id), 60, "1.0")
    ]
    assert "points" not in str(records)
    assert len(client.get("/api/v1/study-records", headers=office).get_json()["items"]) == 2
    assert client.get("/api/v1/study-records?year=20x6", headers=office).status_code == 422
    refused = client.get("/api/v1/study-records", headers=token(Role.sysadmin))
    assert refused.status_code == 403 and refused.get_json()["code"]
