"""数据中心: every figure for a hospital of 5,000 members in 300 branches (10 总支) with five years of
meetings, two of study, a year of dues and approvals, and the annual data pack.

Floor, in the same run: for each figure, one hand-written SQL query computing the same numbers
(its grouping done by the database), over the same tables. Goals (issue 22): every figure for
the whole hospital under 300 ms, a branch's under 100 ms, the annual data pack under 60 s. Where
a figure's ratio to its floor is over 3 the line says why."""

from __future__ import annotations

import random
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, insert, text
from sqlalchemy.orm import Session

from handlers import stats
from handlers.policy import Actor
from handlers.stats import packs
from models import (
    ApprovalRequest,
    Attendance,
    Base,
    DataPack,
    DuesAssessment,
    DuesPayment,
    Invitation,
    Meeting,
    MeetingSession,
    Member,
    OrgKind,
    PartyOrg,
    Person,
    StudyRecord,
    meeting_obligation,
)
from models.base import CHINA, local_today
from models.crypto import Keyring, encrypt_value, install_keyring
from settings import new_field_key

MEMBERS, BRANCHES, GENERALS, YEARS = 5_000, 300, 10, 5
GOALS = {"hospital": 0.3, "branch": 0.1, "pack": 60.0}
#: Why a figure is more than 3× its floor.
WHY = {
    "members": "each member's birth date and 民族 are decrypted (AES-GCM, 10,000 a figure) to band them",
    "study": "three grouped queries (online hours, 党课, training) joined per member in Python",
    "dues": "each member's 核定 and reliefs are read and the year-round payers told apart in Python",
    "org_life": "the compliance calendar's periods are reckoned per org and kind (the page's own code)",
    "attendance": "counted per meeting by the database, then bucketed by Beijing month in Python",
    "trends": "five years of the attendance figure, one query each",
    "recruitment": "three queries (stages, admitted, plan) against one; each a millisecond or two",
    "reviews": "the floor is one query on an empty table; the figure's own query is a millisecond",
    "approvals": "each kind's median is computed in Python (SQLite has no median)",
    "reminders": "two queries against an empty table's one",
    "orgs": "five small grouped queries (members, seats, secretaries, departments) and the rules",
}
#: The floor: the same numbers from one query, the database doing the grouping.
FLOORS = {
    "members": "SELECT gender, education, count(*) FROM member WHERE left_at IS NULL GROUP BY gender, education",  # noqa: E501
    "orgs": "SELECT branch_id, count(*) FROM member WHERE status = 'full' GROUP BY branch_id",
    "org_life": "SELECT org_id, strftime('%m', signed_off_at), count(*) FROM meeting "
    "WHERE status = 'signed_off' GROUP BY 1, 2",
    "attendance": "SELECT strftime('%m', s.starts_at), count(i.id), count(a.id) FROM meeting_invitation i "
    "JOIN meeting_session s ON s.id = i.session_id LEFT JOIN meeting_attendance a "
    "ON a.meeting_id = i.meeting_id AND a.member_id = i.member_id WHERE s.starts_at >= :start GROUP BY 1",
    "study": "SELECT member_id, sum(credited_hours) FROM study_record WHERE year = :year GROUP BY member_id",
    "recruitment": "SELECT stage, count(*) FROM recruit GROUP BY stage",
    "dues": "SELECT month, count(*) FROM dues_payment WHERE month >= :first GROUP BY month",
    "reviews": "SELECT grade, count(*) FROM review_entry GROUP BY grade",
    "approvals": "SELECT kind, count(*), avg(julianday(closed_at) - julianday(submitted_at)) "
    "FROM approval_request GROUP BY kind",
    "reminders": "SELECT status, count(*) FROM reminder GROUP BY status",
    "trends": "SELECT strftime('%Y-%m', s.starts_at), count(i.id) FROM meeting_invitation i "
    "JOIN meeting_session s ON s.id = i.session_id GROUP BY 1",
}


def _orgs(session: Session) -> list[PartyOrg]:
    committee = PartyOrg(kind=OrgKind.committee, code="DW", name="医院党委")
    committee.set_parent(None)
    generals = []
    for n in range(GENERALS):
        general = PartyOrg(kind=OrgKind.general_branch, code=f"G{n:02d}", name=f"第{n + 1}党总支")
        general.set_parent(committee)
        generals.append(general)
    branches = []
    for b in range(BRANCHES):
        branch = PartyOrg(kind=OrgKind.branch, code=f"B{b:03d}", name=f"第{b + 1}党支部")
        branch.set_parent(generals[b % GENERALS])
        branches.append(branch)
    session.add_all([committee, *generals, *branches])
    session.flush()
    return branches


def _members(session: Session, keyring: Keyring, branches: list[PartyOrg], rng: random.Random) -> list[dict]:
    people, members = [], []
    for i in range(MEMBERS):
        pid, mid = uuid.uuid4(), uuid.uuid4()
        born = date(1960 + rng.randrange(40), 1 + rng.randrange(12), 1).isoformat()
        people.append(
            {"id": pid, "wecom_userid": f"u{i:05d}", "name": f"党员{i:05d}", "is_active": True,
             "birth_date_ciphertext": encrypt_value(keyring, "person", "birth_date", pid, born)}
        )  # fmt: skip
        members.append(
            {"id": mid, "person_id": pid, "status": "full", "branch_id": branches[i % BRANCHES].id,
             "joined_on": date(1985 + rng.randrange(38), 7, 1), "dues_category": "in_service",
             "gender": rng.choice("男女"), "education": rng.choice(("研究生", "大学本科", "大学专科")),
             "job_post": rng.choice(("医疗", "护理", "医技")), "is_mobile": False, "lost_contact": False,
             "ethnicity_ciphertext": encrypt_value(keyring, "member", "ethnicity", mid, "汉族")}
        )  # fmt: skip
    session.execute(insert(Person), people)
    session.execute(insert(Member), members)
    return members


def _meetings(session: Session, branches: list[PartyOrg], members: list[dict], rng: random.Random) -> int:
    """A 支部党员大会 a month per branch for five years, its members invited and most present."""
    by_branch: dict = {}
    for m in members:
        by_branch.setdefault(m["branch_id"], []).append(m["id"])
    today = local_today()
    count = 0
    for year in range(today.year - YEARS + 1, today.year + 1):
        meetings, sittings, kinds, invitations, attendance = [], [], [], [], []
        for month in range(1, 13 if year < today.year else today.month + 1):
            starts = datetime(year, month, 1, 14, 0, tzinfo=CHINA)
            for branch in branches:
                mid, sid = uuid.uuid4(), uuid.uuid4()
                meetings.append(
                    {"id": mid, "org_id": branch.id, "topic": "支部党员大会", "venue_mode": "online",
                     "status": "signed_off", "planned_by": "基准", "signed_off_at": starts + timedelta(hours=2)}  # noqa: E501
                )  # fmt: skip
                sittings.append({"id": sid, "meeting_id": mid, "label": "全体", "starts_at": starts,
                                 "ends_at": starts + timedelta(hours=1)})  # fmt: skip
                kinds.append({"meeting_id": mid, "kind": "general_assembly"})
                meetings[-1]["invited_count"] = len(by_branch[branch.id])  # kept at sign-off
                meetings[-1]["present_count"] = 0
                for member_id in by_branch[branch.id]:
                    invitations.append({"id": uuid.uuid4(), "meeting_id": mid, "member_id": member_id,
                                        "via": "record", "voting": True, "session_id": sid, "response": "pending"})  # fmt: skip  # noqa: E501
                    if rng.random() < 0.85:
                        meetings[-1]["present_count"] += 1
                        attendance.append({"id": uuid.uuid4(), "meeting_id": mid, "session_id": sid,
                                           "member_id": member_id, "method": "qr", "present": True})  # fmt: skip  # noqa: E501
        session.execute(insert(Meeting), meetings)
        session.execute(insert(MeetingSession), sittings)
        session.execute(insert(meeting_obligation), kinds)
        session.execute(insert(Invitation), invitations)
        session.execute(insert(Attendance), attendance)
        count += len(meetings)
    return count


def _work(session: Session, members: list[dict], rng: random.Random) -> None:
    """Two years of study, this year's dues (核定 and payments) and half the members' leave."""
    year = local_today().year
    lessons = {y: uuid.uuid4() for y in (year - 1, year)}  # no lesson rows needed (SQLite: no FK check)
    study = [
        {"id": uuid.uuid4(), "member_id": m["id"], "lesson_id": lesson, "year": y,
         "credited_hours": Decimal(rng.randrange(0, 40))}
        for m in members
        for y, lesson in lessons.items()
    ]  # fmt: skip
    session.execute(insert(StudyRecord), study)
    confirmed = datetime(year, 1, 5, tzinfo=CHINA)
    assessed = [{"id": uuid.uuid4(), "member_id": m["id"], "year": year, "from_month": date(year, 1, 1),
                 "category": "in_service", "bracket": "1%", "computed": Decimal("50"), "amount": Decimal("50"),  # noqa: E501
                 "confirmed_at": confirmed, "created_by": "基准"} for m in members]  # fmt: skip
    session.execute(insert(DuesAssessment), assessed)
    paid = [{"id": uuid.uuid4(), "member_id": m["id"], "month": date(year, month, 1), "amount": Decimal("50"),
             "paid_on": date(year, month, 5), "recorded_by": "基准"}
            for m in members for month in range(1, local_today().month + 1) if rng.random() < 0.9]  # fmt: skip  # noqa: E501
    session.execute(insert(DuesPayment), paid)
    at = datetime(year, 3, 1, 9, tzinfo=CHINA)
    leave = [{"id": uuid.uuid4(), "kind": "meeting_leave", "title": "请假", "org_id": m["branch_id"],
              "applicant_id": m["person_id"], "form": {}, "status": "approved", "submitted_at": at,
              "closed_at": at + timedelta(hours=rng.randrange(1, 72))} for m in members[::2]]  # fmt: skip
    session.execute(insert(ApprovalRequest), leave)


def _timed(work) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def run() -> Iterator[str]:
    keyring = Keyring([new_field_key("b22")])
    install_keyring(keyring)
    rng = random.Random(22)
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite:///{Path(folder) / 'stats.db'}")
        Base.metadata.create_all(engine)
        with Session(engine) as session:
            started = time.perf_counter()
            branches = _orgs(session)
            members = _members(session, keyring, branches, rng)
            meetings = _meetings(session, branches, members, rng)
            _work(session, members, rng)
            session.commit()
            yield f"seeded {MEMBERS} members, {BRANCHES} branches, {meetings} meetings in {time.perf_counter() - started:.0f} s"  # noqa: E501
            office, year = Actor.cli("基准测试"), local_today().year
            args = {"year": year, "start": datetime(year, 1, 1, tzinfo=CHINA), "first": date(year, 1, 1)}
            passed = True
            for name in stats.FAMILIES:
                whole = _timed(lambda n=name: stats.figure(session, office, n))
                branch = _timed(lambda n=name: stats.figure(session, office, n, org_id=branches[7].id))
                floor = _timed(lambda n=name: session.execute(text(FLOORS[n]), args).all())
                ratio = whole / floor if floor else 0
                why = f" — {WHY[name]}" if ratio > 3 and name in WHY else ""
                ok = whole < GOALS["hospital"] and branch < GOALS["branch"]
                passed &= ok
                yield (f"{name}: hospital {whole * 1000:.0f} ms, branch {branch * 1000:.1f} ms, floor {floor * 1000:.1f} ms,"  # noqa: E501
                       f" ratio {ratio:.1f}{why} {'OK' if ok else 'SLOW'}")  # fmt: skip
            pack = DataPack(kind="annual", org_id=None, year=year, requested_by="基准")
            session.add(pack)
            session.flush()
            started = time.perf_counter()
            packs.build(session, pack.id, lambda done, total: None)
            built = time.perf_counter() - started
            yield f"annual data pack (Word {len(pack.docx) // 1024} KB, PDF {len(pack.pdf) // 1024} KB): {built:.1f} s"  # noqa: E501
            passed &= built < GOALS["pack"]
        engine.dispose()
    goals = (
        f"hospital < {GOALS['hospital'] * 1000:.0f} ms, branch < {GOALS['branch'] * 1000:.0f} ms, pack < 60 s"
    )
    yield f"{goals} → {'PASS' if passed else 'FAIL'}"
