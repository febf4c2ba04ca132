"""Figures of who the members are and how the orgs stand: members by category, gender, age band,
学历, 职称, 党龄, 民族 and 岗位; branches by size against the rules, those that should have a
committee and do not, those without a 书记, 联合支部, and terms ending within six months."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handlers import rules
from handlers.stats.model import Figure, Series, people_series
from handlers.stats.scope import Scope
from handlers.workdays import months_after
from models import CommitteeSeat, Member, MemberStatus, OrgKind, PartyOrg, Person, Role, RoleGrant
from models.base import local_today
from models.crypto import current_keyring, decrypt_value
from models.org import party_org_department

AGE_BANDS = ((30, "30岁及以下"), (40, "31至40岁"), (50, "41至50岁"), (60, "51至60岁"), (200, "61岁及以上"))
EDUCATION = ["研究生", "大学本科", "大学专科", "中等专科", "高中"]
POSTS = ["医疗", "护理", "医技", "行政管理", "后勤保障", "其他"]
PARTY_YEARS = ((5, "不满5年"), (10, "5至10年"), (20, "10至20年"), (30, "20至30年"), (200, "30年及以上"))


def years_between(start: date, end: date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def _band(value: int | None, bands: tuple[tuple[int, str], ...]) -> str:
    if value is None:
        return "未填写"
    return next(label for top, label in bands if value < top or top == bands[-1][0])


def _ordered(counter: Counter, order: list[str]) -> list[tuple[str, int]]:
    known = [(label, counter.get(label, 0)) for label in order]
    rest = sorted((label, n) for label, n in counter.items() if label not in order)
    return known + rest


def members(session: Session, scope: Scope, year: int) -> Figure:
    today = local_today()
    keyring = current_keyring()
    # Plain columns, not objects: at 5,000 members the ORM's identity map costs more than the query.
    rows = session.execute(
        select(
            Member.id,
            Member.status,
            Member.gender,
            Member.education,
            Member.technical_title,
            Member.joined_on,
            Member.job_post,
            Member.ethnicity_ciphertext,
            Person.id,
            Person.birth_date_ciphertext,
        )
        .join(Person, Person.id == Member.person_id)
        .where(Member.left_at.is_(None), Member.branch_id.in_(scope.branch_ids()))
    ).all()
    total = len(rows)
    status, gender, age, education, title, party, ethnicity, post = (Counter() for _ in range(8))
    for member_id, state, sex, schooling, rank, joined, job, nation_sealed, person_id, born_sealed in rows:
        status["正式党员" if state == MemberStatus.full else "预备党员"] += 1
        gender[sex or "未填写"] += 1
        born = (
            date.fromisoformat(decrypt_value(keyring, "person", "birth_date", person_id, born_sealed))
            if born_sealed
            else None
        )
        age[_band(years_between(born, today) if born else None, AGE_BANDS)] += 1
        education[schooling or "未填写"] += 1
        title[rank or "未填写"] += 1
        party[_band(years_between(joined, today) if joined else None, PARTY_YEARS)] += 1
        nation = (
            decrypt_value(keyring, "member", "ethnicity", member_id, nation_sealed) if nation_sealed else None
        )
        ethnicity["汉族" if nation == "汉族" else "少数民族" if nation else "未填写"] += 1
        post[job or "未填写"] += 1
    ages = [label for _, label in AGE_BANDS]
    years = [label for _, label in PARTY_YEARS]
    return Figure(
        "members",
        "党员结构",
        "在册党员（组织关系在本范围内各党支部、未离开的正式党员和预备党员），按档案中的类别、性别、年龄（按出生日期"
        "计算到今天）、学历、技术职称、党龄（按入党日期计算）、民族和岗位统计。",
        scope.label,
        f"截至{today:%Y年%m月%d日}",
        [
            people_series("类别", _ordered(status, ["正式党员", "预备党员"]), total),
            people_series("性别", _ordered(gender, ["男", "女"]), total),
            people_series("年龄", _ordered(age, ages), total),
            people_series(
                "学历", _ordered(education, ["研究生", "大学本科", "大学专科", "中等专科", "高中"]), total
            ),
            people_series("技术职称", _ordered(title, []), total),
            people_series("党龄", _ordered(party, years), total),
            people_series("民族", _ordered(ethnicity, ["汉族", "少数民族"]), total),
            people_series(
                "岗位", _ordered(post, ["医疗", "护理", "医技", "行政管理", "后勤保障", "其他"]), total
            ),
        ],
        people=total,
    )


def orgs(session: Session, scope: Scope, year: int) -> Figure:
    today = local_today()
    branches = session.scalars(
        select(PartyOrg).where(scope.orgs(), PartyOrg.kind == OrgKind.branch, PartyOrg.dissolved_at.is_(None))
    ).all()
    ids = [b.id for b in branches]
    full = dict(
        session.execute(
            select(Member.branch_id, func.count())
            .where(Member.branch_id.in_(ids), Member.left_at.is_(None), Member.status == MemberStatus.full)
            .group_by(Member.branch_id)
        ).all()
    )
    seated = set(
        session.scalars(
            select(CommitteeSeat.org_id).where(
                CommitteeSeat.org_id.in_(ids), CommitteeSeat.ended_on.is_(None)
            )
        )
    )
    with_secretary = set(
        session.scalars(
            select(RoleGrant.org_id).where(
                RoleGrant.org_id.in_(ids), RoleGrant.role == Role.secretary, RoleGrant.revoked_at.is_(None)
            )
        )
    )
    departments = dict(
        session.execute(
            select(party_org_department.c.org_id, func.count())
            .where(party_org_department.c.org_id.in_(ids))
            .group_by(party_org_department.c.org_id)
        ).all()
    )
    smallest = int(rules.value(session, "org.branch_min_full"))
    committee_from = int(rules.value(session, "org.branch_committee_from"))
    largest = int(rules.value(session, "org.branch_max_members"))
    sizes = Counter()
    for b in branches:
        n = full.get(b.id, 0)
        sizes[
            f"不足{smallest}名正式党员"
            if n < smallest
            else f"{smallest}至{committee_from - 1}人"
            if n < committee_from
            else f"{committee_from}至{largest}人"
            if n <= largest
            else f"超过{largest}人"
        ] += 1
    order = [
        f"不足{smallest}名正式党员",
        f"{smallest}至{committee_from - 1}人",
        f"{committee_from}至{largest}人",
        f"超过{largest}人",
    ]
    soon = months_after(today, 6)
    uncommitted = sum(1 for b in branches if full.get(b.id, 0) >= committee_from and b.id not in seated)
    health = [
        ("党支部", len(branches)),
        ("应设支委会而未设", uncommitted),
        ("未配书记", sum(1 for b in branches if b.id not in with_secretary)),
        ("联合党支部", sum(1 for b in branches if departments.get(b.id, 0) > 1)),
        ("任期已满或6个月内届满", sum(1 for b in branches if b.term_ends_on and b.term_ends_on <= soon)),
    ]
    return Figure(
        "orgs",
        "组织建设",
        f"本范围内未撤销的党支部，按正式党员人数对照规则分档（正式党员{smallest}人以上成立党支部，{committee_from}人以上"
        f"设支部委员会，一般不超过{largest}人）；未配书记指没有在任的支部书记角色；任期按届满日期计算。",
        scope.label,
        f"截至{today:%Y年%m月%d日}",
        [
            Series("党支部规模", "个", [(label, sizes.get(label, 0)) for label in order]),
            Series("组织健康", "个", health),
        ],
    )
