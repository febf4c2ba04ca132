"""Figures of what the members did: attendance at the meetings of each month (never per person)
against the same months last year, and the year's study hours against the target (32, or 56 for
secretaries and committee members)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handlers import rules
from handlers.figures import MASKED
from handlers.stats.model import Figure, Series, people_series, rate
from handlers.stats.scope import Scope
from models import (
    Attendance,
    CommitteeSeat,
    Invitation,
    Meeting,
    MeetingKind,
    MeetingSession,
    MeetingStatus,
    Member,
    Role,
    RoleGrant,
    StudyRecord,
    TrainingAttendance,
    TrainingDay,
)
from models.base import CHINA, local_today
from models.meeting import meeting_obligation

MONTHS = [f"{m}月" for m in range(1, 13)]


def attendance_by_month(session: Session, scope: Scope, year: int) -> dict[int, tuple[int, int, int]]:
    """{month: (invited, present, the most people one meeting invited)} for the scope's meetings
    whose first session began that month (cancelled ones aside). The database counts per meeting;
    a month whose every meeting invited fewer than five is masked by its caller."""
    return {month: counts for (_, month), counts in attendance_by_months(session, scope, year, year).items()}


def attendance_by_months(
    session: Session, scope: Scope, first_year: int, last_year: int
) -> dict[tuple[int, int], tuple[int, int, int]]:
    """`attendance_by_month` for several years in one reading: {(year, month): counts}."""
    start, end = datetime(first_year, 1, 1, tzinfo=CHINA), datetime(last_year + 1, 1, 1, tzinfo=CHINA)
    scoped = select(Meeting.id).where(
        Meeting.org_id.in_(select_orgs(scope)), Meeting.status != MeetingStatus.cancelled
    )
    first = func.min(MeetingSession.starts_at)
    # One row per meeting, its invitations and those present counted by the database.
    invited = select(func.count()).where(Invitation.meeting_id == MeetingSession.meeting_id).scalar_subquery()
    present = (
        select(func.count())
        .select_from(Attendance)
        .join(
            Invitation,
            (Invitation.meeting_id == Attendance.meeting_id) & (Invitation.member_id == Attendance.member_id),
        )
        .where(Attendance.meeting_id == MeetingSession.meeting_id, Attendance.present.is_(True))
        .scalar_subquery()
    )
    # A signed-off meeting kept its counts (attendance is final then): its roster is not read.
    rows = session.execute(
        select(
            first,
            func.coalesce(Meeting.invited_count, invited),
            func.coalesce(Meeting.present_count, present),
        )
        .join(Meeting, Meeting.id == MeetingSession.meeting_id)
        .where(MeetingSession.meeting_id.in_(scoped))
        .group_by(MeetingSession.meeting_id, Meeting.invited_count, Meeting.present_count)
        .having(first >= start, first < end)
    ).all()
    months: dict[tuple[int, int], list[int]] = {}
    for starts_at, asked, came in rows:
        if not asked:
            continue
        local = (starts_at if starts_at.tzinfo else starts_at.replace(tzinfo=UTC)).astimezone(CHINA)
        month = months.setdefault((local.year, local.month), [0, 0, 0])
        month[0] += asked
        month[1] += came
        month[2] = max(month[2], asked)
    return {m: (a, b, c) for m, (a, b, c) in months.items()}


def select_orgs(scope: Scope):
    from models import PartyOrg

    return select(PartyOrg.id).where(scope.orgs())


def attendance(session: Session, scope: Scope, year: int) -> Figure:
    this, last = attendance_by_month(session, scope, year), attendance_by_month(session, scope, year - 1)
    months = range(1, 13 if year < local_today().year else local_today().month + 1)

    def value(table: dict, m: int) -> int | str:
        invited, came, people = table.get(m, (0, 0, 0))
        return rate(came, invited, people) if invited else "—"

    return Figure(
        "attendance",
        "参会率",
        "本范围内各党组织当月召开（第一场开始于当月、未取消）的会议，实到人次除以应到人次；按月统计，不统计到个人。"
        "当月应到少于5人的不显示。",
        scope.label,
        f"{year}年",
        [
            Series(
                "各月参会率",
                "%",
                [(MONTHS[m - 1], value(this, m)) for m in months],
                compare=[value(last, m) for m in months],
                compare_label=f"{year - 1}年同期",
            )
        ],
        people=max((p for _, _, p in this.values()), default=0),
    )


def _leaders(session: Session, member_ids: list) -> set:
    """Members whose target is 56 hours: on a committee, or holding a secretary's or organizer's role."""
    seated = set(
        session.scalars(
            select(CommitteeSeat.member_id).where(
                CommitteeSeat.member_id.in_(member_ids), CommitteeSeat.ended_on.is_(None)
            )
        )
    )
    granted = set(
        session.scalars(
            select(Member.id)
            .join(RoleGrant, RoleGrant.person_id == Member.person_id)
            .where(
                Member.id.in_(member_ids),
                RoleGrant.role.in_((Role.secretary, Role.organizer)),
                RoleGrant.revoked_at.is_(None),
            )
        )
    )
    return seated | granted


def study_hours(session: Session, scope: Scope, year: int) -> dict:
    """{member id: (the year's hours, their target)} for the scope's members of record."""
    within = select(Member.id).where(Member.branch_id.in_(scope.branch_ids()), Member.left_at.is_(None))
    members = list(session.scalars(within))
    ids = within  # filter by the subquery: thousands of ids in an IN list cost more than the join
    online = dict(
        session.execute(
            select(StudyRecord.member_id, func.sum(StudyRecord.credited_hours))
            .where(StudyRecord.member_id.in_(ids), StudyRecord.year == year)
            .group_by(StudyRecord.member_id)
        ).all()
    )
    start, end = datetime(year, 1, 1, tzinfo=CHINA), datetime(year + 1, 1, 1, tzinfo=CHINA)
    # The year's 党课 first (a few hundred at most), so only their attendance is read — as a
    # subquery the planner scanned every attendance row of every year.
    lectures_held = list(
        session.scalars(
            select(meeting_obligation.c.meeting_id).where(
                meeting_obligation.c.kind == MeetingKind.party_lecture,
                meeting_obligation.c.meeting_id.in_(
                    select(MeetingSession.meeting_id).where(
                        MeetingSession.starts_at >= start, MeetingSession.starts_at < end
                    )
                ),
            )
        )
    )
    lectures = {}
    if lectures_held:
        lectures = dict(
            session.execute(
                select(Attendance.member_id, func.count(func.distinct(Attendance.meeting_id)))
                .join(MeetingSession, MeetingSession.id == Attendance.session_id)
                .where(
                    Attendance.meeting_id.in_(lectures_held),
                    Attendance.member_id.in_(ids),
                    Attendance.present.is_(True),
                    MeetingSession.starts_at >= start,
                    MeetingSession.starts_at < end,
                )
                .group_by(Attendance.member_id)
            ).all()
        )
    training = dict(
        session.execute(
            select(TrainingAttendance.member_id, func.sum(TrainingDay.hours))
            .join(TrainingDay, TrainingDay.id == TrainingAttendance.training_id)
            .where(
                TrainingAttendance.member_id.in_(ids),
                TrainingDay.held_on >= start.date(),
                TrainingDay.held_on < end.date(),
            )
            .group_by(TrainingAttendance.member_id)
        ).all()
    )
    per_lecture = Decimal(rules.value(session, "study.lecture_hours"))
    member_target = Decimal(rules.value(session, "study.member_hours"))
    leader_target = Decimal(rules.value(session, "study.leader_hours"))
    leaders = _leaders(session, ids)
    return {
        m: (
            Decimal(online.get(m) or 0) + lectures.get(m, 0) * per_lecture + Decimal(training.get(m) or 0),
            leader_target if m in leaders else member_target,
        )
        for m in members
    }


def study(session: Session, scope: Scope, year: int) -> Figure:
    member_target = Decimal(rules.value(session, "study.member_hours"))
    leader_target = Decimal(rules.value(session, "study.leader_hours"))
    bands = {"尚未开始": 0, "不足一半": 0, "过半未达标": 0, "已达标": 0}
    hours_of = study_hours(session, scope, year)
    for hours, target in hours_of.values():
        key = "已达标" if hours >= target else "过半未达标" if hours * 2 >= target else "不足一半"
        bands["尚未开始" if hours == 0 else key] += 1
    total = len(hours_of)
    return Figure(
        "study",
        "学习学时",
        f"在册党员{year}年的学时：线上课程记入的学时、出席党课（每次按规则折算）和集中培训之和，对照年度目标"
        f"（党员{member_target:g}学时，书记和支委会成员{leader_target:g}学时）分档；学习推送完成率为当年截止的推送中"
        "本范围收到的党员学完全部课程的比例（收到少于5人的不显示）。不列出个人。",
        scope.label,
        f"{year}年",
        [people_series("学时完成情况", list(bands.items()), total), _campaigns(session, scope, year)],
        people=total,
    )


def _campaigns(session: Session, scope: Scope, year: int) -> Series:
    """The year's campaigns (by deadline, at most the last twelve) and how many of the scope's
    recipients finished every lesson of each."""
    from handlers.learning.campaigns import completion_in
    from models import Campaign, CampaignRecipient, OrgKind, PartyOrg

    start, end = datetime(year, 1, 1, tzinfo=CHINA), datetime(year + 1, 1, 1, tzinfo=CHINA)
    branches = list(session.scalars(select(PartyOrg).where(scope.orgs(), PartyOrg.kind == OrgKind.branch)))
    ids = [b.id for b in branches]
    campaigns = session.scalars(
        select(Campaign)
        .where(
            Campaign.deadline >= start,
            Campaign.deadline < end,
            Campaign.id.in_(
                select(CampaignRecipient.campaign_id).where(CampaignRecipient.branch_id.in_(ids))
            ),
        )
        .order_by(Campaign.deadline.desc())
        .limit(12)
    ).all()
    rows = []
    for campaign in reversed(campaigns):
        lines = completion_in(session, campaign, branches)
        asked, done = sum(b.recipients for b in lines), sum(b.completed for b in lines)
        rows.append((campaign.title[:20], rate(done, asked, asked)))
    return Series("学习推送完成率", "%", rows)


def org_life(session: Session, scope: Scope, year: int) -> Figure:
    from handlers import compliance
    from models import OrgKind, PartyOrg

    orgs = list(
        session.scalars(
            select(PartyOrg)
            .where(
                scope.orgs(),
                PartyOrg.kind.in_((OrgKind.branch, OrgKind.group)),
                PartyOrg.dissolved_at.is_(None),
            )
            .order_by(PartyOrg.path)
        )
    )
    today = local_today()
    calendars = compliance.calendars_of(session, orgs, year, min(today, date(year + 1, 1, 1)))
    return Figure(
        "org_life",
        "组织生活完成率",
        "本范围内党支部和党小组按规则应开展的组织生活（支委会、党员大会、主题党日、党课、组织生活会、民主评议、"
        "党小组会），已到期的各期中会议记录已签署的比例；按类别和按期末所在月份统计。",
        scope.label,
        f"{year}年",
        [
            Series("各类组织生活完成率", "%", [(r.label, r.percent) for r in compliance.by_kind(calendars)]),
            Series(
                "各月完成率", "%", [(r.label, r.percent) for r in compliance.by_month(calendars, year, today)]
            ),
        ],
    )


def approvals(session: Session, scope: Scope, year: int) -> Figure:
    """How long the approvals closed this year took, submitted to decided, kind by kind."""
    from statistics import median

    from handlers.approval_kinds import KINDS
    from models import ApprovalRequest, ApprovalStatus, PartyOrg

    start, end = datetime(year, 1, 1, tzinfo=CHINA), datetime(year + 1, 1, 1, tzinfo=CHINA)
    hours: dict[str, list[float]] = defaultdict(list)
    for kind, submitted, closed in session.execute(
        select(ApprovalRequest.kind, ApprovalRequest.submitted_at, ApprovalRequest.closed_at).where(
            ApprovalRequest.org_id.in_(select(PartyOrg.id).where(scope.orgs())),
            ApprovalRequest.status.in_((ApprovalStatus.approved, ApprovalStatus.rejected)),
            ApprovalRequest.submitted_at.is_not(None),
            ApprovalRequest.closed_at >= start,
            ApprovalRequest.closed_at < end,
        )
    ):
        hours[kind].append((closed - submitted).total_seconds() / 3600)
    label = {name: k.label for name, k in KINDS.items()}
    kinds = sorted(hours, key=lambda k: label.get(k, k))
    return Figure(
        "approvals",
        "审批用时",
        "本范围内党组织当年办结（同意或不同意）的审批，从提交到办结的小时数，按类别取中位数；件数少于5件的类别不显示用时。",
        scope.label,
        f"{year}年",
        [
            Series("各类审批件数", "件", [(label.get(k, k), len(hours[k])) for k in kinds]),
            Series(
                "各类审批用时中位数",
                "小时",
                [
                    (label.get(k, k), round(median(hours[k]), 1) if len(hours[k]) >= 5 else MASKED)
                    for k in kinds
                ],
            ),
        ],
    )


def reminders(session: Session, scope: Scope, year: int) -> Figure:
    """The reminders due this year to members of the scope: sent, cancelled because met, failed."""
    from models import Reminder, ReminderStatus

    start, end = datetime(year, 1, 1, tzinfo=CHINA), datetime(year + 1, 1, 1, tzinfo=CHINA)
    people = select(Member.person_id).where(
        Member.branch_id.in_(scope.branch_ids()), Member.left_at.is_(None)
    )
    rows = session.execute(
        select(Reminder.status, func.count(), func.count(func.distinct(Reminder.person_id)))
        .where(Reminder.person_id.in_(people), Reminder.due_at >= start, Reminder.due_at < end)
        .group_by(Reminder.status)
    ).all()
    counts = {status: n for status, n, _ in rows}
    reached = session.scalar(
        select(func.count(func.distinct(Reminder.person_id))).where(
            Reminder.person_id.in_(people), Reminder.due_at >= start, Reminder.due_at < end
        )
    )
    shown = [
        ("已发送", counts.get(ReminderStatus.sent, 0)),
        ("已办理而取消", counts.get(ReminderStatus.cancelled, 0)),
        ("发送失败", counts.get(ReminderStatus.failed, 0)),
        ("待发送", counts.get(ReminderStatus.planned, 0)),
    ]
    masked = 0 < (reached or 0) < 5
    return Figure(
        "reminders",
        "提醒",
        "当年到期的提醒（会议、学习、党费、谈心谈话等）中已发送的、因事项已办理而取消的、发送失败的和待发送的条数；"
        "涉及少于5人的不显示。",
        scope.label,
        f"{year}年",
        [Series("提醒条数", "条", [(label, MASKED if masked else n) for label, n in shown])],
        people=reached or 0,
    )
