"""The way's deadlines through the reminder engine, each to whoever owes the step, timed around
their roster, cancelled when it is done: the talk within a month of the application (the branch),
the half-yearly 考察 (the 培养联系人), the quarterly 思想汇报 (the person), the 上级党委's approval
(warned at 60 days, due at 90, the 180-day limit: the office), and at the end of the probation
the 转正申请 (the person, a month before) and the 支部大会 (the branch, once it has ended)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from handlers import links, reminders, rules
from handlers.recruitment.pipeline import done
from handlers.recruitment.steps import OPEN
from handlers.roles import branch_leaders_of, office_people
from handlers.workdays import months_after
from models import Member, Person, ReminderPriority
from models.base import CHINA, utcnow
from models.recruitment import Recruit, RecruitNote, RecruitRole, RecruitStage


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), CHINA)


def _last_note(session: Session, recruit: Recruit, kind: str) -> date | None:
    return session.scalar(
        select(func.max(RecruitNote.written_on)).where(
            RecruitNote.recruit_id == recruit.id, RecruitNote.kind == kind
        )
    )


@dataclass
class Known:
    """What the planner reads of many ways at once, in four queries whatever their number: each
    branch's leaders (secretaries, else 组织委员), the latest note of each kind, the mentors, the
    office."""

    leaders: dict[uuid.UUID, list[Person]]
    last_notes: dict[tuple[uuid.UUID, str], date]
    mentors: dict[uuid.UUID, list[Person]]
    office: list[Person]

    @classmethod
    def load(cls, session: Session, recruits: list[Recruit]) -> Known:
        ids, orgs = [r.id for r in recruits], {r.org_id for r in recruits}
        leaders = {o: people for o, (_role, people) in branch_leaders_of(session, orgs).items()}
        last_notes = {
            (recruit_id, kind): day
            for recruit_id, kind, day in session.execute(
                select(RecruitNote.recruit_id, RecruitNote.kind, func.max(RecruitNote.written_on))
                .where(RecruitNote.recruit_id.in_(ids))
                .group_by(RecruitNote.recruit_id, RecruitNote.kind)
            )
        }
        mentors: dict[uuid.UUID, list[Person]] = defaultdict(list)
        for recruit_id, person in session.execute(
            select(RecruitRole.recruit_id, Person)
            .join(Member, Member.id == RecruitRole.member_id)
            .join(Person, Person.id == Member.person_id)
            .where(RecruitRole.recruit_id.in_(ids), RecruitRole.role == "mentor", Person.is_active.is_(True))
        ):
            mentors[recruit_id].append(person)
        return cls(leaders, last_notes, dict(mentors), office_people(session))


@dataclass(frozen=True)
class Owed:
    obligation: str
    title: str
    reason: str
    due: date
    people: list[Person]
    page: str


def due_for(session: Session, recruit: Recruit, today: date, known: Known | None = None) -> list[Owed]:
    """What the person's way owes now, and who owes it."""
    known = known or Known.load(session, [recruit])
    branch_page = links.page("admin.recruit_detail", recruit_id=recruit.id)
    leaders = known.leaders.get(recruit.org_id, [])
    return [
        *_training(session, recruit, today, known, leaders, branch_page),
        *_approval(session, recruit, today, known, branch_page),
        *_probation(recruit, today, leaders, branch_page),
    ]


def _training(
    session: Session, recruit: Recruit, today: date, known: Known, leaders: list[Person], page: str
) -> list[Owed]:
    found, name, rid = [], recruit.person.name, recruit.id
    if recruit.stage == RecruitStage.applicant and 2 not in done(recruit):
        due = recruit.applied_on + timedelta(
            days=int(rules.value(session, "recruit.talk_within_days", today))
        )
        reason = f"收到入党申请后应在一个月内谈话，最迟 {due:%m月%d日}。"
        found.append(Owed(f"recruit_talk:{rid}", f"入党申请人{name}待谈话", reason, due, leaders, page))
    if recruit.stage in (RecruitStage.activist, RecruitStage.candidate) and recruit.activist_on:
        months = int(rules.value(session, "recruit.review_months", today))
        due = months_after(known.last_notes.get((recruit.id, "review")) or recruit.activist_on, months)
        reason = f"每半年考察一次，本次应在 {due:%m月%d日} 前完成。"
        mentors = known.mentors.get(
            recruit.id, []
        )  # a 联系人 records it on the phone, the branch in the console
        who, where = (mentors, links.page("h5.recruit_page")) if mentors else (leaders, page)
        found.append(Owed(f"recruit_review:{rid}:{due}", f"请对{name}进行半年考察", reason, due, who, where))
    if recruit.stage in (RecruitStage.activist, RecruitStage.candidate, RecruitStage.probationary):
        months = int(rules.value(session, "recruit.report_months", today))
        due = months_after(known.last_notes.get((recruit.id, "thought_report")) or recruit.applied_on, months)
        reason = f"本季度思想汇报请于 {due:%m月%d日} 前在手机上递交。"
        own = links.page("h5.recruit_page")
        found.append(
            Owed(f"recruit_report:{rid}:{due}", "请递交思想汇报", reason, due, [recruit.person], own)
        )
    return found


def _approval(session: Session, recruit: Recruit, today: date, known: Known, page: str) -> list[Owed]:
    """Warned at 60 days, due at 90, never past 180 (细则 art. 24): to the office."""
    if recruit.stage != RecruitStage.candidate or not recruit.admitted_on or 17 in done(recruit):
        return []
    waited, found = (today - recruit.admitted_on).days, []
    limit = recruit.admitted_on + timedelta(
        days=int(rules.value(session, "recruit.approval_max_days", today))
    )
    for phase, at in (("warn", 60), ("due", int(rules.value(session, "recruit.approval_days", today)))):
        if waited >= at:
            reason = f"支部大会已通过 {waited} 天，应在三个月内审批，最迟不超过 {limit:%Y年%m月%d日}。"
            title = f"{recruit.person.name}的接收预备党员待审批"
            found.append(
                Owed(f"recruit_approval:{recruit.id}:{phase}", title, reason, limit, known.office, page)
            )
    return found


def _probation(recruit: Recruit, today: date, leaders: list[Person], page: str) -> list[Owed]:
    if recruit.stage != RecruitStage.probationary or not recruit.probation_ends_on:
        return []
    ends, steps, found = recruit.probation_ends_on, done(recruit), []
    if 22 not in steps and today >= ends - timedelta(days=30):
        reason = f"您的预备期 {ends:%Y年%m月%d日} 期满，请提前一个月左右提交转正申请。"
        own = links.page("h5.recruit_page")
        found.append(
            Owed(
                f"recruit_full_application:{recruit.id}:{ends}",
                "请提出转正申请",
                reason,
                ends,
                [recruit.person],
                own,
            )
        )
    if 23 not in steps and today >= ends:
        reason = f"预备期于 {ends:%m月%d日} 期满，请及时召开支部党员大会讨论其转正。"
        title = f"{recruit.person.name}预备期已满，待支部大会讨论转正"
        found.append(
            Owed(
                f"recruit_full_vote:{recruit.id}:{ends}",
                title,
                reason,
                today + timedelta(days=14),
                leaders,
                page,
            )
        )
    return found


def queue_reminders(session: Session, today: date) -> int:
    """Daily: plan what every open way owes (one reminder per person and obligation)."""
    now, asks = utcnow(), []
    recruits = list(
        session.scalars(
            select(Recruit)
            .where(Recruit.stage.in_(OPEN))
            .options(joinedload(Recruit.person), selectinload(Recruit.steps))
        ).unique()
    )
    known = Known.load(session, recruits)
    for recruit in recruits:
        for owed in due_for(session, recruit, today, known):
            kind = owed.obligation.partition(":")[0]
            if today < owed.due - timedelta(days=7) and kind in (
                "recruit_talk",
                "recruit_review",
                "recruit_report",
            ):
                continue  # asked a week ahead (the others gate themselves)
            for person in owed.people:
                asks.append(
                    reminders.Ask(
                        person,
                        kind,
                        owed.obligation,
                        owed.title,
                        owed.reason,
                        owed.page,
                        due_at=_noon(max(owed.due, today)),
                        earliest=now,
                        latest=now + timedelta(days=2),
                        priority=ReminderPriority.normal,
                    )
                )
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
        return latest is not None and months_after(latest, months) > due

    return met


reminders.obligation_check("recruit_review")(_note_written_since("review"))
reminders.obligation_check("recruit_report")(_note_written_since("thought_report"))
