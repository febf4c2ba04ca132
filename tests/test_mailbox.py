"""书记信箱 (issue 23 item 3): named and anonymous letters, the anonymous one with no author in
the database (every column read), answered by the recipient and read back by receipt code,
weekly reminders until answered, the office's counts, and the FAQ."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from handlers import mailbox, reminders
from handlers.errors import Forbidden, NotFound, ValidationFailed
from models import AuditEvent, MailboxMessage, OrgKind, Reminder, Role
from models.base import local_today


@pytest.fixture
def branch(make_org, make_member, make_person, make_actor):
    committee = make_org(OrgKind.committee)
    org = make_org(OrgKind.branch, parent=committee, name="眼科党支部")
    writer = make_member(branch=org, person=make_person(wecom_userid="mb-writer", name="写信人甲")).person
    secretary_person = make_person(wecom_userid="mb-sec", name="书记乙")
    make_member(branch=org, person=secretary_person)
    return {
        "org": org,
        "writer": writer,
        "secretary": make_actor(Role.secretary, org, person=secretary_person),
        "secretary_person": secretary_person,
        "office": make_actor(Role.committee_office, None),
        "other": make_actor(Role.secretary, make_org(OrgKind.branch, parent=committee)),
    }


def test_an_anonymous_letter_keeps_nothing_that_says_who_wrote_it(db_session, branch):
    writer = branch["writer"]
    written = mailbox.write(
        db_session,
        writer,
        to="secretary",
        category="problem",
        body="科室排班不公平，夜班总是同几个人。",
        anonymous=True,
    )
    assert written.receipt_code and len(written.receipt_code) == 14
    row = (
        db_session.execute(text("SELECT * FROM mailbox_message WHERE receipt_hash IS NOT NULL"))
        .mappings()
        .one()
    )  # every column, as the database holds it
    identifying = {
        str(writer.id),
        str(writer.id).replace("-", ""),
        writer.name,
        writer.wecom_userid,
        written.receipt_code,
    }
    for column, value in row.items():
        assert not any(mark in str(value) for mark in identifying), column
    assert row["author_id"] is None and "科室排班" not in str(row["body_ciphertext"])
    assert set(row.keys()) >= {"written_on"} and "created_at" not in row.keys()  # the day, no finer
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "mailbox.write")) is None
    # The recipient answers; whoever holds the code reads the answer, asking for the author is refused.
    mailbox.answer(
        db_session, branch["secretary"], message_id=written.message.id, text="已了解，下周支委会讨论。"
    )
    assert (
        mailbox.by_receipt(db_session, written.receipt_code.replace("-", " ")).answer
        == "已了解，下周支委会讨论。"
    )
    with pytest.raises(ValidationFailed, match="匿名来信"):
        mailbox.author_of(db_session, branch["secretary"], written.message.id)
    with pytest.raises(NotFound):
        mailbox.by_receipt(db_session, "0000-0000-0000")
    assert mailbox.mine(db_session, writer) == []


def test_a_named_letter_is_the_writers_to_read_and_the_recipients_alone_to_answer(db_session, branch):
    written = mailbox.write(
        db_session,
        branch["writer"],
        to="secretary",
        category="suggestion",
        body="建议主题党日改在周四。",
        anonymous=False,
    )
    assert written.receipt_code is None
    assert mailbox.mine(db_session, branch["writer"]) == [written.message]
    assert mailbox.author_of(db_session, branch["secretary"], written.message.id).name == "写信人甲"
    assert mailbox.inbox(db_session, branch["other"]) == []
    with pytest.raises(NotFound):  # another branch's secretary: as if it did not exist
        mailbox.answer(db_session, branch["other"], message_id=written.message.id, text="代答")
    with pytest.raises(NotFound):  # and the office does not read what was written to a secretary
        mailbox.answer(db_session, branch["office"], message_id=written.message.id, text="代答")
    office_letter = mailbox.write(
        db_session, branch["writer"], to="office", category="help", body="想咨询转接。", anonymous=False
    )
    assert mailbox.inbox(db_session, branch["office"]) == [office_letter.message]
    for wrong, message in (
        ({"to": "nobody"}, "写给谁"),
        ({"category": "x"}, "类别"),
        ({"body": " "}, "内容不能为空"),
    ):
        fields = {"to": "secretary", "category": "help", "body": "内容", "anonymous": False} | wrong
        with pytest.raises(ValidationFailed, match=message):
            mailbox.write(db_session, branch["writer"], **fields)


def test_open_letters_remind_their_recipient_weekly_until_answered(db_session, branch):
    written = mailbox.write(
        db_session, branch["writer"], to="secretary", category="help", body="需要帮助。", anonymous=True
    )
    today = local_today()
    assert mailbox.queue_open_reminders(db_session, today) == 1
    assert mailbox.queue_open_reminders(db_session, today) == 0  # once a week
    (row,) = db_session.scalars(select(Reminder).where(Reminder.category == "mailbox_open")).all()
    assert row.person_id == branch["secretary_person"].id and "需要帮助" not in row.reason
    mailbox.answer(db_session, branch["secretary"], message_id=written.message.id, text="好的。")
    assert reminders.is_met(db_session, row.obligation)
    assert mailbox.queue_open_reminders(db_session, today + timedelta(days=7)) == 0


def test_the_office_sees_counts_and_time_to_answer_never_the_letters(db_session, branch):
    for n in range(3):
        written = mailbox.write(
            db_session,
            branch["writer"],
            to="secretary",
            category="suggestion",
            body=f"建议{n}",
            anonymous=bool(n % 2),
        )
        if n:
            mailbox.answer(db_session, branch["secretary"], message_id=written.message.id, text="谢谢。")
    figures = {f.category.value: f for f in mailbox.figures(db_session, branch["office"], date(2000, 1, 1))}
    assert (
        figures["suggestion"].received,
        figures["suggestion"].answered,
        figures["suggestion"].median_days,
    ) == (3, 2, 0)
    assert figures["help"].received == 0
    with pytest.raises(Forbidden):
        mailbox.figures(db_session, branch["secretary"], date(2000, 1, 1))


def test_the_faq_is_the_offices_to_keep(db_session, branch):
    entry = mailbox.save_faq(
        db_session,
        branch["office"],
        entry_id=None,
        question="党费怎么交？",
        answer_text="按核定金额每月交纳。",
        position=1,
    )
    assert [e.question for e in mailbox.faq(db_session)] == ["党费怎么交？"]
    with pytest.raises(Forbidden):
        mailbox.save_faq(
            db_session, branch["secretary"], entry_id=entry.id, question="改", answer_text="改", position=1
        )
    mailbox.delete_faq(db_session, branch["office"], entry_id=entry.id)
    assert mailbox.faq(db_session) == []
    assert db_session.scalar(select(MailboxMessage)) is None
