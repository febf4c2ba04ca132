"""The letters the 上级党委 signs at each stage — 确定入党积极分子, 列为发展对象, 接收预备党员, 预备党员转正 —
filled from the record as Word documents. Each is a docxtpl template with Chinese placeholders
({{ 姓名 }}, {{ 党支部 }} …); the office may put its own in place of the shipped one (its letterhead,
its wording), checked on upload by rendering it once, and restore the shipped one at any time.

An uploaded template is code of a kind (Jinja inside Word), so it runs in Jinja's sandbox with
undefined names refused: a template can only print the placeholders listed here.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy.orm import Session

from handlers import audit
from handlers.errors import Conflict, Forbidden, NotFound, ValidationFailed
from handlers.policy import Actor, holds
from handlers.recruitment.pipeline import done, find
from handlers.tables import check_archive
from models import DocumentTemplate, OrgKind, PartyOrg, Recruit
from models.base import utcnow

DOCX_SIGNATURE = b"PK\x03\x04"
MAX_TEMPLATE_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Letter:
    key: str
    title: str
    #: The step after which the letter can be issued (the office's decision it records).
    step: int
    #: The shipped wording, paragraph by paragraph, with placeholders.
    body: tuple[str, ...]


LETTERS = (
    Letter(
        "activist",
        "关于确定入党积极分子的通知",
        4,
        (
            "{{ 党支部 }}：",
            "经支部委员会研究并报党委备案，同意确定{{ 姓名 }}同志为入党积极分子，备案时间为{{ 日期 }}。",
            "请指定培养联系人，按照《中国共产党发展党员工作细则》加强培养教育和考察。",
        ),
    ),
    Letter(
        "candidate",
        "关于列为发展对象的通知",
        8,
        (
            "{{ 党支部 }}：",
            "{{ 姓名 }}同志经过一年以上的培养教育和考察，经支部委员会讨论，同意列为发展对象，"
            "于{{ 日期 }}报党委备案。",
            "请确定入党介绍人，进行政治审查，并安排参加集中培训。",
        ),
    ),
    Letter(
        "admission",
        "关于接收预备党员的批复",
        17,
        (
            "{{ 党支部 }}：",
            "你支部于{{ 支部大会日期 }}召开支部党员大会，讨论通过{{ 姓名 }}同志为中共预备党员。",
            "经{{ 党委 }}{{ 日期 }}审批，同意接收{{ 姓名 }}同志为中共预备党员，预备期一年，"
            "自{{ 支部大会日期 }}起至{{ 预备期满 }}止。",
            "审批文号：{{ 文号 }}",
        ),
    ),
    Letter(
        "full",
        "关于预备党员转正的批复",
        24,
        (
            "{{ 党支部 }}：",
            "经{{ 党委 }}{{ 日期 }}审批，同意{{ 姓名 }}同志按期转为中共正式党员，党龄自{{ 转正日期 }}算起。",
            "审批文号：{{ 文号 }}",
        ),
    ),
)
BY_KEY = {letter.key: letter for letter in LETTERS}
PLACEHOLDERS = ("姓名", "党支部", "党委", "日期", "文号", "支部大会日期", "预备期满", "转正日期")


def _letter(key: str) -> Letter:
    try:
        return BY_KEY[key]
    except KeyError:
        raise NotFound("文书不存在。") from None


def shipped(letter: Letter) -> bytes:
    """The shipped template: the title, the placeholders' paragraphs and a signature block."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = "仿宋", Pt(15)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(letter.title)
    run.bold, run.font.size = True, Pt(20)
    for text in letter.body:
        document.add_paragraph(text)
    for text in ("{{ 党委 }}", "{{ 日期 }}"):
        document.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def template_of(session: Session, key: str) -> tuple[bytes, bool]:
    """(the template in force, whether it is the office's own)."""
    row = session.get(DocumentTemplate, f"recruit.{_letter(key).key}")
    return (row.content, True) if row else (shipped(_letter(key)), False)


def _render(template: bytes, context: dict[str, str]) -> bytes:
    document = DocxTemplate(BytesIO(template))
    document.render(context, jinja_env=SandboxedEnvironment(undefined=StrictUndefined, autoescape=True))
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _committee(session: Session, recruit: Recruit) -> str:
    """The 党委 over the branch: the nearest committee up its path."""
    for org_id in reversed(recruit.org.path.strip("/").split("/")):
        org = session.get(PartyOrg, uuid.UUID(org_id))
        if org is not None and org.kind == OrgKind.committee:
            return org.name
    return "党委"


def _context(session: Session, recruit: Recruit, letter: Letter) -> dict[str, str]:
    steps = done(recruit)
    fact = steps[letter.step]

    def day(value: date | None) -> str:
        return f"{value:%Y年%m月%d日}" if value else ""

    return {
        "姓名": recruit.person.name,
        "党支部": recruit.org.name,
        "党委": _committee(session, recruit),
        "日期": day(fact.done_on),
        "文号": fact.evidence,
        "支部大会日期": day(recruit.admitted_on),
        "预备期满": day(recruit.probation_ends_on),
        "转正日期": day(recruit.full_on),
    }


def letter_docx(session: Session, actor: Actor, recruit_id: uuid.UUID, key: str) -> tuple[str, bytes]:
    """(file name, .docx) of one letter for one person, once its step is recorded; audited."""
    recruit = find(session, actor, recruit_id)
    letter = _letter(key)
    if letter.step not in done(recruit):
        raise Conflict(f"第{letter.step}步尚未完成，还不能出具“{letter.title}”。")
    template, _own = template_of(session, key)
    try:
        content = _render(template, _context(session, recruit, letter))
    except TemplateError as error:  # a template that passed its check cannot fail, but say so if it does
        raise ValidationFailed(f"文书模板有误（{error}），请党委组织部更换模板。") from None
    audit.record(
        session, actor, "recruit.letter", object_type="recruit", object_id=recruit.id, detail={"letter": key}
    )
    return f"{letter.title}-{recruit.person.name}.docx", content


def _require_office(actor: Actor) -> None:
    if not holds(actor, "recruit.approve"):
        raise Forbidden("文书模板由党委组织部管理。")


SAMPLE = {name: f"（{name}）" for name in PLACEHOLDERS}


def replace_template(session: Session, actor: Actor, key: str, filename: str, content: bytes) -> None:
    """Put the office's own template in place, after rendering it once with sample values: a
    file that is not Word, too big, or names a placeholder we do not fill is refused, and the
    one in force stays."""
    _require_office(actor)
    letter = _letter(key)
    if not content:
        raise ValidationFailed("请选择模板文件（.docx）。", field="file")
    if len(content) > MAX_TEMPLATE_BYTES or not content.startswith(DOCX_SIGNATURE):
        raise ValidationFailed("模板应为不超过 2 MB 的 Word 文件（.docx）。", field="file")
    try:
        check_archive(content)
    except ValidationFailed:
        raise ValidationFailed("无法读取该 Word 文件，或解压后过大。", field="file") from None
    try:
        _render(content, SAMPLE)
    except TemplateError as error:
        names = "、".join("{{ " + n + " }}" for n in PLACEHOLDERS)
        raise ValidationFailed(
            f"模板中的占位符有误（{error}）。可用的占位符：{names}。", field="file"
        ) from None
    except Exception:  # noqa: BLE001 — python-docx on a damaged file raises what it likes
        raise ValidationFailed("无法读取该 Word 文件。", field="file") from None
    row = session.get(DocumentTemplate, f"recruit.{letter.key}") or DocumentTemplate(
        key=f"recruit.{letter.key}"
    )
    row.filename = "".join(c for c in filename if c.isprintable() and c not in '/\\"')[-100:] or "模板.docx"
    row.content, row.uploaded_by, row.uploaded_at = content, actor.label[:100], utcnow()
    session.add(row)
    audit.record(session, actor, "template.replace", detail={"template": row.key})


def restore_template(session: Session, actor: Actor, key: str) -> None:
    _require_office(actor)
    row = session.get(DocumentTemplate, f"recruit.{_letter(key).key}")
    if row is not None:
        session.delete(row)
        audit.record(session, actor, "template.restore", detail={"template": row.key})


def templates(session: Session, actor: Actor) -> list[tuple[Letter, Any]]:
    """Every letter with the office's own template row, or None where the shipped one is used."""
    _require_office(actor)
    return [(letter, session.get(DocumentTemplate, f"recruit.{letter.key}")) for letter in LETTERS]
