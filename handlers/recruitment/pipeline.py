"""The way itself: a staff member applies; each step is recorded with its date and evidence, and
refused — with the rule and its source — while a step before it is missing, a minimum time has
not passed, a 公示 has not run its course or an objection is unhandled. The step that moves the
person on changes their stage in the same transaction: at the 上级党委's approval they become a
预备党员 of record (owing dues from the 支部大会), at the 转正 approval a 正式党员."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from handlers import audit, people, rules
from handlers.archive import fields as archive_fields
from handlers.errors import Conflict, Forbidden, NotFound, ValidationFailed
from handlers.policy import Actor, can
from handlers.recruitment.steps import ARCHIVE_FILES, BY_NUMBER, OPEN, PUBLICITY_BEFORE, STAGE_LABELS, step
from handlers.rules_recruitment import RULES_2014
from handlers.workdays import months_after
from models import MemberStatus, OrgKind, PartyOrg, Person
from models.base import local_today
from models.recruitment import (
    Recruit,
    RecruitNote,
    RecruitPublicity,
    RecruitRole,
    RecruitStage,
    RecruitStep,
    RecruitVote,
)

CHARTER = "《中国共产党章程》"


def _age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def apply(session: Session, person: Person, *, org_id: uuid.UUID, applied_on: date | None = None) -> Recruit:
    """The applicant files their 入党申请书 with a branch (step 1)."""
    applied_on = applied_on or local_today()
    org = session.get(PartyOrg, org_id)
    if org is None or org.kind != OrgKind.branch or org.dissolved_at is not None:
        raise NotFound("党支部不存在。")
    if person.membership is not None and person.membership.left_at is None:
        raise Conflict("您已是党员，无需申请入党。")
    if session.scalar(select(Recruit.id).where(Recruit.person_id == person.id, Recruit.stage.in_(OPEN))):
        raise Conflict("您已递交过入党申请，正在培养考察中。")
    if applied_on > local_today():
        raise ValidationFailed("申请日期不能晚于今天。", field="applied_on")
    minimum = int(rules.value(session, "recruit.min_age", applied_on))
    if person.birth_date is None or _age_on(person.birth_date, applied_on) < minimum:
        raise ValidationFailed(f"申请入党须年满{minimum}周岁（{RULES_2014}第五条）。", field="applied_on")
    recruit = Recruit(person_id=person.id, org_id=org.id, stage=RecruitStage.applicant, applied_on=applied_on)
    session.add(recruit)
    session.flush()
    session.add(RecruitStep(recruit_id=recruit.id, step=1, done_on=applied_on, recorded_by=person.name))
    actor = Actor(kind="person", id=str(person.id), label=person.name, person_id=person.id)
    audit.record(
        session,
        actor,
        "recruit.apply",
        object_type="recruit",
        object_id=recruit.id,
        detail={"org": str(org.id)},
    )
    return recruit


def own(session: Session, person: Person) -> Recruit | None:
    """The person's own way, the open one or the latest."""
    return session.scalar(
        select(Recruit).where(Recruit.person_id == person.id).order_by(Recruit.applied_on.desc()).limit(1)
    )


def branches_to_apply(session: Session, person: Person) -> list[PartyOrg]:
    """The branches a staff member may apply to: their department's first (细则 art. 6: the
    organisation of one's work unit), then every other branch of the hospital."""
    branches = list(
        session.scalars(
            select(PartyOrg)
            .where(PartyOrg.kind == OrgKind.branch, PartyOrg.dissolved_at.is_(None))
            .options(selectinload(PartyOrg.departments))
            .order_by(PartyOrg.path)
        )
    )
    own_department = [b for b in branches if any(d.id == person.department_id for d in b.departments)]
    return own_department + [b for b in branches if b not in own_department]


def find(session: Session, actor: Actor, recruit_id: uuid.UUID, *, action: str = "recruit.manage") -> Recruit:
    """The person's record for those who develop them (their branch, the office over it)."""
    recruit = session.get(Recruit, recruit_id)
    if recruit is None or not can(session, actor, action, obj=recruit.org):
        raise NotFound("发展对象不存在。")
    return recruit


def done(recruit: Recruit) -> dict[int, RecruitStep]:
    return {s.step: s for s in recruit.steps}


def record_step(
    session: Session,
    actor: Actor,
    *,
    recruit_id: uuid.UUID,
    number: int,
    done_on: date | None,
    evidence: str = "",
    meeting_id: uuid.UUID | None = None,
) -> RecruitStep:
    """Record one step as done; the step that moves the person on changes their stage."""
    the_step = step(number)
    recruit = find(session, actor, recruit_id)
    if the_step.by == "office" and not can(session, actor, "recruit.approve", obj=recruit.org):
        raise Forbidden(f"“{the_step.label}”由上级党委记录。")
    return _record(session, actor, recruit, the_step.number, done_on, evidence, meeting_id)


def _record(
    session: Session,
    actor: Actor,
    recruit: Recruit,
    number: int,
    done_on: date | None,
    evidence: str,
    meeting_id: uuid.UUID | None,
) -> RecruitStep:
    check(session, recruit, number, done_on, evidence)
    row = RecruitStep(
        recruit_id=recruit.id,
        step=number,
        done_on=done_on,
        evidence=(evidence or "").strip()[:200],
        meeting_id=meeting_id,
        recorded_by=actor.label,
    )
    session.add(row)
    recruit.steps.append(row)
    _effects(session, actor, recruit, number, done_on)
    audit.record(
        session, actor, "recruit.step", object_type="recruit", object_id=recruit.id, detail={"step": number}
    )
    return row


def check(
    session: Session,
    recruit: Recruit,
    number: int,
    done_on: date | None,
    evidence: str = "",
    *,
    vote_to_come: bool = False,
) -> None:
    """Whether the step may be recorded on `done_on`: its stage, the steps before it, its date and
    its rules (`vote_to_come`: the vote that records it is being taken now)."""
    the_step = BY_NUMBER[number]
    if recruit.stage not in OPEN and the_step.stage != recruit.stage:  # 材料归档 follows 转正
        raise Conflict(f"{STAGE_LABELS[recruit.stage]}，发展程序已结束。")
    if the_step.stage != recruit.stage:
        raise Conflict(
            f"“{the_step.label}”属于{STAGE_LABELS[the_step.stage]}阶段，目前是{STAGE_LABELS[recruit.stage]}。"
        )
    steps = done(recruit)
    if number in steps:
        raise Conflict(f"“{the_step.label}”已于 {steps[number].done_on} 记录。")
    missing = [BY_NUMBER[n] for n in the_step.after if n not in steps]
    if missing:
        names = "、".join(f"第{m.number}步“{m.label}”" for m in missing)
        raise ValidationFailed(f"请先完成{names}（{RULES_2014}）。", field="step")
    if done_on is None:
        raise ValidationFailed("请填写完成日期。", field="done_on")
    if done_on > local_today():
        raise ValidationFailed("完成日期不能晚于今天。", field="done_on")
    latest = max(steps[n].done_on for n in the_step.after) if the_step.after else recruit.applied_on
    if done_on < latest:
        raise ValidationFailed(f"完成日期不能早于前一步骤的日期（{latest}）。", field="done_on")
    _check_rules(session, recruit, number, done_on, evidence, vote_to_come)


def _roles(session: Session, recruit: Recruit, role: str) -> int:
    return session.scalar(
        select(func.count()).where(RecruitRole.recruit_id == recruit.id, RecruitRole.role == role)
    )


def _check_rules(
    session: Session, recruit: Recruit, number: int, done_on: date, evidence: str, vote_to_come: bool
) -> None:
    """The rules a step must meet beyond its order (each refusal names its source)."""
    if number in PUBLICITY_BEFORE:
        _publicity_done(session, recruit, PUBLICITY_BEFORE[number], done_on)
    if number == 3:
        months = int(rules.value(session, "recruit.activist_after_months", done_on))
        if done_on < months_after(recruit.applied_on, months):
            raise ValidationFailed(
                f"递交入党申请书{months}个月以上方可确定为入党积极分子（本院规则）。", field="done_on"
            )
    elif number == 5 and not 1 <= _roles(session, recruit, "mentor") <= 2:
        raise ValidationFailed(f"请先指定1至2名正式党员作培养联系人（{RULES_2014}第九条）。", field="step")
    elif number == 6:
        reviews = session.scalar(
            select(func.count()).where(RecruitNote.recruit_id == recruit.id, RecruitNote.kind == "review")
        )
        if reviews < 2:
            raise ValidationFailed(
                f"培养教育考察期间每半年考察一次，目前只有 {reviews} 次考察记录（{RULES_2014}第十一条）。",
                field="step",
            )
    elif number == 7:
        days = int(rules.value(session, "recruit.training_days", done_on))
        if done_on < recruit.activist_on + timedelta(days=days):
            ready = recruit.activist_on + timedelta(days=days)
            raise ValidationFailed(
                f"入党积极分子经过一年以上培养教育和考察方可确定为发展对象，自上级党委备案之日"
                f"（{recruit.activist_on}）起计算，最早 {ready}（{RULES_2014}第十三条）。",
                field="done_on",
            )
    elif number == 9 and _roles(session, recruit, "sponsor") != 2:
        raise ValidationFailed(f"请先确定2名正式党员作入党介绍人（{CHARTER}第五条）。", field="step")
    elif number == 10 and not (evidence or "").strip():
        raise ValidationFailed(
            f"请填写政治审查结论；未经政审或政审不合格的不能发展入党（{RULES_2014}第十六条）。",
            field="evidence",
        )
    elif number == 15:
        if not vote_to_come:
            vote_passed(session, recruit, "admit", done_on)
        _political_review_valid(session, recruit, done_on)
    elif number == 17:
        limit = int(rules.value(session, "recruit.approval_max_days", done_on))
        if done_on > recruit.admitted_on + timedelta(days=limit):
            raise ValidationFailed(
                f"支部大会通过后超过六个月未审批，应重新履行程序（{RULES_2014}第二十四条）。", field="done_on"
            )
    elif number == 23:
        if done_on < recruit.probation_ends_on:
            raise ValidationFailed(
                f"预备期到 {recruit.probation_ends_on} 期满，期满后方可讨论转正（{CHARTER}第七条）。",
                field="done_on",
            )
        if not vote_to_come:
            vote_passed(session, recruit, "full", done_on)
    elif number == 25:
        missing = [name for name in ARCHIVE_FILES if name not in (recruit.archived_files or [])]
        if missing:
            raise ValidationFailed(
                f"请先在材料归档清单中逐项确认，尚未确认：{'、'.join(missing)}。", field="step"
            )


def vote_passed(
    session: Session,
    recruit: Recruit,
    question: str,
    on: date,
    *,
    refusal: str = "请先记录支部党员大会当天通过的表决结果。",
    field: str = "step",
) -> None:
    """Refuse unless the 支部党员大会 of that day passed the question for this person."""
    vote = session.scalar(
        select(RecruitVote).where(
            RecruitVote.recruit_id == recruit.id, RecruitVote.question == question, RecruitVote.held_on == on
        )
    )
    if vote is None or not vote.passed:
        raise ValidationFailed(refusal, field=field)


def _political_review_valid(session: Session, recruit: Recruit, on: date) -> None:
    review = done(recruit).get(10)
    valid = int(rules.value(session, "recruit.political_review_valid_days", on))
    if review is not None and on > review.done_on + timedelta(days=valid):
        raise ValidationFailed(
            f"政治审查结论已超过 {valid} 天有效期，请重新政审（本院规则）。", field="done_on"
        )


def _publicity_done(session: Session, recruit: Recruit, stage: RecruitStage, on: date) -> None:
    rows = session.scalars(
        select(RecruitPublicity).where(
            RecruitPublicity.recruit_id == recruit.id, RecruitPublicity.stage == stage
        )
    ).all()
    if not rows:
        raise ValidationFailed(f"确定为{STAGE_LABELS[stage]}前应先公示（本院规则）。", field="step")
    latest = max(rows, key=lambda r: r.ends_on)
    if latest.ends_on >= on:
        raise ValidationFailed(f"公示到 {latest.ends_on} 结束，结束后方可进行下一步。", field="done_on")
    if any(r.objections > r.objections_handled for r in rows):
        raise ValidationFailed("公示期间收到的意见还没有处理完，处理后方可进行下一步。", field="step")


def _effects(session: Session, actor: Actor, recruit: Recruit, number: int, done_on: date) -> None:
    """What a step changes beyond itself: the dates rules count from, the stage, the archive."""
    moves_to = BY_NUMBER[number].moves_to
    if number == 4:
        recruit.activist_on = done_on
    elif number == 8:
        recruit.candidate_on = done_on
    elif number == 15:
        recruit.admitted_on = done_on
    elif number == 17:
        days = int(rules.value(session, "recruit.probation_days", done_on))
        recruit.probation_ends_on = recruit.admitted_on + timedelta(days=days)
        member = people.enrol_member(
            session,
            actor,
            person=recruit.person,
            branch=recruit.org,
            status=MemberStatus.probationary,
            joined_on=recruit.admitted_on,  # owes dues, and counts as a member, from the 支部大会
        )
        archive_fields.apply(
            session,
            actor,
            member,
            {"applied_on": recruit.applied_on},
            source="recruitment",
            reason="上级党委审批",
        )
    elif number == 24:
        recruit.full_on = recruit.probation_ends_on
        archive_fields.apply(
            session,
            actor,
            recruit.person.membership,
            {"status": MemberStatus.full, "full_on": recruit.full_on},
            source="recruitment",
            reason="转正审批",
        )
    if moves_to is not None:
        recruit.stage = moves_to
