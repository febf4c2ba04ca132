"""Issue 15 in Chromium: the office creates a campus and a geofenced venue in the console; a
meeting planned there makes the phone's check-in ask WeCom's JS-SDK (the emulator's stand-in,
which checks the page's signatures as WeCom's client does) where the member is, and the
meeting page scans the room screen's code with scanQRCode."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import requests
from sqlalchemy import select

from handlers import meetings, people
from handlers.meetings import SessionPlan
from handlers.policy import Actor, load_actor
from models import OrgKind, PartyOrg, Role, RoleGrant, Venue
from tests.helpers.browser import ARTIFACTS, CHROMIUM, CONSOLE, as_member, scan_in, snap

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is installed by .ci/run")
PHONE = {"width": 390, "height": 844}
CENTRE = (31.230416, 121.473701)  # GCJ-02


@pytest.fixture(scope="module")
def radiology(live):
    app = live.flask_app
    cli = Actor.cli("测试")
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        committee = PartyOrg(kind=OrgKind.committee, code="E2EV", name="会场测试党委")
        committee.set_parent(None)
        branch = PartyOrg(kind=OrgKind.branch, code="E2E15", name="放射科党支部")
        branch.set_parent(committee)
        session.add_all([committee, branch])
        session.flush()
        for userid, name in (("v15-sec", "书记孔"), ("v15-tech", "技师曹")):
            person = people.create_person(session, cli, wecom_userid=userid, name=name)
            people.enrol_member(session, cli, person=person, branch=branch, status="full")
        office = people.create_person(session, cli, wecom_userid="v15-office", name="组织部严")
        session.add(RoleGrant(person_id=office.id, role=Role.committee_office, org_id=None))
        secretary = people.find_by_wecom_userid(session, "v15-sec")
        session.add(RoleGrant(person_id=secretary.id, role=Role.secretary, org_id=branch.id))
        branch_id = branch.id
    from cli.demo import load_emulator_directory

    with app.app_context():
        load_emulator_directory(app)
    return {"branch_id": branch_id}


def _shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"phone-{name}.png"), full_page=True)


def test_a_console_venue_geofences_check_in_through_the_jssdk(live, radiology, chromium):
    app = live.flask_app
    emulator = f"{live.base}/_emulator"

    # 1. The office adds a campus and a venue with its GCJ-02 centre, radius and geofence on.
    office = chromium.new_context(**CONSOLE).new_page()
    scan_in(office, live, "v15-office")
    office.goto(f"{live.base}/admin/venues")
    office.fill("#campus-new input[name=code]", "E2EW")
    office.fill("#campus-new input[name=name]", "外滩院区")
    office.click("#campus-new button")
    assert office.is_visible("text=已添加院区“外滩院区”")
    form = office.locator("#venue-new")
    form.locator("select[name=campus_id]").select_option(label="外滩院区")
    form.locator("input[name=name]").fill("影像楼示教室")
    form.locator("input[name=geofence_lat]").fill(f"{CENTRE[0]:.6f}")
    form.locator("input[name=geofence_lng]").fill(f"{CENTRE[1]:.6f}")
    form.locator("input[name=geofence_radius_m]").fill("150")
    form.locator("input[name=geofence_on]").check()
    form.locator("button:has-text('添加会场')").click()
    assert office.is_visible("text=签到范围已开启")
    assert office.is_visible("td:has-text('已开启（150 米）')")
    snap(office, "venues")

    # 2. The secretary plans a meeting there that starts in a few minutes.
    with app.app_context(), app.extensions["dangjian.db"].unit_of_work() as session:
        venue = session.scalar(select(Venue).where(Venue.name == "影像楼示教室"))
        assert venue.fences
        start = datetime.now(UTC) + timedelta(minutes=3)
        # A session ends the day it starts (Beijing): late in the evening it is cut at 23:59.
        beijing = timezone(timedelta(hours=8))
        day_end = start.astimezone(beijing).replace(hour=23, minute=59, second=0, microsecond=0)
        end = min(start + timedelta(minutes=50), day_end.astimezone(UTC))
        meeting = meetings.plan_meeting(
            session,
            load_actor(session, people.find_by_wecom_userid(session, "v15-sec")),
            org_id=radiology["branch_id"],
            kinds=["theme_day"],
            topic="影像质控主题党日",
            agenda="集中学习",
            venue_mode="onsite",
            venue_id=venue.id,
            sessions=[SessionPlan("A场", start, end)],
        )
        meeting_id = meeting.id

    # 3. On the meeting page the member taps 扫一扫签到: the stand-in registers with the page's
    #    signatures, then its scanQRCode reads the room screen's current code.
    screen = as_member(chromium.new_context(), live, "v15-sec", f"/m/meetings/{meeting_id}/qr")
    code = screen.request.get(f"{live.base}/m/meetings/{meeting_id}/qr.json").json()["url"]
    far = (CENTRE[0] + 0.01, CENTRE[1])  # about 1.1 km north
    requests.post(
        f"{emulator}/api/jssdk/location", json={"user": "v15-tech", "lat": far[0], "lng": far[1]}, timeout=5
    )
    requests.post(f"{emulator}/api/jssdk/scan", json={"user": "v15-tech", "result": code}, timeout=5)
    phone_context = chromium.new_context(viewport=PHONE, locale="zh-CN")
    phone = as_member(phone_context, live, "v15-tech", f"/m/meetings/{meeting_id}")
    phone.wait_for_selector("#scan-checkin:not([hidden])", timeout=10_000)
    _shot(phone, "meeting-scan")
    phone.click("#scan-checkin")
    phone.wait_for_url(f"{live.base}/m/checkin/**")

    # 4. The check-in page asks the stand-in's getLocation (GCJ-02): 1 km away is refused.
    phone.wait_for_selector("text=已获取位置", timeout=10_000)
    assert phone.locator("input[name=datum]").input_value() == "gcj02"
    phone.click("button:has-text('确认签到')")
    phone.wait_for_selector("text=不在影像楼示教室附近", timeout=10_000)
    _shot(phone, "checkin-too-far")

    # 5. At the venue, the same code (still current) checks in.
    requests.post(
        f"{emulator}/api/jssdk/location",
        json={"user": "v15-tech", "lat": CENTRE[0], "lng": CENTRE[1]},
        timeout=5,
    )
    phone.goto(code)
    phone.wait_for_selector("text=已获取位置", timeout=10_000)
    phone.click("button:has-text('确认签到')")
    phone.wait_for_selector("text=签到成功", timeout=10_000)
    _shot(phone, "checkin-at-venue")

    calls = requests.get(f"{emulator}/api/jssdk/calls", timeout=5).json()
    mine = [c["api"] for c in calls if c["user"] == "v15-tech"]
    assert "scanQRCode" in mine and mine.count("getLocation") >= 2
