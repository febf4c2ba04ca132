"""The way's deadlines through the reminder engine, each to whoever owes the step, timed around
their roster, cancelled when it is done: the talk within a month of the application (the branch),
the half-yearly 考察 (the 培养联系人), the quarterly 思想汇报 (the person), the 上级党委's approval
(warned at 60 days, due at 90, the 180-day limit: the office), and at the end of the probation
the 转正申请 (the person, a month before) and the 支部大会 (the branch, once it has ended)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from handlers import links, reminders, rules
from handlers.recruitment.pipeline import _add_months, done
from handlers.recruitment.steps import OPEN
from handlers.roles import branch_leaders
from models import Person, ReminderPriority, Role, RoleGrant
from models.base import CHINA, utcnow
from models.recruitment import Recruit, RecruitNote, RecruitRole, RecruitStage


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), CHINA)


def _office(session: Session) -> list[Person]:
    return list(
        session.scalars(
            select(Person)
            .join(RoleGrant, RoleGrant.person_id == Person.id)
            .where(
                RoleGrant.role == Role.committee_office,
                RoleGrant.org_id.is_(None),
                RoleGrant.revoked_at.is_(None),
                Person.is_active.is_(True),
            )
        ).unique()
    )


def _last_note(session: Session, recruit: Recruit, kind: str) -> date | None:
    return session.scalar(
        select(func.max(RecruitNote.written_on)).where(
            RecruitNote.recruit_id == recruit.id, RecruitNote.kind == kind
        )
    )


def _mentors(session: Session, recruit: Recruit) -> list[Person]:
    rows = session.scalars(
        select(RecruitRole).where(RecruitRole.recruit_id == recruit.id, RecruitRole.role == "mentor")
    )
    return [r.member.person for r in rows if r.member.person.is_active]


def due_for(
    session: Session, recruit: Recruit, today: date
) -> list[tuple[str, str, str, date, list[Person], str]]:
    """What the person's way owes now: (obligation, title, reason, due, who, page)."""
    steps, found = done(recruit), []
    branch_page = links.page("admin.recruit_detail", recruit_id=recruit.id)
    own_page = links.page("h5.recruit_page")
    leaders = branch_leaders(session, recruit.org)[1]
    name = recruit.person.name
    if recruit.stage == RecruitStage.applicant and 2 not in steps:
        due = recruit.applied_on + timedelta(
            days=int(rules.value(session, "recruit.talk_within_days", today))
        )
        found.append(
            (
                f"recruit_talk:{recruit.id}",
                f"入党申请人{name}待谈话",
                f"收到入党申请后应在一个月内谈话，最迟 {due:%m月%d日}。",
                due,
                leaders,
                branch_page,
            )
        )
    if recruit.stage in (RecruitStage.activist, RecruitStage.candidate) and recruit.activist_on:
        months = int(rules.value(session, "recruit.review_months", today))
        due = _add_months(_last_note(session, recruit, "review") or recruit.activist_on, months)
        found.append(
            (
                f"recruit_review:{recruit.id}:{due}",
                f"请对{name}进行半年考察",
                f"每半年考察一次，本次应在 {due:%m月%d日} 前完成。",
                due,
                _mentors(session, recruit) or leaders,
                branch_page,
            )
        )
    if recruit.stage in (RecruitStage.activist, RecruitStage.candidate, RecruitStage.probationary):
        months = int(rules.value(session, "recruit.report_months", today))
        due = _add_months(_last_note(session, recruit, "thought_report") or recruit.applied_on, months)
        found.append(
            (
                f"recruit_report:{recruit.id}:{due}",
                "请递交思想汇报",
                f"本季度思想汇报请于 {due:%m月%d日} 前在手机上递交。",
                due,
                [recruit.person],
                own_page,
            )
        )
    if recruit.stage == RecruitStage.candidate and recruit.admitted_on and 17 not in steps:
        waited = (today - recruit.admitted_on).days
        for phase, at in (("warn", 60), ("due", int(rules.value(session, "recruit.approval_days", today)))):
            if waited >= at:
                limit = recruit.admitted_on + timedelta(
                    days=int(rules.value(session, "recruit.approval_max_days", today))
                )
                found.append(
                    (
                        f"recruit_approval:{recruit.id}:{phase}",
                        f"{name}的接收预备党员待审批",
                        f"支部大会已通过 {waited} 天，应在三个月内审批，最迟不超过 {limit:%Y年%m月%d日}。",
                        limit,
                        _office(session),
                        branch_page,
                    )
                )
    if recruit.stage == RecruitStage.probationary and recruit.probation_ends_on:
        ends = recruit.probation_ends_on
        if 22 not in steps and today >= ends - timedelta(days=30):
            found.append(
                (
                    f"recruit_full_application:{recruit.id}:{ends}",
                    "请提出转正申请",
                    f"您的预备期 {ends:%Y年%m月%d日} 期满，请提前一个月左右提交转正申请。",
                    ends,
                    [recruit.person],
                    own_page,
                )
            )
        if 23 not in steps and today >= ends:
            found.append(
                (
                    f"recruit_full_vote:{recruit.id}:{ends}",
                    f"{name}预备期已满，待支部大会讨论转正",
                    f"预备期于 {ends:%m月%d日} 期满，请及时召开支部党员大会讨论其转正。",
                    today + timedelta(days=14),
                    leaders,
                    branch_page,
                )
            )
    return found


def queue_reminders(session: Session, today: date) -> int:
    """Daily: plan what every open way owes (one reminder per person and obligation)."""
    now, asks = utcnow(), []
    recruits = session.scalars(
        select(Recruit)
        .where(Recruit.stage.in_(OPEN))
        .options(joinedload(Recruit.person), joinedload(Recruit.org))
    ).unique()
    for recruit in recruits:
        for obligation, title, reason, due, people, page in due_for(session, recruit, today):
            lead = 7 if not obligation.startswith("recruit_approval") else 0
            if today < due - timedelta(days=lead) and not obligation.startswith(
                ("recruit_approval", "recruit_full")
            ):
                continue
            asks += [
                reminders.Ask(
                    person,
                    obligation.partition(":")[0],
                    obligation,
                    title,
                    reason,
                    page,
                    due_at=_noon(max(due, today)),
                    earliest=now,
                    latest=now + timedelta(days=2),
                    priority=ReminderPriority.normal,
                )  # fmt: skip
                for person in people
            ]
    return reminders.remind_many(session, asks, now=now)


def _recruit(session: Session, key: str) -> Recruit | None:
    return session.get(Recruit, uuid.UUID(key.split(":")[0]))


def _met_when(step_number: int):
    def met(session: Session, key: str) -> bool:
        recruit = _recruit(session, key)
        return recruit is None or recruit.stage not in OPEN or step_number in done(recruit)

    return met


reminders.obligation_check("recruit_talk")(_met_when(2))
reminders.obligation_check("recruit_approval")(_met_when(17))
reminders.obligation_check("recruit_full_application")(_met_when(22))
reminders.obligation_check("recruit_full_vote")(_met_when(23))


def _note_written_since(kind: str):
    def met(session: Session, key: str) -> bool:
        recruit = _recruit(session, key)
        if recruit is None or recruit.stage not in OPEN:
            return True
        due = date.fromisoformat(key.split(":")[1])
        months = int(rules.value(session, f"recruit.{'review' if kind == 'review' else 'report'}_months"))
        latest = _last_note(session, recruit, kind)
        return latest is not None and _add_months(latest, months) > due

    return met


reminders.obligation_check("recruit_review")(_note_written_since("review"))
reminders.obligation_check("recruit_report")(_note_written_since("thought_report"))
