"""The archive exchange: 5,000 members with full archives exported in the national map, and the
same file imported back as a dry run.

Floor: openpyxl writing the same cells (write-only workbook, no logic) and reading them back
(read-only, values only), measured in the same run. Goals (issue 18): each of export and dry
run under 10 s, the process's peak memory under 300 MB; the ratio to the floor is printed.
"""

from __future__ import annotations

import io
import random
import resource
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook, load_workbook
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from handlers.archive import exchange, vocabulary
from handlers.policy import Actor
from models import Base, Member, MemberStatus, OrgKind, PartyOrg, Person
from models.crypto import Keyring, install_keyring
from settings import new_field_key

MEMBERS = 5_000
BRANCHES = 100
GOAL_SECONDS = 10.0
GOAL_PEAK_MB = 300


def _id_number(serial: int, born: date) -> str:
    from handlers.validation import id_check_digit

    first17 = f"110101{born:%Y%m%d}{serial % 1000:03d}"
    return first17 + id_check_digit(first17)


def _hospital(session: Session) -> None:
    """5,000 members in 100 branches, every archive field filled (plausible values)."""
    rng = random.Random(18)
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
        born = date(1966, 1, 1) + timedelta(days=rng.randrange(36 * 365))
        person = Person(wecom_userid=f"u{i:05d}", name=f"党员{i:05d}")
        person.id_number = _id_number(i, born)
        person.mobile = f"139{i:08d}"
        person.birth_date = born
        joined = date(born.year + 22, born.month, 1)
        member = Member(
            person=person,
            branch_id=branches[i % BRANCHES].id,
            status=MemberStatus.full,
            joined_on=joined,
            full_on=joined.replace(year=joined.year + 1),
            applied_on=joined - timedelta(days=500),
            gender=rng.choice(vocabulary.GENDERS),
            native_place="山东省济南市历城区",
            education=rng.choice(vocabulary.EDUCATION),
            degree=rng.choice(vocabulary.DEGREES),
            job_post=rng.choice(vocabulary.JOB_POSTS),
            technical_title=rng.choice(vocabulary.TECHNICAL_TITLES),
            party_post=None,
        )
        member.ethnicity = rng.choice(vocabulary.ETHNICITIES[:8])
        session.add_all([person, member])
    session.flush()


def _floor(headers: tuple[str, ...], rows: list[list[str]]) -> tuple[float, float]:
    started = time.perf_counter()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("党员信息")
    sheet.append(list(headers))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    wrote = time.perf_counter() - started
    started = time.perf_counter()
    for _ in (
        load_workbook(io.BytesIO(out.getvalue()), read_only=True, data_only=True)
        .worksheets[0]
        .iter_rows(values_only=True)
    ):
        pass
    return wrote, time.perf_counter() - started


def run() -> Iterator[str]:
    install_keyring(Keyring([new_field_key("b18")]))
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite:///{Path(folder) / 'archive.db'}")
        Base.metadata.create_all(engine)
        with Session(engine) as session:
            _hospital(session)
            session.commit()
            target = exchange.column_map("national")
            actor = Actor.cli("基准测试")

            started = time.perf_counter()
            content = exchange.export_members(session, actor, target, reason="基准测试")
            exported = time.perf_counter() - started

            started = time.perf_counter()
            report = exchange.import_members(session, actor, "national.xlsx", content, target, dry_run=True)
            dry_run = time.perf_counter() - started
            session.rollback()

            sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
            rows = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
            floor_write, floor_read = _floor(target.headers, rows)
        engine.dispose()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ok = report.ok and report.count("无变化") == MEMBERS
    cells = f"{MEMBERS} rows × {len(target.headers)} cells"
    yield f"floor: openpyxl writes {cells} in {floor_write:.2f} s, reads them in {floor_read:.2f} s"
    yield f"export in the national map: {exported:.2f} s (ratio {exported / floor_write:.1f} to the floor)"
    yield f"import back as a dry run: {dry_run:.2f} s (ratio {dry_run / floor_read:.1f} to the floor)"
    yield f"every row read back unchanged: {ok}"
    yield f"peak memory of the process: {peak_mb:.0f} MB (goal < {GOAL_PEAK_MB} MB)"
    passed = ok and exported < GOAL_SECONDS and dry_run < GOAL_SECONDS and peak_mb < GOAL_PEAK_MB
    yield f"each under {GOAL_SECONDS:.0f} s and under {GOAL_PEAK_MB} MB → {'PASS' if passed else 'FAIL'}"
