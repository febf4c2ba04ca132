"""The pipeline board: for the office, each branch's count of people at each stage; for each
secretary, their own branch's. Under it, the people the reader is responsible for, each with
their next step and its deadline — ordered by the deadline, a to-do list, never a ranking."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from handlers import rules
from handlers.policy import Actor, scope_orgs
from handlers.recruitment.steps import OPEN, STEPS, Step
from models import OrgKind, PartyOrg
from models.base import local_today
from models.recruitment import Recruit, RecruitStage


@dataclass(frozen=True)
class Line:
    recruit: Recruit
    next_step: Step | None
    #: The date the rules set for what is owed now (None: no time limit on it).
    deadline: date | None


def _branches(actor: Actor) -> select:
    return scope_orgs(actor, select(PartyOrg.id).where(PartyOrg.kind == OrgKind.branch), "recruit.manage")


def counts(session: Session, actor: Actor) -> dict[PartyOrg, dict[RecruitStage, int]]:
    """Per branch in the reader's scope, how many are at each open stage (one grouped query)."""
    rows = session.execute(
        select(Recruit.org_id, Recruit.stage, func.count())
        .where(Recruit.org_id.in_(_branches(actor)), Recruit.stage.in_(OPEN))
        .group_by(Recruit.org_id, Recruit.stage)
    ).all()
    orgs = {o.id: o for o in session.scalars(select(PartyOrg).where(PartyOrg.id.in_({r[0] for r in rows})))}
    table: dict[PartyOrg, dict[RecruitStage, int]] = defaultdict(dict)
    for org_id, stage, n in rows:
        table[orgs[org_id]][RecruitStage(stage)] = n
    return dict(sorted(table.items(), key=lambda item: item[0].path))


def next_step(recruit: Recruit) -> Step | None:
    done = {s.step for s in recruit.steps}
    for step in STEPS:
        if step.stage == recruit.stage and step.number not in done and all(n in done for n in step.after):
            return step
    return None


def deadline(session: Session, recruit: Recruit, step: Step | None) -> date | None:
    if step is None:
        return None
    if step.number == 2:
        return recruit.applied_on + timedelta(days=int(rules.value(session, "recruit.talk_within_days")))
    if step.number in (16, 17) and recruit.admitted_on:
        return recruit.admitted_on + timedelta(days=int(rules.value(session, "recruit.approval_days")))
    if step.number in (22, 23) and recruit.probation_ends_on:
        return recruit.probation_ends_on
    if step.number == 7 and recruit.activist_on:  # the earliest day, shown as when it falls due
        return recruit.activist_on + timedelta(days=int(rules.value(session, "recruit.training_days")))
    return None


def lines(session: Session, actor: Actor) -> list[Line]:
    recruits = session.scalars(
        select(Recruit)
        .where(Recruit.org_id.in_(_branches(actor)), Recruit.stage.in_(OPEN))
        .options(joinedload(Recruit.person), joinedload(Recruit.org), selectinload(Recruit.steps))
    ).unique()
    found = []
    for recruit in recruits:
        step = next_step(recruit)
        found.append(Line(recruit, step, deadline(session, recruit, step)))
    far = local_today() + timedelta(days=100_000)
    return sorted(found, key=lambda line: (line.deadline or far, line.recruit.applied_on))
