"""The demo hospital's 发展党员 (issue 19): about 40 staff on the way, in every stage, each walked
through the real steps with dates the rules accept — among them a talk overdue, a candidate
whose approval has waited 75 days, a probation ending this month, an extended probation and a
公示 running now. Applicants are staff who are not members, in branches' own departments."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from demo.mailbox import named_office
from handlers import recruitment
from handlers.policy import Actor, load_actor
from handlers.recruitment import decisions, documents, exits, plans, publicity, training, votes
from handlers.roles import branch_leaders
from models import Member, MemberStatus, OrgKind, PartyOrg, Person, Recruit, RecruitStage

#: Days after the application each step is done on (the rules' minimum times kept).
SCHEDULE = {
    2: 10,
    3: 185,
    4: 190,
    5: 192,
    6: 556,
    7: 570,
    8: 571,
    9: 572,
    10: 573,
    11: 580,
    12: 585,
    13: 590,
    14: 595,
    15: 610,
    16: 615,
    17: 640,
    18: 645,
    19: 646,
    20: 650,
    21: 700,
    22: 950,
    23: 975,
    24: 990,
    25: 995,
}
#: 公示 before the step that moves on, started this many days after the application.
PUBLICITY_AT = {3: 170, 7: 557, 15: 596, 23: 960}
REVIEWS_AT = (372, 554)

#: (how many, days since the application, the last step done)
PLAN = (
    (9, 60, 2),
    (8, 300, 5),
    (6, 575, 8),
    (4, 640, 14),
    (6, 800, 21),
    (3, 1020, 25),
)


class DemoRecruitment:
    def __init__(
        self, session: Session, rng: Any, today: date, actor: Actor, *, new_staff: Callable[[Any], Person]
    ) -> None:
        self.new_staff = new_staff
        self.session, self.rng, self.today = session, rng, today
        self.office = named_office(session, actor)  # the office, by name, records the steps

    def build(self) -> int:
        """Walk everyone; returns how many became members of record (预备 or 正式) on the way."""
        candidates = self.applicants()
        for count, started, last in PLAN:
            for _ in range(count):
                person, branch = candidates.pop()
                self.walk(person, branch, started, last)
        person, branch = candidates.pop()  # the talk overdue: applied 40 days ago, no talk yet
        recruitment.apply(self.session, person, org_id=branch.id, applied_on=self.today - timedelta(days=40))
        person, branch = candidates.pop()  # approval waiting at day 75, reported up to the office
        waiting = self.walk(person, branch, 610 + 75, 16)
        leader = self.leader(branch)
        if leader is not None:
            decisions.report(
                self.session, leader, recruit_id=waiting.id, number=17, note="支部大会决议及志愿书"
            )
        person, branch = candidates.pop()  # probation ending this month (step 22 done)
        self.walk(person, branch, 975 - 12, 22)
        person, branch = candidates.pop()  # an extended probation
        recruit = self.walk(person, branch, 1000, 22)
        held_on = self.today - timedelta(days=20)
        self.vote(recruit, "extend", held_on)
        exits.extend_probation(self.session, self.office, recruit_id=recruit.id, months=6, held_on=held_on)
        person, branch = candidates.pop()  # a 公示 running now, before the 支部大会
        recruit = self.walk(person, branch, 600, 14)
        publicity.start(self.session, self.office, recruit_id=recruit.id, starts_on=self.today)
        self.plans()
        return self.session.scalar(
            select(func.count())
            .select_from(Recruit)
            .where(Recruit.stage.in_((RecruitStage.probationary, RecruitStage.full)))
        )

    def leader(self, branch: PartyOrg) -> Actor | None:
        """The branch's secretary (or 组织委员) as an actor, for what the branch files itself."""
        _role, people = branch_leaders(self.session, branch)
        return load_actor(self.session, people[0]) if people else None

    def plans(self) -> None:
        """This year's 发展计划 proposed by each branch developing members and issued by the office;
        next year's proposed by half of them (November is when they are due)."""
        year = self.today.year
        branches = self.session.scalars(
            select(PartyOrg).where(PartyOrg.id.in_(select(Recruit.org_id))).order_by(PartyOrg.code)
        ).all()
        for n, branch in enumerate(branches):
            leader = self.leader(branch)
            if leader is None:
                continue
            wanted = self.rng.randint(1, 3)
            plans.propose(self.session, leader, org_id=branch.id, year=year, count=str(wanted))
            plans.issue(
                self.session, self.office, org_id=branch.id, year=year, count=str(max(1, wanted - n % 2))
            )
            if n % 2 == 0:
                plans.propose(
                    self.session, leader, org_id=branch.id, year=year + 1, count=str(self.rng.randint(1, 3))
                )

    def applicants(self) -> list[tuple[Person, PartyOrg]]:
        """Staff who are not members, with the branch of their department, in a stable order."""
        branches = list(
            self.session.scalars(
                select(PartyOrg).where(PartyOrg.kind == OrgKind.branch).order_by(PartyOrg.code)
            )
        )
        of_department = {d.id: b for b in branches for d in b.departments}
        members = select(Member.person_id)
        staff = self.session.scalars(
            select(Person)
            .where(Person.id.not_in(members), Person.is_active.is_(True))
            .order_by(Person.wecom_userid)
        )
        found = [(p, of_department[p.department_id]) for p in staff if p.department_id in of_department]
        found = [
            (p, b) for p, b in found if p.birth_date and p.birth_date < self.today - timedelta(days=365 * 22)
        ]
        wanted = sum(count for count, _, _ in PLAN) + 5
        clinical = [b for b in branches if b.departments]
        while len(found) < wanted:  # more staff who have applied, in the branches' own departments
            branch = clinical[len(found) % len(clinical)]
            person = self.new_staff(min(branch.departments, key=lambda d: d.wecom_id))
            person.political_status = "群众"
            found.append((person, branch))
        self.rng.shuffle(found)
        return found

    def day(self, applied: date, offset: int) -> date:
        return applied + timedelta(days=offset)

    def walk(self, person: Person, branch: PartyOrg, started: int, last: int) -> Any:
        """Apply `started` days ago and do every step up to `last` on its scheduled day."""
        applied = self.today - timedelta(days=started)
        recruit = recruitment.apply(self.session, person, org_id=branch.id, applied_on=applied)
        full = [m for m in branch_members(self.session, branch) if m.person_id != person.id]
        for number in range(2, last + 1):
            on = self.day(applied, SCHEDULE[number])
            if number in PUBLICITY_AT:
                publicity.start(
                    self.session,
                    self.office,
                    recruit_id=recruit.id,
                    starts_on=self.day(applied, PUBLICITY_AT[number]),
                )
            if number == 5:
                training.assign(
                    self.session, self.office, recruit_id=recruit.id, member_id=full[0].id, role="mentor"
                )
            if number == 6:
                for at in REVIEWS_AT:
                    training.add_note(
                        self.session,
                        self.office,
                        recruit_id=recruit.id,
                        kind="review",
                        written_on=self.day(applied, at),
                        text="学习积极，工作认真，群众评价好。",
                    )
            if number == 9:
                for sponsor in full[:2]:
                    training.assign(
                        self.session, self.office, recruit_id=recruit.id, member_id=sponsor.id, role="sponsor"
                    )
            if number in (15, 23):
                self.vote(recruit, "admit" if number == 15 else "full", on)
                continue  # the passing vote records the step
            if number == 25:
                documents.mark_archived(self.session, self.office, recruit.id, list(documents.ARCHIVE_FILES))
            evidence = "合格" if number == 10 else "见纸质材料"
            recruitment.record_step(
                self.session, self.office, recruit_id=recruit.id, number=number, done_on=on, evidence=evidence
            )
        return recruit

    def vote(self, recruit: Any, question: str, on: date) -> None:
        should = max(len(branch_members(self.session, recruit.org)), 3)
        present = should - should // 5
        votes.record_vote(
            self.session,
            self.office,
            recruit_id=recruit.id,
            question=question,
            held_on=on,
            should_attend=should,
            present=present,
            yes=present,
            no=0,
            abstain=0,
        )


def branch_members(session: Session, branch: PartyOrg) -> list[Member]:
    return list(
        session.scalars(
            select(Member)
            .where(
                Member.branch_id == branch.id, Member.status == MemberStatus.full, Member.left_at.is_(None)
            )
            .order_by(Member.id)
        )
    )
