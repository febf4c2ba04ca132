"""Planning: one row per person per obligation, timed around quiet hours, rest after a night
shift and duty windows, off the :00/:30 peaks; the registry of obligation checks."""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from handlers import rules
from models import (
    Person,
    Reminder,
    ReminderPreference,
    ReminderPriority,
    ReminderStatus,
    RosterShift,
    ShiftCode,
    ShiftKind,
)
from models.base import CHINA, utcnow

CATEGORY_LABELS = {
    "approval_step": "审批超期",
    "approval_escalation": "审批督办",
    "meeting_notice": "会议通知",
    "meeting_soon": "会议提醒",
    "meeting_checkin": "签到卡片",
    "compliance_due": "组织生活到期（书记）",
    "compliance_overdue": "组织生活超期汇总（组织部）",
    "term_due": "换届提醒",
    "campaign_lesson": "学习推送",
    "campaign_deadline": "学习截止提醒",
    "study_pace": "学时进度提醒",
    "dues_unpaid": "未交党费（书记）",
    "transfer_overdue": "介绍信回执逾期（组织部）",
    "political_birthday": "政治生日",
    "mailbox_open": "信箱待答复",
    "task_due": "任务将到期",
    "task_overdue": "任务逾期",
    "task_review": "任务待审核",
    "recruit_talk": "入党谈话到期（支部）",
    "recruit_review": "培养考察到期",
    "recruit_report": "思想汇报到期",
    "recruit_approval": "接收预备党员待审批（组织部）",
    "recruit_full_application": "转正申请到期",
    "recruit_full_vote": "转正讨论到期（支部）",
    "recruit_plan": "年度发展计划待提出（支部）",
    "talk_due": "组织生活会前谈心谈话",
}


STATUS_LABELS = {
    ReminderStatus.planned: "待发送",
    ReminderStatus.sent: "已发送",
    ReminderStatus.cancelled: "已取消",
    ReminderStatus.failed: "发送失败",
}


#: Never folded into a digest nor held for the hourly allowance.
PROMPT = (ReminderPriority.immediate, ReminderPriority.urgent)


#: obligation kind (the key's prefix) → check(session, the rest of the key) → met?
OBLIGATION_MET: dict[str, Callable[[Session, str], bool]] = {}


def obligation_check(kind: str) -> Callable[[Callable[[Session, str], bool]], Callable[[Session, str], bool]]:
    """Register how to tell that an obligation of this kind is met (the reminder is cancelled)."""

    def register(fn: Callable[[Session, str], bool]) -> Callable[[Session, str], bool]:
        OBLIGATION_MET[kind] = fn
        return fn

    return register


def is_met(session: Session, obligation: str) -> bool:
    kind, _, key = obligation.partition(":")
    check = OBLIGATION_MET.get(kind)
    return check(session, key) if check else False


@dataclass(frozen=True)
class Blocked:
    start: datetime
    end: datetime
    why: str
    #: Only quiet hours and rest hold an urgent reminder; a shift does not.
    holds_urgent: bool


def _local(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, CHINA)


def _clock(raw: str | time) -> time:
    return raw if isinstance(raw, time) else time.fromisoformat(raw)


class Availability:
    """What keeps a set of members from being disturbed over a span: the hospital's quiet
    hours, each member's own, their shifts (and the rest after a night). Read in two queries
    however many members are planned for, so a campaign to thousands plans in seconds."""

    def __init__(self, session: Session, person_ids: Iterable, start: datetime, end: datetime) -> None:
        ids = list(set(person_ids))
        on = start.astimezone(CHINA).date()
        self.start, self.end = start - timedelta(days=1), end
        self.quiet = (
            _clock(rules.value(session, "reminder.quiet_start", on)),
            _clock(rules.value(session, "reminder.quiet_end", on)),
        )
        self.rest_until = _clock(rules.value(session, "reminder.rest_after_night_until", on))
        self.preferences = {
            p.person_id: p
            for p in session.scalars(select(ReminderPreference).where(ReminderPreference.person_id.in_(ids)))
        }
        self.shifts: dict = defaultdict(list)
        rows = session.execute(
            select(
                RosterShift.person_id,
                RosterShift.starts_at,
                RosterShift.ends_at,
                ShiftCode.kind,
                ShiftCode.label,
            )
            .join(ShiftCode, ShiftCode.code == RosterShift.code)
            .where(
                RosterShift.person_id.in_(ids),
                RosterShift.superseded_by.is_(None),
                RosterShift.starts_at.is_not(None),
                RosterShift.starts_at < end,
                RosterShift.ends_at > self.start,
            )
        ).all()
        for person_id, starts_at, ends_at, kind, label in rows:
            self.shifts[person_id].append((starts_at, ends_at, kind, label))

    def preferred_time(self, person_id: object) -> time | None:
        preference = self.preferences.get(person_id)
        return preference.preferred_time if preference else None

    def blocked(self, person_id: object, start: datetime, end: datetime) -> list[Blocked]:
        """When this member should not be disturbed between `start` and `end` (UTC)."""
        preference = self.preferences.get(person_id)
        quiet_start, quiet_end = (
            (preference.quiet_start, preference.quiet_end)
            if preference and preference.quiet_start and preference.quiet_end
            else self.quiet
        )
        blocked = []
        day = start.astimezone(CHINA).date() - timedelta(days=1)
        while _local(day, time(0)) < end:
            begins = _local(day, quiet_start)
            ends = _local(day + timedelta(days=1) if quiet_end <= quiet_start else day, quiet_end)
            blocked.append(Blocked(begins, ends, "免打扰时段", True))
            day += timedelta(days=1)
        for starts_at, ends_at, kind, label in self.shifts.get(person_id, ()):
            if ends_at <= start - timedelta(days=1) or starts_at >= end:
                continue
            if kind in (ShiftKind.work, ShiftKind.night):
                blocked.append(Blocked(starts_at, ends_at, f"{label}当班", False))
            if kind == ShiftKind.night:
                # Asleep after a night: until the rest time on the morning the shift ends.
                woken = _local(ends_at.astimezone(CHINA).date(), self.rest_until)
                if woken > ends_at:
                    blocked.append(Blocked(ends_at, woken, f"{label}后休息至 {self.rest_until:%H:%M}", True))
        return blocked


def _off_peak(moment: datetime, person: Person, latest: datetime) -> datetime:
    """WeCom asks senders to avoid :00 and :30; spread members over the minutes after instead."""
    minute = moment.minute % 30
    if minute not in (0, 1, 2, 29):
        return moment
    peak = moment.replace(second=0, microsecond=0) + timedelta(minutes=1 if minute == 29 else -minute)
    spread = int(hashlib.sha256(person.wecom_userid.encode()).hexdigest(), 16) % 9 + 3  # 3–11 minutes
    shifted = peak + timedelta(minutes=spread)
    return shifted if shifted <= latest else moment


def plan(
    session: Session,
    person: Person,
    *,
    earliest: datetime,
    latest: datetime,
    priority: ReminderPriority,
    now: datetime,
    availability: Availability | None = None,
) -> tuple[datetime, str]:
    """The first good moment in [earliest, latest] for this member, and why it is that one."""
    start = max(earliest, now)
    if priority == ReminderPriority.immediate:
        return start, "所选场次签到时段开始即发送"
    availability = availability or Availability(session, [person.id], start, latest + timedelta(days=1))
    blocked = availability.blocked(person.id, start, latest + timedelta(days=1))
    urgent = priority == ReminderPriority.urgent

    def first_free(strict: bool) -> tuple[datetime | None, str]:
        moment, why = start, ""
        for _ in range(200):
            hit = next((b for b in blocked if b.start <= moment < b.end and (strict or b.holds_urgent)), None)
            if hit is None:
                return moment, why
            moment, why = hit.end, f"避开{hit.why}"
            if moment > latest:
                return None, why
        return None, why

    moment, why = first_free(strict=not urgent)
    if moment is None and not urgent:
        # No quiet moment off duty in the window: a short notice on duty rather than none.
        moment, why = first_free(strict=False)
        why = f"{why}（窗口内无空闲时段，当班时发送）" if moment else why
    if moment is None:
        if urgent:  # it belongs to its window (a 签到 card for a late session): at its start
            return start, "时段内均为免打扰，紧急提醒按时发送"
        return latest, "窗口内均为休息时段，按最晚可用时间发送"
    preferred_time = availability.preferred_time(person.id)
    if priority == ReminderPriority.low and preferred_time:
        day = moment.astimezone(CHINA).date()
        for offset in (0, 1):
            preferred = _local(day + timedelta(days=offset), preferred_time)
            if moment <= preferred <= latest and not any(b.start <= preferred < b.end for b in blocked):
                return _off_peak(preferred, person, latest), "按您设定的提醒时间"
    if urgent:  # it cannot wait for the peak to pass
        return moment, why or "紧急提醒，即时发送"
    return _off_peak(moment, person, latest), why or "到期即发"


def remind(
    session: Session,
    person: Person,
    *,
    category: str,
    obligation: str,
    title: str,
    reason: str,
    path: str,
    due_at: datetime,
    earliest: datetime,
    latest: datetime,
    priority: ReminderPriority = ReminderPriority.normal,
    now: datetime | None = None,
    detail: str | None = None,
    card: tuple[str, dict, str] | None = None,
) -> Reminder | None:
    """Plan one reminder for one obligation; the same obligation asked again replans the row
    it already has (never a second reminder). None when the member is gone."""
    now = now or utcnow()
    if not person.is_active:
        return None
    deliver_at, note = plan(session, person, earliest=earliest, latest=latest, priority=priority, now=now)
    row = session.scalar(
        select(Reminder).where(Reminder.person_id == person.id, Reminder.obligation == obligation)
    )
    if row is not None and row.status not in (ReminderStatus.planned,):
        return row  # already sent or cancelled: once is enough
    if row is None:
        row = Reminder(
            person_id=person.id, obligation=obligation, status=ReminderStatus.planned, created_at=now
        )
        session.add(row)
    row.category, row.title, row.reason, row.path = category, title[:100], reason[:200], path[:300]
    row.detail = detail
    row.card_kind, row.card_params, row.card_key = card if card else (None, None, None)
    row.due_at, row.earliest_at, row.latest_at, row.priority = due_at, earliest, latest, priority
    row.deliver_at, row.plan_note = deliver_at, note[:100]
    session.flush()
    return row


def replan(session: Session, person_ids: set, now: datetime) -> int:
    """Planned reminders of these members, timed again against their new roster."""
    rows = session.scalars(
        select(Reminder).where(Reminder.person_id.in_(person_ids), Reminder.status == ReminderStatus.planned)
    ).all()
    for row in rows:
        row.deliver_at, row.plan_note = plan(
            session,
            row.person,
            earliest=row.earliest_at,
            latest=row.latest_at,
            priority=row.priority,
            now=now,
        )
    return len(rows)


@dataclass(frozen=True)
class Ask:
    """One reminder to plan (remind_many's unit): the arguments of remind()."""

    person: Person
    category: str
    obligation: str
    title: str
    reason: str
    path: str
    due_at: datetime
    earliest: datetime
    latest: datetime
    priority: ReminderPriority = ReminderPriority.normal
    detail: str | None = None
    card: tuple[str, dict, str] | None = None


def remind_many(session: Session, asks: list[Ask], now: datetime | None = None) -> int:
    """Plan many reminders at once (a campaign, a hospital-wide deadline) by remind()'s rules:
    rosters and preferences read once, rows written in bulk. Obligations a member already
    has a reminder for are left as they are. Returns how many were planned."""
    now = now or utcnow()
    asks = [a for a in asks if a.person.is_active]
    if not asks:
        return 0
    start = min(max(a.earliest, now) for a in asks)
    end = max(a.latest for a in asks) + timedelta(days=1)
    availability = Availability(session, [a.person.id for a in asks], start, end)
    existing = set(
        session.execute(
            select(Reminder.person_id, Reminder.obligation).where(
                Reminder.person_id.in_({a.person.id for a in asks}),
                Reminder.obligation.in_({a.obligation for a in asks}),
            )
        ).all()
    )
    rows = []
    for ask in asks:
        if (ask.person.id, ask.obligation) in existing:
            continue
        existing.add((ask.person.id, ask.obligation))
        deliver_at, note = plan(
            session,
            ask.person,
            earliest=ask.earliest,
            latest=ask.latest,
            priority=ask.priority,
            now=now,
            availability=availability,
        )
        rows.append(
            {
                "id": uuid.uuid4(),
                "person_id": ask.person.id,
                "category": ask.category,
                "obligation": ask.obligation,
                "title": ask.title[:100],
                "reason": ask.reason[:200],
                "path": ask.path[:300],
                "due_at": ask.due_at,
                "earliest_at": ask.earliest,
                "latest_at": ask.latest,
                "priority": ask.priority,
                "status": ReminderStatus.planned,
                "deliver_at": deliver_at,
                "plan_note": note[:100],
                "snoozed": False,
                "created_at": now,
                "detail": ask.detail,
                "card_kind": ask.card[0] if ask.card else None,
                "card_params": ask.card[1] if ask.card else None,
                "card_key": ask.card[2] if ask.card else None,
            }
        )
    if rows:
        session.execute(insert(Reminder), rows)
    return len(rows)


def cancel(session: Session, obligation: str, reason: str) -> int:
    """The obligation is met (or gone): its planned reminders will not be sent."""
    rows = session.scalars(
        select(Reminder).where(Reminder.obligation == obligation, Reminder.status == ReminderStatus.planned)
    ).all()
    for row in rows:
        row.status, row.cancelled_reason = ReminderStatus.cancelled, reason[:100]
    return len(rows)
