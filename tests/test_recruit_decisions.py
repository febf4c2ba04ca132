"""The 上级党委's decisions on a person's way in go through the approval engine: the branch
reports a step up, the office approves (one tap on its card) and the step is recorded in the
office's name by the same rules as the console's; what cannot be decided is refused at once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from handlers import approvals, recruitment
from handlers.errors import Conflict, NotFound, ValidationFailed
from handlers.recruitment import decisions, publicity
from models import ApprovalStatus, OrgKind, RecruitStage, Role
from models.base import local_today

T = local_today()


@pytest.fixture
def activist(db_session, make_org, make_person, make_actor):
    committee = make_org(OrgKind.committee)
    branch = make_org(OrgKind.branch, parent=committee, name="病理科党支部")
    other = make_org(OrgKind.branch, parent=committee, name="药剂科党支部")
    secretary = make_actor(Role.secretary, branch)
    person = make_person(name="医生韩", birth_date=date(1994, 3, 1))
    recruit = recruitment.apply(db_session, person, org_id=branch.id, applied_on=T - timedelta(days=300))
    for number, days in ((2, 290),):
        recruitment.record_step(
            db_session, secretary, recruit_id=recruit.id, number=number, done_on=T - timedelta(days=days)
        )
    publicity.start(db_session, secretary, recruit_id=recruit.id, starts_on=T - timedelta(days=120))
    recruitment.record_step(
        db_session, secretary, recruit_id=recruit.id, number=3, done_on=T - timedelta(days=100)
    )
    assert recruit.stage == RecruitStage.activist
    return {
        "recruit": recruit,
        "secretary": secretary,
        "office": make_actor(Role.committee_office, None),
        "stranger": make_actor(Role.secretary, other),
    }


def test_the_branch_reports_the_filing_and_the_office_approval_records_it(db_session, activist):
    recruit, office = activist["recruit"], activist["office"]
    request = decisions.report(
        db_session, activist["secretary"], recruit_id=recruit.id, number=4, note="申请书等"
    )
    assert request.status == ApprovalStatus.pending and request.org_id == recruit.org_id
    assert decisions.open_reports(db_session, recruit) == [request]
    with pytest.raises(Conflict, match="已提交过"):
        decisions.report(db_session, activist["secretary"], recruit_id=recruit.id, number=4)
    slot = approvals.pending_slot_for(db_session, office, request)
    assert slot is not None  # the office decides it (in chat: the card's 同意 button)
    assert approvals.pending_slot_for(db_session, activist["secretary"], request) is None
    approvals.decide(db_session, office, slot_id=slot.id, approve=True)
    fact = recruitment.done(recruit)[4]
    assert fact.done_on == T and "审批通过" in fact.recorded_by and "企业微信审批" in fact.evidence
    assert recruit.activist_on == T and decisions.open_reports(db_session, recruit) == []


def test_what_cannot_be_decided_is_refused_when_reported(db_session, activist):
    recruit, secretary = activist["recruit"], activist["secretary"]
    with pytest.raises(ValidationFailed, match="不需要报上级党委"):
        decisions.report(db_session, secretary, recruit_id=recruit.id, number=5)
    with pytest.raises(Conflict, match="发展对象阶段"):
        decisions.report(db_session, secretary, recruit_id=recruit.id, number=8)
    with pytest.raises(NotFound):  # another branch's applicant looks like no applicant at all
        decisions.report(db_session, activist["stranger"], recruit_id=recruit.id, number=4)
    with pytest.raises(NotFound):
        decisions.report(db_session, secretary, recruit_id="not-an-id", number=4)


def test_a_rejected_report_records_nothing_and_may_be_sent_again(db_session, activist):
    recruit, office = activist["recruit"], activist["office"]
    request = decisions.report(db_session, activist["secretary"], recruit_id=recruit.id, number=4)
    slot = approvals.pending_slot_for(db_session, office, request)
    approvals.decide(db_session, office, slot_id=slot.id, approve=False, comment="请补充考察材料")
    assert 4 not in recruitment.done(recruit) and request.status == ApprovalStatus.rejected
    again = decisions.report(db_session, activist["secretary"], recruit_id=recruit.id, number=4)
    assert again.status == ApprovalStatus.pending


# --- the letters the office signs, and its own templates ---------------------------------------


def _docx(*paragraphs: str) -> bytes:
    from io import BytesIO

    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _text(content: bytes) -> str:
    from io import BytesIO

    from docx import Document

    return "\n".join(p.text for p in Document(BytesIO(content)).paragraphs)


def test_a_letter_is_filled_from_the_record_once_its_step_is_done(db_session, activist):
    from handlers.recruitment import letters

    recruit, office = activist["recruit"], activist["office"]
    with pytest.raises(Conflict, match="第4步尚未完成"):
        letters.letter_docx(db_session, office, recruit.id, "activist")
    recruitment.record_step(
        db_session, office, recruit_id=recruit.id, number=4, done_on=T, evidence="备〔2026〕7号"
    )
    recruit.person.name = "韩<&>医生"  # what XML would choke on is escaped
    name, content = letters.letter_docx(db_session, activist["secretary"], recruit.id, "activist")
    text = _text(content)
    assert name.startswith("关于确定入党积极分子的通知") and "病理科党支部：" in text
    assert "同意确定韩<&>医生同志为入党积极分子" in text and f"{T:%Y年%m月%d日}" in text
    with pytest.raises(NotFound):
        letters.letter_docx(db_session, activist["stranger"], recruit.id, "activist")
    with pytest.raises(NotFound):
        letters.letter_docx(db_session, office, recruit.id, "no-such-letter")


def test_the_office_replaces_a_template_and_a_bad_one_is_refused_with_nothing_changed(db_session, activist):
    from handlers.errors import Forbidden
    from handlers.recruitment import letters
    from models import DocumentTemplate

    recruit, office = activist["recruit"], activist["office"]
    recruitment.record_step(
        db_session, office, recruit_id=recruit.id, number=4, done_on=T, evidence="备〔2026〕8号"
    )
    own = _docx("某某医院党委文件", "{{ 党支部 }}：同意{{ 姓名 }}为积极分子（{{ 文号 }}）。")
    letters.replace_template(db_session, office, "activist", "本院模板.docx", own)
    assert "某某医院党委文件" in _text(letters.letter_docx(db_session, office, recruit.id, "activist")[1])
    for bad, message in (
        (b"%PDF-1.7 not a template", "Word 文件"),
        (_docx("{{ 身份证号 }}"), "占位符有误"),
        (_docx("{{ 姓名.__class__.__mro__ }}"), "占位符有误"),
        (_docx("{% for x in 姓名 %}"), "占位符有误"),
        (b"PK\x03\x04 a torn zip", "无法读取"),
    ):
        with pytest.raises(ValidationFailed, match=message):
            letters.replace_template(db_session, office, "activist", "坏模板.docx", bad)
    assert db_session.get(DocumentTemplate, "recruit.activist").filename == "本院模板.docx"
    with pytest.raises(Forbidden):
        letters.replace_template(db_session, activist["secretary"], "activist", "x.docx", own)
    letters.restore_template(db_session, office, "activist")
    assert "某某医院党委文件" not in _text(letters.letter_docx(db_session, office, recruit.id, "activist")[1])
