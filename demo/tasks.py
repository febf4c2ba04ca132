"""The demo hospital's 任务督办 (issue 23): a task to every branch, half of them done — one after a
return for 整改 — and one still returned; the first branch's annual plan (one item done) and the
monthly 组织生活 report started for every branch."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from demo.mailbox import named_office
from handlers import tasks
from handlers.policy import Actor, load_actor
from handlers.roles import branch_leaders
from models import DoneBy, PartyOrg


def _leader(session: Session, branch: PartyOrg) -> Actor | None:
    people = branch_leaders(session, branch)[1]
    return load_actor(session, people[0]) if people else None


def build(session: Session, branches: list[PartyOrg], office: Actor, today: date) -> None:
    office = named_office(session, office)
    task = tasks.send(
        session,
        office,
        title="开展“我为群众办实事”主题实践活动",
        body="各党支部结合科室实际，确定一件为患者或职工办的实事，于截止日前提交完成情况报告（做了什么、惠及多少人）。",
        why="院党委年度工作要点第 5 项",
        done_by=DoneBy.report,
        deadline=today + timedelta(days=14),
        org_ids=[b.id for b in branches],
    )
    rows = {r.org_id: r for r in task.assignments}
    half = branches[: len(branches) // 2]
    for n, branch in enumerate(half):
        leader = _leader(session, branch)
        if leader is None:
            continue
        row = rows[branch.id]
        tasks.acknowledge(session, leader, row.id)
        tasks.submit(
            session,
            leader,
            assignment_id=row.id,
            report=f"{branch.name}：开设夜班护士休息室预约，惠及 40 余人。",
        )
        if n == 0:  # returned once, fixed, accepted
            tasks.review(
                session,
                office,
                assignment_id=row.id,
                accept=False,
                reason="请写明惠及人数的统计口径",
                new_deadline=today + timedelta(days=7),
            )
            tasks.submit(
                session, leader, assignment_id=row.id, report=f"{branch.name}：按预约登记统计，惠及 43 人。"
            )
        if n != 1:  # the second waits for review
            tasks.review(session, office, assignment_id=row.id, accept=True)
    still = branches[len(half)] if len(branches) > len(half) else None
    if still is not None and (leader := _leader(session, still)) is not None:
        row = rows[still.id]
        tasks.submit(session, leader, assignment_id=row.id, report="已开展。")
        tasks.review(
            session,
            office,
            assignment_id=row.id,
            accept=False,
            reason="请补充活动照片和受益患者的反馈",
            new_deadline=today + timedelta(days=5),
        )
    first = branches[0]
    leader = _leader(session, first)
    if leader is not None:
        done = tasks.add_plan_item(
            session,
            leader,
            org_id=first.id,
            year=today.year,
            title="开展党员志愿服务",
            deadline=date(today.year, 12, 31),
        )
        tasks.submit(session, leader, assignment_id=done.id, report="全年开展社区义诊 6 次。")
        tasks.add_plan_item(
            session,
            leader,
            org_id=first.id,
            year=today.year,
            title="完成支部委员会换届准备",
            done_by=DoneBy.meeting,
            deadline=date(today.year, 12, 31),
        )
    tasks.start_monthly_reports(session, office, org_ids=[b.id for b in branches])
