"""The REST API's pages of lessons and study records (what the server counted; never points)."""

from __future__ import annotations

import uuid

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from handlers.errors import Forbidden, ValidationFailed
from handlers.learning.library import _office, console_lesson
from handlers.paging import Page, paginate
from handlers.policy import Actor, holds, scope_orgs
from models import (
    Lesson,
    LessonStatus,
    PartyOrg,
    StudyRecord,
)


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
