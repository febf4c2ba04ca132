"""The year's 民主评议党员 in a branch, step by step (domain notes §B2): the branch opens it — every
member of record writes a self-assessment and the 互评 ballot goes out (one grade question per
正式党员; 预备党员 take part but are not graded) — then the committee proposes a grade for each, the
支部党员大会 adopts them (its quorum and tally from the meeting's roster), and the 上级党委 confirms.
At every step the share of 优秀 is held to the rule's cap."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import audit, rules
from handlers.ballots.engine import tally
from handlers.ballots.opening import open_ballot
from handlers.errors import Conflict, NotFound, ValidationFailed
from handlers.meetings import assembly_quorum
from handlers.members import branch_roll
from handlers.policy import Actor, can, scope_orgs
from models import (
    GRADES,
    Ballot,
    BallotQuestion,
    MemberReview,
    MemberStatus,
    OrgKind,
    PartyOrg,
    Person,
    ReviewEntry,
    ReviewStage,
)
from models.base import local_today, utcnow

MAX_DAYS = 60
MAX_SELF_ASSESSMENT = 2000
EXCELLENT = GRADES[0]


def branches(session: Session, actor: Actor) -> list[PartyOrg]:
    """The branches whose evaluation the actor runs or follows."""
    query = select(PartyOrg).where(PartyOrg.kind == OrgKind.branch).order_by(PartyOrg.path)
    return list(session.scalars(scope_orgs(actor, query, "review.manage")))


def _branch(session: Session, actor: Actor, org_id: uuid.UUID) -> PartyOrg:
    org = session.get(PartyOrg, org_id)
    if org is None or org.kind != OrgKind.branch or not can(session, actor, "review.manage", obj=org):
        raise NotFound()
    return org


def get_review(
    session: Session, actor: Actor, review_id: uuid.UUID, action: str = "review.manage"
) -> MemberReview:
    """A review the actor may run (or, with review.confirm, confirm); anything else is not found."""
    review = session.get(MemberReview, review_id)
    if review is None or not can(session, actor, action, obj=session.get(PartyOrg, review.org_id)):
        raise NotFound("民主评议不存在。")
    return review


def of_branch(session: Session, org_id: uuid.UUID, year: int) -> MemberReview | None:
    return session.scalar(
        select(MemberReview).where(MemberReview.org_id == org_id, MemberReview.year == year)
    )


def ballot_of(session: Session, review: MemberReview) -> Ballot:
    """The review's 互评, tallied once its window has closed (the five-minute job may not have
    come by yet), so the committee sees the counts the moment they may."""
    ballot = session.get(Ballot, review.ballot_id)
    if ballot.tallied_at is None and utcnow() >= ballot.closes_at:
        tally(session, ballot)
    return ballot


def of_ballot(session: Session, ballot_id: uuid.UUID) -> MemberReview | None:
    """The evaluation a 互评 ballot belongs to (its voting page links back to the member's own)."""
    return session.scalar(select(MemberReview).where(MemberReview.ballot_id == ballot_id))


def cap_for(session: Session, graded: int) -> int:
    """How many may be 优秀 among `graded` members: at most the rule's fraction (a third)."""
    return graded // int(rules.value(session, "review.excellent_cap"))


def check_cap(session: Session, grades: list[str]) -> None:
    graded, excellent = len(grades), sum(1 for g in grades if g == EXCELLENT)
    most = cap_for(session, graded)
    if excellent > most:
        rule = rules.RULES["review.excellent_cap"]
        raise ValidationFailed(
            f"“优秀”不能超过参评党员的 {rules.value(session, rule.key)} 分之一：本支部参评 {graded} 人，"
            f"最多 {most} 人评为优秀，现为 {excellent} 人（规则“{rule.label_text}”）。",
            field="grades",
        )


def open_review(
    session: Session, actor: Actor, *, org_id: uuid.UUID, closes_at: datetime, now: datetime | None = None
) -> MemberReview:
    """Open the branch's evaluation for this year: the self-assessment for every member of record
    and the 互评 ballot (secret) to the voters, closing at `closes_at`."""
    org = _branch(session, actor, org_id)
    now = now or utcnow()
    year = local_today().year
    if of_branch(session, org.id, year) is not None:
        raise Conflict(f"本支部 {year} 年度民主评议已经开启。")
    if closes_at <= now or closes_at - now > timedelta(days=MAX_DAYS):
        raise ValidationFailed(f"互评截止时间应在现在之后、{MAX_DAYS} 天以内。", field="closes_at")
    members = branch_roll(session, org)
    graded = [p for p, m in members if m.status == MemberStatus.full]
    if not graded:
        raise ValidationFailed("本支部没有正式党员，无法开展民主评议。", field="org_id")
    with_probationary = bool(rules.value(session, "review.probationary_vote"))
    voters = [p for p, m in members if m.status == MemberStatus.full or with_probationary]
    ballot = Ballot(
        kind="review",
        title=f"{year}年度民主评议党员·{org.name}"[:60],
        description="请为本支部每名正式党员评定等次（不为自己评定）。预备党员参加评议，不评定等次。",
        org_id=org.id,
        anonymous=True,
        opens_at=now,
        closes_at=closes_at,
        min_answers=int(rules.value(session, "ballot.min_answers")),
        created_by_id=actor.person_id,
        created_by=actor.label[:100],
    )
    ballot.questions = [
        BallotQuestion(position=n, kind="grade", text=person.name, options=list(GRADES), subject_id=person.id)
        for n, person in enumerate(graded, start=1)
    ]
    open_ballot(session, ballot, voters)
    review = MemberReview(org_id=org.id, year=year, ballot_id=ballot.id, opened_by=actor.label[:100])
    review.entries = [ReviewEntry(person_id=p.id, graded=m.status == MemberStatus.full) for p, m in members]
    session.add(review)
    session.flush()
    audit.record(
        session, actor, "review.open", object_type="member_review", object_id=review.id,
        detail={"graded": len(graded), "voters": len(voters)},
    )  # fmt: skip
    return review


def write_self_assessment(session: Session, person: Person, review_id: uuid.UUID, text: str) -> ReviewEntry:
    """The member's own self-assessment, until the committee proposes the grades."""
    entry = own_entry(session, person, review_id)
    review = session.get(MemberReview, entry.review_id)
    if review.stage != ReviewStage.open:
        raise Conflict("支部委员会已提出评定意见，个人自评不能再修改。")
    words = (text or "").strip()
    if not words:
        raise ValidationFailed("请填写个人自评。", field="self_assessment")
    if len(words) > MAX_SELF_ASSESSMENT:
        raise ValidationFailed(f"个人自评最多 {MAX_SELF_ASSESSMENT} 字。", field="self_assessment")
    entry.self_assessment = words
    return entry


def own_entry(session: Session, person: Person, review_id: uuid.UUID) -> ReviewEntry:
    entry = session.scalar(
        select(ReviewEntry).where(ReviewEntry.review_id == review_id, ReviewEntry.person_id == person.id)
    )
    if entry is None:
        raise NotFound("民主评议不存在。")
    return entry


def propose(
    session: Session, actor: Actor, review_id: uuid.UUID, grades: dict[uuid.UUID, str]
) -> MemberReview:
    """The committee's proposal: a grade for every 正式党员, after the 互评 has closed."""
    review = get_review(session, actor, review_id)
    if review.stage not in (ReviewStage.open, ReviewStage.proposed):
        raise Conflict("支部党员大会已作出决定，评定意见不能再修改。")
    if ballot_of(session, review).tallied_at is None:
        raise Conflict("互评投票尚未截止，截止后才能提出评定意见。")
    graded = [e for e in review.entries if e.graded]
    for entry in review.entries:
        given = grades.get(entry.person_id)
        if not entry.graded and given:
            raise ValidationFailed("预备党员参加评议，不评定等次。", field="grades")
        if entry.graded and given not in GRADES:
            raise ValidationFailed("请为每名正式党员选择评定等次。", field="grades")
    check_cap(session, [grades[e.person_id] for e in graded])
    for entry in graded:
        entry.proposed_grade = grades[entry.person_id]
    review.stage, review.proposed_by = ReviewStage.proposed, actor.label[:100]
    audit.record(session, actor, "review.propose", object_type="member_review", object_id=review.id)
    return review


def decide(
    session: Session,
    actor: Actor,
    review_id: uuid.UUID,
    *,
    meeting_id: uuid.UUID,
    yes: int,
    no: int,
    abstain: int,
) -> MemberReview:
    """The 支部党员大会 adopts the committee's proposal: more than half of the full members who
    should attend present, and yes votes from more than half of them (not of those present)."""
    review = get_review(session, actor, review_id)
    if review.stage != ReviewStage.proposed:
        raise Conflict("请先由支部委员会提出评定意见。")
    counts = assembly_quorum(session, actor, review.org_id, meeting_id)
    if min(yes, no, abstain) < 0 or yes + no + abstain > counts.present:
        raise ValidationFailed(f"票数之和不能超过实到有表决权的 {counts.present} 人。", field="yes")
    if not counts.reached:
        raise Conflict(f"应到 {counts.should_attend} 人，实到 {counts.present} 人，未超过半数，不能表决。")
    if not counts.passes(yes):
        raise Conflict(
            f"赞成 {yes} 票，未超过应到 {counts.should_attend} 人的半数（需 {counts.needed} 票），"
            "评定意见未获通过：请支部委员会研究后重新提出。"
        )
    check_cap(session, [e.proposed_grade for e in review.entries if e.graded])
    for entry in review.entries:
        entry.grade = entry.proposed_grade
    review.meeting_id, review.should_attend, review.present = meeting_id, counts.should_attend, counts.present
    review.yes, review.no, review.abstain = yes, no, abstain
    review.stage, review.decided_by = ReviewStage.decided, actor.label[:100]
    audit.record(session, actor, "review.decide", object_type="member_review", object_id=review.id)
    return review
