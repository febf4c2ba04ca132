"""The rule catalogue: defaults with sources, overrides effective from a date with their document."""

from __future__ import annotations

from datetime import date

import pytest

from handlers import rules
from handlers.errors import Forbidden, ValidationFailed
from models import OrgKind, Role


@pytest.fixture
def office(make_actor):
    return make_actor(Role.committee_office, None)


def test_every_rule_has_a_default_and_a_source():
    for rule in rules.CATALOGUE:
        assert rule.default is not None and rule.source
    assert rules.RULES["study.member_hours"].default == 32 and rules.RULES["study.leader_hours"].default == 56


def test_an_override_applies_from_its_date_and_not_before(db_session, office):
    assert rules.value(db_session, "meeting.lecture_per_year", date(2026, 6, 1)) == 4
    rules.override(db_session, office, key="meeting.lecture_per_year", raw_value="6",
                   effective_from=date(2027, 1, 1), note="院党委〔2026〕12号")  # fmt: skip
    assert rules.value(db_session, "meeting.lecture_per_year", date(2026, 12, 31)) == 4
    assert rules.value(db_session, "meeting.lecture_per_year", date(2027, 1, 1)) == 6


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [
        ("meeting.online_counts", "maybe", "是"),
        ("reminder.quiet_start", "25:00", "时间格式"),
        ("study.member_hours", "-3", "整数"),
    ],
)
def test_values_are_checked_by_kind(db_session, office, key, raw, message):
    with pytest.raises(ValidationFailed, match=message):
        rules.override(
            db_session, office, key=key, raw_value=raw, effective_from=date(2027, 1, 1), note="文件"
        )


def test_an_override_needs_its_document_and_the_office(db_session, office, make_actor, make_org):
    with pytest.raises(ValidationFailed, match="依据"):
        rules.override(db_session, office, key="study.member_hours", raw_value="40",
                       effective_from=date(2027, 1, 1), note="")  # fmt: skip
    secretary = make_actor(Role.secretary, make_org(OrgKind.branch))
    with pytest.raises(Forbidden):
        rules.override(db_session, secretary, key="study.member_hours", raw_value="40",
                       effective_from=date(2027, 1, 1), note="文件")  # fmt: skip
