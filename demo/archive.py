"""The demo hospital's archives (issue 18): every member's national-system fields with plausible
distributions (ages 24–60 from the seed, more women in nursing, 职称 by post), a few 规培 residents
of record elsewhere taking part in a clinical branch, one 流动党员 and one 援疆 posting away, and
one incoming transfer waiting for its 回执. A separate random stream keeps the rest of the seed
(meetings, approvals) as it was."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from handlers import transfers
from handlers.archive import fields, participations
from handlers.policy import Actor
from handlers.validation import id_check_digit
from models import CommitteePost, CommitteeSeat, Member, MemberStatus, PartyOrg, Person

NURSING = {"主管护师", "护师", "护士长"}
DOCTORS = {"主任医师", "副主任医师", "主治医师", "住院医师"}
TITLE_OF_POSITION = {
    "主任医师": "主任医师",
    "副主任医师": "副主任医师",
    "主治医师": "主治医师",
    "住院医师": "医师",
    "主管护师": "主管护师",
    "护师": "护师",
    "工程师": "工程师",
    "会计师": "会计师",
    "技师": "技师",
}
POST_OF_SEAT = {
    CommitteePost.secretary: "支部书记",
    CommitteePost.organization: "组织委员",
    CommitteePost.publicity: "宣传委员",
}
PLACES = (
    "山东省济南市历城区",
    "河南省郑州市金水区",
    "河北省保定市莲池区",
    "江苏省南京市鼓楼区",
    "四川省成都市武侯区",
    "湖北省武汉市洪山区",
    "北京市海淀区",
    "安徽省合肥市蜀山区",
    "辽宁省沈阳市和平区",
    "湖南省长沙市岳麓区",
)
MINORITIES = ("回族", "满族", "蒙古族", "壮族", "土家族", "朝鲜族", "苗族")
RESIDENTS = (
    ("demo-rp1", "林书瑶", "某医科大学附属第二医院内科党支部"),
    ("demo-rp2", "顾明哲", "某市人民医院外科第一党支部"),
    ("demo-rp3", "宋雨桐", "某医科大学研究生院临床医学第三党支部"),
)


class DemoArchive:
    def __init__(self, session: Session, rng: Any, today: date, actor: Actor, report: Any) -> None:
        """`rng`: the seed's own random stream for the archive (demo/hospital.py makes it)."""
        self.session, self.rng, self.today, self.actor, self.report = session, rng, today, actor, report

    def build(self) -> None:
        seats = {s.member_id: s.post for s in self.session.scalars(select(CommitteeSeat))}
        found = self.session.scalars(
            select(Member)
            .join(Member.person)
            .options(joinedload(Member.person))
            .order_by(Person.wecom_userid)
        )
        for member in found:
            self.fill(member, seats.get(member.id))
        self.session.flush()
        self.movements()

    def fill(self, member: Member, seat: CommitteePost | None) -> None:
        rng, person = self.rng, member.person
        position = person.position or ""
        retired = position == "退休职工"
        nurse = position in NURSING
        woman = rng.random() < (0.9 if nurse else 0.5)
        if position in DOCTORS:
            education = rng.choice(("研究生", "研究生", "研究生", "大学本科"))
        elif nurse:
            education = rng.choice(("大学本科", "大学本科", "大学专科"))
        elif retired:
            education = rng.choice(("大学专科", "中等专科", "大学本科", "高中"))
        else:
            education = rng.choice(("大学本科", "研究生", "大学本科"))
        degree = {"研究生": rng.choice(("博士", "硕士")), "大学本科": "学士"}.get(education, "无")
        job_post = (
            "医疗"
            if position in DOCTORS
            else "护理"
            if nurse
            else "医技"
            if position == "技师"
            else "后勤保障"
            if position == "工程师"
            else "其他"
            if retired
            else "行政管理"
        )
        if position == "护士长":
            title = rng.choice(("主管护师", "副主任护师"))
        elif retired:
            title = rng.choice(("主任医师", "副主任护师", "主管技师", "会计师", "无"))
        else:
            title = TITLE_OF_POSITION.get(position, rng.choice(("无", "经济师")))
        joined = member.joined_on
        born = person.birth_date
        applied = None
        if joined is not None:
            applied = joined - timedelta(days=rng.randint(400, 1100))
            if born is not None and applied < born.replace(year=born.year + 18):
                applied = born.replace(year=born.year + 18)
            if applied > joined:
                applied = joined
        fields.initial(
            member,
            {
                "gender": "女" if woman else "男",
                "ethnicity": "汉族" if rng.random() < 0.92 else rng.choice(MINORITIES),
                "native_place": rng.choice(PLACES),
                "education": education,
                "degree": degree,
                "job_post": job_post,
                "technical_title": title,
                "applied_on": applied,
                "party_post": POST_OF_SEAT.get(seat) if seat else None,
            },
        )

    def movements(self) -> None:
        branches = list(
            self.session.scalars(select(PartyOrg).where(PartyOrg.kind == "branch").order_by(PartyOrg.code))
        )
        clinical = branches[0]
        start = date(self.today.year if self.today.month >= 9 else self.today.year - 1, 9, 1)
        for userid, name, home in RESIDENTS:
            row = participations.register_visitor(
                self.session,
                self.actor,
                wecom_userid=userid,
                name=name,
                org_id=clinical.id,
                record_org_name=home,
                kind="residency",
                status=MemberStatus.full.value,
                starts_on=start,
                ends_on=start.replace(year=start.year + 3) - timedelta(days=1),
                joined_on=date(2019 + len(name) % 3, 6, 1),
                note="住院医师规范化培训",
            )
            self.identify(row.member.person, date(1997 + len(name) % 3, 3 + len(home) % 9, 11))
            self.report.members += 1
            self.report.people += 1
        local = list(
            self.session.scalars(
                select(Member)
                .where(Member.branch_id == branches[1].id, Member.status == MemberStatus.full)
                .join(Member.person)
                .order_by(Person.wecom_userid)
            )
        )
        participations.post_away(
            self.session,
            self.actor,
            member_id=local[-1].id,
            kind="mobile",
            place="广东省深圳市南山区某社区卫生服务中心（流入地党组织：该中心党支部）",
            starts_on=self.today - timedelta(days=45),
            ends_on=self.today + timedelta(days=120),
            certificate_number="流动证2026-0137",
            note="外出进修，不足六个月，持流动党员活动证",
        )
        participations.post_away(
            self.session,
            self.actor,
            member_id=local[-2].id,
            kind="posting",
            place="新疆维吾尔自治区喀什地区第一人民医院（援疆）",
            starts_on=self.today - timedelta(days=100),
            ends_on=self.today + timedelta(days=265),
            note="援疆一年，期间参加受援医院党组织生活",
        )
        issued = self.today - timedelta(days=12)
        arrived = transfers.register_inbound(
            self.session,
            self.actor,
            wecom_userid="demo-in1",
            name="邵文博",
            to_branch_id=branches[2].id,
            issuing_org="中共某市第一人民医院委员会",
            letter_number="0021873",
            letter_issued_on=issued,
            dues_paid_to=f"{issued:%Y-%m}",
            status=MemberStatus.full.value,
            joined_on=date(2014, 7, 1),
            full_on=date(2015, 7, 1),
            reported_on=self.today - timedelta(days=5),
        )
        self.identify(arrived.member.person, date(1989, 8, 23))
        self.report.members += 1
        self.report.people += 1

    def identify(self, person: Person, born: date) -> None:
        """Staff the directory knows have an ID number, a mobile and a birth date (all encrypted)."""
        first17 = f"110105{born:%Y%m%d}{self.rng.randrange(1000):03d}"
        person.id_number = first17 + id_check_digit(first17)
        person.mobile = f"13{self.rng.randrange(10**9):09d}"
        person.birth_date = born
