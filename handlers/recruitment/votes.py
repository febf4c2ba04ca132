"""The 支部党员大会's votes on a person — to admit (step 15), to make full (step 23), to extend or
to cancel the probation: the quorum and the result both count the voting 正式党员 who *should*
attend (细则 art. 20–21), with the written opinions of absent voting members counted, one vote per
person per question per day. A vote tied to a meeting takes its attendance from the meeting."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import audit
from handlers.errors import Conflict, ValidationFailed
from handlers.meetings import assembly_quorum
from handlers.policy import Actor
from handlers.recruitment.pipeline import _record, check, find
from handlers.rules_recruitment import RULES_2014
from models import Meeting, MeetingKind, MeetingStatus
from models.meeting import meeting_obligation
from models.recruitment import Recruit, RecruitStage, RecruitVote

QUESTIONS = {
    "admit": "接收为预备党员",
    "full": "按期转为正式党员",
    "extend": "延长预备期",
    "cancel": "取消预备党员资格",
}
#: The stage each question is put at, and the step a passing vote records.
ASKED_AT = {
    "admit": RecruitStage.candidate,
    "full": RecruitStage.probationary,
    "extend": RecruitStage.probationary,
    "cancel": RecruitStage.probationary,
}
RECORDS_STEP = {"admit": 15, "full": 23}


def passes(should_attend: int, present: int, yes: int) -> bool:
    """细则 art. 20–21: more than half of those who should attend are present, and more than half
    of those who should attend — not of those present — say yes."""
    return present * 2 > should_attend and yes * 2 > should_attend


def record_vote(
    session: Session,
    actor: Actor,
    *,
    recruit_id: uuid.UUID,
    question: str,
    held_on: date,
    yes: int,
    no: int,
    abstain: int,
    should_attend: int | None = None,
    present: int | None = None,
    written_yes: int = 0,
    written_no: int = 0,
    meeting_id: uuid.UUID | None = None,
) -> RecruitVote:
    recruit = find(session, actor, recruit_id)
    if question not in QUESTIONS:
        raise ValidationFailed("表决事项不正确。", field="question")
    if recruit.stage != ASKED_AT[question]:
        raise Conflict(f"目前不能表决“{QUESTIONS[question]}”。")
    if session.scalar(
        select(RecruitVote.id).where(
            RecruitVote.recruit_id == recruit.id,
            RecruitVote.question == question,
            RecruitVote.held_on == held_on,
        )
    ):
        raise Conflict(f"{held_on} 已对“{QUESTIONS[question]}”表决过，同一天不能对同一人再次表决。")
    if meeting_id is not None:
        counts = assembly_quorum(session, actor, recruit.org_id, meeting_id)
        should_attend, present = counts.should_attend, counts.present
    _check_numbers(should_attend, present, yes, no, abstain, written_yes, written_no)
    if question in RECORDS_STEP:  # the step the vote would record must be due: else no vote at all
        check(session, recruit, RECORDS_STEP[question], held_on, vote_to_come=True)
    vote = RecruitVote(
        recruit_id=recruit.id,
        question=question,
        meeting_id=meeting_id,
        held_on=held_on,
        should_attend=should_attend,
        present=present,
        yes=yes,
        no=no,
        abstain=abstain,
        written_yes=written_yes,
        written_no=written_no,
        passed=passes(should_attend, present, yes + written_yes),
        recorded_by=actor.label,
    )
    session.add(vote)
    session.flush()
    audit.record(
        session,
        actor,
        "recruit.vote",
        object_type="recruit",
        object_id=recruit.id,
        detail={"question": question, "passed": vote.passed},
    )
    if meeting_id is not None:  # recorded with the minutes, while they are still open
        _with_the_minutes(session, meeting_id, recruit, vote)
    if vote.passed and question in RECORDS_STEP:
        _record(
            session,
            actor,
            recruit,
            RECORDS_STEP[question],
            held_on,
            f"赞成 {yes + written_yes} 票",
            meeting_id,
        )
    return vote


def _with_the_minutes(session: Session, meeting_id: uuid.UUID, recruit: Any, vote: RecruitVote) -> None:
    meeting = session.get(Meeting, meeting_id)
    if meeting.status != MeetingStatus.planned:
        return
    line = f"{recruit.person.name}{QUESTIONS[vote.question]}：{explain(vote)}"
    meeting.resolutions = "\n".join(x for x in (meeting.resolutions.strip(), line) if x)[:5000]


def on_the_agenda(session: Session, meeting: Meeting) -> list[tuple[Recruit, str]]:
    """At a branch's 支部党员大会: those whose admission or 转正 is due for its vote."""
    kinds = set(
        session.scalars(
            select(meeting_obligation.c.kind).where(meeting_obligation.c.meeting_id == meeting.id)
        )
    )
    if MeetingKind.general_assembly not in kinds:
        return []
    recruits = session.scalars(
        select(Recruit)
        .where(
            Recruit.org_id == meeting.org_id,
            Recruit.stage.in_((RecruitStage.candidate, RecruitStage.probationary)),
        )
        .order_by(Recruit.applied_on)
    )
    due = []
    for recruit in recruits:
        steps = {s.step for s in recruit.steps}
        if recruit.stage == RecruitStage.candidate and 14 in steps and 15 not in steps:
            due.append((recruit, "admit"))
        elif recruit.stage == RecruitStage.probationary and 22 in steps and 23 not in steps:
            due.append((recruit, "full"))
    return due


def _check_numbers(
    should_attend: int | None,
    present: int | None,
    yes: int,
    no: int,
    abstain: int,
    written_yes: int,
    written_no: int,
) -> None:
    if any(n is None or n < 0 for n in (should_attend, present, yes, no, abstain, written_yes, written_no)):
        raise ValidationFailed("请填写应到、实到人数和票数（不能为负数）。", field="yes")
    if present > should_attend:
        raise ValidationFailed("实到有表决权的人数不能超过应到人数。", field="present")
    if yes + no + abstain > present:
        raise ValidationFailed(f"票数之和不能超过实到有表决权的 {present} 人。", field="yes")
    if written_yes + written_no > should_attend - present:
        raise ValidationFailed("书面意见只能来自因故缺席的有表决权党员。", field="written_yes")


def explain(vote: RecruitVote) -> str:
    """The result in words, with the arithmetic (for the 纪实表 and the page)."""
    needed = vote.should_attend // 2 + 1
    counts = f"应到 {vote.should_attend} 人，实到 {vote.present} 人"
    if vote.present * 2 <= vote.should_attend:
        return f"{counts}，未超过半数，不能表决（{RULES_2014}第二十条）。"
    verdict = "通过" if vote.passed else "未通过"
    return f"{counts}；赞成 {vote.yes + vote.written_yes} 票（需 {needed} 票，按应到人数计算），{verdict}。"


def of(session: Session, recruit_id: uuid.UUID) -> list[RecruitVote]:
    return list(
        session.scalars(
            select(RecruitVote).where(RecruitVote.recruit_id == recruit_id).order_by(RecruitVote.held_on)
        )
    )
