"""A campaign's progress for those who manage its branches: counts per branch (never names), and the
one tap that brings the deadline reminder forward for those not started."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from handlers import audit, reminders
from handlers.errors import Conflict, Forbidden, NotFound
from handlers.figures import may_break_down, percent
from handlers.paging import Page, paginate
from handlers.policy import Actor, can, holds, scope_orgs, scope_paths
from models import (
    Campaign,
    CampaignRecipient,
    Lesson,
    Member,
    PartyOrg,
    Person,
    Reminder,
    ReminderStatus,
    StudyRecord,
)
from models.base import local_text, utcnow


@dataclass(frozen=True)
class BranchCompletion:
    org: PartyOrg
    recipients: int
    completed: int
    in_progress: int
    nudged: int

    @property
    def not_started(self) -> int:
        return self.recipients - self.completed - self.in_progress

    @property
    def shown(self) -> bool:
        """Broken down into 已完成/学习中/未开始 only over 5 people or more (handlers.figures)."""
        return may_break_down(self.recipients)

    @property
    def completed_percent(self) -> int:
        return percent(self.completed, self.recipients)


@dataclass(frozen=True)
class CampaignProgress:
    """Every branch the actor manages, and their sum (the hospital's, for the office)."""

    branches: list[BranchCompletion]
    total: BranchCompletion | None

    @property
    def not_started(self) -> int:
        return self.total.not_started if self.total else 0

    @property
    def lines(self) -> list[tuple[str, BranchCompletion]]:
        """合计 first, then each branch, as the bars and their table show them."""
        return [("合计", self.total), *((b.org.name, b) for b in self.branches)] if self.total else []


def progress(session: Session, actor: Actor, campaign: Campaign) -> CampaignProgress:
    branches = completion(session, actor, campaign)
    if not branches:
        return CampaignProgress([], None)
    total = BranchCompletion(
        None,  # type: ignore[arg-type]  # the sum belongs to no one org
        *(sum(getattr(b, f) for b in branches) for f in ("recipients", "completed", "in_progress", "nudged")),
    )
    return CampaignProgress(branches, total)


def get_campaign(session: Session, actor: Actor, campaign_id: uuid.UUID) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or not visible_branches(session, actor, campaign):
        raise NotFound("学习推送不存在。")
    return campaign


def visible_branches(session: Session, actor: Actor, campaign: Campaign) -> list[PartyOrg]:
    """The branches of this campaign's recipients that the actor manages."""
    branch_ids = (
        select(CampaignRecipient.branch_id).where(CampaignRecipient.campaign_id == campaign.id).distinct()
    )
    return list(
        session.scalars(
            scope_orgs(actor, select(PartyOrg).where(PartyOrg.id.in_(branch_ids)), "study.view").order_by(
                PartyOrg.path
            )
        )
    )


def completion(session: Session, actor: Actor, campaign: Campaign) -> list[BranchCompletion]:
    """Per branch the actor manages: how many completed every lesson, started, or not yet.
    Counts only — a branch view, never a list of people ranked by anything."""
    return completion_in(session, campaign, visible_branches(session, actor, campaign))


def completion_in(session: Session, campaign: Campaign, branches: list[PartyOrg]) -> list[BranchCompletion]:
    """`completion` over the branches given (the 数据中心 asks for a scope's, with no desk)."""
    lesson_ids = [uuid.UUID(i) for i in campaign.lesson_ids]
    progress = (
        select(
            StudyRecord.member_id,
            func.count(StudyRecord.completed_at).label("done"),
        )
        .where(StudyRecord.lesson_id.in_(lesson_ids))
        .group_by(StudyRecord.member_id)
        .subquery()
    )
    rows = session.execute(
        select(
            CampaignRecipient.branch_id,
            func.count(),
            func.count(progress.c.member_id).filter(progress.c.done >= len(lesson_ids)),
            func.count(progress.c.member_id).filter(progress.c.done < len(lesson_ids)),
            func.count(CampaignRecipient.nudged_at),
        )
        .outerjoin(progress, progress.c.member_id == CampaignRecipient.member_id)
        .where(
            CampaignRecipient.campaign_id == campaign.id,
            CampaignRecipient.branch_id.in_([b.id for b in branches]),
        )
        .group_by(CampaignRecipient.branch_id)
    ).all()
    counts = {branch_id: rest for branch_id, *rest in rows}
    return [BranchCompletion(b, *counts[b.id]) for b in branches if b.id in counts]


def remind_not_started(
    session: Session,
    actor: Actor,
    campaign_id: uuid.UUID,
    *,
    branch_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> int:
    """One tap: the members who have not opened any of the campaign's lessons — in one branch,
    or (no branch named) in every branch the actor manages — get their one deadline reminder
    now (at the first good moment for their roster) instead of in the last day. A member who
    already had it, or was reminded this way before, gets nothing more. Returns how many will
    be reminded."""
    now = now or utcnow()
    campaign = get_campaign(session, actor, campaign_id)
    if branch_id is None:
        branches = visible_branches(session, actor, campaign)
    else:
        branch = session.get(PartyOrg, branch_id)
        if branch is None or not can(session, actor, "study.view", obj=branch):
            raise Forbidden("只能提醒本人负责的党组织。")
        branches = [branch]
    if campaign.deadline <= now + timedelta(hours=1):
        raise Conflict("推送已截止或即将截止，不再提醒。")
    lesson_ids = [uuid.UUID(i) for i in campaign.lesson_ids]
    started = select(StudyRecord.member_id).where(StudyRecord.lesson_id.in_(lesson_ids))
    waiting = session.execute(
        select(CampaignRecipient, Person)
        .join(Member, Member.id == CampaignRecipient.member_id)
        .join(Person, Person.id == Member.person_id)
        .where(
            CampaignRecipient.campaign_id == campaign.id,
            CampaignRecipient.branch_id.in_([b.id for b in branches]),
            CampaignRecipient.nudged_at.is_(None),
            CampaignRecipient.member_id.not_in(started),
        )
        .with_for_update(of=CampaignRecipient)
    ).all()
    reminded = 0
    for recipient, person in waiting:
        rows = session.scalars(
            select(Reminder).where(
                Reminder.person_id == person.id,
                Reminder.category == "campaign_deadline",
                Reminder.obligation.like(f"campaign_deadline:%:{person.id}:{campaign.id}"),
                Reminder.status == ReminderStatus.planned,
            )
        ).all()
        recipient.nudged_at = now
        if not rows:
            continue  # their one reminder has gone already
        for row in rows:
            row.earliest_at = now
            row.deliver_at, row.plan_note = reminders.plan(
                session, person, earliest=now, latest=row.latest_at, priority=row.priority, now=now
            )
            row.plan_note = f"书记提醒未开始学习的党员；{row.plan_note}"[:100]
        reminded += 1
    audit.record(
        session,
        actor,
        "campaign.remind_not_started",
        object_type="campaign",
        object_id=campaign.id,
        detail={"branches": [str(b.id) for b in branches], "reminded": reminded},
    )
    return reminded


def remind_and_say(
    session: Session, actor: Actor, campaign_id: uuid.UUID, *, now: datetime | None = None
) -> str:
    """提醒全部未开始, and what the tap says it did. Over fewer than 5 people it does not say how
    many (that would tell a small branch's secretary a count the page itself holds back)."""
    reminded = remind_not_started(session, actor, campaign_id, now=now)
    if not reminded:
        return "未开始学习的党员都已提醒过，不再重复提醒。"
    total = progress(session, actor, get_campaign(session, actor, campaign_id)).total
    counted = f" {reminded} 位" if total and total.shown else ""
    return f"已安排提醒{counted}未开始学习的党员（按各自班次在合适时间送达，每人只提醒一次）。"


def _visible(actor: Actor) -> Select:
    """Campaigns the actor launched or that reached the orgs they manage (series included)."""
    query = select(Campaign)
    if scope_paths(actor, "study.view") is not None:
        reached = select(CampaignRecipient.campaign_id).where(
            CampaignRecipient.branch_id.in_(scope_orgs(actor, select(PartyOrg.id), "study.view"))
        )
        query = query.where(or_(Campaign.id.in_(reached), Campaign.created_by == actor.label))
    return query


def recent(session: Session, actor: Actor, limit: int = 20) -> list[Campaign]:
    return list(session.scalars(_visible(actor).order_by(Campaign.created_at.desc()).limit(limit)))


def campaigns_page(session: Session, actor: Actor, *, page: int, per_page: int) -> Page:
    """The API's list: one-off pushes and series occurrences (series templates have no recipients)."""
    if not holds(actor, "study.view"):
        raise Forbidden("该令牌无权查看学习推送。")
    query = _visible(actor).where(Campaign.repeat == "")
    return paginate(
        session, query, page=page, per_page=per_page, order_by=(Campaign.created_at.desc(), Campaign.id)
    )


def lessons_of(session: Session, campaign: Campaign) -> list[Lesson]:
    ids = [uuid.UUID(i) for i in campaign.lesson_ids]
    found = {lesson.id: lesson for lesson in session.scalars(select(Lesson).where(Lesson.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def _local(moment: datetime) -> str:
    return local_text(moment, "%m月%d日 %H:%M")


@reminders.obligation_check("campaign_deadline")
@reminders.obligation_check("campaign_lesson")
def _lesson_done(session: Session, key: str) -> bool:
    """Nothing to send once the member completed the lesson (the key names lesson and member)."""
    lesson_id, person_id, _campaign = key.split(":")
    return bool(
        session.scalar(
            select(StudyRecord.id)
            .join(Member, Member.id == StudyRecord.member_id)
            .where(
                Member.person_id == uuid.UUID(person_id),
                StudyRecord.lesson_id == uuid.UUID(lesson_id),
                StudyRecord.completed_at.is_not(None),
            )
        )
    )
