"""The lesson library: drafts by the committee office, proposals by branch secretaries and
organizers reviewed by the office, publish and archive; sanitised articles."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import nh3
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from handlers import audit
from handlers.audiences import AUDIENCE_ROLES
from handlers.errors import Conflict, Forbidden, NotFound, ValidationFailed
from handlers.learning import quizzes
from handlers.learning.media import StoredMedia
from handlers.policy import Actor, can, holds, scope_orgs
from handlers.validation import require_text
from models import (
    Lesson,
    LessonKind,
    LessonStatus,
    PartyOrg,
)
from models.base import utcnow

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
    lesson.title = require_text(draft.title, "title", "标题", max_length=100)
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
        quizzes.replace_quiz(session, lesson, draft.quiz_text, pass_percent=draft.pass_percent)
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
    return org is not None and can(session, actor, "lesson.propose", obj=org)


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
    if org is None or not can(session, actor, "lesson.propose", obj=org):
        raise Forbidden("只能为本人负责的党组织提议课程。")
    return org.id


def set_status(
    session: Session, actor: Actor, lesson_id: uuid.UUID, *, status: str, note: str = ""
) -> Lesson:
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
        lesson.review_note = require_text(note, "note", "退回意见", max_length=200)
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


def published_lesson(session: Session, lesson_id: uuid.UUID | str) -> Lesson:
    """A lesson members may open (published), or NotFound."""
    try:
        lesson = session.get(Lesson, uuid.UUID(str(lesson_id)))
    except ValueError:
        lesson = None
    if lesson is None or lesson.status != LessonStatus.published:
        raise NotFound("课程不存在或已下架。")
    return lesson
