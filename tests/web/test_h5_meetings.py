"""H5 meeting pages: a card's link logs in silently and comes back, the room's rotating QR code
checks members in once, an old screenshot is refused, the host confirms the roster and signs
the minutes, and the secretary rejects leave only with a reason."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from handlers import approvals, meetings
from handlers.meetings import SessionPlan, qr_token
from models import ApprovalStatus, Attendance, AuditEvent, Campus, MeetingStatus, OrgKind, Role, Venue
from models.base import CHINA, utcnow
from tests.helpers.pages import csrf, login

pytestmark = pytest.mark.usefixtures("queues")


@pytest.fixture
def hall(db_session):
    campus = Campus(code="NY", name="南院区")
    db_session.add(campus)
    db_session.flush()
    venue = Venue(
        campus_id=campus.id,
        name="行政楼报告厅",
        geofence_lat=Decimal("30.000000"),
        geofence_lng=Decimal("120.000000"),
        geofence_radius_m=150,
        geofence_on=True,
    )
    db_session.add(venue)
    db_session.flush()
    return venue


@pytest.fixture
def meeting(db_session, make_org, make_member, make_actor, make_person, hall):
    branch = make_org(OrgKind.branch, name="检验科党支部")
    host = make_member(branch=branch, person=make_person(wecom_userid="lab-sec", name="书记甲"))
    member = make_member(branch=branch, person=make_person(wecom_userid="lab-1", name="检验师乙"))
    make_member(branch=branch, person=make_person(wecom_userid="lab-2", name="检验师丙"))
    secretary = make_actor(Role.secretary, branch, person=host.person)
    start = utcnow() + timedelta(minutes=5)
    planned = meetings.plan_meeting(
        db_session,
        secretary,
        org_id=branch.id,
        kinds=["theme_day", "party_lecture"],
        topic="检验质量与党员责任",
        agenda="集中学习",
        venue_mode="onsite",
        venue_id=hall.id,
        sessions=[SessionPlan("A场", start, start + timedelta(hours=1))],
    )
    db_session.commit()
    return {"meeting": planned, "member": member, "secretary": secretary}


def test_a_cards_link_logs_in_and_comes_back_to_the_meeting(app, emulator, db_session, meeting):
    browser = app.test_client()
    page = login(browser, "lab-1", f"/m/meetings/{meeting['meeting'].id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "检验质量与党员责任" in text and "党课、主题党日" in text
    assert "投到会场屏幕" not in text  # the room screen is for hosts only
    listing = browser.get("/m/meetings").get_data(as_text=True)
    # One session: the member is already in it, and a one-session meeting says no "A场" (issue 17).
    assert "检验质量与党员责任" in listing and "待回复" in listing and "A场" not in listing


def test_rotating_qr_checks_in_once_and_an_old_screenshot_is_refused(app, emulator, db_session, meeting):
    host = app.test_client()
    screen = login(host, "lab-sec", f"/m/meetings/{meeting['meeting'].id}/qr").get_data(as_text=True)
    assert "<svg" in screen and "截图转发无效" in screen
    feed = host.get(f"/m/meetings/{meeting['meeting'].id}/qr.json").get_json()
    token = feed["url"].rsplit("/", 1)[1]
    assert feed["present"] == 0 and 0 < feed["refresh_in"] <= 30

    phone = app.test_client()
    page = login(phone, "lab-1", f"/m/checkin/{token}").get_data(as_text=True)
    assert "确认签到" in page and "不保存您的位置" in page
    far = phone.post(f"/m/checkin/{token}", data={"csrf_token": csrf(page), "lat": "30.1", "lng": "120.0"})
    assert far.status_code == 400 and "不在行政楼报告厅附近" in far.get_data(as_text=True)
    near = phone.post(
        f"/m/checkin/{token}", data={"csrf_token": csrf(page), "lat": "30.0003", "lng": "120.0002"}
    )
    assert near.status_code == 200 and "签到成功" in near.get_data(as_text=True)
    twice = phone.post(
        f"/m/checkin/{token}", data={"csrf_token": csrf(page), "lat": "30.0003", "lng": "120.0002"}
    )
    assert "无需重复签到" in twice.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(Attendance)) == 1
    assert host.get(f"/m/meetings/{meeting['meeting'].id}/qr.json").get_json()["present"] == 1

    # A screenshot forwarded two minutes later names a slot that has passed.
    session_id = meeting["meeting"].sessions[0].id
    old = qr_token.token_for(app.config["SECRET_KEY"], session_id, qr_token.slot_of(datetime.now(UTC)) - 4)
    other = app.test_client()
    refused = login(other, "lab-2", f"/m/checkin/{old}")
    assert refused.status_code == 400 and "二维码已过期" in refused.get_data(as_text=True)
    reasons = db_session.scalars(
        select(AuditEvent.detail).where(AuditEvent.action == "meeting.checkin")
    ).all()
    assert any("qr_token" in r for r in reasons) and any("geofence" in r for r in reasons)
    # Members cannot open the host's screen.
    assert phone.get(f"/m/meetings/{meeting['meeting'].id}/qr").status_code == 404  # hosts only


def test_the_host_confirms_the_roster_and_signs_the_minutes(app, emulator, db_session, meeting):
    host = app.test_client()
    mid = meeting["meeting"].id
    roster = login(host, "lab-sec", f"/m/meetings/{mid}/roster").get_data(as_text=True)
    assert "检验师乙" in roster and "未签到" in roster
    marked = host.post(
        f"/m/meetings/{mid}/roster/{meeting['member'].id}",
        data={"csrf_token": csrf(roster), "present": "1"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "主持人确认" in marked
    minutes = host.get(f"/m/meetings/{mid}/minutes").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', minutes).group(1)
    saved = host.post(
        f"/m/meetings/{mid}/minutes",
        data={
            "csrf_token": csrf(minutes),
            "action": "save",
            "version": version,
            "minutes": "一、学习文件",
            "resolutions": "",
        },
        follow_redirects=True,
    )
    assert "已保存" in saved.get_data(as_text=True)
    stale = host.post(
        f"/m/meetings/{mid}/minutes",
        data={
            "csrf_token": csrf(minutes),
            "action": "save",
            "version": version,
            "minutes": "覆盖",
            "resolutions": "",
        },
        follow_redirects=True,
    )
    assert "已被他人修改" in stale.get_data(as_text=True)
    current = re.search(r'name="version" value="(\d+)"', stale.get_data(as_text=True)).group(1)
    early = host.post(
        f"/m/meetings/{mid}/minutes",
        data={"csrf_token": csrf(minutes), "action": "sign", "version": current, "minutes": "一、学习文件"},
        follow_redirects=True,
    )
    assert "还未开始" in early.get_data(as_text=True)  # and nothing was saved or signed
    db_session.expire_all()
    assert db_session.get(type(meeting["meeting"]), mid).status == MeetingStatus.planned


def test_leave_is_asked_on_h5_and_rejected_only_with_a_reason(
    app, emulator, db_session, meeting, make_org, make_member, make_person, make_actor
):
    nurse = app.test_client()
    mid = meeting["meeting"].id
    form = login(nurse, "lab-2", f"/m/meetings/{mid}/leave").get_data(as_text=True)
    empty = nurse.post(f"/m/meetings/{mid}/leave", data={"csrf_token": csrf(form), "reason": ""})
    assert empty.status_code == 422 and "请填写请假事由" in empty.get_data(as_text=True)
    asked = nurse.post(
        f"/m/meetings/{mid}/leave",
        data={"csrf_token": csrf(form), "reason": "外出进修"},
        follow_redirects=True,
    )
    assert "请假申请已提交" in asked.get_data(as_text=True)
    [slot] = approvals.to_decide(db_session, meeting["secretary"])
    request = slot.request

    secretary = app.test_client()
    page = login(secretary, "lab-sec", f"/m/approvals/{request.id}?reject=1").get_data(as_text=True)
    # A card sent before leave moved onto the engine still leads to the request.
    assert secretary.get(f"/m/leave/{request.id}").headers["Location"].endswith(f"/m/approvals/{request.id}")
    assert "外出进修" in page
    no_reason = secretary.post(
        f"/m/approvals/{request.id}/decide",
        data={"csrf_token": csrf(page), "decision": "reject", "slot_id": str(slot.id)},
        follow_redirects=True,
    )
    assert "驳回时请填写理由" in no_reason.get_data(as_text=True)
    rejected = secretary.post(
        f"/m/approvals/{request.id}/decide",
        data={
            "csrf_token": csrf(page),
            "decision": "reject",
            "comment": "本次为表决会议",
            "slot_id": str(slot.id),
        },
        follow_redirects=True,
    )
    assert "已驳回" in rejected.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(type(request), request.id).status == ApprovalStatus.rejected
    # Another branch's secretary cannot open it.
    outsider = make_actor(
        Role.secretary, make_org(OrgKind.branch), person=make_person(wecom_userid="far-sec")
    )
    db_session.commit()
    outsider_client = app.test_client()
    assert outsider and login(outsider_client, "far-sec", f"/m/approvals/{request.id}").status_code == 404


def test_makeup_page_records_a_correct_answer(app, emulator, db_session, meeting):
    meetings.set_makeup(
        db_session,
        meeting["secretary"],
        meeting_id=meeting["meeting"].id,
        material="检验质量要点……",
        question="室内质控失控时首先应当？",
        options=["继续发报告", "停止发报告并查找原因"],
        answer=1,
    )
    db_session.commit()
    phone = app.test_client()
    page = login(phone, "lab-2", f"/m/meetings/{meeting['meeting'].id}/makeup").get_data(as_text=True)
    assert "检验质量要点" in page and "室内质控失控时首先应当" in page
    wrong = phone.post(
        f"/m/meetings/{meeting['meeting'].id}/makeup", data={"csrf_token": csrf(page), "choice": "0"}
    )
    assert wrong.status_code == 422 and "回答不正确" in wrong.get_data(as_text=True)
    right = phone.post(
        f"/m/meetings/{meeting['meeting'].id}/makeup", data={"csrf_token": csrf(page), "choice": "1"}
    )
    assert right.status_code == 200 and "不计为到会" in right.get_data(as_text=True)
    # The member may add a 心得 for the secretary to confirm (补学确认, an approval).
    confirm = re.search(r'href="(/m/approvals/new/makeup_confirmation[^"]+)"', right.get_data(as_text=True))
    form = phone.get(confirm.group(1).replace("&amp;", "&")).get_data(as_text=True)
    short = phone.post(
        "/m/approvals/new/makeup_confirmation",
        data={"csrf_token": csrf(form), "meeting_id": str(meeting["meeting"].id), "reflection": "学到了"},
    )
    assert short.status_code == 422 and "至少写10个字" in short.get_data(as_text=True)
    filed = phone.post(
        "/m/approvals/new/makeup_confirmation",
        follow_redirects=True,
        data={
            "csrf_token": csrf(form),
            "meeting_id": str(meeting["meeting"].id),
            "reflection": "失控时应立即停止发报告，查找原因并记录纠正措施。",
        },
    )
    assert "申请已提交" in filed.get_data(as_text=True)
    [slot] = approvals.to_decide(db_session, meeting["secretary"])
    approvals.decide(db_session, meeting["secretary"], slot_id=slot.id, approve=True)
    db_session.commit()
    from models import MakeupStudy

    assert db_session.scalar(select(MakeupStudy.confirmed_by)) == "书记甲"


def test_a_secretary_plans_a_meeting_on_the_phone(app, emulator, db_session, meeting):
    from models import Meeting

    phone = app.test_client()
    page = login(phone, "lab-sec", "/m/meetings/new").get_data(as_text=True)
    day = (datetime.now(UTC) + timedelta(days=3)).astimezone(CHINA).strftime("%Y-%m-%d")
    form = {
        "csrf_token": csrf(page),
        "org_id": str(meeting["meeting"].org_id),
        "kinds": ["committee_meeting"],
        "topic": "支委会：发展对象审查",
        "venue_mode": "online",
        "online_room": "腾讯会议 66",
        "s0_date": day,
        "s0_start": "12:30",
        "s0_end": "13:00",
        "s0_label": "A场",
    }
    bad = phone.post("/m/meetings/new", data={**form, "s0_end": "12:00"})
    assert bad.status_code == 422 and "结束时间应晚于开始时间" in bad.get_data(as_text=True), bad.get_data(
        as_text=True
    )[-600:]
    done = phone.post("/m/meetings/new", data=form, follow_redirects=True)
    assert "会议已安排" in done.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(Meeting)) == 2
    member = app.test_client()
    assert login(member, "lab-1", "/m/meetings/new").status_code == 403  # members do not plan


def test_photos_are_optional_checked_by_content_and_hosts_only(app, emulator, db_session, meeting):
    from io import BytesIO

    host = app.test_client()
    mid = meeting["meeting"].id
    page = login(host, "lab-sec", f"/m/meetings/{mid}/minutes").get_data(as_text=True)
    assert "照片不是必需的" in page
    fake = host.post(
        f"/m/meetings/{mid}/attachments",
        data={"csrf_token": csrf(page), "file": (BytesIO(b"<script>alert(1)</script>"), "photo.jpg")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "只能上传 JPG、PNG 照片或 PDF 文件" in fake.get_data(as_text=True)
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 100
    done = host.post(
        f"/m/meetings/{mid}/attachments",
        data={"csrf_token": csrf(page), "file": (BytesIO(png), "会场照片.png")},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "附件已上传" in done and "会场照片.png" in done
    link = re.search(r'href="(/m/meetings/[^"]+/attachments/[^"]+)"', done).group(1)
    served = host.get(link)
    assert (
        served.data == png
        and served.mimetype == "image/png"
        and "attachment" in served.headers["Content-Disposition"]
    )
    member = app.test_client()
    login(member, "lab-1", f"/m/meetings/{mid}")
    assert member.get(link).status_code == 404
