"""The demo hospital's 书记信箱 and 通知公告 (issue 23): three letters in the first branch — one
anonymous, one answered by the secretary — the FAQ the office keeps, and two notices, one asking
for 收到."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import mailbox
from handlers.policy import Actor, load_actor
from models import Member, PartyOrg, Person, Role, RoleGrant

FAQ = (
    ("党费每月交多少？", "按每年年初核定的金额交纳，在“我的 → 我的党费”可以看到本年每月应交金额和计算方式。"),
    (
        "倒班赶不上组织生活怎么办？",
        "会议卡片上可以选场次或请假；请假批准后可在会议页完成补学，补学不计为到会。",
    ),
    ("组织关系转出要办什么手续？", "在“我的审批与申请”提交组织关系转出，支部同意后由党委组织部开具介绍信。"),
)


def build(session: Session, branch: PartyOrg, office: Actor) -> None:
    for position, (question, answer) in enumerate(FAQ, start=1):
        mailbox.save_faq(
            session, office, entry_id=None, question=question, answer_text=answer, position=position
        )
    members = [
        m.person
        for m in session.scalars(
            select(Member)
            .join(Member.person)
            .where(Member.branch_id == branch.id)
            .order_by(Person.wecom_userid)
        )
    ]
    grant = session.scalar(
        select(RoleGrant).where(RoleGrant.org_id == branch.id, RoleGrant.role == Role.secretary).limit(1)
    )
    secretary = session.get(Person, grant.person_id)
    writers = [p for p in members if p.id != secretary.id]
    answered = mailbox.write(
        session,
        writers[3],
        to="secretary",
        category="suggestion",
        body="建议把主题党日安排在周四下午，夜班同事交班后也能参加。",
        anonymous=False,
    )
    mailbox.answer(
        session,
        load_actor(session, secretary),
        message_id=answered.message.id,
        text="谢谢建议。下月起主题党日改在周四下午，并为夜班同事保留一场晚间场次。",
    )
    mailbox.write(
        session,
        writers[4],
        to="secretary",
        category="help",
        body="家中老人住院，近期排班困难，想请支部帮忙协调一下值班。",
        anonymous=False,
    )
    mailbox.write(
        session,
        writers[5],
        to="office",
        category="problem",
        body="科室评优的标准没有公开，希望党委关注。",
        anonymous=True,
    )


def named_office(session: Session, fallback: Actor) -> Actor:
    """The office, by name (the first person holding the hospital-wide office role)."""
    grant = session.scalar(
        select(RoleGrant).where(RoleGrant.role == Role.committee_office, RoleGrant.org_id.is_(None)).limit(1)
    )
    return load_actor(session, session.get(Person, grant.person_id)) if grant else fallback


def notices(session: Session, branch: PartyOrg, office: Actor) -> None:
    """Two notices: one to the whole hospital, one to the first branch asking for 收到."""
    from handlers import notices as notice_handlers

    office = named_office(session, office)
    notice_handlers.send(
        session,
        office,
        title="关于开展十二月集中学习的通知",
        body="各党支部：请于本月底前组织党员完成“十二月集中学习”推送的课程，倒班人员可在休息日补学。",
        org_ids=[],
        needs_ack=False,
    )
    notice_handlers.send(
        session,
        office,
        title="请报名参加周六社区义诊",
        body="本周六上午 8:30 在院门口集合，参加社区义诊志愿服务。能参加的同志请点“收到”并向支部书记报名。",
        org_ids=[branch.id],
        needs_ack=True,
    )
