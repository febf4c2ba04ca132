"""Data packs (issue 22 item 6): the quarterly and annual 党建工作 data pack for a scope and the
书记述职 pack for a branch — the 数据中心's figures (masked as on the page), charts, and the
period's facts: meetings held, lessons completed, members admitted, dues paid — requested in the
console, written by a background job (handlers/stats/documents: Word and PDF) with its progress,
and kept so the same report downloads again."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handlers import audit
from handlers.errors import NotFound, ValidationFailed
from handlers.meetings import KIND_LABELS
from handlers.policy import Actor, can, holds, scope_orgs
from handlers.stats import FAMILIES, Figure, Scope, resolve
from handlers.stats.assessment import Sheet, sheet_of
from handlers.stats.progress import ADMITTED_STEP
from models import (
    PACK_KINDS,
    DataPack,
    DuesPayment,
    Meeting,
    MeetingStatus,
    Member,
    OrgKind,
    PartyOrg,
    Recruit,
    RecruitStep,
    StudyRecord,
    meeting_obligation,
)
from models.base import CHINA, local_today, utcnow

#: The figures a pack carries, in its order.
IN_A_PACK = ("members", "orgs", "org_life", "attendance", "study", "recruitment", "dues", "reviews")


def request_pack(
    session: Session,
    actor: Actor,
    *,
    kind: str,
    org_id: uuid.UUID | None,
    year: int,
    quarter: int | None = None,
) -> DataPack:
    """Ask for a pack of a scope the actor's grant covers; the caller enqueues its job."""
    if not holds(actor, "stats.view") or kind not in PACK_KINDS:
        raise NotFound()
    if not 2000 <= year <= local_today().year:
        raise ValidationFailed("请选择年份。", field="year")
    if kind == "quarterly" and quarter not in (1, 2, 3, 4):
        raise ValidationFailed("请选择季度。", field="quarter")
    scope = resolve(session, actor, org_id=org_id)
    if kind == "secretary" and (scope.org is None or scope.org.kind != OrgKind.branch):
        raise ValidationFailed("书记述职数据按党支部生成，请选择一个党支部。", field="org_id")
    pack = DataPack(
        kind=kind,
        org_id=scope.org.id if scope.org else None,
        year=year,
        quarter=quarter if kind == "quarterly" else None,
        requested_by_id=actor.person_id,
        requested_by=actor.label[:100],
    )
    session.add(pack)
    session.flush()
    audit.record(session, actor, "data_pack.request", object_type="data_pack", object_id=pack.id,
                 detail={"kind": kind, "year": year})  # fmt: skip
    return pack


def packs(session: Session, actor: Actor) -> list[DataPack]:
    """The packs of the scopes the actor covers, newest first (the office sees the hospital's)."""
    if not holds(actor, "stats.view"):
        raise NotFound()
    query = select(DataPack).order_by(DataPack.requested_at.desc()).limit(50)
    if not holds(actor, "stats.screen"):
        query = query.where(DataPack.org_id.in_(scope_orgs(actor, select(PartyOrg.id), "stats.view")))
    return list(session.scalars(query))


def get_pack(session: Session, actor: Actor, pack_id: uuid.UUID) -> DataPack:
    pack = session.get(DataPack, pack_id)
    if pack is None or not holds(actor, "stats.view"):
        raise NotFound()
    if pack.org_id is None and not holds(actor, "stats.screen"):
        raise NotFound()
    if pack.org_id is not None and not can(
        session, actor, "stats.view", obj=session.get(PartyOrg, pack.org_id)
    ):
        raise NotFound()
    return pack


@dataclass
class Content:
    title: str
    scope: str
    period: str
    figures: list[Figure] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    sheet: Sheet | None = None
    generated: datetime = field(default_factory=utcnow)


def period_of(pack: DataPack) -> tuple[date, date, str]:
    """[start, end) of the pack's period and its words."""
    if pack.kind == "quarterly":
        first = 3 * (pack.quarter - 1) + 1
        end = date(pack.year + (first == 10), 1 if first == 10 else first + 3, 1)
        return date(pack.year, first, 1), end, f"{pack.year}年第{pack.quarter}季度"
    return date(pack.year, 1, 1), date(pack.year + 1, 1, 1), f"{pack.year}年"


def _in_period(figure: Figure, start: date, end: date) -> Figure:
    """A quarterly pack keeps the months of its quarter in each month-by-month series."""
    months = {f"{m}月" for m in range(start.month, (end.month if end.year == start.year else 13))}
    series = []
    for s in figure.series:
        if not s.title.startswith("各月"):
            series.append(s)
            continue
        keep = [i for i, (label, _) in enumerate(s.rows) if label in months]
        series.append(
            replace(
                s, rows=[s.rows[i] for i in keep], compare=[s.compare[i] for i in keep] if s.compare else None
            )
        )
    return replace(figure, series=series)


def facts(session: Session, scope: Scope, start: date, end: date) -> list[tuple[str, str]]:
    begin, finish = (datetime(d.year, d.month, d.day, tzinfo=CHINA) for d in (start, end))
    orgs = select(PartyOrg.id).where(scope.orgs())
    held = session.execute(
        select(meeting_obligation.c.kind, func.count(func.distinct(Meeting.id)))
        .join(Meeting, Meeting.id == meeting_obligation.c.meeting_id)
        .where(
            Meeting.org_id.in_(orgs),
            Meeting.status == MeetingStatus.signed_off,
            Meeting.signed_off_at >= begin,
            Meeting.signed_off_at < finish,
        )
        .group_by(meeting_obligation.c.kind)
    ).all()
    members = select(Member.id).where(Member.branch_id.in_(scope.branch_ids()))
    lessons = session.scalar(
        select(func.count()).where(
            StudyRecord.member_id.in_(members),
            StudyRecord.completed_at >= begin,
            StudyRecord.completed_at < finish,
        )
    )
    admitted = session.scalar(
        select(func.count(func.distinct(RecruitStep.recruit_id)))
        .join(Recruit, Recruit.id == RecruitStep.recruit_id)
        .where(Recruit.org_id.in_(scope.branch_ids()), RecruitStep.step == ADMITTED_STEP,
               RecruitStep.done_on >= start, RecruitStep.done_on < end)
    )  # fmt: skip
    paid = session.scalar(
        select(func.coalesce(func.sum(DuesPayment.amount), 0)).where(
            DuesPayment.member_id.in_(members), DuesPayment.month >= start, DuesPayment.month < end
        )
    )
    found = [(f"召开{KIND_LABELS.get(kind, kind)}", f"{n} 次") for kind, n in held]
    found += [
        ("完成线上学习", f"{lessons or 0} 人次"),
        ("接收预备党员", f"{admitted or 0} 人"),
        ("交纳党费", f"{Decimal(paid or 0):.2f} 元"),
    ]
    return found


def content_of(session: Session, pack: DataPack, progress: Callable[[int, int], None]) -> Content:
    org = session.get(PartyOrg, pack.org_id) if pack.org_id else None
    scope = Scope(org, None)
    start, end, words = period_of(pack)
    found = Content(f"{scope.label}{words}{PACK_KINDS[pack.kind]}", scope.label, words)
    steps = len(IN_A_PACK) + 2
    for n, name in enumerate(IN_A_PACK, start=1):
        figure = FAMILIES[name][1](session, scope, pack.year)
        found.figures.append(_in_period(figure, start, end) if pack.kind == "quarterly" else figure)
        progress(n, steps)
    found.facts = facts(session, scope, start, end)
    progress(steps - 1, steps)
    if pack.kind == "secretary" and org is not None:
        found.sheet = sheet_of(session, org, pack.year)
    return found


def build(session: Session, pack_id: uuid.UUID, progress: Callable[[int, int], None]) -> DataPack | None:
    """The job's work: the figures, then the Word and PDF documents, kept on the pack."""
    from handlers.stats.documents import to_docx, to_pdf

    pack = session.get(DataPack, pack_id)
    if pack is None or pack.status == "done":
        return pack
    content = content_of(session, pack, progress)
    pack.docx, pack.pdf = to_docx(content), to_pdf(content)
    pack.status, pack.finished_at, pack.message = "done", utcnow(), None
    progress(1, 1)
    return pack
