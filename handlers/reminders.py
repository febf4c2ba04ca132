"""The reminder engine: features say what is owed and when a reminder is useful; this module
picks the moment and, when it comes, sends it once — alone, or in one digest with others.

Planning (`remind`): the first moment inside the acceptable window that is outside the
member's quiet hours and the rest after a night shift, and — unless urgent — not during a
shift; never on WeCom's :00 and :30 peaks. Without a roster only quiet hours apply.

Dispatching (`dispatch_due`, run every minute by jobs/reminders.py): claim what is due with
row locks (SKIP LOCKED, so several dispatchers share the work and none takes a row twice),
cancel what the obligation no longer needs (checked just before sending), hold what would
exceed the member's hourly allowance, and write the outbox rows — in the same transaction
that marks the reminders sent, so a dispatcher killed mid-batch leaves them all planned.
The outbox then keeps every member within WeCom's 30/minute and 1,000/hour.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from handlers import audit, rules
from handlers.errors import Forbidden, ValidationFailed
from handlers.paging import Page, paginate
from handlers.policy import Actor, holds
from models import (
    OutboundMessage,
    Person,
    Reminder,
    ReminderPause,
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
}
STATUS_LABELS = {
    ReminderStatus.planned: "待发送",
    ReminderStatus.sent: "已发送",
    ReminderStatus.cancelled: "已取消",
    ReminderStatus.failed: "发送失败",
}
#: Never folded into a digest nor held for the hourly allowance.
PROMPT = (ReminderPriority.immediate, ReminderPriority.urgent)
#: WeCom accepts up to 1,000 recipients per message/send call.
MAX_RECIPIENTS = 1000
#: How many reminders one dispatcher run claims.
BATCH = 5000

# -- obligations: is the reminder still needed? ----------------------------------------------------

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


# -- planning ---------------------------------------------------------------------------------


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


def snooze(session: Session, person: Person, reminder_id: object, now: datetime | None = None) -> Reminder:
    """Once per reminder: ask again later (an hour on, or the end of the window), replanned."""
    from handlers.errors import Conflict, NotFound

    now = now or utcnow()
    row = session.get(Reminder, reminder_id)
    if row is None or row.person_id != person.id:
        raise NotFound("提醒不存在。")
    if row.snoozed:
        raise Conflict("每条提醒只能稍后提醒一次。")
    if is_met(session, row.obligation):
        raise Conflict("这件事已经办好了，不需要再提醒。")
    later = min(now + timedelta(hours=1), row.latest_at)
    row.deliver_at, row.plan_note = plan(
        session, person, earliest=later, latest=max(later, row.latest_at), priority=row.priority, now=now
    )
    row.status, row.snoozed, row.sent_at = ReminderStatus.planned, True, None
    return row


# -- dispatching ------------------------------------------------------------------------------


@dataclass
class DispatchReport:
    sent: int = 0
    digests: int = 0
    cancelled: int = 0
    held: int = 0
    calls: int = 0

    def __str__(self) -> str:
        return (
            f"{self.sent} sent ({self.digests} digests, {self.calls} outbox rows), "
            f"{self.cancelled} cancelled, {self.held} held for the hourly limit"
        )


def dispatch_due(session: Session, now: datetime | None = None, batch: int = BATCH) -> DispatchReport:
    """Send what is due now: one transaction, its rows locked so no other dispatcher takes them."""
    now = now or utcnow()
    report = DispatchReport()
    paused = set(session.scalars(select(ReminderPause.category)))
    query = (
        select(Reminder)
        .where(Reminder.status == ReminderStatus.planned, Reminder.deliver_at <= now)
        .order_by(Reminder.deliver_at)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    if paused:
        query = query.where(Reminder.category.not_in(paused))
    due = session.scalars(query).all()
    by_person: dict = defaultdict(list)
    for row in due:
        if is_met(session, row.obligation):
            row.status, row.cancelled_reason = ReminderStatus.cancelled, "事项已办理，无需提醒"
            report.cancelled += 1
            continue
        by_person[row.person_id].append(row)
    if not by_person:
        return report
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(list(by_person))))}
    allowance = rules.value(session, "reminder.max_per_hour", now.date())
    sent_this_hour = dict(
        session.execute(
            select(Reminder.person_id, func.count(func.distinct(Reminder.outbox_key)))
            .where(Reminder.person_id.in_(list(by_person)), Reminder.sent_at > now - timedelta(hours=1))
            .group_by(Reminder.person_id)
        ).all()
    )
    singles: dict[tuple, list[tuple[Person, Reminder]]] = defaultdict(list)
    shared_cards: dict[tuple, list[tuple[Person, Reminder]]] = defaultdict(list)
    for person_id, rows in by_person.items():
        person = people[person_id]
        # Urgent ones and feature cards go alone; the rest due together fold into one digest.
        alone = [r for r in rows if r.priority in PROMPT or r.card_kind]
        rest = [r for r in rows if r not in alone]
        messages = [[r] for r in alone] + ([rest] if rest else [])
        budget = allowance - sent_this_hour.get(person_id, 0)
        for message in messages:
            # An urgent reminder is never held (a meeting in 30 minutes cannot wait an hour);
            # WeCom's own per-member limits still apply to it in the outbox.
            if budget <= 0 and message[0].priority not in PROMPT:
                # Over the member's hourly allowance: wait for the next hour, in one digest.
                for r in message:
                    r.deliver_at, r.plan_note = now + timedelta(hours=1), "本小时提醒已达上限，稍后合并发送"
                report.held += len(message)
                continue
            budget -= 1
            if message[0].card_kind and not message[0].card_key:
                # A card without a per-member key (a campaign's lesson card) is the same for
                # everyone who gets it at this moment: one call for up to 1,000 of them.
                r = message[0]
                shared_cards[(r.card_kind, json.dumps(r.card_params, sort_keys=True))].append((person, r))
            elif message[0].card_kind:
                _send_card(session, person, message[0], now)
                report.calls += 1
            elif len(message) == 1:
                r = message[0]
                singles[(r.category, r.title, r.reason, r.path, r.detail)].append((person, r))
            else:
                _send_digest(session, person, message, now)
                report.digests += 1
                report.calls += 1
            report.sent += len(message)
    for (category, title, reason, path, detail), recipients in singles.items():
        # Identical notices for many members at once go out as one call (≤ 1,000 each).
        for chunk in _chunks(recipients, MAX_RECIPIENTS):
            key = f"reminder:{chunk[0][1].id}"
            session.add(
                OutboundMessage(
                    kind="reminder",
                    to_users="|".join(p.wecom_userid for p, _ in chunk),
                    params={
                        "title": title,
                        "reason": reason,
                        "path": path,
                        "category": category,
                        "detail": detail,
                        "reminder_id": str(chunk[0][1].id) if len(chunk) == 1 else None,
                    },
                    dedupe_key=key,
                )
            )
            for _, r in chunk:
                r.status, r.sent_at, r.outbox_key = ReminderStatus.sent, now, key
            report.calls += 1
    for (card_kind, _), recipients in shared_cards.items():
        for chunk in _chunks(recipients, MAX_RECIPIENTS):
            key = f"reminder:{chunk[0][1].id}"
            session.add(
                OutboundMessage(
                    kind=card_kind,
                    to_users="|".join(p.wecom_userid for p, _ in chunk),
                    # The batch key gives interactive cards a task id of their own per call.
                    params={**chunk[0][1].card_params, "batch": key},
                    dedupe_key=key,
                )
            )
            for _, r in chunk:
                r.status, r.sent_at, r.outbox_key = ReminderStatus.sent, now, key
            report.calls += 1
    session.flush()
    return report


def _send_card(session: Session, person: Person, row: Reminder, now: datetime) -> None:
    """The feature's own card (interactive buttons and all), under the key it is known by."""
    session.add(
        OutboundMessage(
            kind=row.card_kind,
            to_users=person.wecom_userid,
            params=row.card_params,
            dedupe_key=row.card_key or f"reminder:{row.id}",
        )
    )
    row.status, row.sent_at, row.outbox_key = ReminderStatus.sent, now, row.card_key or f"reminder:{row.id}"


def _send_digest(session: Session, person: Person, rows: list[Reminder], now: datetime) -> None:
    key = f"reminder_digest:{rows[0].id}"
    session.add(
        OutboundMessage(
            kind="reminder_digest",
            to_users=person.wecom_userid,
            params={"items": [{"title": r.title, "reason": r.reason, "path": r.path} for r in rows]},
            dedupe_key=key,
        )
    )
    for r in rows:
        r.status, r.sent_at, r.outbox_key = ReminderStatus.sent, now, key


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# -- the committee office's view ----------------------------------------------------------------


def page_of(session: Session, *, status: str | None, category: str | None, page: int | None) -> Page:
    """Reminders newest first, for the console (the office sees every member's, with reasons)."""
    query = select(Reminder)
    if status:
        try:
            query = query.where(Reminder.status == ReminderStatus(status))
        except ValueError:
            raise ValidationFailed("状态不正确。", field="status") from None
    if category:
        query = query.where(Reminder.category == category)
    return paginate(
        session, query, page=page, per_page=50, order_by=(Reminder.deliver_at.desc(), Reminder.id)
    )


def scoped_page(
    session: Session,
    actor: Actor,
    *,
    status: str | None,
    category: str | None,
    page: int | None,
    per_page: int,
) -> Page:
    """Reminders of the members the actor may see (the API): the office sees everyone's, a
    branch its members'. What and why, never more than the console shows."""
    from handlers.policy import scope_members
    from models import Member

    visible = scope_members(actor, select(Member.person_id))
    query = select(Reminder).where(Reminder.person_id.in_(visible))
    if status:
        try:
            query = query.where(Reminder.status == ReminderStatus(status))
        except ValueError:
            raise ValidationFailed("状态不正确。", field="status") from None
    if category:
        query = query.where(Reminder.category == category)
    return paginate(
        session, query, page=page, per_page=per_page, order_by=(Reminder.deliver_at.desc(), Reminder.id)
    )


def counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(Reminder.status, func.count()).group_by(Reminder.status)).all()
    return {status.value: n for status, n in rows}


def paused(session: Session) -> set[str]:
    return set(session.scalars(select(ReminderPause.category)))


def set_paused(session: Session, actor: Actor, category: str, pause: bool) -> None:
    """Pause (or resume) a category hospital-wide: planned reminders wait, none is lost."""
    if not holds(actor, "reminder.manage"):
        raise Forbidden("只有党委组织部可以暂停提醒。")
    if category not in CATEGORY_LABELS:
        raise ValidationFailed("提醒类别不正确。", field="category")
    row = session.get(ReminderPause, category)
    if pause and row is None:
        session.add(ReminderPause(category=category, paused_by=actor.label[:100]))
    elif not pause and row is not None:
        session.delete(row)
    session.flush()
    audit.record(
        session,
        actor,
        "reminder.pause" if pause else "reminder.resume",
        object_type="reminder_category",
        object_id=category,
    )


def mine(session: Session, person: Person, limit: int = 30) -> list[Reminder]:
    """What the member was reminded of (sent), newest first: the page says why each came."""
    return list(
        session.scalars(
            select(Reminder)
            .where(Reminder.person_id == person.id, Reminder.status == ReminderStatus.sent)
            .order_by(Reminder.sent_at.desc())
            .limit(limit)
        )
    )


def set_preference(
    session: Session,
    person: Person,
    *,
    quiet_start: time | None,
    quiet_end: time | None,
    preferred: time | None,
) -> ReminderPreference:
    if (quiet_start is None) != (quiet_end is None):
        raise ValidationFailed(
            "免打扰时段请同时填写开始和结束，或都不填（使用医院默认）。", field="quiet_end"
        )
    row = session.get(ReminderPreference, person.id) or ReminderPreference(person_id=person.id)
    row.quiet_start, row.quiet_end, row.preferred_time, row.updated_at = (
        quiet_start,
        quiet_end,
        preferred,
        utcnow(),
    )
    session.add(row)
    session.flush()
    from handlers.rosters import replan

    replan(session, {person.id}, utcnow())
    return row
