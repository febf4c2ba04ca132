"""The pipeline board: for the office, each branch's count of people at each stage; for each
secretary, their own branch's. Under it, the people the reader is responsible for, each with
their next step and its deadline — ordered by the deadline, a to-do list, never a ranking."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import BigInteger, cast, func, literal, select
from sqlalchemy.orm import Session

from handlers import rules
from handlers.policy import Actor, scope_orgs
from handlers.recruitment.steps import OPEN, STEPS, Step
from models import OrgKind, PartyOrg, Person
from models.base import local_today
from models.recruitment import Recruit, RecruitStage, RecruitStep


@dataclass(frozen=True)
class Line:
    recruit_id: uuid.UUID
    name: str
    org_id: uuid.UUID
    org_name: str
    stage: RecruitStage
    applied_on: date
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


def next_step(recruit: Any, done: set[int] | None = None) -> Step | None:
    """The first step of the person's stage not yet done whose steps before it are done."""
    done = {s.step for s in recruit.steps} if done is None else done
    for step in STEPS:
        if step.stage == recruit.stage and step.number not in done and all(n in done for n in step.after):
            return step
    return None


def _limits(session: Session) -> dict[str, int]:
    keys = ("talk_within_days", "approval_days", "training_days")
    return {key: int(rules.value(session, f"recruit.{key}")) for key in keys}


def deadline(
    session: Session, recruit: Any, step: Step | None, limits: dict[str, int] | None = None
) -> date | None:
    limits = limits or _limits(session)
    if step is None:
        return None
    if step.number == 2:
        return recruit.applied_on + timedelta(days=limits["talk_within_days"])
    if step.number in (16, 17) and recruit.admitted_on:
        return recruit.admitted_on + timedelta(days=limits["approval_days"])
    if step.number in (22, 23) and recruit.probation_ends_on:
        return recruit.probation_ends_on
    if step.number == 7 and recruit.activist_on:  # the earliest day, shown as when it falls due
        return recruit.activist_on + timedelta(days=limits["training_days"])
    return None


def lines(session: Session, actor: Actor) -> list[Line]:
    """Everyone the reader develops, soonest deadline first. Read as columns, not objects: a
    hospital has over a thousand people on the way."""
    open_ways = (Recruit.org_id.in_(_branches(actor)), Recruit.stage.in_(OPEN))
    rows = session.execute(
        select(
            Recruit.id,
            Recruit.stage,
            Recruit.applied_on,
            Recruit.activist_on,
            Recruit.admitted_on,
            Recruit.probation_ends_on,
            Recruit.org_id,
            Person.name.label("person_name"),
            PartyOrg.name.label("org_name"),
        )
        .join(Person, Person.id == Recruit.person_id)
        .join(PartyOrg, PartyOrg.id == Recruit.org_id)
        .where(*open_ways)
    ).all()
    # The steps done, one bit each: one row per person rather than one per step (a bigint: a
    # bare 1 is bound as smallint on PostgreSQL, which would drop steps 16 to 25).
    masks = dict(
        session.execute(
            select(RecruitStep.recruit_id, func.sum(cast(literal(1), BigInteger).op("<<")(RecruitStep.step)))
            .join(Recruit, Recruit.id == RecruitStep.recruit_id)
            .where(*open_ways)
            .group_by(RecruitStep.recruit_id)
        ).all()
    )
    limits, found = _limits(session), []
    for row in rows:
        mask = int(masks.get(row.id) or 0)
        step = next_step(row, {n for n in range(1, 26) if mask >> n & 1})
        found.append(
            Line(
                row.id,
                row.person_name,
                row.org_id,
                row.org_name,
                RecruitStage(row.stage),
                row.applied_on,
                step,
                deadline(session, row, step, limits),
            )
        )
    far = local_today() + timedelta(days=100_000)
    return sorted(found, key=lambda line: (line.deadline or far, line.applied_on))
