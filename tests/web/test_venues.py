"""Campuses and venues the office keeps (issue 15): checks with Chinese messages, the console's
pages, /api/v1/venues, a venue that turns its geofence on for a new meeting, retiring a venue in
use, and WGS-84 → GCJ-02 on known coordinates."""

from __future__ import annotations

import io
import struct
import uuid
import zlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from handlers import geo, meetings, venues
from handlers.api_tokens import create_token
from handlers.errors import ValidationFailed
from handlers.meetings import GeoFix, SessionPlan
from handlers.policy import Actor
from models import AuditEvent, CheckInMethod, Meeting, OrgKind, Role, RoleGrant, Venue
from models.base import utcnow
from tests.helpers.pages import csrf, qr_login

pytestmark = pytest.mark.usefixtures("queues")

# --- WGS-84 → GCJ-02 ----------------------------------------------------------------------------

#: Published vectors (wgs lat, wgs lng, gcj lat, gcj lng, tolerance in degrees): Beijing and
#: Shenzhen from eviltransform's tests; 北京东城 and 广州越秀 from gcoord's china-cities fixture
#: (read off maps to seven places, hence the looser tolerance, about 2 m).
KNOWN = [
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657, 1e-6),  # 北京
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363, 1e-6),  # 深圳
    (39.9028057, 116.4011517, 39.9042136, 116.4074002, 2e-5),  # 北京东城区
    (23.131788, 113.2590543, 23.1291146, 113.2643859, 2e-5),  # 广州越秀区
]


@pytest.mark.parametrize(("lat", "lng", "gcj_lat", "gcj_lng", "tolerance"), KNOWN)
def test_wgs84_converts_to_gcj02_on_known_coordinates(lat, lng, gcj_lat, gcj_lng, tolerance):
    got_lat, got_lng = geo.wgs84_to_gcj02(lat, lng)
    assert abs(got_lat - gcj_lat) < tolerance and abs(got_lng - gcj_lng) < tolerance
    # The offset is hundreds of metres: comparing WGS-84 with a GCJ-02 venue unconverted is wrong.
    assert geo.distance_m(lat, lng, gcj_lat, gcj_lng) > 300


def test_outside_china_nothing_is_shifted():
    assert geo.wgs84_to_gcj02(48.8566, 2.3522) == (48.8566, 2.3522)  # Paris


# --- the checks ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "  "}, "会场名称不能为空"),
        ({"name": "会议室", "lat": "48.85", "lng": "2.35"}, "不在中国境内"),
        ({"name": "会议室", "lat": "39.9", "lng": ""}, "须同时填写"),
        ({"name": "会议室", "lat": "abc", "lng": "116.4"}, "应为数字"),
        ({"name": "会议室", "lat": "39.9", "lng": "116.4", "radius": "49"}, "50～2000"),
        ({"name": "会议室", "lat": "39.9", "lng": "116.4", "radius": "2001"}, "50～2000"),
        ({"name": "会议室", "geofence_on": True}, "先填写中心点"),
        ({"name": "会议室", "lat": "NaN", "lng": "116.4"}, "应为数字"),
    ],
)
def test_a_bad_venue_is_refused_with_a_chinese_message(fields, message):
    with pytest.raises(ValidationFailed) as refused:
        venues.check_venue(**fields)
    assert message in refused.value.message


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def office(db_session, make_person):
    person = make_person(wecom_userid="office01", name="组织部甲")
    db_session.add(RoleGrant(person_id=person.id, role=Role.committee_office, org_id=None))
    db_session.flush()
    return person


@pytest.fixture
def branch_people(db_session, make_org, make_member, make_person, make_actor):
    branch = make_org(OrgKind.branch, name="放射科党支部")
    secretary = make_member(branch=branch, person=make_person(wecom_userid="rad-sec", name="书记周"))
    member = make_member(branch=branch, person=make_person(wecom_userid="rad-1", name="技师吴"))
    return {
        "branch": branch,
        "secretary": make_actor(Role.secretary, branch, person=secretary.person),
        "member": member,
    }


def plan_at(db_session, people, venue):
    start = utcnow() + timedelta(minutes=5)
    return meetings.plan_meeting(
        db_session,
        people["secretary"],
        org_id=people["branch"].id,
        kinds=["theme_day"],
        topic="影像质控与党员担当",
        agenda="集中学习",
        venue_mode="onsite",
        venue_id=venue.id,
        sessions=[SessionPlan("A场", start, start + timedelta(hours=1))],
    )


def tiny_png(width=40, height=20):
    """A real PNG (the upload check reads the content, not the name)."""
    raw = b"".join(b"\x00" + b"\xcc\xdd\xee" * width for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


# --- the console --------------------------------------------------------------------------------


def test_a_venue_made_in_the_console_geofences_a_new_meeting(
    app, emulator, db_session, office, branch_people
):
    browser = app.test_client()
    qr_login(browser, "office01")
    page = browser.get("/admin/venues").get_data(as_text=True)
    assert "添加院区" in page
    made = browser.post(
        "/admin/campuses",
        data={"csrf_token": csrf(page), "code": "XQ", "name": "西院区", "address": "西环路9号"},
    )
    assert made.status_code == 302
    page = browser.get("/admin/venues").get_data(as_text=True)
    campus_id = page.split('name="campus_id"', 1)[1].split('value="', 1)[1].split('"', 1)[0]

    refused = browser.post(
        "/admin/venues",
        data={
            "csrf_token": csrf(page),
            "campus_id": campus_id,
            "name": "影像楼会议室",
            "geofence_lat": "39.904200",
            "geofence_lng": "116.407400",
            "geofence_radius_m": "3000",
            "geofence_on": "1",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "签到范围应在 50～2000 米之间" in refused
    assert db_session.scalar(select(Venue).where(Venue.name == "影像楼会议室")) is None

    browser.post(
        "/admin/venues",
        data={
            "csrf_token": csrf(page),
            "campus_id": campus_id,
            "name": "影像楼会议室",
            "geofence_lat": "39.904200",
            "geofence_lng": "116.407400",
            "geofence_radius_m": "120",
            "geofence_on": "1",
        },
    )
    venue = db_session.scalar(select(Venue).where(Venue.name == "影像楼会议室"))
    assert venue.fences and venue.geofence_radius_m == 120
    listing = browser.get("/admin/venues").get_data(as_text=True)
    assert "已开启（120 米）" in listing

    # A meeting planned there now asks where the member is, and refuses a phone 1 km away.
    meeting = plan_at(db_session, branch_people, venue)
    target = meeting.sessions[0]
    person = branch_people["member"].person

    def check(fix):
        return meetings.check_in(
            db_session,
            person=person,
            meeting_session_id=target.id,
            method=CheckInMethod.qr,
            now=target.starts_at,
            fix=fix,
        )

    assert "请允许获取位置" in check(None).message
    assert "不在影像楼会议室附近" in check(GeoFix(39.9132, 116.4074)).message
    # A browser's WGS-84 fix at the venue's own spot is ~500 m off unconverted; converted, it passes.
    wgs_lat, wgs_lng = 39.904200 - 0.001318, 116.407400 - 0.006197  # about where GCJ-02 puts the venue
    assert geo.distance_m(*geo.wgs84_to_gcj02(wgs_lat, wgs_lng), 39.9042, 116.4074) < 60
    assert check(GeoFix(wgs_lat, wgs_lng, "wgs84")).ok

    # The venue is in use: it cannot be deleted, only retired; a retired venue is not offered.
    page = browser.get(f"/admin/venues/{venue.id}").get_data(as_text=True)
    assert "已被 1 次会议使用" in page and "删除会场" not in page
    deleted = browser.post(
        f"/admin/venues/{venue.id}/delete", data={"csrf_token": csrf(page)}, follow_redirects=True
    ).get_data(as_text=True)
    assert "只能停用" in deleted and db_session.get(Venue, venue.id) is not None
    browser.post(f"/admin/venues/{venue.id}/retire", data={"csrf_token": csrf(page), "action": "retire"})
    db_session.expire_all()
    assert venue.retired_at is not None and venue not in meetings.venues(db_session)
    with pytest.raises(ValidationFailed, match="已停用"):
        plan_at(db_session, branch_people, venue)
    actions = set(db_session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(venue.id))))
    assert {"venue.create", "venue.retire"} <= actions


def test_a_campus_map_lets_the_office_click_the_centre(app, emulator, db_session, office):
    browser = app.test_client()
    qr_login(browser, "office01")
    page = browser.get("/admin/venues").get_data(as_text=True)
    browser.post("/admin/campuses", data={"csrf_token": csrf(page), "code": "BY", "name": "北院区"})
    from models import Campus

    campus = db_session.scalar(select(Campus).where(Campus.code == "BY"))
    bounds = {"map_north": "39.9100", "map_south": "39.9000", "map_west": "116.4000", "map_east": "116.4150"}
    not_image = browser.post(
        f"/admin/campuses/{campus.id}/map",
        data={"csrf_token": csrf(page), **bounds, "file": (io.BytesIO(b"%PDF-1.4 x"), "map.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "院区地图应为 JPG 或 PNG 图片" in not_image
    browser.post(
        f"/admin/campuses/{campus.id}/map",
        data={"csrf_token": csrf(page), **bounds, "file": (io.BytesIO(tiny_png()), "map.png")},
        content_type="multipart/form-data",
    )
    db_session.expire_all()
    assert campus.map_bounds == (39.91, 39.9, 116.4, 116.415)
    image = browser.get(f"/admin/campuses/{campus.id}/map")
    assert image.status_code == 200 and image.data.startswith(b"\x89PNG")
    venue = venues.create_venue(
        db_session, _office_actor(db_session, office), campus_id=campus.id, name="报告厅"
    )
    db_session.commit()
    edit = browser.get(f"/admin/venues/{venue.id}").get_data(as_text=True)
    assert 'id="campus-map"' in edit and 'data-north="39.91"' in edit


def _office_actor(db_session, person):
    from handlers.policy import load_actor

    return load_actor(db_session, person, None)


def test_others_cannot_manage_venues(app, emulator, db_session, branch_people, make_person):
    from handlers.errors import Forbidden

    with pytest.raises(Forbidden):
        venues.create_campus(db_session, branch_people["secretary"], code="Z1", name="某院区")
    browser = app.test_client()
    qr_login(browser, "rad-sec")
    assert browser.get("/admin/venues").status_code == 403


# --- /api/v1/venues -------------------------------------------------------------------------------


def test_the_api_keeps_venues(app, db_session, branch_people):
    from models import Campus

    campus = Campus(code="API", name="接口院区")
    db_session.add(campus)
    _, office_token = create_token(db_session, Actor.cli(), name="后勤系统", role=Role.committee_office)
    _, branch_token = create_token(
        db_session, Actor.cli(), name="支部", role=Role.secretary, org_code=branch_people["branch"].code
    )
    db_session.commit()
    client = app.test_client()
    office = {"Authorization": f"Bearer {office_token}"}
    body = {
        "campus_id": str(campus.id),
        "name": "行政楼会议室",
        "geofence_lat": 23.1291,
        "geofence_lng": 113.2644,
        "geofence_radius_m": 100,
        "geofence_on": True,
    }

    assert (
        client.post(
            "/api/v1/venues", json=body, headers={"Authorization": f"Bearer {branch_token}"}
        ).status_code
        == 403
    )
    outside = client.post("/api/v1/venues", json={**body, "geofence_lat": 1.0}, headers=office)
    assert outside.status_code == 422 and "中国境内" in outside.get_json()["message"]
    made = client.post("/api/v1/venues", json=body, headers=office)
    assert made.status_code == 201 and made.get_json()["geofence_on"] is True
    venue_id = made.get_json()["id"]
    assert client.post("/api/v1/venues", json=body, headers=office).status_code == 409  # same name
    patched = client.patch(f"/api/v1/venues/{venue_id}", json={"geofence_radius_m": 300}, headers=office)
    assert patched.get_json()["geofence_radius_m"] == 300 and patched.get_json()["geofence_on"] is True
    listed = client.get("/api/v1/venues", headers=office).get_json()
    assert [v["name"] for v in listed["items"]] == ["行政楼会议室"]

    venue = db_session.get(Venue, uuid.UUID(venue_id))
    plan_at(db_session, branch_people, venue)
    db_session.commit()
    in_use = client.delete(f"/api/v1/venues/{venue_id}", headers=office)
    assert in_use.status_code == 409 and "只能停用" in in_use.get_json()["message"]
    retired = client.patch(f"/api/v1/venues/{venue_id}", json={"retired": True}, headers=office)
    assert retired.get_json()["retired"] is True
    assert client.get("/api/v1/venues", headers=office).get_json()["items"] == []
    assert db_session.scalar(select(Meeting).where(Meeting.venue_id == venue.id)) is not None
    unused = client.post("/api/v1/venues", json={**body, "name": "备用会议室"}, headers=office).get_json()
    assert client.delete(f"/api/v1/venues/{unused['id']}", headers=office).status_code == 204
