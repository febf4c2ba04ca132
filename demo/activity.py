"""The demo hospital's year so far: lessons in the library, requests to decide, an upcoming 党课
and five years of meetings with their attendance."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert, select

from handlers import orgs
from models import (
    Attendance,
    CheckInMethod,
    Invitation,
    InvitationVia,
    Meeting,
    MeetingKind,
    MeetingSession,
    MeetingStatus,
    Member,
    MemberStatus,
    PartyOrg,
    Person,
    Response,
    Role,
    RoleGrant,
    VenueMode,
    meeting_obligation,
)
from models.base import CHINA


class DemoActivity:
    """What has happened in the demo hospital; mixed into DemoHospital, whose state it uses."""

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
                quiz_text="[多选] 六项纪律包括哪些？\nA. 政治纪律\nB. 廉洁纪律\nC. 考勤纪律\n答案：AB\n"
                "解析：六项纪律是政治、组织、廉洁、群众、工作、生活纪律；考勤是单位的劳动纪律。\n\n"
                "[判断] 收受患者红包属于违反廉洁纪律。\n答案：对",
            ),
            learning.LessonDraft(
                kind="quiz",
                title="党章小测验",
                credit_hours="0",
                min_minutes="",
                tags="党章",
                quiz_text="[单选] 预备党员的预备期为几年？\nA. 一年\nB. 两年\n答案：A\n"
                "解析：党章第七条：预备党员的预备期为一年。",
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
            learning.set_status(self.session, self.actor, lesson.id, status="published")
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
            raw_form={"subject": "开具党员身份证明", "content": "参加援疆医疗队报名需要"},
            now=now - timedelta(days=3),
        )
        approvals.submit(
            self.session,
            members[1],
            "general",
            raw_form={"subject": "借用党员活动室", "content": "下周三晚党小组学习"},
            now=now,
        )
        plan = approvals.submit(
            self.session,
            organizer,
            "activity_plan",
            raw_form={
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
            raw_form={
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
            meetings.attend(self.session, person, str(invitation.id), session_id=None, now=now)

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
