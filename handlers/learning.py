"""Lessons and honest study time: the library (drafts, proposals, review), reading, this year's
hours, what is due and what to read next, and the API's views of lessons and study records.

Time is counted by the server: the lesson page sends a heartbeat every BEAT_SECONDS while it is
visible (a tab in the background sends none; a video page also says how long it played), and
each beat adds the time since the previous one, at most BEAT_CAP — so a page left open in a
drawer, a replayed request or a forged one cannot add more than really passed, and nothing
beyond the lesson's own length counts. Completion credits the lesson's hours once per member
and lesson. Quizzes are handlers/quizzes.py, points handlers/points.py, campaigns
handlers/campaigns.py; nothing here ranks anyone.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

import nh3
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from handlers import audit, points, quizzes, reminders, rules
from handlers.errors import Conflict, Forbidden, NotFound, ValidationFailed
from handlers.media import StoredMedia
from handlers.paging import Page, paginate
from handlers.policy import Actor, can, holds, scope_orgs
from handlers.validation import require_text
from models import (
    Attendance,
    Lesson,
    LessonKind,
    LessonStatus,
    MeetingKind,
    MeetingSession,
    PartyOrg,
    Person,
    ReminderPriority,
    StudyRecord,
    TrainingAttendance,
    TrainingDay,
    meeting_obligation,
)
from models.base import CHINA, utcnow

BEAT_SECONDS = 15
#: A beat counts at most this much: a little over the interval, for a slow phone network.
BEAT_CAP = 20
#: A page's own count may run ahead of the server's clock by this much (network jitter).
CLAIM_TOLERANCE = 3
#: What an article may keep: text structure, emphasis, lists, tables, images and plain links.
ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "blockquote",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
    "a",
    "span",
    "hr",
}


def sanitize(html: str) -> str:
    """Article HTML as it may be stored: a stored script never runs."""
    return nh3.clean(html or "", tags=ALLOWED_TAGS, url_schemes={"http", "https"})


#: Who a lesson is meant for (recommendations and campaign audiences use these).
AUDIENCE_ROLES = {
    "secretary": "支部书记",
    "organizer": "组织委员",
    "committee": "支委会成员",
    "new_member": "新党员（预备期或入党一年内）",
}
KIND_LABELS = {
    LessonKind.article: "图文",
    LessonKind.link: "内网链接",
    LessonKind.video: "视频",
    LessonKind.audio: "音频",
    LessonKind.document: "PDF 文档",
    LessonKind.quiz: "测验",
}
STATUS_LABELS = {
    LessonStatus.draft: "草稿",
    LessonStatus.proposed: "待审核",
    LessonStatus.published: "已发布",
    LessonStatus.archived: "已下架",
}
#: Video and audio complete when this share of their length was watched (visible and playing).
WATCHED_PERCENT = 90


def _office(actor: Actor) -> bool:
    return holds(actor, "org.manage")


@dataclass
class LessonDraft:
    """What the console's lesson form says (strings as typed; checked by save_lesson)."""

    kind: str
    title: str
    summary: str = ""
    body_html: str = ""
    url: str = ""
    credit_hours: str = ""
    min_minutes: str = ""
    tags: str = ""
    audience_roles: tuple[str, ...] = ()
    source: str = ""
    quiz_text: str = ""
    pass_percent: str = ""
    #: A proposing secretary's branch.
    propose_for: uuid.UUID | None = None


def save_lesson(
    session: Session,
    actor: Actor,
    draft: LessonDraft,
    *,
    lesson_id: uuid.UUID | None = None,
    media: StoredMedia | None = None,
    cover: StoredMedia | None = None,
) -> Lesson:
    """Create a lesson (the office: a draft; a branch's secretary: a proposal for their branch)
    or edit one that is not published yet. Files were stored (handlers.media) by the caller."""
    lesson = _editable(session, actor, lesson_id) if lesson_id else None
    try:
        kind = LessonKind(draft.kind)
    except ValueError:
        raise ValidationFailed("请选择课程类型。", field="kind") from None
    try:
        credit = Decimal(draft.credit_hours)
    except InvalidOperation:
        credit = Decimal(-1)
    if not Decimal("0") <= credit <= Decimal("8") or credit.as_tuple().exponent < -1:
        raise ValidationFailed("学时应为 0–8，最多一位小数。", field="credit_hours")
    minutes = str(draft.min_minutes).strip()
    if kind == LessonKind.quiz:
        minutes = minutes or "1"
    if not minutes.isdigit() or not 1 <= int(minutes) <= 600:
        label = "视频/音频时长" if kind in (LessonKind.video, LessonKind.audio) else "有效学习时长"
        raise ValidationFailed(f"{label}应为 1–600 分钟。", field="min_minutes")
    body = sanitize(draft.body_html)
    if kind == LessonKind.article and not body.strip():
        raise ValidationFailed("请填写文章内容。", field="body_html")
    url = (draft.url or "").strip()
    has_file = media is not None or (lesson is not None and lesson.media_name and lesson.kind == kind)
    if kind == LessonKind.link and not url.startswith(("http://", "https://")):
        raise ValidationFailed("请填写以 http:// 或 https:// 开头的链接。", field="url")
    if kind in (LessonKind.video, LessonKind.audio, LessonKind.document) and not has_file:
        if not url.startswith(("http://", "https://")):
            raise ValidationFailed("请上传文件，或填写院内媒体地址（http:// 或 https://）。", field="media")
    if media is not None and not _media_fits(kind, media.content_type):
        raise ValidationFailed(f"上传的文件不是{KIND_LABELS[kind]}。", field="media")
    roles = tuple(r for r in draft.audience_roles if r)
    if any(r not in AUDIENCE_ROLES for r in roles):
        raise ValidationFailed("适用对象不正确。", field="audience_roles")
    org_id = _proposal_org(session, actor, draft.propose_for, lesson)
    if lesson is None:
        lesson = Lesson(created_by=actor.label[:100], status=LessonStatus.draft)
        session.add(lesson)
    lesson.kind, lesson.credit_hours = kind, credit
    lesson.title = require_text(draft.title, "title", "标题", 100)
    lesson.summary = (draft.summary or "").strip()[:200]
    lesson.body_html = body if kind == LessonKind.article else ""
    lesson.url = url or None
    # Video and audio: the length is typed in minutes; completion is WATCHED_PERCENT of it.
    seconds = int(minutes) * 60
    if kind in (LessonKind.video, LessonKind.audio):
        seconds = seconds * WATCHED_PERCENT // 100
    lesson.min_seconds = seconds
    lesson.tags = ",".join(t.strip() for t in draft.tags.replace("，", ",").split(",") if t.strip())[:200]
    lesson.audience_roles = ",".join(roles)
    lesson.source = (draft.source or "").strip()[:100]
    if media is not None:
        lesson.media_name, lesson.media_type, lesson.media_size = media.name, media.content_type, media.size
    if cover is not None:
        lesson.cover_name = cover.name
    lesson.proposed_for_org_id = org_id
    if org_id is not None:
        lesson.status, lesson.review_note = LessonStatus.proposed, None
    session.flush()
    if draft.quiz_text.strip() or kind == LessonKind.quiz or lesson.pass_percent is not None:
        quizzes.replace_quiz(session, lesson, draft.quiz_text, draft.pass_percent)
    audit.record(
        session,
        actor,
        "lesson.propose" if org_id else ("lesson.edit" if lesson_id else "lesson.create"),
        object_type="lesson",
        object_id=lesson.id,
    )
    return lesson


def create_lesson(
    session: Session,
    actor: Actor,
    *,
    kind: str,
    title: str,
    summary: str,
    body_html: str = "",
    url: str = "",
    credit_hours: str,
    min_minutes: str,
    tags: str = "",
    source: str = "",
) -> Lesson:
    """A lesson from keyword arguments (the office's draft); see save_lesson."""
    draft = LessonDraft(
        kind=kind,
        title=title,
        summary=summary,
        body_html=body_html,
        url=url,
        credit_hours=credit_hours,
        min_minutes=min_minutes,
        tags=tags,
        source=source,
    )
    return save_lesson(session, actor, draft)


def typed_minutes(lesson: Lesson) -> int:
    """The minutes the form was given (a video's length, not the 90% that completes it)."""
    if lesson.kind in (LessonKind.video, LessonKind.audio):
        return round(lesson.min_seconds * 100 / WATCHED_PERCENT / 60)
    return max(1, lesson.min_seconds // 60)


def _media_fits(kind: LessonKind, content_type: str) -> bool:
    return content_type.startswith({"video": "video/", "audio": "audio/"}.get(kind.value, "application/pdf"))


def _editable(session: Session, actor: Actor, lesson_id: uuid.UUID) -> Lesson:
    lesson = session.get(Lesson, lesson_id)
    if lesson is None:
        raise NotFound("课程不存在。")
    if lesson.status not in (LessonStatus.draft, LessonStatus.proposed):
        raise Conflict("已发布的课程不能修改（学员的学习记录以发布时的内容为准）；如需调整请下架后新建。")
    if not _office(actor) and not _proposer_of(session, actor, lesson):
        raise Forbidden("只能修改本支部提议的课程。")
    return lesson


def _proposer_of(session: Session, actor: Actor, lesson: Lesson) -> bool:
    org = session.get(PartyOrg, lesson.proposed_for_org_id) if lesson.proposed_for_org_id else None
    return org is not None and can(session, actor, "lesson.propose", org)


def _proposal_org(
    session: Session, actor: Actor, propose_for: uuid.UUID | None, lesson: Lesson | None
) -> uuid.UUID | None:
    """The office writes drafts; anyone else proposes, for a branch they manage."""
    if _office(actor):
        return None
    if not holds(actor, "lesson.propose"):
        raise Forbidden("只有党委组织部或支部书记、组织委员可以提交课程。")
    org_id = propose_for or (lesson.proposed_for_org_id if lesson else None)
    org = session.get(PartyOrg, org_id) if org_id else None
    if org is None or not can(session, actor, "lesson.propose", org):
        raise Forbidden("只能为本人负责的党组织提议课程。")
    return org.id


def set_status(session: Session, actor: Actor, lesson_id: uuid.UUID, status: str, note: str = "") -> Lesson:
    """The office's review: publish (a draft or a proposal), return a proposal with a note,
    archive a published lesson. A proposer may withdraw their proposal to a draft."""
    lesson = session.get(Lesson, lesson_id)
    if lesson is None:
        raise NotFound("课程不存在。")
    try:
        target = LessonStatus(status)
    except ValueError:
        raise ValidationFailed("状态不正确。", field="status") from None
    if not _office(actor):
        if not (target == LessonStatus.draft and lesson.status == LessonStatus.proposed):
            raise Forbidden("只有党委组织部可以编辑和发布课程。")
        if not _proposer_of(session, actor, lesson):
            raise Forbidden("只能撤回本支部提议的课程。")
    allowed = {
        LessonStatus.draft: {LessonStatus.published},
        LessonStatus.proposed: {LessonStatus.published, LessonStatus.draft},
        LessonStatus.published: {LessonStatus.archived},
        LessonStatus.archived: {LessonStatus.published},
    }
    if target not in allowed[lesson.status]:
        raise Conflict(f"课程当前为“{STATUS_LABELS[lesson.status]}”，不能改为“{STATUS_LABELS[target]}”。")
    if target == LessonStatus.published and lesson.pass_percent is not None:
        if not quizzes.questions_of(session, lesson):
            raise Conflict("测验还没有题目，不能发布。")
    if lesson.status == LessonStatus.proposed and target == LessonStatus.draft and _office(actor):
        lesson.review_note = require_text(note, "note", "退回意见", 200)
    lesson.status = target
    if target == LessonStatus.published and lesson.published_at is None:
        lesson.published_at = utcnow()
    audit.record(session, actor, f"lesson.{target.value}", object_type="lesson", object_id=lesson.id)
    return lesson


def all_lessons(session: Session, actor: Actor) -> list[Lesson]:
    """The console's library: the office sees every lesson; a branch's managers see what is
    published and the proposals for the branches they manage."""
    query = select(Lesson).order_by(Lesson.created_at.desc())
    if not _office(actor):
        mine = scope_orgs(actor, select(PartyOrg.id), "lesson.propose")
        query = query.where(
            or_(
                Lesson.status.in_((LessonStatus.published, LessonStatus.archived)),
                Lesson.proposed_for_org_id.in_(mine),
            )
        )
    return list(session.scalars(query))


def console_lesson(session: Session, actor: Actor, lesson_id: uuid.UUID) -> Lesson:
    """One lesson as the console's library shows it to the actor (all_lessons' rule), or NotFound."""
    lesson = session.get(Lesson, lesson_id)
    shown = lesson is not None and (
        _office(actor)
        or lesson.status in (LessonStatus.published, LessonStatus.archived)
        or _proposer_of(session, actor, lesson)
    )
    if not shown:
        raise NotFound("课程不存在。")
    return lesson


def published(session: Session, limit: int | None = None) -> list[Lesson]:
    query = select(Lesson).where(Lesson.status == LessonStatus.published).order_by(Lesson.published_at.desc())
    return list(session.scalars(query.limit(limit) if limit else query))


def roles_of(session: Session, person: Person, today: date | None = None) -> set[str]:
    """Which AUDIENCE_ROLES a member has: their grants, a live committee seat, being new."""
    from handlers.policy import load_actor
    from models import CommitteeSeat, MemberStatus, Role

    member = person.membership
    if member is None:
        return set()
    today = today or utcnow().astimezone(CHINA).date()
    roles = {
        {Role.secretary: "secretary", Role.organizer: "organizer"}[g.role]
        for g in load_actor(session, person).grants
        if g.role in (Role.secretary, Role.organizer)
    }
    if session.scalar(
        select(CommitteeSeat.id).where(CommitteeSeat.member_id == member.id, CommitteeSeat.ended_on.is_(None))
    ):
        roles.add("committee")
    if member.status == MemberStatus.probationary or (
        member.joined_on and member.joined_on > today - timedelta(days=365)
    ):
        roles.add("new_member")
    return roles


@dataclass(frozen=True)
class DueLesson:
    lesson: Lesson
    deadline: datetime
    campaign_title: str


@dataclass(frozen=True)
class StudyPlan:
    """A member's lesson page: what a campaign asked of them, and what to read next."""

    due: list[DueLesson]
    next_for_you: list[Lesson]
    records: dict


#: Recommendations look at this many of the newest published lessons (a library grows for years).
RECOMMEND_FROM = 200


def plan_for(
    session: Session, person: Person, now: datetime | None = None, suggestions: int = 3
) -> StudyPlan:
    """What is due (campaign lessons not completed, nearest deadline first) and "next for you":
    published lessons not done yet, chosen from the member's roles and the themes (tags) of
    what they completed — never from what others clicked, liked or how long anyone stayed.
    With suggestions=0 only what is due is worked out (the hours page)."""
    from models import Campaign, CampaignRecipient

    now = now or utcnow()
    member = person.membership
    newest = (
        list(
            session.scalars(
                select(Lesson)
                .where(Lesson.status == LessonStatus.published)
                .order_by(Lesson.published_at.desc())
                .limit(RECOMMEND_FROM)
            )
        )
        if suggestions
        else []
    )
    if member is None:
        return StudyPlan([], newest[:suggestions], {})
    campaigns = session.scalars(
        select(Campaign)
        .join(CampaignRecipient, CampaignRecipient.campaign_id == Campaign.id)
        .where(CampaignRecipient.member_id == member.id, Campaign.deadline > now - timedelta(days=30))
        .order_by(Campaign.deadline)
    ).all()
    asked = {uuid.UUID(i) for c in campaigns for i in c.lesson_ids}
    by_id = {lesson.id: lesson for lesson in newest}
    missing = asked - set(by_id)
    if missing:
        by_id.update(
            (lesson.id, lesson)
            for lesson in session.scalars(
                select(Lesson).where(Lesson.id.in_(missing), Lesson.status == LessonStatus.published)
            )
        )
    records = {
        r.lesson_id: r
        for r in session.scalars(
            select(StudyRecord).where(
                StudyRecord.member_id == member.id, StudyRecord.lesson_id.in_(list(by_id))
            )
        )
    }
    due: dict = {}
    for campaign in campaigns:
        for lesson_id in campaign.lesson_ids:
            lesson = by_id.get(uuid.UUID(lesson_id))
            record = records.get(lesson.id) if lesson else None
            if lesson and not (record and record.completed_at) and lesson.id not in due:
                due[lesson.id] = DueLesson(lesson, campaign.deadline, campaign.title)
    if not suggestions:
        return StudyPlan(list(due.values()), [], records)
    roles = roles_of(session, person, now.astimezone(CHINA).date())
    themes = {t for r in records.values() if r.completed_at for t in by_id[r.lesson_id].tag_list}

    def fit(lesson: Lesson) -> tuple:
        meant_for_me = bool(set(lesson.role_list) & roles)
        meant_for_others = bool(lesson.role_list) and not meant_for_me
        return (-meant_for_me, meant_for_others, -len(set(lesson.tag_list) & themes))

    candidates = [
        lesson
        for lesson in newest  # newest first; the sort below is stable
        if lesson.id not in due and not (records.get(lesson.id) and records[lesson.id].completed_at)
    ]
    return StudyPlan(list(due.values()), sorted(candidates, key=fit)[:suggestions], records)


def published_lesson(session: Session, lesson_id: uuid.UUID | str) -> Lesson:
    """A lesson members may open (published), or NotFound."""
    try:
        lesson = session.get(Lesson, uuid.UUID(str(lesson_id)))
    except ValueError:
        lesson = None
    if lesson is None or lesson.status != LessonStatus.published:
        raise NotFound("课程不存在或已下架。")
    return lesson


def open_lesson(
    session: Session, person: Person, lesson_id: uuid.UUID | str, now: datetime | None = None
) -> StudyRecord:
    """The member opens a lesson: their record for it (created once; reopening keeps it)."""
    now = now or utcnow()
    lesson = published_lesson(session, lesson_id)
    member = person.membership
    if member is None:
        raise Forbidden("课程学习记录仅对党员开放。")
    record = session.scalar(
        select(StudyRecord).where(StudyRecord.member_id == member.id, StudyRecord.lesson_id == lesson.id)
    )
    if record is None:
        record = StudyRecord(
            member_id=member.id, lesson_id=lesson.id, year=now.astimezone(CHINA).year, opened_at=now
        )
        session.add(record)
    record.last_beat_at = now  # counting starts from this opening, not from the last visit
    session.flush()
    return record


def beat(
    session: Session,
    person: Person,
    lesson_id: uuid.UUID | str,
    now: datetime | None = None,
    claimed: int | None = None,
) -> StudyRecord:
    """One heartbeat from a visible lesson page: add the time since the previous one (at most
    BEAT_CAP, never past the lesson's length); complete and credit once.

    `claimed` is what the page says it counted since its last beat (a video page counts only
    while the video plays, so a paused video claims 0). It can lower what is counted, never
    raise it: a claim of more time than has passed is ignored and audited."""
    now = now or utcnow()
    lesson = published_lesson(session, lesson_id)
    member = person.membership
    record = (
        session.scalar(
            select(StudyRecord)
            .where(StudyRecord.member_id == member.id, StudyRecord.lesson_id == lesson.id)
            .with_for_update()
        )
        if member
        else None
    )
    if record is None or record.last_beat_at is None:
        # A beat for a lesson this member never opened: counted as nothing, and noted.
        _refused_beat(session, person, lesson, {"reason": "not_opened"})
        raise Forbidden("请先打开课程。")
    elapsed = max(0.0, (now - record.last_beat_at).total_seconds())
    record.last_beat_at = now
    counted = min(elapsed, BEAT_CAP)
    if claimed is not None:
        if claimed > elapsed + CLAIM_TOLERANCE:
            _refused_beat(
                session, person, lesson, {"reason": "overclaim", "claimed": claimed, "elapsed": int(elapsed)}
            )
        counted = min(counted, max(claimed, 0))
    record.seconds = min(lesson.min_seconds, record.seconds + int(counted))
    # A standalone quiz is completed by passing it, not by time.
    if (
        record.completed_at is None
        and record.seconds >= lesson.min_seconds
        and lesson.kind != LessonKind.quiz
    ):
        record.completed_at, record.credited_hours = now, lesson.credit_hours
        points.award(session, member, "lesson", f"lesson:{lesson.id}", f"完成课程：{lesson.title}", now=now)
    return record


def _refused_beat(session: Session, person: Person, lesson: Lesson, detail: dict) -> None:
    audit.record(
        session,
        Actor(kind="person", id=str(person.id), label=person.name, person_id=person.id),
        "study.beat_refused",
        object_type="lesson",
        object_id=lesson.id,
        result="refused",
        detail=detail,
    )


def format_hours(value: Decimal | int) -> str:
    """学时 as people write them: 32, 0.5, 1.5 (not 32.0)."""
    text = f"{Decimal(value).quantize(Decimal('0.1')):f}"
    return text[:-2] if text.endswith(".0") else text


@dataclass(frozen=True)
class YearHours:
    online: Decimal
    lectures: Decimal
    target: int
    #: Offline training days (集中培训) attended, as the office recorded them.
    training: Decimal = Decimal("0")

    @property
    def total(self) -> Decimal:
        return self.online + self.lectures + self.training

    @property
    def remaining(self) -> Decimal:
        return max(Decimal(self.target) - self.total, Decimal("0"))


def hours_this_year(session: Session, person: Person, now: datetime | None = None) -> YearHours:
    """This year's hours toward 32 (56 for secretaries and committee members), by source:
    lessons completed here, 党课 attended (credited per the rule catalogue), training days."""
    now = now or utcnow()
    year = now.astimezone(CHINA).year
    member = person.membership
    if member is None:
        return YearHours(Decimal("0"), Decimal("0"), 0)
    online = session.scalar(
        select(func.coalesce(func.sum(StudyRecord.credited_hours), 0)).where(
            StudyRecord.member_id == member.id, StudyRecord.year == year
        )
    )
    start = datetime(year, 1, 1, tzinfo=CHINA)
    lectures = session.scalar(
        select(func.count(func.distinct(Attendance.meeting_id)))
        .join(MeetingSession, MeetingSession.id == Attendance.session_id)
        .join(meeting_obligation, meeting_obligation.c.meeting_id == Attendance.meeting_id)
        .where(
            Attendance.member_id == member.id,
            Attendance.present.is_(True),
            meeting_obligation.c.kind == MeetingKind.party_lecture,
            MeetingSession.starts_at >= start,
            MeetingSession.starts_at < start.replace(year=year + 1),
        )
    )
    leads = bool(
        roles_of(session, person, now.astimezone(CHINA).date()) & {"secretary", "organizer", "committee"}
    )
    training = session.scalar(
        select(func.coalesce(func.sum(TrainingDay.hours), 0))
        .join(TrainingAttendance, TrainingAttendance.training_id == TrainingDay.id)
        .where(
            TrainingAttendance.member_id == member.id,
            TrainingDay.held_on >= start.date(),
            TrainingDay.held_on < start.date().replace(year=year + 1),
        )
    )
    target = rules.value(session, "study.leader_hours" if leads else "study.member_hours", now.date())
    per_lecture = rules.value(session, "study.lecture_hours", now.date())
    return YearHours(Decimal(online), Decimal(lectures or 0) * per_lecture, target, Decimal(training))


def record_of(session: Session, person: Person, lesson: Lesson) -> StudyRecord | None:
    member = person.membership
    if member is None:
        return None
    return session.scalar(
        select(StudyRecord).where(StudyRecord.member_id == member.id, StudyRecord.lesson_id == lesson.id)
    )


def queue_pace_reminders(session: Session, today: date) -> int:
    """In the last quarter, one reminder a month to each member still short of this year's hours
    (a private nudge, never a list of who is behind). Returns how many were planned."""
    from models import Member

    if today.month < 10:
        return 0
    now = utcnow()
    members = session.scalars(
        select(Person)
        .join(Member, Member.person_id == Person.id)
        .where(Member.left_at.is_(None), Person.is_active.is_(True))
    ).all()
    asks = []
    for person in members:
        hours = hours_this_year(session, person, now)
        if not hours.remaining:
            continue
        asks.append(
            reminders.Ask(
                person,
                "study_pace",
                f"study_pace:{person.id}:{today:%Y-%m}",
                f"本年还差 {format_hours(hours.remaining)} 学时",
                f"今年已学 {format_hours(hours.total)} / {hours.target} 学时，年底前请抽空完成"
                "（在线课程、党课均可）。",
                "/m/study",
                due_at=datetime(today.year, 12, 31, 12, tzinfo=CHINA),
                earliest=now,
                latest=now + timedelta(days=3),
                priority=ReminderPriority.low,
            )
        )
    return reminders.remind_many(session, asks, now=now)


@reminders.obligation_check("study_pace")
def _caught_up(session: Session, key: str) -> bool:
    person = session.get(Person, uuid.UUID(key.split(":")[0]))
    return person is None or not hours_this_year(session, person).remaining


# -- the API's views ------------------------------------------------------------------------------


def _require_reader(actor: Actor) -> None:
    if not holds(actor, "study.view"):
        raise Forbidden("该令牌无权查看学习记录。")


def lessons_page(
    session: Session, actor: Actor, *, status: str | None, tag: str | None, page: int, per_page: int
) -> Page:
    """Lessons for the API: published ones for any reader; drafts and proposals as the console
    shows them (the office all, a branch its own proposals)."""
    _require_reader(actor)
    query = select(Lesson)
    if status:
        try:
            wanted = LessonStatus(status)
        except ValueError:
            raise ValidationFailed("status 不正确。", field="status") from None
        query = query.where(Lesson.status == wanted)
    if not _office(actor):
        mine = scope_orgs(actor, select(PartyOrg.id), "lesson.propose")
        query = query.where(
            or_(Lesson.status == LessonStatus.published, Lesson.proposed_for_org_id.in_(mine))
        )
    if tag:
        query = query.where(Lesson.tags.contains(tag.strip()[:40], autoescape=True))
    return paginate(
        session, query, page=page, per_page=per_page, order_by=(Lesson.created_at.desc(), Lesson.id)
    )


def get_lesson(session: Session, actor: Actor, lesson_id: uuid.UUID) -> Lesson:
    _require_reader(actor)
    return console_lesson(session, actor, lesson_id)


def records_page(
    session: Session,
    actor: Actor,
    *,
    year: int | None,
    lesson_id: uuid.UUID | None,
    member_id: uuid.UUID | None,
    page: int,
    per_page: int,
) -> Page:
    """Study records of the members in the actor's scope: what was opened, how long (as the
    server counted it), completed and credited. Points are not part of it."""
    from handlers.policy import scope_members
    from models import Member

    _require_reader(actor)
    visible = scope_members(actor, select(Member.id), "study.view")
    query = select(StudyRecord).where(StudyRecord.member_id.in_(visible))
    if year is not None:
        query = query.where(StudyRecord.year == year)
    if lesson_id is not None:
        query = query.where(StudyRecord.lesson_id == lesson_id)
    if member_id is not None:
        query = query.where(StudyRecord.member_id == member_id)
    return paginate(
        session, query, page=page, per_page=per_page, order_by=(StudyRecord.opened_at.desc(), StudyRecord.id)
    )
