"""After the 支部党员大会: the 上级党委 confirms the grades, each member reads their own (and
nobody else's), the branch sees its distribution — never a list of people by grade, and no
breakdown of fewer than the minimum — and a 不合格 gets the follow-up the rules require
(限期改正 with a deadline, or 劝退), recorded by the branch."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import audit, links, notify, rules
from handlers.errors import Conflict, NotFound, ValidationFailed
from handlers.policy import Actor
from handlers.reviews.evaluation import get_review, own_entry
from handlers.roles import branch_leaders
from handlers.workdays import months_after
from models import FOLLOW_UPS, GRADES, Ballot, MemberReview, PartyOrg, Person, ReviewEntry, ReviewStage
from models.base import local_today, utcnow

FAILED = GRADES[-1]
MAX_NOTE = 500


def confirm(session: Session, actor: Actor, review_id: uuid.UUID) -> MemberReview:
    """The 上级党委 confirms the assembly's grades: final from now on; every member is told their
    own result is ready, and the branch's leaders are told of any 不合格 to follow up."""
    review = get_review(session, actor, review_id, action="review.confirm")
    if review.stage != ReviewStage.decided:
        raise Conflict("支部党员大会尚未作出决定，不能确认。")
    review.stage, review.confirmed_at, review.confirmed_by = (
        ReviewStage.confirmed,
        utcnow(),
        actor.label[:100],
    )
    audit.record(session, actor, "review.confirm", object_type="member_review", object_id=review.id)
    people = list(
        session.scalars(
            select(Person)
            .join(ReviewEntry, ReviewEntry.person_id == Person.id)
            .where(ReviewEntry.review_id == review.id)
        )
    )
    path = links.page("h5.review_page", review_id=review.id)
    for start in range(0, len(people), notify.MAX_RECIPIENTS):
        notify.tell(
            session, people[start : start + notify.MAX_RECIPIENTS], "review_result",
            key=f"review:{review.id}:result:{start}", year=review.year, path=path,
        )  # fmt: skip
    failed = sum(1 for e in review.entries if e.grade == FAILED)
    if failed:
        org = session.get(PartyOrg, review.org_id)
        _role, leaders = branch_leaders(session, org)
        notify.tell(
            session, leaders, "review_follow_up", key=f"review:{review.id}:follow_up",
            year=review.year, org=org.name, count=failed,
            path=links.page("admin.review_detail", review_id=review.id),
        )  # fmt: skip
    return review


def record_follow_up(
    session: Session,
    actor: Actor,
    entry_id: uuid.UUID,
    *,
    action: str,
    note: str,
    due: date | None = None,
) -> ReviewEntry:
    """The branch's step after a confirmed 不合格: 限期改正 by a date within the rule's months, or
    劝退; a 限期改正 may later become 劝退 (the rules' order), never the other way."""
    entry = session.get(ReviewEntry, entry_id)
    if entry is None:
        raise NotFound()
    review = get_review(session, actor, entry.review_id)
    if review.stage != ReviewStage.confirmed or entry.grade != FAILED:
        raise Conflict("只有经上级党委确认评为不合格的党员需要处置。")
    if action not in FOLLOW_UPS:
        raise ValidationFailed("请选择限期改正或劝退。", field="action")
    if entry.follow_up == action or entry.follow_up == FOLLOW_UPS[1]:
        raise Conflict(f"已记录“{entry.follow_up}”。")
    words = (note or "").strip()
    if not words or len(words) > MAX_NOTE:
        raise ValidationFailed(f"请填写处置说明（最多 {MAX_NOTE} 字）。", field="note")
    if action == FOLLOW_UPS[0]:
        latest = months_after(local_today(), int(rules.value(session, "review.rectify_months")))
        if due is None or not local_today() < due <= latest:
            raise ValidationFailed(f"请填写改正期限（今天之后，不晚于 {latest:%Y-%m-%d}）。", field="due")
    entry.follow_up, entry.follow_up_due = action, due if action == FOLLOW_UPS[0] else None
    entry.follow_up_note, entry.follow_up_by = words, actor.label[:100]
    audit.record(
        session, actor, "review.follow_up", object_type="review_entry", object_id=entry.id,
        detail={"action": action},
    )  # fmt: skip
    return entry


def distribution(session: Session, review: MemberReview) -> dict[str, int] | None:
    """How many of the branch got each grade, once decided — None when fewer were graded than
    the minimum (人数过少不显示), so nobody can be picked out of it."""
    grades = [e.grade for e in review.entries if e.graded and e.grade]
    if review.stage not in (ReviewStage.decided, ReviewStage.confirmed):
        return None
    if len(grades) < int(rules.value(session, "ballot.min_answers")):
        return None
    counts = Counter(grades)
    return {grade: counts.get(grade, 0) for grade in GRADES}


def mutual_counts(session: Session, review: MemberReview) -> dict[uuid.UUID, list | None]:
    """The 互评 per member, for the committee: each grade's count, None where fewer than the
    minimum answered (or before the ballot is tallied)."""
    ballot = session.get(Ballot, review.ballot_id)
    found: dict[uuid.UUID, list | None] = {}
    for item in ballot.results or []:
        if "subject_id" in item:
            found[uuid.UUID(item["subject_id"])] = item.get("counts") if item["shown"] else None
    return found


def roster(session: Session, review: MemberReview) -> tuple[list[ReviewEntry], dict[uuid.UUID, Person]]:
    """The review's entries in name order (never by grade) and their people, for the committee."""
    people = {
        p.id: p
        for p in session.scalars(select(Person).where(Person.id.in_([e.person_id for e in review.entries])))
    }
    return sorted(review.entries, key=lambda e: (people[e.person_id].name, str(e.person_id))), people


@dataclass(frozen=True)
class OwnResult:
    review: MemberReview
    org: PartyOrg
    entry: ReviewEntry
    ballot: Ballot


def own(session: Session, person: Person, review_id: uuid.UUID) -> OwnResult:
    """The member's own part of a review: their self-assessment, and their grade once confirmed."""
    entry = own_entry(session, person, review_id)
    review = session.get(MemberReview, entry.review_id)
    return OwnResult(
        review, session.get(PartyOrg, review.org_id), entry, session.get(Ballot, review.ballot_id)
    )


def mine(session: Session, person: Person) -> list[OwnResult]:
    """Every review the member was part of, newest first (their phone's 民主评议)."""
    rows = session.execute(
        select(MemberReview, ReviewEntry, PartyOrg, Ballot)
        .join(ReviewEntry, ReviewEntry.review_id == MemberReview.id)
        .join(PartyOrg, PartyOrg.id == MemberReview.org_id)
        .join(Ballot, Ballot.id == MemberReview.ballot_id)
        .where(ReviewEntry.person_id == person.id)
        .order_by(MemberReview.year.desc())
    ).all()
    return [OwnResult(review, org, entry, ballot) for review, entry, org, ballot in rows]
