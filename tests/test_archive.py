"""党员档案 (issue 18): fields with history, the lists, participations, transfers in and out with
their 回执, the exchange by column map (round trip and bad rows), 更正申请 and 政治生日."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from docx import Document
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from handlers import approvals, meetings, members, reminders, transfers
from handlers.archive import birthdays, entries, exchange, participations
from handlers.archive import fields as archive_fields
from handlers.errors import Conflict, Forbidden, ValidationFailed
from handlers.learning import campaigns
from handlers.meetings import SessionPlan
from handlers.policy import Actor
from models import (
    ApprovalRequest,
    ArchiveChange,
    Base,
    CampaignRecipient,
    CheckInMethod,
    Invitation,
    InvitationVia,
    Member,
    MemberStatus,
    OrgKind,
    PartyOrg,
    Reminder,
    Role,
    TransferKind,
)
from models.base import local_today, utcnow
from tests.conftest import valid_id_number


@pytest.fixture
def hospital(make_org, make_member, make_actor, make_person):
    committee = make_org(OrgKind.committee, name="医院党委")
    cardio = make_org(OrgKind.branch, parent=committee, name="心内科党支部", code="XN01")
    ortho = make_org(OrgKind.branch, parent=committee, name="骨科党支部", code="GK01")
    nurse = make_member(
        branch=cardio,
        joined_on=date(2012, 7, 1),
        person=make_person(name="李护士", birth_date=date(1988, 3, 9)),
    )
    return {
        "committee": committee,
        "cardio": cardio,
        "ortho": ortho,
        "nurse": nurse,
        "office": make_actor(Role.committee_office, None),
        "secretary": make_actor(Role.secretary, cardio),
        "other_secretary": make_actor(Role.secretary, ortho),
        "leader": make_actor(Role.group_leader, cardio),
    }


# -- fields and history ------------------------------------------------------------------------------


def test_an_edit_writes_one_history_row_per_field_and_keeps_sensitive_values_encrypted(db_session, hospital):
    nurse = hospital["nurse"]
    changed = archive_fields.update(
        db_session,
        hospital["secretary"],
        member_id=nurse.id,
        raw={
            "gender": "女",
            "ethnicity": "回族",
            "education": "大学本科",
            "technical_title": "主管护师",
            "applied_on": "2011-03-01",
            "full_on": "2013-07-01",
        },
        reason="据本人档案核对",
    )
    assert set(changed) == {"gender", "ethnicity", "education", "technical_title", "applied_on", "full_on"}
    rows = {c.field: c for c in archive_fields.history(db_session, nurse)}
    assert rows["gender"].new_value == "女" and rows["gender"].old_value is None
    assert (
        rows["gender"].reason == "据本人档案核对" and rows["gender"].changed_by == hospital["secretary"].label
    )
    db_session.flush()
    stored = db_session.scalar(select(Member.ethnicity_ciphertext).where(Member.id == nurse.id))
    assert stored.startswith("v1:") and "回族" not in stored
    history = db_session.scalar(
        select(ArchiveChange.new_value_ciphertext).where(ArchiveChange.field == "ethnicity")
    )
    assert "回族" not in history
    # Pages mask a sensitive field unless it is the member's own; its history too.
    assert dict(archive_fields.shown(nurse))["民族"] == "已加密"
    assert dict(archive_fields.shown(nurse, own=True))["民族"] == "回族"
    assert archive_fields.history_text(rows["ethnicity"])[1:] == ("已加密", "已加密")
    # The same values again change nothing and write nothing.
    assert (
        archive_fields.update(db_session, hospital["secretary"], member_id=nurse.id, raw={"gender": "女"})
        == []
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"full_on": "2011-01-01"}, "转正日期不能早于入党日期"),
        ({"ethnicity": "火星族"}, "不是可选的值"),
        ({"education": "博士后"}, "不是可选的值"),
        ({"applied_on": "2013-01-01"}, "入党日期不能早于申请入党日期"),
        ({"joined_on": (local_today() + timedelta(days=1)).isoformat()}, "不能晚于今天"),
        ({"birth_date": "1996-01-01"}, "年满十八周岁"),
        ({"native_place": "山东\x00济南"}, "控制字符"),
        ({"lost_contact_on": "2020-01-01"}, "是否失联"),
    ],
)
def test_a_bad_value_is_refused_with_the_field_and_nothing_is_written(db_session, hospital, raw, message):
    nurse = hospital["nurse"]
    with pytest.raises(ValidationFailed, match=message):
        archive_fields.update(db_session, hospital["secretary"], member_id=nurse.id, raw=raw)
    assert archive_fields.history(db_session, nurse) == []
    assert nurse.full_on is None and nurse.ethnicity is None


def test_only_the_branch_of_record_or_the_office_edits(db_session, hospital):
    with pytest.raises(Forbidden):
        archive_fields.update(
            db_session, hospital["other_secretary"], member_id=hospital["nurse"].id, raw={"gender": "女"}
        )
    with pytest.raises(Forbidden):
        archive_fields.update(
            db_session, hospital["leader"], member_id=hospital["nurse"].id, raw={"gender": "女"}
        )
    assert archive_fields.update(
        db_session, hospital["office"], member_id=hospital["nurse"].id, raw={"gender": "女"}
    )


def test_a_sanction_is_seen_by_the_branch_of_record_and_the_member_not_by_a_group_leader(
    db_session, hospital
):
    nurse = hospital["nurse"]
    entries.add_entry(
        db_session,
        hospital["secretary"],
        member_id=nurse.id,
        kind="reward",
        title="优秀共产党员",
        starts_on=date(2021, 7, 1),
        issuer="医院党委",
    )
    entries.add_entry(
        db_session,
        hospital["secretary"],
        member_id=nurse.id,
        kind="sanction",
        title="警告",
        starts_on=date(2019, 5, 1),
    )
    assert {e.title for e in entries.entries_for(db_session, hospital["secretary"], nurse)} == {
        "优秀共产党员",
        "警告",
    }
    assert {e.title for e in entries.entries_for(db_session, hospital["leader"], nurse)} == {"优秀共产党员"}
    assert len(entries.entries_for(db_session, None, nurse, own=True)) == 2
    # Posts held here come from the committees' own records.
    from handlers import orgs

    orgs.appoint(
        db_session,
        hospital["office"],
        org_id=hospital["cardio"].id,
        member_id=nurse.id,
        post="organization",
        elected_on=date(2024, 1, 5),
    )
    assert entries.posts_held(db_session, nurse) == [("组织委员", "心内科党支部", date(2024, 1, 5), None)]
    with pytest.raises(ValidationFailed, match="结束日期"):
        entries.add_entry(
            db_session,
            hospital["secretary"],
            member_id=nurse.id,
            kind="training",
            title="党务培训",
            starts_on=date(2022, 5, 2),
            ends_on=date(2022, 5, 1),
        )


# -- member of record and participating branch ----------------------------------------------------------


def _plan(db_session, actor, org, on: date):
    start = utcnow() + timedelta(days=2)
    return meetings.plan_meeting(
        db_session,
        actor,
        org_id=org.id,
        kinds=["theme_day"],
        topic="主题党日",
        agenda="学习",
        venue_mode="online",
        online_room="腾讯会议 123-456-789",
        sessions=[SessionPlan("全体", start, start + timedelta(hours=1), None)],
    )


def test_a_resident_of_record_elsewhere_gets_the_meeting_counts_in_attendance_not_in_members_of_record(
    db_session, hospital, make_member, published_lesson
):
    cardio = hospital["cardio"]
    for _ in range(2):
        make_member(branch=cardio)
    row = participations.register_visitor(
        db_session,
        hospital["secretary"],
        wecom_userid="resident01",
        name="规培甲",
        org_id=cardio.id,
        record_org_name="某医科大学附属医院内科党支部",
        kind="residency",
        status="full",
        starts_on=local_today() - timedelta(days=30),
        ends_on=local_today() + timedelta(days=700),
    )
    resident = row.member
    assert resident.branch_id is None and resident.record_org_name.startswith("某医科大学")
    meeting = _plan(db_session, hospital["secretary"], cardio, local_today())
    invited = {
        i.member_id: i
        for i in db_session.scalars(select(Invitation).where(Invitation.meeting_id == meeting.id))
    }
    assert invited[resident.id].via == InvitationVia.participating
    # Their notice goes out as any member's does (the card is built from the invitation).
    assert db_session.scalar(
        select(Reminder.id).where(
            Reminder.person_id == resident.person_id, Reminder.category == "meeting_notice"
        )
    )
    # Checked in, they are in the meeting's attendance (present of those who should attend).
    meeting_session = meeting.sessions[0]
    outcome = meetings.check_in(
        db_session,
        person=resident.person,
        meeting_session_id=meeting_session.id,
        method=CheckInMethod.card,
        now=meeting_session.starts_at + timedelta(minutes=1),
    )
    assert outcome.ok, outcome
    assert meetings.headcount(db_session, meeting) == (1, 4)
    roster = {
        line.invitation.member_id: line
        for line in meetings.roster(db_session, hospital["secretary"], meeting.id)
    }
    assert roster[resident.id].attendance is not None
    # The branch's lessons reach them too, counted in the branch's completion figures.
    lesson = published_lesson()
    now = utcnow()
    campaign = campaigns.launch(
        db_session,
        hospital["secretary"],
        title="十二月学习",
        lesson_ids=[lesson.id],
        org_ids=[cardio.id],
        send_at=now,
        deadline=now + timedelta(days=7),
        now=now,
    )
    recipients = dict(
        db_session.execute(
            select(CampaignRecipient.member_id, CampaignRecipient.branch_id).where(
                CampaignRecipient.campaign_id == campaign.id
            )
        ).all()
    )
    assert recipients[resident.id] == cardio.id and len(recipients) == 4
    # Members of record: the branch counts three, not four; the list shows the resident too.
    counted = members.list_members(db_session, hospital["secretary"], org_id=cardio.id).total
    assert counted == 3
    assert members.list_members(db_session, hospital["secretary"], of_record=True).total == 3
    listed = members.list_members(db_session, hospital["secretary"]).items
    assert resident.id in {m.id for m in listed}
    # The host branch keeps their local record; the branch that does not host them sees nothing.
    assert archive_fields.update(
        db_session, hospital["secretary"], member_id=resident.id, raw={"gender": "男"}
    )
    with pytest.raises(Forbidden):
        archive_fields.update(
            db_session, hospital["other_secretary"], member_id=resident.id, raw={"gender": "女"}
        )


def test_a_member_posted_away_is_excused_from_local_meetings_for_the_period_only(
    db_session, hospital, make_member
):
    cardio = hospital["cardio"]
    away = make_member(branch=cardio)
    with pytest.raises(ValidationFailed, match="活动证"):
        participations.post_away(
            db_session,
            hospital["secretary"],
            member_id=away.id,
            kind="mobile",
            place="深圳市某社区卫生服务中心",
            starts_on=local_today(),
            ends_on=None,
        )
    row = participations.post_away(
        db_session,
        hospital["secretary"],
        member_id=away.id,
        kind="mobile",
        place="深圳市某社区卫生服务中心",
        starts_on=local_today() - timedelta(days=10),
        ends_on=local_today() + timedelta(days=100),
        certificate_number="流动证001",
    )
    assert away.is_mobile
    with pytest.raises(Conflict):
        participations.post_away(
            db_session,
            hospital["secretary"],
            member_id=away.id,
            kind="posting",
            place="援疆",
            starts_on=local_today(),
            ends_on=None,
        )
    meeting = _plan(db_session, hospital["secretary"], cardio, local_today())
    invited = set(db_session.scalars(select(Invitation.member_id).where(Invitation.meeting_id == meeting.id)))
    assert away.id not in invited and hospital["nurse"].id in invited
    # Still a member of record; back home, invited again and no longer marked 流动党员.
    assert members.list_members(db_session, hospital["secretary"], org_id=cardio.id).total == 2
    participations.end(
        db_session, hospital["secretary"], participation_id=row.id, ends_on=local_today() - timedelta(days=1)
    )
    assert not away.is_mobile
    meeting = _plan(db_session, hospital["secretary"], cardio, local_today())
    assert away.id in set(
        db_session.scalars(select(Invitation.member_id).where(Invitation.meeting_id == meeting.id))
    )


def test_mobile_marks_follow_the_certificate_period_and_leave_a_mark_from_a_file_alone(
    db_session, hospital, make_member
):
    cardio = hospital["cardio"]
    ended = make_member(branch=cardio)
    participations.post_away(
        db_session,
        hospital["secretary"],
        member_id=ended.id,
        kind="mobile",
        place="外地",
        starts_on=local_today() - timedelta(days=60),
        ends_on=local_today() - timedelta(days=1),
        certificate_number="流动证002",
    )
    ended.is_mobile = True
    from_file = make_member(branch=cardio)
    from_file.is_mobile = True  # marked in the national system's file, no 活动证 recorded here
    changed = participations.sync_mobile_flags(db_session, Actor.system(), local_today())
    assert changed == 1 and not ended.is_mobile and from_file.is_mobile


# -- transfers in and out ----------------------------------------------------------------------------------


def _inbound(db_session, actor, branch, **overrides):
    fields = {
        "wecom_userid": "newcomer01",
        "name": "邵文博",
        "to_branch_id": branch.id,
        "issuing_org": "中共某市第一人民医院委员会",
        "letter_number": "0021873",
        "letter_issued_on": local_today() - timedelta(days=10),
        "dues_paid_to": "2026-11",
        "status": "full",
        "joined_on": date(2014, 7, 1),
        "full_on": date(2015, 7, 1),
    }
    fields.update(overrides)
    return transfers.register_inbound(db_session, actor, **fields)


def test_an_incoming_member_is_registered_from_the_letter_and_the_receipt_is_owed(db_session, hospital):
    transfer = _inbound(db_session, hospital["office"], hospital["cardio"])
    member = transfer.member
    assert member.branch_id == hospital["cardio"].id and member.status == MemberStatus.full
    assert transfer.kind == TransferKind.inbound and transfer.receipt_on is None
    assert transfer.valid_until == transfer.letter_issued_on + timedelta(days=90)  # the rule's default
    assert transfer in transfers.awaiting_receipt(db_session)
    with pytest.raises(Conflict, match="已登记过"):
        _inbound(db_session, hospital["office"], hospital["cardio"], wecom_userid="other01", name="另一人")
    with pytest.raises(Forbidden):
        _inbound(db_session, hospital["secretary"], hospital["cardio"], letter_number="9")
    transfers.record_receipt(db_session, hospital["office"], transfer_id=transfer.id)
    assert transfer.receipt_on == local_today() and transfer not in transfers.awaiting_receipt(db_session)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"letter_issued_on": date(2026, 1, 1), "reported_on": date(2026, 6, 1)}, "超过有效期"),
        ({"dues_paid_to": "2026-13"}, "党费交至年月"),
        ({"dues_paid_to": ""}, "党费交至年月"),
        ({"letter_number": " "}, "介绍信编号"),
        ({"letter_issued_on": local_today() + timedelta(days=1)}, "不能晚于报到日期"),
    ],
)
def test_a_bad_letter_is_refused_and_no_member_is_written(db_session, hospital, overrides, message):
    before = db_session.scalar(select(text("count(*)")).select_from(Member))
    with pytest.raises(ValidationFailed, match=message):
        _inbound(db_session, hospital["office"], hospital["cardio"], **overrides)
    assert db_session.scalar(select(text("count(*)")).select_from(Member)) == before


def test_a_letter_past_its_validity_without_a_receipt_warns_the_office_once(
    db_session, hospital, make_person, make_actor
):
    office_person = make_person(name="组织部乙")
    make_actor(Role.committee_office, None, person=office_person)
    transfer = _inbound(
        db_session,
        hospital["office"],
        hospital["cardio"],
        letter_issued_on=local_today() - timedelta(days=20),
        valid_until=local_today() - timedelta(days=1),
        reported_on=local_today() - timedelta(days=15),
    )
    out = transfers.transfer_out(
        db_session,
        hospital["office"],
        member_id=hospital["nurse"].id,
        destination="某区卫健委党委",
        reason="调离",
        effective_on=local_today() - timedelta(days=100),
        letter_number="L-7",
    )
    today = local_today()
    first = transfers.warn_overdue_letters(db_session, today)
    offices = 2  # the fixture's office and 组织部乙
    assert first == 2 * offices
    assert transfers.warn_overdue_letters(db_session, today) == 0
    assert transfers.warn_overdue_letters(db_session, today + timedelta(days=1)) == 0
    rows = db_session.scalars(select(Reminder).where(Reminder.category == "transfer_overdue")).all()
    assert {r.obligation for r in rows} == {f"transfer_overdue:{transfer.id}", f"transfer_overdue:{out.id}"}
    assert any("回执未收到" in r.title for r in rows) and any("回执未寄回" in r.title for r in rows)
    # The 回执 comes: its planned warnings are cancelled as met.
    transfers.record_receipt(db_session, hospital["office"], transfer_id=out.id)
    assert reminders.is_met(db_session, f"transfer_overdue:{out.id}")
    assert not reminders.is_met(db_session, f"transfer_overdue:{transfer.id}")


def test_the_outbound_letter_prints_with_the_fields_it_needs(db_session, hospital):
    nurse = hospital["nurse"]
    archive_fields.update(
        db_session, hospital["secretary"], member_id=nurse.id, raw={"gender": "女", "ethnicity": "汉族"}
    )
    out = transfers.transfer_out(
        db_session,
        hospital["secretary"],
        member_id=nurse.id,
        destination="中共某区卫健委委员会",
        reason="调离",
        effective_on=date(2026, 11, 20),
        letter_number="0045",
        dues_paid_to="2026-11",
    )
    content = transfers.letter_document(db_session, hospital["office"], out.id)
    body = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    for needed in (
        "第 0045 号",
        "李护士同志（女，38岁，汉族）",
        "中共正式党员",
        "党费已交到 2026 年 11 月",
        "有效期 90 天",
        "回执",
        "心内科党支部",
        "中共某区卫健委委员会",
        nurse.person.id_number,
    ):
        assert needed in body, needed
    with pytest.raises(Exception):  # noqa: B017 - another branch's secretary cannot print it (not found)
        transfers.letter_document(db_session, hospital["other_secretary"], out.id)


# -- the exchange by column map --------------------------------------------------------------------------


def _full_archive(db_session, actor, member, **raw):
    values = {
        "gender": "女",
        "ethnicity": "满族",
        "native_place": "辽宁省沈阳市和平区",
        "education": "研究生",
        "degree": "硕士",
        "job_post": "护理",
        "technical_title": "副主任护师",
        "applied_on": "2010-09-01",
        "full_on": "2013-07-01",
        "party_post": "组织委员",
        "lost_contact": "否",
        "is_mobile": "否",
    }
    values.update(raw)
    archive_fields.update(db_session, actor, member_id=member.id, raw=values)


def test_a_member_exported_in_the_national_map_comes_back_identical_into_an_empty_database(
    db_session, hospital, make_member, make_person, tmp_path
):
    national = exchange.column_map("national")
    assert all(c.header for c in national.members) and any(not c.confirmed for c in national.members)
    nurse = hospital["nurse"]
    _full_archive(db_session, hospital["office"], nurse)
    second = make_member(
        branch=hospital["ortho"],
        status=MemberStatus.probationary,
        joined_on=date(2026, 5, 1),
        person=make_person(name="王医生", birth_date=date(1995, 2, 1), mobile="13900001111"),
    )
    _full_archive(
        db_session,
        hospital["office"],
        second,
        gender="男",
        ethnicity="汉族",
        full_on="",
        applied_on="2024-03-01",
        lost_contact="是",
        lost_contact_on="2026-06-01",
        party_post="",
    )
    content = exchange.export_members(db_session, hospital["office"], national, reason="报送全国系统")
    from models import AuditEvent

    exported = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "archive.export"))
    assert "报送全国系统" in exported.detail
    with pytest.raises(ValidationFailed, match="须填写事由"):
        exchange.export_members(db_session, hospital["office"], national, reason=" ")

    engine = create_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    Base.metadata.create_all(engine)
    with Session(engine) as empty:
        committee = PartyOrg(kind=OrgKind.committee, code="DW", name="医院党委")
        committee.set_parent(None)
        empty.add(committee)
        empty.flush()
        for source in (hospital["cardio"], hospital["ortho"]):
            branch = PartyOrg(kind=OrgKind.branch, code=source.code, name=source.name)
            branch.set_parent(committee)
            empty.add(branch)
        empty.flush()
        operator = Actor.cli()
        preview = exchange.import_members(empty, operator, "national.xlsx", content, national, dry_run=True)
        assert preview.ok and preview.count("新增") == 2 and not preview.applied
        assert empty.scalar(select(text("count(*)")).select_from(Member)) == 0  # a dry run writes nothing
        report = exchange.import_members(empty, operator, "national.xlsx", content, national, dry_run=False)
        assert report.ok and report.applied
        empty.flush()
        for original in (nurse, second):
            copy = empty.scalar(
                select(Member)
                .join(Member.person)
                .where(text("person.wecom_userid = :u"))
                .params(u=original.person.wecom_userid)
            )
            for column in national.members:
                assert exchange.member_cell(copy, column.field) == exchange.member_cell(
                    original, column.field
                ), column.header
        # The same file again: every row unchanged.
        again = exchange.import_members(empty, operator, "national.xlsx", content, national, dry_run=True)
        assert again.ok and again.count("无变化") == 2
    engine.dispose()


def _sheet(rows, target):
    from handlers import exports

    return exports.workbook("党员信息", target.headers, rows)


def test_bad_rows_are_refused_by_line_and_reason_and_nothing_is_written(db_session, hospital, make_member):
    national = exchange.column_map("national")
    good = {c.header: "" for c in national.members}
    good.update(
        {
            "姓名": "新党员",
            "性别": "女",
            "人员类别": "正式党员",
            "所在党支部": "心内科党支部",
            "入党日期": "2015-07-01",
            "转正日期": "2016-07-01",
            "企业微信账号": "newbie01",
            "公民身份号码": valid_id_number(901),
            "是否失联党员": "否",
            "是否流动党员": "否",
        }
    )

    def row(**changes):
        values = good | changes
        return [values[h] for h in national.headers]

    nurse_id = hospital["nurse"].person.id_number
    content = _sheet(
        [
            row(),
            row(民族="火星族", 企业微信账号="b1", 公民身份号码=valid_id_number(902)),
            row(学历="博士后", 企业微信账号="b2", 公民身份号码=valid_id_number(903)),
            row(转正日期="2014-01-01", 企业微信账号="b3", 公民身份号码=valid_id_number(904)),
            row(公民身份号码=nurse_id, 企业微信账号="b4"),
            row(所在党支部="不存在的支部", 企业微信账号="b5", 公民身份号码=valid_id_number(905)),
            row(企业微信账号="newbie01", 公民身份号码=valid_id_number(906)),
        ],
        national,
    )
    before = db_session.scalar(select(text("count(*)")).select_from(Member))
    report = exchange.import_members(
        db_session, hospital["office"], "bad.xlsx", content, national, dry_run=False
    )
    problems = dict(report.problems)
    assert not report.ok and not report.applied and 2 not in problems
    assert "火星族" in problems[3] and "博士后" in problems[4] and "转正日期不能早于入党日期" in problems[5]
    assert "另一名职工" in problems[6] and "不存在" in problems[7] and "与第 2 行重复" in problems[8]
    assert db_session.scalar(select(text("count(*)")).select_from(Member)) == before
    with pytest.raises(Forbidden):
        exchange.import_members(
            db_session, hospital["secretary"], "bad.xlsx", content, national, dry_run=True
        )


def test_a_hospital_map_in_the_instance_folder_replaces_the_shipped_one(tmp_path):
    (tmp_path / "national.json").write_text(
        '{"name": "national", "label": "本省格式", "members": [{"header": "党员姓名", "field": "name"}]}',
        encoding="utf-8",
    )
    (tmp_path / "broken.json").write_text(
        '{"members": [{"header": "x", "field": "salary"}]}', encoding="utf-8"
    )
    with pytest.raises(ValueError, match="salary"):
        exchange.column_maps(tmp_path)
    (tmp_path / "broken.json").unlink()
    maps = exchange.column_maps(tmp_path)
    assert maps["national"].label == "本省格式" and maps["national"].headers == ("党员姓名",)


# -- 更正申请 and 政治生日 --------------------------------------------------------------------------


def test_a_correction_request_reaches_the_branch_and_approval_writes_it(db_session, hospital, make_actor):
    nurse = hospital["nurse"]
    secretary_person = db_session.get(type(nurse.person), hospital["secretary"].person_id)
    request = approvals.submit(
        db_session,
        nurse.person,
        "archive_correction",
        raw_form={"field": "学历", "value": "大学本科", "note": "已取得本科学历"},
    )
    assert request.org_id == hospital["cardio"].id
    (slot,) = request.slots
    approvals.decide(db_session, hospital["secretary"], slot_id=slot.id, approve=True)
    assert nurse.education == "大学本科"
    (change,) = db_session.scalars(select(ArchiveChange).where(ArchiveChange.member_id == nurse.id)).all()
    assert change.source == "correction" and change.changed_by == secretary_person.name
    with pytest.raises(ValidationFailed, match="敏感信息"):
        approvals.submit(
            db_session, nurse.person, "archive_correction", raw_form={"field": "民族", "value": "回族"}
        )
    with pytest.raises(ValidationFailed, match="转正日期不能早于入党日期"):
        approvals.submit(
            db_session,
            nurse.person,
            "archive_correction",
            raw_form={"field": "转正日期", "value": "2001-01-01"},
        )
    assert db_session.scalar(select(text("count(*)")).select_from(ApprovalRequest)) == 1


def test_a_political_birthday_card_goes_once_to_the_member_and_the_branch_can_turn_it_off(
    db_session, hospital, make_member
):
    today = local_today()
    joined = today.replace(year=today.year - 10)
    member = make_member(branch=hospital["cardio"], joined_on=joined)
    make_member(branch=hospital["cardio"], joined_on=today - timedelta(days=1))
    assert birthdays.queue_cards(db_session, today) == 1
    (card,) = db_session.scalars(select(Reminder).where(Reminder.category == "political_birthday")).all()
    assert card.person_id == member.person_id and "10年前的今天" in card.reason
    assert birthdays.queue_cards(db_session, today) == 0
    with pytest.raises(Forbidden):
        birthdays.set_cards(db_session, hospital["other_secretary"], org_id=hospital["cardio"].id, on=False)
    birthdays.set_cards(db_session, hospital["secretary"], org_id=hospital["cardio"].id, on=False)
    db_session.delete(card)
    db_session.flush()
    assert birthdays.queue_cards(db_session, today) == 0
