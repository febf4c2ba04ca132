"""发展党员's papers in the console: the letters the 上级党委 signs, filled from the record; the
office's own Word templates in place of the shipped ones; the 材料归档 checklist ticked per file."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort, g, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers.policy import holds
from handlers.recruitment import documents, letters
from web import db_session
from web.admin.frame import bp, parse_uuid
from web.admin.meeting_pages import DOCX
from web.outcome import form_change
from web.uploads import read_upload


def _docx(name: str, content: bytes) -> Response:
    disposition = f"attachment; filename*=UTF-8''{quote(name)}"
    return Response(content, mimetype=DOCX, headers={"Content-Disposition": disposition})


@bp.get("/recruits/<recruit_id>/letters/<key>.docx")
def recruit_letter(recruit_id: str, key: str) -> ResponseReturnValue:
    name, content = letters.letter_docx(db_session(), g.actor, parse_uuid(recruit_id), key)
    return _docx(name, content)


@bp.post("/recruits/<recruit_id>/archive")
def recruit_archive_files(recruit_id: str) -> ResponseReturnValue:
    return form_change(
        lambda: documents.mark_archived(
            db_session(), g.actor, parse_uuid(recruit_id), request.form.getlist("files")
        ),
        done=lambda ticked: f"已确认 {len(ticked)} 项归档材料。",
        back=url_for("admin.recruit_detail", recruit_id=recruit_id),
    )


@bp.get("/recruits/letters")
def recruit_letter_templates() -> ResponseReturnValue:
    if not holds(g.actor, "recruit.approve"):
        abort(404)
    return render_template(
        "admin/recruit_letters.html",
        rows=letters.templates(db_session(), g.actor),
        placeholders=letters.PLACEHOLDERS,
    )


@bp.get("/recruits/letters/<key>/template.docx")
def recruit_letter_template(key: str) -> ResponseReturnValue:
    if not holds(g.actor, "recruit.approve"):
        abort(404)
    content, _own = letters.template_of(db_session(), key)
    return _docx(f"{letters.BY_KEY[key].title}-模板.docx", content)


@bp.post("/recruits/letters/<key>/<action>")
def recruit_letter_template_change(key: str, action: str) -> ResponseReturnValue:
    back = url_for("admin.recruit_letter_templates")
    if action == "replace":
        filename, content = read_upload()
        return form_change(
            lambda: letters.replace_template(db_session(), g.actor, key, filename, content),
            done="已更换模板，此后出具的文书按新模板生成。",
            back=back,
        )
    if action == "restore":
        return form_change(
            lambda: letters.restore_template(db_session(), g.actor, key), done="已恢复默认模板。", back=back
        )
    abort(404)
