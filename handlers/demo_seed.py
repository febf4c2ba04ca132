"""A deterministic, realistic demo hospital: campuses, the org tree, ~600 members, roles.

Everything goes through the same handlers as real data (validation, encryption, audit).
The same seed gives the same hospital: same codes, userids, names and identity data.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from handlers import orgs, people
from handlers.policy import Actor
from handlers.validation import id_check_digit
from models import (
    Attendance,
    Campus,
    CheckInMethod,
    CommitteePost,
    CommitteeSeat,
    Department,
    DuesCategory,
    Invitation,
    InvitationVia,
    Meeting,
    MeetingKind,
    MeetingSession,
    MeetingStatus,
    Member,
    MemberStatus,
    OrgKind,
    PartyOrg,
    Person,
    Response,
    Role,
    RoleGrant,
    Venue,
    VenueMode,
    meeting_obligation,
)
from models.base import CHINA

HOSPITAL = "市第一人民医院"

CAMPUSES = [
    (
        "BB",
        "本部院区",
        "人民路1号",
        [("党员活动室", 39.9087, 116.3975, 80), ("门诊楼报告厅", 39.9091, 116.3969, 100)],
    ),
    (
        "DY",
        "东院区",
        "东环路88号",
        [("综合楼三楼会议室", 39.9150, 116.4520, 60), ("党建活动中心", 39.9146, 116.4528, 80)],
    ),
    ("NY", "南院区", "南苑路16号", [("行政楼会议室", 39.8321, 116.3857, 60)]),
]

# (general branch code, name, [(branch code, branch name, [departments], campus code, shift pattern)])
# A branch with several departments is a 联合支部.
ORG_PLAN: list[tuple[str, str, list[tuple[str, str, list[str], str, str]]]] = [
    (
        "NK",
        "内科党总支",
        [
            ("NK01", "心血管内科党支部", ["心血管内科"], "BB", "clinical"),
            ("NK02", "呼吸与危重症医学科党支部", ["呼吸与危重症医学科"], "BB", "clinical"),
            ("NK03", "消化内科党支部", ["消化内科"], "BB", "clinical"),
            ("NK04", "神经内科党支部", ["神经内科"], "DY", "clinical"),
            ("NK05", "肾内科党支部", ["肾内科"], "BB", "clinical"),
            ("NK06", "内分泌科党支部", ["内分泌科"], "DY", "clinical"),
            ("NK07", "血液科党支部", ["血液科"], "BB", "clinical"),
            ("NK08", "感染性疾病科皮肤科联合党支部", ["感染性疾病科", "皮肤科"], "NY", "clinical"),
            ("NK09", "中医科康复医学科联合党支部", ["中医科", "康复医学科"], "NY", "clinical"),
        ],
    ),
    (
        "WK",
        "外科党总支",
        [
            ("WK01", "普通外科党支部", ["普通外科"], "BB", "clinical"),
            ("WK02", "骨科党支部", ["骨科"], "BB", "clinical"),
            ("WK03", "神经外科党支部", ["神经外科"], "DY", "clinical"),
            ("WK04", "心胸外科党支部", ["心胸外科"], "BB", "clinical"),
            ("WK05", "泌尿外科党支部", ["泌尿外科"], "DY", "clinical"),
            ("WK06", "妇产科党支部", ["妇产科"], "BB", "clinical"),
            ("WK07", "儿科党支部", ["儿科"], "DY", "clinical"),
            ("WK08", "眼科耳鼻喉科口腔科联合党支部", ["眼科", "耳鼻咽喉科", "口腔科"], "NY", "clinical"),
            ("WK09", "麻醉科手术室党支部", ["麻醉科", "手术室"], "BB", "clinical"),
        ],
    ),
    (
        "JZ",
        "急诊重症党总支",
        [
            ("JZ01", "急诊科党支部", ["急诊科"], "BB", "clinical"),
            ("JZ02", "重症医学科党支部", ["重症医学科"], "BB", "clinical"),
            ("JZ03", "东院区急诊党支部", ["东院区急诊科"], "DY", "clinical"),
        ],
    ),
    (
        "YJ",
        "医技党总支",
        [
            ("YJ01", "放射科党支部", ["放射科"], "BB", "clinical"),
            ("YJ02", "检验科党支部", ["检验科"], "BB", "clinical"),
            ("YJ03", "超声医学科党支部", ["超声医学科"], "DY", "office"),
            ("YJ04", "病理科党支部", ["病理科"], "BB", "office"),
            ("YJ05", "药学部党支部", ["药学部"], "BB", "clinical"),
            ("YJ06", "核医学科介入科联合党支部", ["核医学科", "介入科"], "DY", "office"),
        ],
    ),
    (
        "HL",
        "护理党总支",
        [
            ("HL01", "内科护理党支部", ["内科护理单元"], "BB", "clinical"),
            ("HL02", "外科护理党支部", ["外科护理单元"], "BB", "clinical"),
            ("HL03", "东院区护理党支部", ["东院区护理单元"], "DY", "clinical"),
            ("HL04", "南院区护理党支部", ["南院区护理单元"], "NY", "clinical"),
        ],
    ),
    (
        "JG",
        "机关党总支",
        [
            ("JG01", "党委办公室院长办公室党支部", ["党委办公室", "院长办公室"], "BB", "office"),
            ("JG02", "医务部党支部", ["医务部"], "BB", "office"),
            ("JG03", "护理部党支部", ["护理部"], "BB", "office"),
            ("JG04", "人力资源部党支部", ["人力资源部"], "BB", "office"),
            ("JG05", "财务部审计科联合党支部", ["财务部", "审计科"], "BB", "office"),
            ("JG06", "信息中心党支部", ["信息中心"], "BB", "office"),
            ("JG07", "后勤保障部党支部", ["后勤保障部"], "DY", "office"),
            ("JG08", "科研教学部党支部", ["科研部", "教学部"], "BB", "office"),
        ],
    ),
    (
        "LT",
        "离退休党总支",
        [
            ("LT01", "离退休第一党支部", ["离退休工作办公室"], "BB", "retired"),
            ("LT02", "离退休第二党支部", [], "DY", "retired"),
        ],
    ),
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢钟姜"
    "崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤康易乔赖文"
)
GIVEN = (
    "伟芳娜敏静丽强磊洋艳勇军杰娟涛明超秀霞平刚桂英华玉兰萍红梅鹏辉玲晶慧建国志宏海波宁欣悦琳婷雪倩颖佳雨晨"
    "浩宇子涵思源嘉怡梓轩一诺博文泽远静怡晓东立新永刚春燕秋菊冬梅淑珍凤英德华振华"
)
POSITIONS = {
    "clinical": ["主任医师", "副主任医师", "主治医师", "住院医师", "主管护师", "护师", "护士长"],
    "office": ["主任", "副主任", "科员", "工程师", "会计师", "技师"],
    "retired": ["退休职工"],
}
SHIFT_GROUPS = {"clinical": ["白班组", "夜班组", "二线听班"], "office": ["行政班"], "retired": [None]}
REGIONS = ["110101", "110102", "110105", "110106", "110108", "130102", "370102", "410105", "320106", "510104"]


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


class DemoHospital:
    def __init__(self, session: Session, seed: int, today: date) -> None:
        self.session = session
        self.today = today
        self.rng = random.Random(seed)
        self.actor = Actor.cli("演示数据初始化")
        self.report = SeedReport()
        self.used_names: set[str] = set()
        self.serial = 0

    # -- identities ------------------------------------------------------------------------

    def name(self) -> str:
        while True:
            given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
            name = self.rng.choice(SURNAMES) + given
            if name not in self.used_names:
                self.used_names.add(name)
                return name

    def identity(self, born: date) -> tuple[str, str]:
        first17 = f"{self.rng.choice(REGIONS)}{born:%Y%m%d}{self.rng.randrange(1000):03d}"
        mobile = f"1{self.rng.choice('3456789')}{self.rng.randrange(10**9):09d}"
        return first17 + id_check_digit(first17), mobile

    def person(self, department: Department | None, kind: str, *, retired: bool = False):
        self.serial += 1
        age = self.rng.randint(62, 85) if retired else self.rng.randint(24, 58)
        born = date(2026 - age, self.rng.randint(1, 12), self.rng.randint(1, 28))
        id_number, mobile = self.identity(born)
        person = people.create_person(
            self.session,
            self.actor,
            wecom_userid=f"demo{self.serial:04d}",
            name=self.name(),
            # WeCom files staff outside any department (retirees here) under the root department.
            department_id=(department or self.root).id,
            position=self.rng.choice(POSITIONS[kind]),
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
        self.meeting_history([branch for branch, _, _ in branches])
        self.approvals(branches[0][0])
        self.library()
        return self.report

    def library(self) -> None:
        """A few published lessons, so 学习 on the phone is not empty: an article with a quiz, a
        short quiz answered on its card, an intranet 微党课 video link for the new members."""
        from handlers import learning

        lessons = [
            learning.LessonDraft(
                kind="article",
                title="学习《中国共产党纪律处分条例》",
                summary="十分钟读懂六项纪律",
                body_html="<h2>六项纪律</h2><p>政治纪律、组织纪律、廉洁纪律、群众纪律、工作纪律、生活纪律。</p>"
                "<p>医务人员尤其要守住廉洁行医的底线：不收受红包回扣，不利用职务便利谋取私利。</p>",
                credit_hours="0.5",
                min_minutes="1",
                tags="党纪,廉洁",
                source="党委组织部",
                quiz_text="[多选] 六项纪律包括哪些？\nA. 政治纪律\nB. 廉洁纪律\nC. 考勤纪律\n答案：AB\n\n"
                "[判断] 收受患者红包属于违反廉洁纪律。\n答案：对",
            ),
            learning.LessonDraft(
                kind="quiz",
                title="党章小测验",
                credit_hours="0",
                min_minutes="",
                tags="党章",
                quiz_text="[单选] 预备党员的预备期为几年？\nA. 一年\nB. 两年\n答案：A",
            ),
            learning.LessonDraft(
                kind="link",
                title="微党课：从南湖红船出发",
                summary="院内视频，约 15 分钟",
                url="https://intranet.example/media/weidangke-01",
                credit_hours="0.5",
                min_minutes="15",
                tags="微党课,党史",
                audience_roles=("new_member",),
            ),
        ]
        for draft in lessons:
            lesson = learning.save_lesson(self.session, self.actor, draft)
            learning.set_status(self.session, self.actor, lesson.id, "published")
            self.report.lessons += 1

    def approvals(self, branch: PartyOrg) -> None:
        """A few requests in the first branch, so its secretary has something to decide in the
        demo: a member's request waiting (and overdue), a plan at the office, a rejected one."""
        from handlers import approvals
        from handlers.policy import load_actor

        self.session.flush()
        secretary, organizer = (
            self.session.get(Person, g.person_id)
            for g in sorted(
                self.session.scalars(select(RoleGrant).where(RoleGrant.org_id == branch.id)),
                key=lambda g: g.role != Role.secretary,
            )[:2]
        )
        members = [
            m.person
            for m in self.session.scalars(
                select(Member).where(Member.branch_id == branch.id).order_by(Member.id)
            )
            if m.person_id not in (secretary.id, organizer.id)
        ]
        now = datetime.combine(self.today, time(9, 20), CHINA)
        approvals.submit(
            self.session,
            members[0],
            "general",
            {"subject": "开具党员身份证明", "content": "参加援疆医疗队报名需要"},
            now=now - timedelta(days=3),
        )
        approvals.submit(
            self.session,
            members[1],
            "general",
            {"subject": "借用党员活动室", "content": "下周三晚党小组学习"},
            now=now,
        )
        plan = approvals.submit(
            self.session,
            organizer,
            "activity_plan",
            {
                "title": "重走长征路主题党日",
                "held_on": (self.today + timedelta(days=20)).isoformat(),
                "venue": "市革命纪念馆",
                "budget": "1200",
                "plan": "参观纪念馆，重温入党誓词，交流发言",
            },
            now=now,
        )
        approvals.decide(
            self.session,
            load_actor(self.session, secretary),
            slot_id=plan.slots[0].id,
            approve=True,
            comment="同意，注意安全",
            now=now + timedelta(hours=1),
        )
        relief = approvals.submit(
            self.session,
            members[2],
            "dues_relief",
            {
                "relief": "少交",
                "from_month": f"{self.today.year + 1}-01",
                "months": "6",
                "monthly_amount": "5",
                "reason": "家属重病，暂时困难",
            },
            now=now - timedelta(days=10),
        )
        approvals.decide(
            self.session,
            load_actor(self.session, secretary),
            slot_id=relief.slots[0].id,
            approve=False,
            comment="请补充困难情况说明后再提交",
            now=now - timedelta(days=9),
        )
        self.report.approvals = 4
        self.upcoming_meeting(branch, secretary, members[:6], now)

    def upcoming_meeting(
        self, branch: PartyOrg, secretary: Person, attendees: list[Person], now: datetime
    ) -> None:
        """A 党课 the day after tomorrow that six members said they will attend: their reminders
        are planned (`flask demo roster` writes a roster that moves them, for the console)."""
        from handlers import meetings
        from handlers.meetings import SessionPlan
        from handlers.policy import load_actor

        start = datetime.combine(self.today + timedelta(days=2), time(14, 30), CHINA)
        meeting = meetings.plan_meeting(
            self.session,
            load_actor(self.session, secretary),
            org_id=branch.id,
            kinds=["party_lecture"],
            topic="党课：医德医风与廉洁行医",
            agenda="书记讲党课",
            venue_mode="online",
            online_room="腾讯会议 520 1314",
            sessions=[SessionPlan("A场", start, start + timedelta(hours=1))],
            now=now,
        )
        for person in attendees:
            invitation = meetings.invitation_for(self.session, meeting.id, person.id)
            meetings.attend(self.session, person, str(invitation.id), None, now)

    # -- this year's meetings ------------------------------------------------------------------

    def meeting_history(self, branches: list[PartyOrg]) -> None:
        """This year's statutory meetings up to last month, signed off, with attendance: most
        branches on track, a few behind since the summer, so the compliance calendar shows both.
        Written with bulk inserts (thousands of rows): the demo must start quickly."""
        self.session.flush()
        self.rows: dict[type, list[dict]] = {Meeting: [], MeetingSession: [], Invitation: [], Attendance: []}
        self.obligations: list[dict] = []
        for index, branch in enumerate(branches):
            members = list(self.session.scalars(select(Member).where(Member.branch_id == branch.id)))
            committee = [seat.member for seat in orgs.live_seats(self.session, branch)]
            behind_from = 6 if index % 7 == 3 else 13
            for month in range(1, min(self.today.month, behind_from)):
                day = date(self.today.year, month, self.rng.randint(6, 20))
                kinds = [MeetingKind.theme_day]
                if month % 3 == 0:  # the quarter's 党员大会 and 党课 on the same 主题党日
                    kinds += [MeetingKind.general_assembly, MeetingKind.party_lecture]
                self.past_meeting(branch, kinds, day, members, "主题党日：集中学习")
                committee_day = day - timedelta(days=3)
                self.past_meeting(
                    branch, [MeetingKind.committee_meeting], committee_day, committee, "支委会：研究本月工作"
                )
        for model in (Meeting, MeetingSession, Invitation, Attendance):
            if self.rows[model]:
                self.session.execute(insert(model), self.rows[model])
        if self.obligations:
            self.session.execute(meeting_obligation.insert(), self.obligations)

    def uid(self) -> uuid.UUID:
        """A deterministic row id (bulk inserts bypass the model's constructor)."""
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def past_meeting(
        self, branch: PartyOrg, kinds: list[MeetingKind], day: date, invited: list[Member], topic: str
    ) -> None:
        start = datetime(day.year, day.month, day.day, 14, 0, tzinfo=CHINA).astimezone(UTC)
        meeting_id, session_id = (
            uuid.UUID(int=self.rng.getrandbits(128)),
            uuid.UUID(int=self.rng.getrandbits(128)),
        )
        self.rows[Meeting].append(
            {
                "id": meeting_id,
                "org_id": branch.id,
                "topic": topic,
                "agenda": "",
                "venue_mode": VenueMode.online,
                "online_room": "院内视频会议",
                "status": MeetingStatus.signed_off,
                "planned_by": "演示数据",
                "minutes": "（演示记录）",
                "resolutions": "",
                "signed_off_at": start + timedelta(hours=2),
                "signed_off_by": "演示数据",
                "version": 1,
            }
        )
        self.rows[MeetingSession].append(
            {
                "id": session_id,
                "meeting_id": meeting_id,
                "label": "A场",
                "starts_at": start,
                "ends_at": start + timedelta(hours=1),
            }
        )
        self.obligations += [{"meeting_id": meeting_id, "kind": k} for k in kinds]
        for member in invited:
            came = self.rng.random() < 0.88
            self.rows[Invitation].append(
                {
                    "id": self.uid(),
                    "meeting_id": meeting_id,
                    "member_id": member.id,
                    "via": InvitationVia.record,
                    "voting": member.status == MemberStatus.full,
                    "session_id": session_id,
                    "response": Response.attending if came else Response.pending,
                }
            )
            if came:
                late = timedelta(minutes=self.rng.randint(-20, 8))
                self.rows[Attendance].append(
                    {
                        "id": self.uid(),
                        "meeting_id": meeting_id,
                        "session_id": session_id,
                        "member_id": member.id,
                        "method": CheckInMethod.qr,
                        "checked_in_at": start + late,
                        "late": late > timedelta(minutes=5),
                        "present": True,
                    }
                )
        self.report.meetings += 1

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
                    )
                )
            result[code] = campus
            self.report.campuses += 1
        self.session.flush()
        return result

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


def already_seeded(session: Session) -> bool:
    return session.scalar(select(PartyOrg.id).where(PartyOrg.code == "DW")) is not None


def seed_demo(
    session: Session,
    *,
    seed: int = 20261122,
    progress: Callable[[str], None] = lambda s: None,
    today: date | None = None,
) -> SeedReport:
    """Create the demo hospital in the caller's transaction (its meeting history up to `today`)."""
    progress("正在生成演示医院……")
    report = DemoHospital(session, seed, today or datetime.now(CHINA).date()).build()
    session.flush()
    return report
