"""问卷: the office (or a branch, for its own members) asks its members questions on the ballot
engine — anonymous or named, announced as which on the card and the form; results only after it
closes, and no breakdown of an item fewer than the rule's minimum answered."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import audiences, audit, rules
from handlers.ballots.engine import tally, turnout
from handlers.ballots.opening import open_ballot
from handlers.errors import Forbidden, NotFound, ValidationFailed
from handlers.policy import Actor, can, holds, scope_orgs, scope_paths
from handlers.validation import require_text
from models import Ballot, BallotQuestion, CommitteeSeat, Member, OrgKind, PartyOrg, Person
from models.base import utcnow

MAX_QUESTIONS, MAX_OPTIONS = 30, 10
MAX_DAYS = 90
#: How a question is written, one per line: 单选：题目｜甲｜乙, 多选2：题目｜甲｜乙｜丙, 问答：题目.
LINE = re.compile(r"^(单选|多选(\d*)|问答)[:：]\s*(.+)$")
FORMAT = "每行一题：“单选：题目｜选项｜选项”“多选2：题目｜选项｜选项｜选项”（最多选2项）或“问答：题目”。"


def parse_questions(text: str) -> list[BallotQuestion]:
    """The questions written one per line; a line that cannot be read is refused with its number."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines:
        raise ValidationFailed(f"请填写问题。{FORMAT}", field="questions")
    if len(lines) > MAX_QUESTIONS:
        raise ValidationFailed(f"最多 {MAX_QUESTIONS} 题。", field="questions")
    questions = []
    for n, line in enumerate(lines, start=1):
        found = LINE.match(line)
        if found is None:
            raise ValidationFailed(f"第 {n} 行无法识别。{FORMAT}", field="questions")
        kind_word, limit, rest = found.groups()
        parts = [p.strip() for p in re.split(r"[｜|]", rest)]
        text, options = parts[0], [p for p in parts[1:] if p]
        if not text or len(text) > 200:
            raise ValidationFailed(f"第 {n} 行的题目应为 1–200 字。", field="questions")
        if kind_word == "问答":
            questions.append(BallotQuestion(position=n, kind="text", text=text, options=[]))
            continue
        if not 2 <= len(options) <= MAX_OPTIONS or len(set(options)) != len(options):
            raise ValidationFailed(f"第 {n} 行应有 2–{MAX_OPTIONS} 个不重复的选项。", field="questions")
        if any(len(o) > 40 for o in options):
            raise ValidationFailed(f"第 {n} 行的选项每个不超过 40 字。", field="questions")
        kind = "single" if kind_word == "单选" else "multiple"
        most = int(limit) if limit else len(options)
        if kind == "multiple" and not 1 <= most <= len(options):
            raise ValidationFailed(f"第 {n} 行最多可选的项数应在 1–{len(options)} 之间。", field="questions")
        questions.append(
            BallotQuestion(
                position=n,
                kind=kind,
                text=text,
                options=options,
                max_choices=most if kind == "multiple" else None,
            )
        )
    return questions


def _scope(session: Session, actor: Actor, org_id: uuid.UUID | None) -> PartyOrg | None:
    if not holds(actor, "ballot.manage"):
        raise Forbidden("问卷由党委组织部或支部书记、组织委员发起。")
    if org_id is None and not _may_manage(session, actor, None):
        raise Forbidden("面向全院的问卷由党委组织部发起。")
    if org_id is not None and not _may_manage(session, actor, org_id):
        raise NotFound()
    return session.get(PartyOrg, org_id) if org_id else None


#: Who may be asked: everyone in the scope, its committee, or the accounts listed.
ELECTORATES = {"members": "全体党员", "committee": "委员会成员", "listed": "指定人员"}


def _electorate(session: Session, org: PartyOrg | None, kind: str, userids: str) -> list[Person]:
    members = [
        p for p, _member in session.execute(audiences.reached(session, org_ids=[org.id] if org else []))
    ]
    if kind == "members":
        return members
    if kind == "committee":
        if org is None:
            raise ValidationFailed("请选择党组织，问卷发给它的委员会成员。", field="org_id")
        seated = set(
            session.scalars(
                select(Member.person_id)
                .join(CommitteeSeat, CommitteeSeat.member_id == Member.id)
                .where(CommitteeSeat.org_id == org.id, CommitteeSeat.ended_on.is_(None))
            )
        )
        chosen = [p for p in members if p.id in seated]
        if not chosen:
            raise ValidationFailed(f"{org.name}没有在任的委员会成员。", field="electorate")
        return chosen
    if kind != "listed":
        raise ValidationFailed("请选择发给谁。", field="electorate")
    wanted = [u for u in re.split(r"[\s,，、;；]+", userids or "") if u]
    if not wanted or len(wanted) > 2000:
        raise ValidationFailed("请填写企业微信账号（每行一个，最多 2000 个）。", field="userids")
    by_userid = {p.wecom_userid: p for p in members}
    unknown = [u for u in wanted if u not in by_userid]
    if unknown:
        shown = "、".join(unknown[:10]) + ("等" if len(unknown) > 10 else "")
        raise ValidationFailed(f"以下账号不是所选范围内的党员：{shown}。", field="userids")
    return [by_userid[u] for u in dict.fromkeys(wanted)]


def create_survey(
    session: Session,
    actor: Actor,
    *,
    title: str,
    description: str,
    org_id: uuid.UUID | None,
    anonymous: bool,
    closes_at: datetime,
    questions: str,
    opens_at: datetime | None = None,
    electorate: str = "members",
    userids: str = "",
) -> Ballot:
    """Open a survey now or at `opens_at` to an electorate within an org (or the hospital) —
    all its members, its committee, or a hand-picked list of accounts — and send each of them a
    card. The electorate is fixed now: who joins later is not asked."""
    org = _scope(session, actor, org_id)
    now = utcnow()
    opens_at = opens_at or now
    if closes_at <= max(now, opens_at):
        raise ValidationFailed("截止时间应晚于开始时间和现在。", field="closes_at")
    if closes_at - opens_at > timedelta(days=MAX_DAYS):
        raise ValidationFailed(f"问卷最长开放 {MAX_DAYS} 天。", field="closes_at")
    ballot = Ballot(
        kind="survey",
        title=require_text(title, "title", "标题", max_length=60),
        description=(description or "").strip()[:2000],
        org_id=org.id if org else None,
        anonymous=bool(anonymous),
        opens_at=opens_at,
        closes_at=closes_at,
        min_answers=int(rules.value(session, "ballot.min_answers")),
        created_by_id=actor.person_id,
        created_by=actor.label[:100],
    )
    ballot.questions = parse_questions(questions)
    open_ballot(session, ballot, _electorate(session, org, electorate, userids))
    audit.record(
        session,
        actor,
        "ballot.create",
        object_type="ballot",
        object_id=ballot.id,
        detail={"electorate": ballot.electorate, "anonymous": ballot.anonymous},
    )
    return ballot


def orgs_to_ask(session: Session, actor: Actor) -> tuple[list[PartyOrg], bool]:
    """The orgs whose members the actor may ask (党小组 aside), and whether the whole hospital."""
    query = scope_orgs(actor, select(PartyOrg).where(PartyOrg.kind != OrgKind.group), "ballot.manage")
    return list(session.scalars(query.order_by(PartyOrg.path))), scope_paths(actor, "ballot.manage") is None


#: The kinds the 问卷 desk follows: 民主评议's 互评 is read in the evaluation alone, by those the
#: policy names (handlers/reviews), never among the surveys.
FOLLOWED_KINDS = ("survey", "election", "nomination")


def _may_manage(session: Session, actor: Actor, org_id: uuid.UUID | None) -> bool:
    """Whether the actor's desk covers a ballot of this org (None: a hospital-wide one)."""
    if not holds(actor, "ballot.manage"):
        return False
    if org_id is None:
        return scope_paths(actor, "ballot.manage") is None
    org = session.get(PartyOrg, org_id)
    return org is not None and can(session, actor, "ballot.manage", obj=org)


def managed(session: Session, actor: Actor) -> list[Ballot]:
    """The ballots the actor's desk may follow: every one for the office, their orgs' otherwise."""
    if not holds(actor, "ballot.manage"):
        raise Forbidden("无权查看问卷。")
    query = select(Ballot).where(Ballot.kind.in_(FOLLOWED_KINDS))
    if scope_paths(actor, "ballot.manage") is not None:
        query = query.where(Ballot.org_id.in_(scope_orgs(actor, select(PartyOrg.id), "ballot.manage")))
    return list(session.scalars(query.order_by(Ballot.closes_at.desc()).limit(100)))


def followed(session: Session, actor: Actor, ballot_id: uuid.UUID) -> tuple[Ballot, int, list | None]:
    """(the ballot, how many have answered, its results — None until it has closed)."""
    ballot = session.get(Ballot, ballot_id)
    if ballot is None or ballot.kind not in FOLLOWED_KINDS or not _may_manage(session, actor, ballot.org_id):
        raise NotFound("问卷不存在。")
    results = tally(session, ballot) if utcnow() >= ballot.closes_at else None
    return ballot, turnout(session, ballot), results
