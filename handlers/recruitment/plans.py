"""发展计划: each branch proposes how many it plans to admit next year (by the end of the month in
rule recruit.plan_propose_month, November by default), the 党委 issues each branch's number (by
the end of recruit.plan_issue_month, February), and the board shows plan against progress —
those admitted as 预备党员 that year (step 17, the 上级党委's approval). Branches, never people."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handlers import audit, links, reminders, rules
from handlers.errors import Conflict, Forbidden, NotFound, ValidationFailed
from handlers.policy import Actor, can, holds, scope_orgs, scope_paths
from handlers.roles import branch_leaders_of
from models import OrgKind, PartyOrg, ReminderPriority
from models.base import CHINA, local_today, utcnow
from models.recruitment import Recruit, RecruitPlan, RecruitStep

#: The step whose date counts as one admitted in a year: the 上级党委 approving the 预备党员.
ADMITTED_STEP = 17
MAX_PLAN = 200


@dataclass(frozen=True)
class PlanLine:
    org: PartyOrg
    plan: RecruitPlan | None
    #: Admitted as 预备党员 in the year so far.
    admitted: int
    #: The reader may propose (leads the branch) / issue (the office over it).
    may_propose: bool
    may_issue: bool

    @property
    def target(self) -> int | None:
        """What progress is measured against: the issued number, else the proposal."""
        if self.plan is None:
            return None
        return self.plan.issued if self.plan.issued is not None else self.plan.proposed


def months(session: Session, on: date | None = None) -> tuple[int, int]:
    """The months (1–12) by whose end plans are proposed and issued."""
    on = on or local_today()
    return tuple(  # type: ignore[return-value]
        max(1, min(12, int(rules.value(session, key, on))))
        for key in ("recruit.plan_propose_month", "recruit.plan_issue_month")
    )


def _count(raw: object, field: str) -> int:
    text = str(raw if raw is not None else "").strip()
    if not text.isdigit() or int(text) > MAX_PLAN:
        raise ValidationFailed(f"计划人数应为 0–{MAX_PLAN} 之间的整数。", field=field)
    return int(text)


def _year(year: int) -> int:
    if not local_today().year - 1 <= int(year) <= local_today().year + 1:
        raise ValidationFailed("只能填报上一年、本年或下一年的计划。", field="year")
    return int(year)


def _branch(session: Session, actor: Actor, org_id: uuid.UUID, action: str) -> PartyOrg:
    org = session.get(PartyOrg, org_id)
    if org is None or org.kind != OrgKind.branch or not can(session, actor, "recruit.manage", obj=org):
        raise NotFound()
    if not can(session, actor, action, obj=org):
        raise Forbidden("年度发展计划由党委组织部下达。" if action == "recruit.approve" else "无权填报。")
    return org


def _row(session: Session, org: PartyOrg, year: int) -> RecruitPlan:
    row = session.scalar(select(RecruitPlan).where(RecruitPlan.org_id == org.id, RecruitPlan.year == year))
    if row is None:
        row = RecruitPlan(org_id=org.id, year=year, note="")
        session.add(row)
    return row


def propose(
    session: Session, actor: Actor, *, org_id: uuid.UUID, year: int, count: object, note: str = ""
) -> RecruitPlan:
    """The branch's proposal for a year; it may be changed until the 党委 has issued the year's."""
    org = _branch(session, actor, org_id, "recruit.manage")
    row = _row(session, org, _year(year))
    if row.issued is not None:
        raise Conflict(f"{year}年的计划已由党委下达（{row.issued} 名），如需调整请与党委组织部联系。")
    row.proposed, row.note = _count(count, "count"), (note or "").strip()[:200]
    row.proposed_by, row.proposed_at = actor.label[:100], utcnow()
    session.flush()
    audit.record(
        session, actor, "recruit.plan_propose", object_type="org", object_id=org.id, detail={"year": year}
    )
    return row


def issue(session: Session, actor: Actor, *, org_id: uuid.UUID, year: int, count: object) -> RecruitPlan:
    """The 党委 issues (or corrects) a branch's number for the year."""
    org = _branch(session, actor, org_id, "recruit.approve")
    row = _row(session, org, _year(year))
    row.issued = _count(count, "issued")
    row.issued_by, row.issued_at = actor.label[:100], utcnow()
    session.flush()
    audit.record(
        session, actor, "recruit.plan_issue", object_type="org", object_id=org.id, detail={"year": year}
    )
    return row


def lines(session: Session, actor: Actor, *, year: int) -> list[PlanLine]:
    """Every branch the reader develops members in, with its plan and those admitted that year
    (three queries, however many branches)."""
    if not holds(actor, "recruit.manage"):
        raise Forbidden("无权查看发展计划。")
    branches = list(
        session.scalars(
            scope_orgs(
                actor, select(PartyOrg).where(PartyOrg.kind == OrgKind.branch), "recruit.manage"
            ).order_by(PartyOrg.path)
        )
    )
    ids = [o.id for o in branches]
    plans = {
        p.org_id: p
        for p in session.scalars(
            select(RecruitPlan).where(RecruitPlan.year == year, RecruitPlan.org_id.in_(ids))
        )
    }
    admitted = dict(
        session.execute(
            select(Recruit.org_id, func.count())
            .join(RecruitStep, RecruitStep.recruit_id == Recruit.id)
            .where(
                Recruit.org_id.in_(ids),
                RecruitStep.step == ADMITTED_STEP,
                RecruitStep.done_on >= date(year, 1, 1),
                RecruitStep.done_on <= date(year, 12, 31),
            )
            .group_by(Recruit.org_id)
        ).all()
    )
    # Every branch listed is one the reader manages; the office issues where its scope reaches.
    office = holds(actor, "recruit.approve")
    issuing = scope_paths(actor, "recruit.approve") if office else []

    def may_issue(org: PartyOrg) -> bool:
        return office and (issuing is None or any(org.path.startswith(p) for p in issuing))

    return [
        PlanLine(
            org, plans.get(org.id), admitted.get(org.id, 0), may_propose=not office, may_issue=may_issue(org)
        )
        for org in branches
    ]


def queue_reminders(session: Session, today: date) -> int:
    """In the month plans are proposed, the leaders of each branch that has not yet proposed next
    year's plan are reminded (one reminder per person and year, met once the branch proposes)."""
    propose_month, _issue_month = months(session, today)
    if today.month != propose_month:
        return 0
    year = today.year + 1
    proposed = select(RecruitPlan.org_id).where(RecruitPlan.year == year, RecruitPlan.proposed.is_not(None))
    waiting = list(
        session.scalars(
            select(PartyOrg.id).where(PartyOrg.kind == OrgKind.branch, PartyOrg.id.not_in(proposed))
        )
    )
    end_of_month = (today.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    now, page = utcnow(), links.page("admin.recruit_plan", year=year)
    asks = [
        reminders.Ask(
            person,
            "recruit_plan",
            f"recruit_plan:{org_id}:{year}",
            f"请提出{year}年发展党员计划",
            f"请于{end_of_month:%m月%d日}前在管理后台提出本支部{year}年发展党员计划。",
            page,
            due_at=datetime.combine(end_of_month, time(12), CHINA),
            earliest=now,
            latest=now + timedelta(days=2),
            priority=ReminderPriority.normal,
        )
        for org_id, (_role, leaders) in branch_leaders_of(session, waiting).items()
        for person in leaders
    ]
    return reminders.remind_many(session, asks, now=now)


def _proposed(session: Session, key: str) -> bool:
    org_id, year = key.split(":")
    return (
        session.scalar(
            select(RecruitPlan.proposed).where(
                RecruitPlan.org_id == uuid.UUID(org_id), RecruitPlan.year == int(year)
            )
        )
        is not None
    )


reminders.obligation_check("recruit_plan")(_proposed)
