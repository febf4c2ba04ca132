"""Launching a campaign: its audience within the launcher's scope, one card per lesson and recipient
through the reminder engine, the one deadline reminder, and repeating series."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import insert, or_, select
from sqlalchemy.orm import Session

from handlers import audiences, audit, links, reminders
from handlers.errors import Forbidden, ValidationFailed
from handlers.learning import quizzes
from handlers.learning.campaigns.progress import _local
from handlers.policy import Actor, can, holds, scope_paths
from handlers.validation import require_text
from models import (
    Campaign,
    CampaignRecipient,
    Lesson,
    LessonStatus,
    Member,
    MemberParticipation,
    OrgKind,
    PartyOrg,
    Person,
)
from models.archive import participating_on
from models.base import CHINA, local_text, local_today, utcnow

REPEATS = {"": "不重复", "weekly": "每周（同一时间）", "monthly_first_monday": "每月第一个周一"}


#: A campaign's cards go out within this long after its send time (rosters permitting).
SEND_WINDOW = timedelta(hours=12)


@dataclass
class Audience:
    """Who a campaign is for, as the console's form says it."""

    org_ids: list[uuid.UUID]
    roles: list[str]
    #: Hand-picked people (by id); when given, orgs and roles are not used.
    person_ids: list[uuid.UUID]


def launch(
    session: Session,
    actor: Actor,
    *,
    title: str,
    lesson_ids: list[uuid.UUID],
    org_ids: list[uuid.UUID] | None = None,
    send_at: datetime,
    deadline: datetime,
    roles: list[str] | None = None,
    person_ids: list[uuid.UUID] | None = None,
    personalised: bool = False,
    repeat: str = "",
    series_tag: str = "",
    now: datetime | None = None,
) -> Campaign:
    """Push lessons now (or at send_at), or start a repeating series."""
    now = now or utcnow()
    if not holds(actor, "campaign.launch"):
        raise Forbidden("只有党委组织部或支部书记、组织委员可以推送学习。")
    if deadline <= max(send_at, now) + timedelta(hours=1):
        raise ValidationFailed("截止时间应晚于推送时间至少一小时。", field="deadline")
    if repeat not in REPEATS:
        raise ValidationFailed("重复方式不正确。", field="repeat")
    roles = [r for r in (roles or []) if r]
    if any(r not in audiences.AUDIENCE_ROLES for r in roles):
        raise ValidationFailed("推送对象的身份不正确。", field="roles")
    audience = Audience(list(org_ids or []), roles, list(person_ids or []))
    orgs = _orgs_in_scope(session, actor, audience)
    people = _people_in_scope(session, actor, audience)
    campaign = Campaign(
        title=require_text(title, "title", "名称", max_length=100),
        org_ids=[str(o.id) for o in orgs],
        roles=roles,
        person_ids=[str(p.id) for p in people],
        lesson_ids=[],
        send_at=send_at,
        deadline=deadline,
        personalised=personalised,
        repeat=repeat,
        created_by=actor.label[:100],
        created_at=now,
    )
    if repeat:
        tag = (series_tag or "").strip()
        if not tag:
            raise ValidationFailed(
                "重复推送请填写课程标签（每次推送带此标签、尚未推送过的新课程）。", field="series_tag"
            )
        campaign.series_tag, campaign.next_run_at = tag[:40], send_at
        session.add(campaign)
        session.flush()
        audit.record(session, actor, "campaign.series", object_type="campaign", object_id=campaign.id)
        return campaign
    lessons = list(session.scalars(select(Lesson).where(Lesson.id.in_(lesson_ids))))
    if (
        not lessons
        or len(lessons) != len(set(lesson_ids))
        or any(lesson.status != LessonStatus.published for lesson in lessons)
    ):
        raise ValidationFailed("请选择已发布的课程。", field="lesson_ids")
    campaign.lesson_ids = [str(lesson.id) for lesson in lessons]
    session.add(campaign)
    session.flush()
    _push(session, campaign, lessons, now)
    audit.record(
        session,
        actor,
        "campaign.launch",
        object_type="campaign",
        object_id=campaign.id,
        detail={"lessons": len(lessons), "recipients": campaign.recipients},
    )
    return campaign


def _orgs_in_scope(session: Session, actor: Actor, audience: Audience) -> list[PartyOrg]:
    orgs = (
        list(session.scalars(select(PartyOrg).where(PartyOrg.id.in_(audience.org_ids))))
        if audience.org_ids
        else []
    )
    if len(orgs) != len(set(audience.org_ids)):
        raise ValidationFailed("请选择党组织。", field="org_ids")
    if any(not can(session, actor, "campaign.launch", obj=org) for org in orgs):
        raise Forbidden("只能向本人负责的党组织推送。")
    if not orgs and not audience.person_ids and scope_paths(actor, "campaign.launch") is not None:
        raise ValidationFailed("请选择推送的党组织。", field="org_ids")
    return orgs


def _people_in_scope(session: Session, actor: Actor, audience: Audience) -> list[Person]:
    if not audience.person_ids:
        return []
    people = list(session.scalars(select(Person).where(Person.id.in_(audience.person_ids))))
    if len(people) != len(set(audience.person_ids)) or any(p.membership is None for p in people):
        raise ValidationFailed("名单中有人不是党员。", field="person_ids")
    if any(not can(session, actor, "campaign.launch", obj=p) for p in people):
        raise Forbidden("名单中有人不在您负责的党组织。")
    return people


def audience_of(session: Session, campaign: Campaign) -> list[tuple[Person, Member]]:
    """The members a campaign reaches now: hand-picked, or by orgs and roles (handlers/audiences)."""
    query = audiences.reached(
        session, org_ids=campaign.org_ids, roles=campaign.roles, person_ids=campaign.person_ids
    )
    return list(session.execute(query).tuples())


def _push(session: Session, campaign: Campaign, lessons: list[Lesson], now: datetime) -> None:
    """Plan every recipient's cards and deadline reminders; note who it went to."""
    audience = audience_of(session, campaign)
    start = max(campaign.send_at, now)
    # Each lesson's card, once: a short quiz answered on the card, else the news card.
    templates = {}
    for lesson in lessons:
        quiz = quizzes.card_params(session, lesson, "")
        templates[lesson.id] = (
            ("quiz_card", quiz)
            if quiz
            else (
                "lesson_push",
                {
                    "title": lesson.title,
                    "summary": lesson.summary,
                    "path": links.page("h5.lesson_page", lesson_id=lesson.id),
                    "cover": links.page("h5.cover", lesson_id=lesson.id)
                    if lesson.cover_name
                    else links.static("lesson-cover.png"),
                },
            )
        )
    asks = []
    for person, _member in audience:
        for lesson in lessons:
            greeting = f"{person.name}同志，" if campaign.personalised else ""
            reason = f"{greeting}{campaign.title}，请于 {_local(campaign.deadline)} 前完成。"
            kind, params = templates[lesson.id]
            # No per-member key: identical cards for many members at once share one call.
            card = (kind, {**params, "reason": reason}, None)
            asks.append(
                reminders.Ask(
                    person,
                    "campaign_lesson",
                    f"campaign_lesson:{lesson.id}:{person.id}:{campaign.id}",
                    f"学习：{lesson.title}",
                    reason,
                    links.page("h5.lesson_page", lesson_id=lesson.id),
                    due_at=campaign.deadline,
                    earliest=start,
                    latest=start + SEND_WINDOW,
                    card=card,
                )
            )
            # One gentle reminder in the last day, only if still not done (checked when it is due).
            asks.append(
                reminders.Ask(
                    person,
                    "campaign_deadline",
                    f"campaign_deadline:{lesson.id}:{person.id}:{campaign.id}",
                    f"即将截止：{lesson.title}",
                    f"{campaign.title}将于 {_local(campaign.deadline)} 截止，您还未完成。",
                    links.page("h5.lesson_page", lesson_id=lesson.id),
                    due_at=campaign.deadline,
                    earliest=campaign.deadline - timedelta(hours=24),
                    latest=campaign.deadline - timedelta(hours=1),
                )
            )
    reminders.remind_many(session, asks, now=now)
    if audience:
        counted_in = _counted_in(session, campaign, [m for _, m in audience])
        session.execute(
            insert(CampaignRecipient),
            [
                {"campaign_id": campaign.id, "member_id": m.id, "branch_id": counted_in[m.id]}
                for _, m in audience
            ],
        )
    campaign.recipients = len(audience)


def _counted_in(session: Session, campaign: Campaign, members: list[Member]) -> dict[uuid.UUID, uuid.UUID]:
    """The branch whose completion figures count each recipient: their branch of record, unless
    the campaign reached them through a branch they take part in (or they are of record elsewhere)."""
    reached = set()
    if campaign.org_ids:
        roots = session.scalars(
            select(PartyOrg).where(PartyOrg.id.in_([uuid.UUID(i) for i in campaign.org_ids]))
        )
        subtree = or_(*[PartyOrg.path.startswith(o.path, autoescape=True) for o in roots])
        reached = set(session.scalars(select(PartyOrg.id).where(subtree)))
    hosts = {}
    guests = [m.id for m in members if m.branch_id is None or (reached and m.branch_id not in reached)]
    for start in range(0, len(guests), 1000):
        rows = session.execute(
            select(MemberParticipation.member_id, PartyOrg.id, PartyOrg.kind, PartyOrg.parent_id)
            .join(PartyOrg, MemberParticipation.org_id == PartyOrg.id)
            .where(
                MemberParticipation.member_id.in_(guests[start : start + 1000]),
                participating_on(local_today()),
            )
        )
        for member_id, org_id, kind, parent_id in rows:
            branch_id = parent_id if kind == OrgKind.group else org_id
            if member_id not in hosts or branch_id in reached:
                hosts[member_id] = branch_id
    return {m.id: hosts.get(m.id) or m.branch_id for m in members}


def next_occurrence(repeat: str, after: datetime) -> datetime:
    """The series' next send time after `after`, at the same Beijing clock time."""
    local = after.astimezone(CHINA)
    if repeat == "weekly":
        return after + timedelta(days=7)
    # monthly_first_monday: the first Monday of next month.
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    first = date(year, month, 1)
    monday = first + timedelta(days=(7 - first.weekday()) % 7)
    return datetime.combine(monday, time(local.hour, local.minute), CHINA)


def run_series(session: Session, now: datetime | None = None) -> int:
    """Send each series' occurrence that is due (run by the reminders job). Returns how many
    occurrences were pushed."""
    now = now or utcnow()
    pushed = 0
    due = session.scalars(
        select(Campaign)
        .where(Campaign.repeat != "", Campaign.next_run_at <= now)
        .with_for_update(skip_locked=True)  # two schedulers: one of them sends it
    ).all()
    for series in due:
        send_at = series.next_run_at
        already = {
            lesson_id
            for ids in session.scalars(select(Campaign.lesson_ids).where(Campaign.series_id == series.id))
            for lesson_id in ids
        }
        lessons = [
            lesson
            for lesson in session.scalars(
                select(Lesson).where(Lesson.status == LessonStatus.published).order_by(Lesson.published_at)
            )
            if series.series_tag in lesson.tag_list and str(lesson.id) not in already
        ]
        series.next_run_at = next_occurrence(series.repeat, send_at)
        if not lessons:
            continue  # nothing new under this tag: no empty card
        occurrence = Campaign(
            title=f"{series.title}（{local_text(send_at, '%m月%d日')}）",
            org_ids=series.org_ids,
            roles=series.roles,
            person_ids=series.person_ids,
            lesson_ids=[str(lesson.id) for lesson in lessons],
            send_at=max(send_at, now),
            deadline=max(send_at, now) + (series.deadline - series.send_at),
            personalised=series.personalised,
            series_id=series.id,
            created_by=series.created_by,
            created_at=now,
        )
        session.add(occurrence)
        session.flush()
        _push(session, occurrence, lessons, now)
        pushed += 1
    return pushed
