"""入党申请 on the phone: a staff member applies to their branch (18 or over, checked); once on the
way they see where they are — the steps done with their dates and the next — and hand in their
quarterly 思想汇报. The branch's assessments of them are not shown here."""

from __future__ import annotations

from flask import g, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import recruitment
from handlers.recruitment import board, training
from web import db_session, parse_uuid
from web.h5.frame import bp, member_pages
from web.outcome import form_change

member_pages("h5.recruit")


@bp.get("/recruit")
def recruit_page() -> ResponseReturnValue:
    session = db_session()
    recruit = recruitment.own(session, g.person)
    membership = g.person.membership
    may_apply = recruit is None and (membership is None or membership.left_at is not None)
    return render_template(
        "h5/recruit.html",
        recruit=recruit,
        steps=recruitment.STEPS,
        done=recruitment.done(recruit) if recruit else {},
        next_step=board.next_step(recruit) if recruit else None,
        labels=recruitment.STAGE_LABELS,
        branches=[(b.id, b.name) for b in recruitment.branches_to_apply(session, g.person)]
        if may_apply
        else [],
        reports=[n for n in training.notes_of(session, recruit) if n.kind == "thought_report"]
        if recruit
        else [],
        mentored=training.mentored_by(session, g.person),
    )


@bp.post("/recruit/apply")
def recruit_apply() -> ResponseReturnValue:
    return form_change(
        lambda: recruitment.apply(db_session(), g.person, org_id=parse_uuid(request.form.get("org_id", ""))),
        done="入党申请书已递交，支部将在一个月内安排谈话。",
        back=url_for("h5.recruit_page"),
    )


@bp.post("/recruit/report")
def recruit_report() -> ResponseReturnValue:
    return form_change(
        lambda: training.add_own_report(db_session(), g.person, text=request.form.get("text", "")),
        done="思想汇报已递交。",
        back=url_for("h5.recruit_page"),
    )


@bp.post("/recruit/review/<recruit_id>")
def recruit_review(recruit_id: str) -> ResponseReturnValue:
    return form_change(
        lambda: training.add_mentor_review(
            db_session(), g.person, recruit_id=parse_uuid(recruit_id), text=request.form.get("text", "")
        ),
        done="考察情况已记录，支部可以看到。",
        back=url_for("h5.recruit_page"),
    )
