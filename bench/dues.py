"""党费: the January 核定 of 5,000 members from a workbook (every base decrypted and encrypted), a
branch's year for 300 members, and the office's collection table for 300 branches.

Floor, in the same run: the same arithmetic on plain numbers — the bases read by one SQL query
from a plain table and assessed, the month's payments summed by one grouped query. Goals (issue
20): 核定 under 15 s; the branch's year and the collection table under 300 ms each.
"""

from __future__ import annotations

import io
import random
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.orm import Session

from handlers import dues
from handlers.policy import Actor, Grant
from models import Base, DuesPayment, Member, MemberStatus, OrgKind, PartyOrg, Person, Role
from models.crypto import Keyring, install_keyring
from settings import new_field_key

MEMBERS = 5_000
BRANCHES = 300
BIG_BRANCH = 300
YEAR = 2026
GOALS = {"assess": 15.0, "year": 0.3, "collection": 0.3}


def _hospital(session: Session) -> list[PartyOrg]:
    """300 branches: one of 300 members, the other 4,700 members spread over the rest."""
    committee = PartyOrg(kind=OrgKind.committee, code="DW", name="医院党委")
    committee.set_parent(None)
    session.add(committee)
    branches = []
    for b in range(BRANCHES):
        branch = PartyOrg(kind=OrgKind.branch, code=f"B{b:03d}", name=f"第{b + 1}党支部")
        branch.set_parent(committee)
        branches.append(branch)
    session.add_all(branches)
    session.flush()
    for i in range(MEMBERS):
        branch = branches[0] if i < BIG_BRANCH else branches[1 + i % (BRANCHES - 1)]
        person = Person(wecom_userid=f"u{i:05d}", name=f"党员{i:05d}")
        session.add_all(
            [
                person,
                Member(
                    person=person, branch_id=branch.id, status=MemberStatus.full, joined_on=date(2010, 7, 1)
                ),
            ]
        )
    session.flush()
    return branches


def _workbook(bases: list[Decimal]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("基数")
    sheet.append(list(dues.BASE_COLUMNS))
    for i, base in enumerate(bases):
        sheet.append([f"u{i:05d}", "", float(base), "", ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _timed(work) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(3):
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    return best, result


def run() -> Iterator[str]:
    install_keyring(Keyring([new_field_key("b20")]))
    rng = random.Random(20)
    bases = [Decimal(rng.randrange(250000, 1600000)) / 100 for _ in range(MEMBERS)]
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite:///{Path(folder) / 'dues.db'}")
        Base.metadata.create_all(engine)
        with Session(engine) as session:
            branches = _hospital(session)
            session.commit()
            office = Actor.cli("基准测试")
            content = _workbook(bases)

            started = time.perf_counter()
            dues.import_bases(session, office, "bases.xlsx", content, year=YEAR)
            dues.confirm_year(session, office, year=YEAR)
            assessed = time.perf_counter() - started
            members = session.scalars(select(Member.id).order_by(Member.id)).all()
            session.execute(
                insert(DuesPayment),
                [
                    {
                        "id": uuid.uuid4(),
                        "member_id": m,
                        "month": date(YEAR, month, 1),
                        "amount": Decimal("50.00"),
                        "paid_on": date(YEAR, month, 5),
                        "way": "现金",
                        "recorded_by": "基准",
                    }
                    for m in members
                    for month in range(1, 11)
                ],
            )
            session.commit()

            # The floor: the same bases as plain numbers, one query, the same brackets.
            session.execute(text("CREATE TABLE plain_base (member_id TEXT, base NUMERIC)"))
            session.execute(
                text("INSERT INTO plain_base VALUES (:m, :b)"),
                [{"m": str(i), "b": str(b)} for i, b in enumerate(bases)],
            )

            def plain_assess() -> None:
                for _, base in session.execute(text("SELECT member_id, base FROM plain_base")):
                    dues.assess("in_service", Decimal(str(base)), cap=Decimal(1000))

            floor_assess, _ = _timed(plain_assess)

            secretary = Actor(
                kind="person", id="b", label="书记", grants=(Grant(Role.secretary, branches[0].path),)
            )
            year_view, rows = _timed(lambda: dues.branch_year(session, secretary, branches[0].id, YEAR))
            table, lines = _timed(lambda: dues.collection(session, office, date(YEAR, 10, 1)))

            def plain_sums() -> None:
                session.execute(
                    select(Member.branch_id, func.sum(DuesPayment.amount), func.count())
                    .join(Member, DuesPayment.member_id == Member.id)
                    .where(DuesPayment.month == date(YEAR, 10, 1))
                    .group_by(Member.branch_id)
                ).all()

            floor_sums, _ = _timed(plain_sums)
        engine.dispose()
    checks = {"assess": assessed, "year": year_view, "collection": table}
    ms = {k: v * 1000 for k, v in checks.items() if k != "assess"}
    yield f"核定 of {MEMBERS} bases (decrypt + encrypt each, then confirm): {assessed:.2f} s"
    yield f"floor: the brackets on plain numbers {floor_assess:.3f} s, ratio {assessed / floor_assess:.0f}"
    yield f"a branch's year for {len(rows)} members: {ms['year']:.0f} ms"
    yield f"the collection table for {len(lines)} branches: {ms['collection']:.0f} ms"
    yield f"floor: one grouped query of the month's payments {floor_sums * 1000:.1f} ms"
    yield f"ratios {year_view / floor_sums:.0f} (year) and {table / floor_sums:.0f} (collection)"
    passed = all(checks[k] < GOALS[k] for k in GOALS) and len(rows) == BIG_BRANCH and len(lines) == BRANCHES
    goals = f"核定 < {GOALS['assess']:.0f} s, year and collection < {GOALS['year'] * 1000:.0f} ms"
    yield f"{goals} → {'PASS' if passed else 'FAIL'}"
