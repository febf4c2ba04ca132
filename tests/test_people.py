"""Creating staff and members: bad identity data is refused with a clear message, nothing written."""

from datetime import date

import pytest
from sqlalchemy import func, select

from handlers import people
from handlers.errors import Conflict, ValidationFailed
from handlers.validation import validate_id_number, validate_mobile
from models import AuditEvent, MemberStatus, OrgKind, Person, WebSession
from tests.conftest import CLI, valid_id_number


def counts(session):
    return (
        session.scalar(select(func.count()).select_from(Person)),
        session.scalar(select(func.count()).select_from(AuditEvent)),
    )


def test_valid_person_is_created_encrypted_and_audited(db_session, make_person):
    before = counts(db_session)
    person = make_person(birth_date=date(1985, 6, 15), political_status="群众")
    assert counts(db_session) == (before[0] + 1, before[1] + 1)
    assert person.birth_date == date(1985, 6, 15) and person.political_status == "群众"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"id_number": valid_id_number(1)[:-1] + ("0" if valid_id_number(1)[-1] != "0" else "1")}, "校验位"),
        ({"id_number": "11010119851332001X"}, "出生日期"),
        ({"id_number": "12345"}, "18位"),
        ({"mobile": "12800138000"}, "手机号"),
        ({"mobile": "1380013800"}, "手机号"),
        ({"name": "  "}, "姓名"),
    ],
)
def test_invalid_identity_data_is_refused_and_nothing_is_written(db_session, fields, message):
    before = counts(db_session)
    kwargs = {"wecom_userid": "bad", "name": "王五", **fields}
    with pytest.raises(ValidationFailed, match=message):
        people.create_person(db_session, CLI, **kwargs)
    assert counts(db_session) == before


def test_duplicate_wecom_userid_is_refused_and_nothing_is_written(db_session, make_person):
    make_person(wecom_userid="zhangsan")
    before = counts(db_session)
    with pytest.raises(Conflict, match="zhangsan 已存在"):
        people.create_person(db_session, CLI, wecom_userid="zhangsan", name="张三")
    assert counts(db_session) == before


def test_validators_normalise():
    assert validate_mobile("+86 138-0013-8000") == "13800138000"
    assert validate_id_number(valid_id_number(3).lower()) == valid_id_number(3).upper()


def test_member_must_belong_to_a_branch(db_session, make_org, make_person):
    general = make_org(OrgKind.general_branch)
    with pytest.raises(ValidationFailed, match="党支部"):
        people.enrol_member(db_session, CLI, person=make_person(), branch=general, status=MemberStatus.full)


def test_person_cannot_be_enrolled_twice(db_session, make_member):
    member = make_member()
    with pytest.raises(Conflict):
        people.enrol_member(
            db_session, CLI, person=member.person, branch=member.branch, status=MemberStatus.full
        )


def test_staff_and_membership_are_distinct(db_session, make_person, make_member):
    applicant = make_person()
    assert applicant.membership is None
    member = make_member()
    assert member.person.membership is member


def test_deactivating_a_person_ends_every_session(db_session, make_person):
    from datetime import UTC, datetime, timedelta

    person = make_person()
    for token in ("a" * 64, "b" * 64):
        db_session.add(
            WebSession(
                token_hash=token, person_id=person.id, expires_at=datetime.now(UTC) + timedelta(hours=1)
            )
        )
    db_session.flush()
    people.deactivate_person(db_session, CLI, person=person, reason="离职")
    assert (
        db_session.scalar(
            select(func.count()).select_from(WebSession).where(WebSession.person_id == person.id)
        )
        == 0
    )
    assert person.is_active is False and person.left_at is not None
