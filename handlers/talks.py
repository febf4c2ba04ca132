"""谈心谈话 (domain notes §B2): before the 组织生活会 each committee member talks with every member
of the branch and the secretary with each committee member — a coverage matrix per branch and
year. A talk is recorded with its date and a short note that only the two people and the
secretary may read (encrypted at rest); a pair that could not talk is explained by the secretary.
The 组织生活会 is signed off as prepared only when no pair is left unexplained; until then, those
who owe talks are reminded before it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from handlers import audit, links, reminders, rules
from handlers.errors import Conflict, NotFound, ValidationFailed
from handlers.policy import Actor, can, load_actor, scope_orgs
from handlers.roles import branch_leaders
from models import (
    CommitteeSeat,
    Meeting,
    MeetingKind,
    MeetingSession,
    Member,
    OrgKind,
    PartyOrg,
    Person,
    ReminderPriority,
    Role,
    RoleGrant,
    Talk,
    TalkGap,
)
from models.base import CHINA, local_today, utcnow
from models.meeting import meeting_obligation

Pair = tuple[uuid.UUID, uuid.UUID]
MAX_NOTE = 500


def pair(a: uuid.UUID, b: uuid.UUID) -> Pair:
    return (a, b) if str(a) < str(b) else (b, a)


@dataclass(frozen=True)
class Coverage:
    org: PartyOrg
    year: int
    #: Who talks with everyone: the committee (with the secretary), and everyone in the branch.
    committee: list[Person]
    people: list[Person]
    done: set[Pair]
    explained: dict[Pair, str]

    @property
    def required(self) -> set[Pair]:
        return {pair(c.id, p.id) for c in self.committee for p in self.people if c.id != p.id}

    @property
    def gaps(self) -> list[Pair]:
        return sorted(self.required - self.done - set(self.explained), key=str)

    def owed_by(self, person_id: uuid.UUID) -> int:
        return sum(1 for a, b in self.gaps if person_id in (a, b))


def _branch(session: Session, actor: Actor, org_id: uuid.UUID, action: str = "meeting.manage") -> PartyOrg:
    org = session.get(PartyOrg, org_id)
    if org is None or org.kind != OrgKind.branch or not can(session, actor, action, obj=org):
        raise NotFound()
    return org


def _committee_and_people(session: Session, org: PartyOrg) -> tuple[list[Person], list[Person]]:
    people = list(
        session.scalars(
            select(Person)
            .join(Member, Member.person_id == Person.id)
            .where(Member.branch_id == org.id, Member.left_at.is_(None), Person.is_active.is_(True))
            .order_by(Person.name)
        )
    )
    seated = set(
        session.scalars(
            select(Member.person_id)
            .join(CommitteeSeat, CommitteeSeat.member_id == Member.id)
            .where(CommitteeSeat.org_id == org.id, CommitteeSeat.ended_on.is_(None))
        )
    )
    secretaries = set(
        session.scalars(
            select(RoleGrant.person_id).where(
                RoleGrant.org_id == org.id, RoleGrant.role == Role.secretary, RoleGrant.revoked_at.is_(None)
            )
        )
    )
    committee = [p for p in people if p.id in seated | secretaries]
    return committee, people


def coverage_of(session: Session, org: PartyOrg, year: int) -> Coverage:
    committee, people = _committee_and_people(session, org)
    done = {
        pair(a, b)
        for a, b in session.execute(
            select(Talk.first_id, Talk.second_id).where(Talk.org_id == org.id, Talk.year == year)
        )
    }
    explained = {
        pair(a, b): reason
        for a, b, reason in session.execute(
            select(TalkGap.first_id, TalkGap.second_id, TalkGap.reason).where(
                TalkGap.org_id == org.id, TalkGap.year == year
            )
        )
    }
    return Coverage(org, year, committee, people, done, explained)


def branches(session: Session, actor: Actor) -> list[PartyOrg]:
    """The branches whose talk plans the actor follows (those whose meetings they run)."""
    query = select(PartyOrg).where(PartyOrg.kind == OrgKind.branch).order_by(PartyOrg.path)
    return list(session.scalars(scope_orgs(actor, query, "meeting.manage")))


def coverage(session: Session, actor: Actor, org_id: uuid.UUID, year: int) -> Coverage:
    """The branch's plan for the year, for those who run its meetings (counts and pairs, no notes)."""
    return coverage_of(session, _branch(session, actor, org_id), year)


def _talk(
    session: Session,
    org: PartyOrg,
    label: str,
    first_id: uuid.UUID,
    second_id: uuid.UUID,
    held_on: date | None,
    note: str,
) -> Talk:
    plan = coverage_of(session, org, (held_on or local_today()).year)
    ids = {p.id for p in plan.people}
    if first_id == second_id or first_id not in ids or second_id not in ids:
        raise ValidationFailed("请选择本支部的两名党员。", field="second_id")
    if held_on is None or held_on > local_today():
        raise ValidationFailed("请填写谈话日期（不晚于今天）。", field="held_on")
    text = (note or "").strip()
    if len(text) > MAX_NOTE:
        raise ValidationFailed(f"谈话要点最多 {MAX_NOTE} 字。", field="note")
    a, b = pair(first_id, second_id)
    talk = Talk(org_id=org.id, year=held_on.year, first_id=a, second_id=b, held_on=held_on, recorded_by=label)
    talk.note = text or None
    session.add(talk)
    session.flush()
    return talk


@dataclass(frozen=True)
class Mine:
    """A branch where the person sits on the committee, with whom they still owe a talk."""

    org: PartyOrg
    year: int
    owed: list[Person]


def _seated(person: Person) -> Select:
    return (
        select(PartyOrg)
        .join(CommitteeSeat, CommitteeSeat.org_id == PartyOrg.id)
        .join(Member, Member.id == CommitteeSeat.member_id)
        .where(
            Member.person_id == person.id, CommitteeSeat.ended_on.is_(None), PartyOrg.kind == OrgKind.branch
        )
    )


def on_committee(session: Session, person: Person) -> bool:
    """Whether the person sits on a branch committee (the phone offers them 谈心谈话)."""
    return session.scalar(_seated(person).limit(1)) is not None


def mine(session: Session, person: Person) -> list[Mine]:
    """The talks a committee member owes this year, branch by branch (for their phone)."""
    year = local_today().year
    orgs = session.scalars(_seated(person)).all()
    found = []
    for org in orgs:
        plan = coverage_of(session, org, year)
        owed_ids = {b if a == person.id else a for a, b in plan.gaps if person.id in (a, b)}
        found.append(Mine(org, year, [p for p in plan.people if p.id in owed_ids]))
    return found


def record_own(
    session: Session,
    person: Person,
    *,
    org_id: uuid.UUID,
    other_id: uuid.UUID,
    held_on: date | None,
    note: str = "",
) -> Talk:
    """A committee member records a talk they held themselves, on their phone."""
    org = next((m.org for m in mine(session, person) if m.org.id == org_id), None)
    if org is None:
        raise NotFound()
    talk = _talk(session, org, person.name, person.id, other_id, held_on, note)
    audit.record(
        session,
        load_actor(session, person),
        "talk.record",
        object_type="org",
        object_id=org.id,
        detail={"year": talk.year},
    )
    return talk


def record(
    session: Session,
    actor: Actor,
    *,
    org_id: uuid.UUID,
    first_id: uuid.UUID,
    second_id: uuid.UUID,
    held_on: date | None,
    note: str = "",
) -> Talk:
    """A talk between two people of the branch, recorded by the secretary or the branch's leaders."""
    org = _branch(session, actor, org_id)
    talk = _talk(session, org, actor.label, first_id, second_id, held_on, note)
    audit.record(
        session, actor, "talk.record", object_type="org", object_id=org.id, detail={"year": talk.year}
    )
    return talk


def explain(
    session: Session,
    actor: Actor,
    *,
    org_id: uuid.UUID,
    year: int,
    first_id: uuid.UUID,
    second_id: uuid.UUID,
    reason: str,
) -> TalkGap:
    """The secretary explains a pair that did not talk (外出进修, 长期病假 …)."""
    org = _branch(session, actor, org_id)
    plan = coverage_of(session, org, year)
    key = pair(first_id, second_id)
    if key not in plan.required or key in plan.done:
        raise Conflict("这两人不在本年度谈心谈话计划的未谈名单中。")
    text = (reason or "").strip()
    if not 2 <= len(text) <= 200:
        raise ValidationFailed("请写明未能谈话的原因（2–200字）。", field="reason")
    row = TalkGap(
        org_id=org.id, year=year, first_id=key[0], second_id=key[1], reason=text, explained_by=actor.label
    )
    session.add(row)
    session.flush()
    audit.record(session, actor, "talk.explain", object_type="org", object_id=org.id, detail={"year": year})
    return row


def notes_for(session: Session, actor: Actor, org_id: uuid.UUID, year: int) -> list[Talk]:
    """The year's talks whose notes the reader may see: their own, and all for the secretary."""
    org = _branch(session, actor, org_id)
    talks = session.scalars(
        select(Talk).where(Talk.org_id == org.id, Talk.year == year).order_by(Talk.held_on.desc())
    ).all()
    role, leaders = branch_leaders(session, org)
    secretary = role == Role.secretary and any(p.id == actor.person_id for p in leaders)
    return [t for t in talks if secretary or actor.person_id in (t.first_id, t.second_id)]


def is_org_life(session: Session, meeting: Meeting) -> bool:
    return bool(
        session.scalar(
            select(meeting_obligation.c.kind).where(
                meeting_obligation.c.meeting_id == meeting.id,
                meeting_obligation.c.kind == MeetingKind.org_life_meeting,
            )
        )
    )


def _first_session(session: Session, meeting: Meeting) -> datetime | None:
    return session.scalar(
        select(MeetingSession.starts_at)
        .where(MeetingSession.meeting_id == meeting.id)
        .order_by(MeetingSession.starts_at)
    )


def for_meeting(session: Session, meeting: Meeting) -> Coverage | None:
    """The talks plan a 组织生活会 waits on (the year of its first session); None for other kinds."""
    if not is_org_life(session, meeting):
        return None
    starts = _first_session(session, meeting)
    return coverage_of(
        session, meeting.org, (starts.astimezone(CHINA).date() if starts else local_today()).year
    )


def prepare(session: Session, actor: Actor, meeting_id: uuid.UUID) -> Meeting:
    """Sign a 组织生活会 off as prepared: refused while any pair of the year's talks is neither
    held nor explained."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or not can(session, actor, "meeting.manage", obj=meeting.org):
        raise NotFound()
    plan = for_meeting(session, meeting)
    if plan is None:
        raise Conflict("只有组织生活会需要确认谈心谈话准备情况。")
    if plan.gaps:
        raise ValidationFailed(
            f"谈心谈话还有 {len(plan.gaps)} 对未谈，请完成谈话或写明原因后再确认准备就绪。", field="meeting"
        )
    meeting.prepared_at, meeting.prepared_by = utcnow(), actor.label
    audit.record(session, actor, "meeting.prepared", object_type="meeting", object_id=meeting.id)
    return meeting


def queue_reminders(session: Session, today: date) -> int:
    """Daily: for each 组织生活会 within the rule's days and not yet prepared, everyone on the
    committee who still owes talks is reminded (one reminder per person and meeting)."""
    ahead = int(rules.value(session, "talk.remind_days_before", today))
    start = datetime.combine(today, time(0), CHINA)
    upcoming = session.execute(
        select(Meeting, MeetingSession.starts_at)
        .join(MeetingSession, MeetingSession.meeting_id == Meeting.id)
        .join(meeting_obligation, meeting_obligation.c.meeting_id == Meeting.id)
        .where(
            meeting_obligation.c.kind == MeetingKind.org_life_meeting,
            Meeting.prepared_at.is_(None),
            MeetingSession.starts_at >= start,
            MeetingSession.starts_at < start + timedelta(days=ahead + 1),
        )
    ).all()
    now, asks, seen = utcnow(), [], set()
    for meeting, starts in upcoming:
        if meeting.id in seen:
            continue
        seen.add(meeting.id)
        plan = coverage_of(session, meeting.org, starts.astimezone(CHINA).year)
        for person in plan.committee:
            owed = plan.owed_by(person.id)
            if owed:
                asks.append(
                    reminders.Ask(
                        person,
                        "talk_due",
                        f"talk_due:{meeting.id}:{person.id}",
                        f"组织生活会前还有 {owed} 人待谈心谈话",
                        f"{meeting.topic}于{starts.astimezone(CHINA):%m月%d日}召开，请在会前完成谈心谈话。",
                        links.page("admin.talk_plan", org_id=meeting.org_id, year=plan.year),
                        due_at=starts,
                        earliest=now,
                        latest=min(starts, now + timedelta(days=2)),
                        priority=ReminderPriority.normal,
                    )
                )
    return reminders.remind_many(session, asks, now=now) if asks else 0


@reminders.obligation_check("talk_due")
def _talks_done(session: Session, key: str) -> bool:
    meeting_id, person_id = (uuid.UUID(part) for part in key.split(":"))
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.prepared_at is not None:
        return True
    plan = for_meeting(session, meeting)
    return plan is None or plan.owed_by(person_id) == 0
