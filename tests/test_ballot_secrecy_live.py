"""Secrecy as a database administrator would test it, on real PostgreSQL with real commits: while
a ballot is open its rows still share transaction ids (the threat is real); once tallied, every
submission and every voter row carries the tally's transaction id, the submissions lie on disk
in an order unrelated to the votes, and the voters in the order of their ids."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import text, update

from handlers import ballots, people
from handlers.policy import Actor, load_actor
from models import Ballot, OrgKind, PartyOrg, Role, RoleGrant
from models.base import utcnow
from tests.conftest import needs_real_services

pytestmark = [pytest.mark.integration, needs_real_services]
VOTERS = 20


def test_after_the_tally_nothing_in_the_tables_joins_a_submission_to_its_voter(integration_app):
    db = integration_app.extensions["dangjian.db"]
    cli = Actor.cli("测试")
    with integration_app.app_context(), db.unit_of_work() as session:
        org = PartyOrg(kind=OrgKind.branch, code="SECRET1", name="保密测试党支部")
        org.set_parent(None)
        session.add(org)
        session.flush()
        office = people.create_person(session, cli, wecom_userid="sec-office", name="组织部")
        session.add(RoleGrant(person_id=office.id, role=Role.committee_office, org_id=None))
        for n in range(VOTERS):
            person = people.create_person(session, cli, wecom_userid=f"sec-{n:02d}", name=f"党员{n}")
            people.enrol_member(session, cli, person=person, branch=org, status="full")
        session.flush()
        survey = ballots.create_survey(
            session,
            load_actor(session, office),
            title="保密测试",
            description="",
            org_id=org.id,
            anonymous=True,
            closes_at=utcnow() + timedelta(hours=1),
            questions="问答：您的意见\n单选：是否满意｜满意｜不满意",
        )
        ballot_id = survey.id
    order = list(range(VOTERS))
    order.reverse()  # vote in an order unlike the ids'
    for n in order:
        with integration_app.app_context(), db.unit_of_work() as session:
            person = people.find_by_wecom_userid(session, f"sec-{n:02d}")
            ballots.vote(session, person, ballot_id, {"q1": f"意见{n}", "q2": "满意"})

    def rows(table: str, columns: str) -> list:
        with db.engine.connect() as connection:
            return connection.execute(
                text(f"SELECT xmin::text, {columns} FROM {table} WHERE ballot_id = :b ORDER BY ctid"),
                {"b": ballot_id},
            ).all()

    # Open: each submission shares its transaction id with exactly one voter's flip.
    open_submissions = {x for x, *_ in rows("ballot_submission", "id")}
    open_voters = {x for x, *_ in rows("ballot_voter", "person_id")}
    assert len(open_submissions) == VOTERS and open_submissions <= open_voters

    with integration_app.app_context(), db.unit_of_work() as session:
        session.execute(
            update(Ballot).where(Ballot.id == ballot_id).values(closes_at=utcnow() - timedelta(seconds=1))
        )
    with integration_app.app_context(), db.unit_of_work() as session:
        assert ballots.close_due(session) == 1

    submissions = rows("ballot_submission", "answers::text")
    voters = rows("ballot_voter", "person_id::text, voted")
    transaction_ids = {x for x, *_ in submissions} | {x for x, *_ in voters}
    assert len(transaction_ids) == 1  # the tally's, for every row of both tables
    on_disk = [int(json.loads(a)["1"].removeprefix("意见")) for _x, a in submissions]
    assert sorted(on_disk) == sorted(order) and on_disk != order  # shuffled, not the votes' order
    assert [p for _x, p, _v in voters] == sorted(p for _x, p, _v in voters)  # voters by id
