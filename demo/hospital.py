"""The demo hospital's people and orgs: campuses, departments, the org tree, ~600 members and the
office's roles. Everything goes through the same handlers as real data (validation, encryption,
audit); the same seed gives the same hospital."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from demo import ballots as demo_ballots
from demo import business as demo_business
from demo import campus_map
from demo import mailbox as demo_mailbox
from demo import reviews as demo_reviews
from demo import tasks as demo_tasks
from demo.activity import DemoActivity
from demo.archive import DemoArchive
from demo.dues import DemoDues
from demo.plan import CAMPUSES, GIVEN, HOSPITAL, ORG_PLAN, POSITIONS, REGIONS, SHIFT_GROUPS, SURNAMES
from demo.recruitment import DemoRecruitment
from handlers import attachments, people
from handlers.policy import Actor
from handlers.validation import id_check_digit
from models import (
    AttachmentOwner,
    Campus,
    CommitteePost,
    CommitteeSeat,
    Department,
    DuesCategory,
    MemberStatus,
    OrgKind,
    PartyOrg,
    Role,
    RoleGrant,
    Venue,
)


@dataclass
class SeedReport:
    campuses: int = 0
    orgs: int = 0
    branches: int = 0
    people: int = 0
    members: int = 0
    grants: int = 0
    meetings: int = 0
    approvals: int = 0
    lessons: int = 0

    def lines(self) -> list[str]:
        return [
            f"院区 {self.campuses} 个，党组织 {self.orgs} 个（其中党支部 {self.branches} 个）",
            f"职工 {self.people} 人，党员 {self.members} 人，角色授权 {self.grants} 项",
            f"今年已召开并签署记录的会议 {self.meetings} 次",
            f"审批事项 {self.approvals} 项（第一个支部：待审批、已超期、待党委审批、已驳回各一）",
            f"已发布课程 {self.lessons} 门（含课后测验和一份可在卡片上作答的小测验）",
        ]


class DemoHospital(DemoActivity):
    def __init__(self, session: Session, seed: int, today: date) -> None:
        self.session = session
        self.today = today
        self.rng = random.Random(seed)
        self.seed = seed
        self.actor = Actor.cli("演示数据初始化")
        self.report = SeedReport()
        self.used_names: set[str] = set()
        self.serial = 0

    # -- identities ------------------------------------------------------------------------

    def name(self, rng: random.Random | None = None) -> str:
        rng = rng or self.rng
        while True:
            given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
            name = rng.choice(SURNAMES) + given
            if name not in self.used_names:
                self.used_names.add(name)
                return name

    def identity(self, born: date, rng: random.Random | None = None) -> tuple[str, str]:
        rng = rng or self.rng
        first17 = f"{rng.choice(REGIONS)}{born:%Y%m%d}{rng.randrange(1000):03d}"
        mobile = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
        return first17 + id_check_digit(first17), mobile

    def person(
        self,
        department: Department | None,
        kind: str,
        *,
        retired: bool = False,
        rng: random.Random | None = None,
    ):
        """A staff member; `rng`: a feature's own stream, so the main one stays as it was."""
        rng = rng or self.rng
        self.serial += 1
        age = rng.randint(62, 85) if retired else rng.randint(24, 58)
        born = date(2026 - age, rng.randint(1, 12), rng.randint(1, 28))
        id_number, mobile = self.identity(born, rng)
        person = people.create_person(
            self.session,
            self.actor,
            wecom_userid=f"demo{self.serial:04d}",
            name=self.name(rng),
            # WeCom files staff outside any department (retirees here) under the root department.
            department_id=(department or self.root).id,
            position=rng.choice(POSITIONS[kind]),
            id_number=id_number,
            mobile=mobile,
            birth_date=born,
        )
        self.report.people += 1
        return person, age

    # -- the hospital ----------------------------------------------------------------------

    def build(self) -> SeedReport:
        campuses = self.campuses()
        # WeCom's root department (id 1) is the hospital itself; clinical departments hang under it.
        self.root = Department(wecom_id=1, parent_wecom_id=None, name=HOSPITAL, campus_id=campuses["BB"].id)
        self.session.add(self.root)
        self.session.flush()
        departments: dict[str, Department] = {}
        committee = self.org(OrgKind.committee, "DW", f"{HOSPITAL}党委", None, campuses["BB"])
        committee.term_started_on, committee.term_ends_on = date(2022, 6, 1), date(2027, 5, 31)
        branches = []
        for gb_code, gb_name, branch_plans in ORG_PLAN:
            general = self.org(OrgKind.general_branch, gb_code, gb_name, committee, campuses["BB"])
            for code, name, dept_names, campus_code, kind in branch_plans:
                branch = self.org(OrgKind.branch, code, name, general, campuses[campus_code])
                branch.term_started_on = date(2024, self.rng.randint(1, 12), 1)
                branch.term_ends_on = branch.term_started_on.replace(year=branch.term_started_on.year + 3)
                for dept_name in dept_names:
                    if dept_name not in departments:
                        departments[dept_name] = self.department(
                            dept_name, len(departments) + 2, campuses[campus_code]
                        )
                    branch.departments.append(departments[dept_name])
                branches.append((branch, [departments[d] for d in dept_names], kind))
        self.session.flush()
        for branch, depts, kind in branches:
            self.staff_branch(branch, depts, kind)
        self.office_roles(committee)
        # The archive draws on a stream of its own, so the rest of the seed stays as it was.
        DemoArchive(
            self.session, random.Random(self.seed * 18 + 1), self.today, self.actor, self.report
        ).build()
        recruit_rng = random.Random(self.seed * 22 + 1)
        # Before dues, so the members it makes are assessed; its own stream for the staff it adds.
        self.report.members += DemoRecruitment(
            self.session,
            recruit_rng,
            self.today,
            self.actor,
            new_staff=lambda department: self.person(department, "clinical", rng=recruit_rng)[0],
        ).build()
        DemoDues(self.session, random.Random(self.seed * 20 + 1), self.today, self.actor).build()
        self.meeting_history([branch for branch, _, _ in branches])
        self.approvals(branches[0][0])
        demo_mailbox.build(self.session, branches[0][0], self.actor)
        demo_mailbox.notices(self.session, branches[0][0], self.actor)
        demo_tasks.build(self.session, [branch for branch, _, _ in branches], self.actor, self.today)
        demo_ballots.build(self.session, branches[0][0], self.actor)
        demo_ballots.talks(self.session, branches[0][0], self.actor)
        demo_reviews.build(self.session, [branch for branch, _, _ in branches], self.actor)
        demo_business.build(self.session, self.actor)
        demo_business.assessment(self.session, [branch for branch, _, _ in branches], self.actor)
        self.library()
        return self.report

    def campuses(self) -> dict[str, Campus]:
        result = {}
        for code, name, address, venues in CAMPUSES:
            campus = Campus(code=code, name=name, address=address)
            self.session.add(campus)
            for venue_name, lat, lng, radius in venues:
                campus.venues.append(
                    Venue(
                        name=venue_name,
                        geofence_lat=Decimal(str(lat)),
                        geofence_lng=Decimal(str(lng)),
                        geofence_radius_m=radius,
                        geofence_on=True,
                    )
                )
            result[code] = campus
            self.report.campuses += 1
        self.session.flush()
        self.campus_plan(next(iter(result.values())))
        return result

    def campus_plan(self, campus: Campus) -> None:
        """The main campus's offline plan, so venues can be placed by a click (会场 page)."""
        picture, (north, south, west, east) = campus_map.plan(
            [(float(v.geofence_lat), float(v.geofence_lng)) for v in campus.venues]
        )
        stored = attachments.store(
            self.session,
            AttachmentOwner.campus_map,
            campus.id,
            filename=f"{campus.name}平面图.png",
            content=picture,
            uploaded_by="演示数据",
            limit=1,
            limit_message="",
        )
        campus.map_attachment_id = stored.id
        campus.map_north, campus.map_south = Decimal(f"{north:.6f}"), Decimal(f"{south:.6f}")
        campus.map_west, campus.map_east = Decimal(f"{west:.6f}"), Decimal(f"{east:.6f}")

    def department(self, name: str, wecom_id: int, campus: Campus) -> Department:
        department = Department(wecom_id=wecom_id, parent_wecom_id=1, name=name, campus_id=campus.id)
        self.session.add(department)
        return department

    def org(self, kind: OrgKind, code: str, name: str, parent: PartyOrg | None, campus: Campus) -> PartyOrg:
        org = PartyOrg(kind=kind, code=code, name=name, campus_id=campus.id, established_on=date(2010, 7, 1))
        org.set_parent(parent)
        self.session.add(org)
        self.report.orgs += 1
        self.report.branches += kind == OrgKind.branch
        return org

    def staff_branch(self, branch: PartyOrg, departments: list[Department], kind: str) -> None:
        retired = kind == "retired"
        size = self.rng.randint(10, 22)
        members = []
        for i in range(size):
            department = departments[i % len(departments)] if departments else None
            person, age = self.person(department, kind, retired=retired)
            joined = date(2026 - self.rng.randint(1, max(2, age - 20)), self.rng.randint(1, 12), 1)
            probationary = not retired and self.rng.random() < 0.08
            if probationary:
                joined = date(2026, self.rng.randint(1, 9), 1)
            member = people.enrol_member(
                self.session,
                self.actor,
                person=person,
                branch=branch,
                status=MemberStatus.probationary if probationary else MemberStatus.full,
                joined_on=joined,
                full_on=None if probationary else joined.replace(year=joined.year + 1),
                dues_category=DuesCategory.retired if retired else DuesCategory.in_service,
                dues_base=Decimal(self.rng.randrange(2500, 16000, 50)),
                shift_group=self.rng.choice(SHIFT_GROUPS[kind]),
            )
            if probationary:
                member.probation_ends_on = joined + timedelta(days=365)
            members.append(member)
            self.report.members += 1
        # The elected committee (正式党员 only): 书记, 组织委员, 宣传委员; the first two hold the roles.
        full = [m for m in members if m.status == MemberStatus.full]
        elected = branch.term_started_on or date(2024, 1, 1)
        posts = (CommitteePost.secretary, CommitteePost.organization, CommitteePost.publicity)
        for member, post in zip(full, posts, strict=False):
            seat = CommitteeSeat(org_id=branch.id, member_id=member.id, post=post, elected_on=elected)
            seat.recorded_by = "演示数据"
            self.session.add(seat)
        self.grant(full[0].person_id, Role.secretary, branch)
        self.grant(full[1].person_id, Role.organizer, branch)
        if size >= 16:  # larger branches are split into 党小组
            for g, chunk in enumerate((members[: size // 2], members[size // 2 :]), start=1):
                group = self.org(
                    OrgKind.group,
                    f"{branch.code}G{g}",
                    f"{branch.name}第{g}党小组",
                    branch,
                    self.session.get(Campus, branch.campus_id),
                )
                self.session.flush()
                for member in chunk:
                    member.group_id = group.id
                self.grant(chunk[2].person_id, Role.group_leader, group)
        # A few staff who are not members: applicants (入党申请人) start here.
        for _ in range(self.rng.randint(0, 2)):
            person, _age = self.person(departments[0] if departments else None, kind, retired=retired)
            person.political_status = "群众"

    def office_roles(self, committee: PartyOrg) -> None:
        office = self.department("党委组织部", 1000, self.session.scalars(select(Campus)).first())
        self.session.flush()
        for _ in range(3):
            person, _ = self.person(office, "office")
            self.grant(person.id, Role.committee_office, None)
        for role in (Role.sysadmin, Role.security_officer, Role.auditor):
            person, _ = self.person(office, "office")
            self.grant(person.id, role, None)

    def grant(self, person_id, role: Role, org: PartyOrg | None) -> None:
        self.session.add(
            RoleGrant(
                person_id=person_id, role=role, org_id=org.id if org else None, granted_by=self.actor.label
            )
        )
        self.report.grants += 1
