"""数据中心's activity figures checked against counts made here: 组织生活 completion per kind and
per month, approvals' turnaround (a median over five or more, else not shown), reminders by what
became of them (masked under five people), and five years of monthly attendance."""

from __future__ import annotations

from datetime import datetime, timedelta

from handlers import stats
from handlers.figures import MASKED
from models import (
    ApprovalRequest,
    ApprovalStatus,
    Reminder,
    ReminderPriority,
    ReminderStatus,
)
from models.base import CHINA, local_today
from tests.helpers.figures import rows_of, signed_off_meeting

TODAY = local_today()
LAST_YEAR = TODAY.year - 1


def test_org_life_completion_per_kind_and_month(db_session, stats_hospital):
    big = stats_hospital["big"]
    signed_off_meeting(
        db_session, big, datetime(LAST_YEAR, 3, 10, 9, 0, tzinfo=CHINA), stats_hospital["members"], present=8
    )
    figure = stats.figure(db_session, stats_hospital["office"], "org_life", org_id=big.id, year=LAST_YEAR)
    kinds = rows_of(figure, "各类组织生活完成率")
    # The one signed-off 支部党员大会 in March meets one of last year's four quarters.
    assert kinds["支部党员大会"] == 1 * 100 // 4 and kinds["支委会"] == 0
    months = rows_of(figure, "各月完成率")
    assert months["3月"] > 0 and months["1月"] == 0


def test_approval_turnaround_is_a_median_over_five(db_session, stats_hospital):
    big, person = stats_hospital["big"], stats_hospital["members"][0].person
    start = datetime(LAST_YEAR, 5, 1, 9, 0, tzinfo=CHINA)
    for n, (kind, hours) in enumerate(
        [("meeting_leave", h) for h in (1, 2, 3, 10, 20)] + [("general", 5), ("general", 7)]
    ):
        db_session.add(
            ApprovalRequest(
                kind=kind,
                title=f"申请{n}",
                org_id=big.id,
                applicant_id=person.id,
                form={},
                status=ApprovalStatus.approved,
                submitted_at=start,
                closed_at=start + timedelta(hours=hours),
            )  # fmt: skip
        )
    db_session.flush()
    figure = stats.figure(db_session, stats_hospital["office"], "approvals", org_id=big.id, year=LAST_YEAR)
    counts, medians = rows_of(figure, "各类审批件数"), rows_of(figure, "各类审批用时中位数")
    leave, general = "请假", "其他事项"
    assert counts[leave] == 5 and counts[general] == 2
    assert medians[leave] == 3.0 and medians[general] == MASKED


def test_reminders_by_outcome_masked_under_five_people(db_session, stats_hospital):
    due = datetime(LAST_YEAR, 6, 1, 9, 0, tzinfo=CHINA)
    outcomes = [ReminderStatus.sent] * 4 + [ReminderStatus.cancelled] * 3 + [ReminderStatus.failed]
    for member, status in zip(stats_hospital["members"], outcomes, strict=True):
        db_session.add(
            Reminder(
                person_id=member.person_id,
                category="meeting",
                obligation=f"o:{member.id}",
                title="会议",
                reason="测试",
                path="/m/",
                due_at=due,
                earliest_at=due,
                latest_at=due,
                deliver_at=due,
                priority=ReminderPriority.normal,
                status=status,
            )  # fmt: skip
        )
    db_session.flush()
    figure = stats.figure(
        db_session, stats_hospital["office"], "reminders", org_id=stats_hospital["big"].id, year=LAST_YEAR
    )
    assert rows_of(figure, "提醒条数") == {"已发送": 4, "已办理而取消": 3, "发送失败": 1, "待发送": 0}
    small = stats_hospital["smalls"][0]
    db_session.add(
        Reminder(
            person_id=small.person_id,
            category="meeting",
            obligation="o:small",
            title="会议",
            reason="测试",
            path="/m/",
            due_at=due,
            earliest_at=due,
            latest_at=due,
            deliver_at=due,
            priority=ReminderPriority.normal,
            status=ReminderStatus.sent,
        )  # fmt: skip
    )
    db_session.flush()
    masked = stats.figure(
        db_session, stats_hospital["office"], "reminders", org_id=stats_hospital["small"].id, year=LAST_YEAR
    )
    assert set(rows_of(masked, "提醒条数").values()) == {MASKED}


def test_five_years_of_monthly_attendance(db_session, stats_hospital):
    big, members = stats_hospital["big"], stats_hospital["members"]
    signed_off_meeting(
        db_session, big, datetime(TODAY.year - 4, 2, 10, 9, 0, tzinfo=CHINA), members, present=2
    )
    figure = stats.figure(db_session, stats_hospital["office"], "trends", org_id=big.id)
    rows = dict(figure.series[0].rows)
    assert rows[f"{TODAY.year - 4}年2月"] == 2 * 100 // 8 and rows[f"{TODAY.year - 4}年1月"] == "—"
    assert len(rows) == 4 * 12 + TODAY.month


def test_dues_collected_counts_reliefs_changes_and_late_joiners_as_the_book_does(db_session, stats_hospital):
    """The figure's quick path (one amount from one month on) and its slow one (a relief, a
    change of pay, a member admitted mid-year) give what the dues book's own table gives."""
    from datetime import date
    from decimal import Decimal

    from handlers.dues.collection import OwedTable
    from handlers.stats.progress import dues_months
    from handlers.stats.scope import Scope
    from models import DuesAssessment, DuesPayment, DuesReliefMonth

    members = stats_hospital["members"]
    confirmed = datetime(LAST_YEAR, 1, 2, tzinfo=CHINA)

    def assess(member, month, amount):
        row = DuesAssessment(member_id=member.id, year=LAST_YEAR, from_month=date(LAST_YEAR, month, 1))
        row.category, row.bracket, row.computed, row.amount = (
            "in_service",
            "1%",
            Decimal(amount),
            Decimal(amount),
        )
        row.confirmed_at, row.created_by = confirmed, "测试"
        db_session.add(row)

    for member in members:
        member.joined_on = date(2000, 1, 1)
        assess(member, 1, "50")
    assess(members[1], 7, "80")  # a change of pay from July
    members[2].joined_on = date(LAST_YEAR, 5, 20)  # admitted in May: owes from May
    relief = ApprovalRequest(kind="dues_relief", title="免交", org_id=stats_hospital["big"].id, form={},
                             applicant_id=members[3].person_id, status=ApprovalStatus.approved)  # fmt: skip
    db_session.add(relief)
    db_session.flush()
    db_session.add(DuesReliefMonth(member_id=members[3].id, month=date(LAST_YEAR, 3, 1), owed=Decimal("0"),
                                   approval_id=relief.id))  # fmt: skip
    for n, member in enumerate(members):
        for month in range(1, 13):
            if (n + month) % 3:
                on = date(LAST_YEAR, month, 1)
                paid = DuesPayment(
                    member_id=member.id, month=on, amount=Decimal("50"), paid_on=on, recorded_by="测试"
                )
                db_session.add(paid)
    db_session.flush()
    table = OwedTable(db_session, {m.id: m.joined_on for m in members}, LAST_YEAR)
    expected = []
    for month in range(1, 13):
        owing = [n for n, m in enumerate(members) if table.of(m.id, date(LAST_YEAR, month, 1))]
        expected.append((month, len(owing), sum(1 for n in owing if (n + month) % 3)))
    assert dues_months(db_session, Scope(stats_hospital["big"], None), LAST_YEAR) == expected


def test_campaign_completion_of_the_scope(db_session, stats_hospital, published_lesson):
    from models import Campaign, CampaignRecipient, StudyRecord

    lesson = published_lesson()
    deadline = datetime(LAST_YEAR, 6, 30, tzinfo=CHINA)
    campaign = Campaign(title="学习党章", org_ids=[], roles=[], person_ids=[], lesson_ids=[str(lesson.id)])
    campaign.send_at, campaign.deadline = deadline - timedelta(days=30), deadline
    campaign.created_by, campaign.recipients = "测试", 8
    db_session.add(campaign)
    db_session.flush()
    for n, member in enumerate(stats_hospital["members"]):
        db_session.add(
            CampaignRecipient(
                campaign_id=campaign.id, member_id=member.id, branch_id=stats_hospital["big"].id
            )
        )
        if n < 6:
            db_session.add(StudyRecord(member_id=member.id, lesson_id=lesson.id, year=LAST_YEAR,
                                       completed_at=deadline - timedelta(days=3)))  # fmt: skip
    db_session.flush()
    figure = stats.figure(
        db_session, stats_hospital["office"], "study", org_id=stats_hospital["big"].id, year=LAST_YEAR
    )
    assert rows_of(figure, "学习推送完成率") == {"学习党章": 6 * 100 // 8}


def test_a_signed_off_meeting_is_counted_from_what_it_kept(db_session, stats_hospital):
    """Attendance is final at sign-off, so the figure reads the meeting's kept counts, not its
    roster (here there is none: the counts alone give 70%)."""
    from models import Meeting, MeetingSession, MeetingStatus, VenueMode

    starts = datetime(LAST_YEAR, 9, 10, 9, 0, tzinfo=CHINA)
    meeting = Meeting(
        org_id=stats_hospital["big"].id, topic="大会", venue_mode=VenueMode.online, planned_by="测试"
    )
    meeting.status, meeting.invited_count, meeting.present_count = MeetingStatus.signed_off, 10, 7
    db_session.add(meeting)
    db_session.flush()
    db_session.add(MeetingSession(meeting_id=meeting.id, label="全体", starts_at=starts, ends_at=starts))
    db_session.flush()
    figure = stats.figure(db_session, stats_hospital["office"], "attendance", org_id=stats_hospital["big"].id,
                          year=LAST_YEAR)  # fmt: skip
    assert dict(figure.series[0].rows)["9月"] == 70
