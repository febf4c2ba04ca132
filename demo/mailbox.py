"""The demo hospital's 书记信箱 (issue 23): three letters in the first branch — one anonymous,
one answered by the secretary — and the FAQ the office keeps."""

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
