"""通知公告 (issue 23 item 2): a notice reaches the scope's members and those taking part there,
opening marks it read, 收到 when asked; the sender sees counts, and only for a notice asking for
acknowledgement — and only the sender — who has and has not."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from handlers import notices
from handlers.errors import Conflict, Forbidden, NotFound, ValidationFailed
from models import OrgKind, OutboundMessage, Role


@pytest.fixture
def hospital(make_org, make_member, make_person, make_actor, take_part):
    committee = make_org(OrgKind.committee)
    lab = make_org(OrgKind.branch, parent=committee, name="检验科党支部")
    ward = make_org(OrgKind.branch, parent=committee, name="病区党支部")
    members = [make_member(branch=lab) for _ in range(3)]
    guest = make_member(branch=ward)
    take_part(guest, lab)
    outsider = make_member(branch=ward)
    return {
        "lab": lab,
        "ward": ward,
        "members": members,
        "guest": guest,
        "outsider": outsider,
        "office": make_actor(Role.committee_office, None),
        "secretary": make_actor(Role.secretary, lab),
        "other": make_actor(Role.secretary, ward),
    }


def test_a_notice_reaches_the_branch_and_those_taking_part_and_counts_what_happens(db_session, hospital):
    notice = notices.send(
        db_session,
        hospital["secretary"],
        title="本周六义诊",
        body="请报名参加。",
        org_ids=[hospital["lab"].id],
        needs_ack=True,
    )
    assert notice.recipients == 4  # three of record and the member taking part
    (card,) = db_session.scalars(select(OutboundMessage).where(OutboundMessage.kind == "notice")).all()
    assert len(card.to_users.split("|")) == 4 and card.params["needs_ack"]
    first, second, _ = hospital["members"]
    notices.open_notice(db_session, first.person, notice.id)
    notices.acknowledge(db_session, second.person, notice.id)
    reach, acks = notices.reach(db_session, hospital["secretary"], notice.id)
    assert (reach.recipients, reach.read, reach.acked) == (4, 2, 1)
    assert dict(acks.items)[second.person.name] is True and acks.total == 4
    # The office sees the counts, not the list; the outsider cannot open it.
    office_reach, office_acks = notices.reach(db_session, hospital["office"], notice.id)
    assert office_reach.read == 2 and office_acks is None
    with pytest.raises(NotFound):
        notices.open_notice(db_session, hospital["outsider"].person, notice.id)
    with pytest.raises(NotFound):
        notices.reach(db_session, hospital["other"], notice.id)


def test_a_notice_without_acknowledgement_has_counts_and_no_list(db_session, hospital):
    notice = notices.send(
        db_session, hospital["office"], title="学习安排", body="见附件。", org_ids=[], needs_ack=False
    )
    assert notice.recipients == 5  # the whole hospital: every member of record
    with pytest.raises(Conflict):
        notices.acknowledge(db_session, hospital["members"][0].person, notice.id)
    assert notices.reach(db_session, hospital["office"], notice.id)[1] is None


def test_who_may_send_what(db_session, hospital):
    with pytest.raises(Forbidden, match="全院"):
        notices.send(
            db_session, hospital["secretary"], title="全院", body="正文", org_ids=[], needs_ack=False
        )
    with pytest.raises(Forbidden, match="负责的党组织"):
        notices.send(
            db_session,
            hospital["secretary"],
            title="别的支部",
            body="正文",
            org_ids=[hospital["ward"].id],
            needs_ack=False,
        )
    with pytest.raises(ValidationFailed, match="标题"):
        notices.send(db_session, hospital["office"], title=" ", body="正文", org_ids=[], needs_ack=False)


def test_a_publication_is_public_for_its_period_and_the_dues_notice_uses_it(db_session, hospital):
    from datetime import timedelta

    from handlers import dues
    from models.base import local_today

    with pytest.raises(Forbidden):
        notices.publish(db_session, hospital["secretary"], title="公示", body="内容", days=7)
    with pytest.raises(ValidationFailed, match="公示天数"):
        notices.publish(db_session, hospital["office"], title="公示", body="内容", days=0)
    row = notices.publish(db_session, hospital["office"], title="发展对象公示", body="张某某", days=5)
    assert notices.publications(db_session) == [row]
    assert notices.publications(db_session, local_today() + timedelta(days=5)) == []
    row.ends_on = local_today() - timedelta(days=1)
    with pytest.raises(NotFound):
        notices.publication(db_session, row.id)
    dues.publish_notice(
        db_session, hospital["office"], branch_id=hospital["lab"].id, year=local_today().year - 1
    )
    (public,) = notices.publications(db_session)
    assert public.source == "dues" and "检验科党支部" in public.title and "我的党费" not in public.body


def test_a_notice_to_secretaries_only_with_its_file(db_session, hospital, make_actor):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    lab_secretary = hospital["members"][0].person
    make_actor(Role.secretary, hospital["lab"], person=lab_secretary)
    notice = notices.send(
        db_session,
        hospital["office"],
        title="书记培训班报名",
        body="见附件。",
        org_ids=[],
        needs_ack=False,
        roles=["secretary"],
        files=[("培训安排.pdf", pdf)],
    )
    assert notice.recipients == 1 and notice.roles == ["secretary"]
    (attachment,) = notices.files_of(db_session, notice)
    found = notices.file_for_recipient(db_session, lab_secretary, notice.id, str(attachment.id))
    assert found.content == pdf
    with pytest.raises(NotFound):  # a member it did not reach cannot fetch its file
        notices.file_for_recipient(db_session, hospital["members"][1].person, notice.id, str(attachment.id))
    with pytest.raises(ValidationFailed, match="身份"):
        notices.send(
            db_session, hospital["office"], title="x", body="y", org_ids=[], needs_ack=False, roles=["boss"]
        )
    with pytest.raises(ValidationFailed):  # checked by content, as meeting attachments are
        notices.send(
            db_session,
            hospital["office"],
            title="x",
            body="y",
            org_ids=[],
            needs_ack=False,
            files=[("a.pdf", b"<script>alert(1)</script>")],
        )
