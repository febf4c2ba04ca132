"""发展党员 in the console: the pipeline board (counts per stage per branch, and the people the
reader develops with their next step and deadline), one person's way — the 25 steps as a
timeline with the next one to record, the votes, the 公示 and their objections, the 联系人 and
介绍人, the training's notes — and the working-day calendar the 公示 are counted in."""

from __future__ import annotations

from flask import Response, abort, g, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import recruitment, workdays
from handlers.paging import Page, clamp_page
from handlers.policy import can, holds
from handlers.recruitment import (
    board,
    decisions,
    documents,
    exits,
    letters,
    plans,
    publicity,
    training,
    votes,
)
from models.base import local_today
from web import db_session
from web.admin.frame import bp, form_date, parse_uuid, safe_next
from web.admin.meeting_pages import DOCX
from web.outcome import form_change

#: The to-do list under the board, a page at a time (a hospital has over a thousand on the way).
LINES_PER_PAGE = 100


def _int(name: str) -> int | None:
    return request.form.get(name, type=int)


@bp.get("/recruits")
def recruit_board() -> ResponseReturnValue:
    if not holds(g.actor, "recruit.manage"):
        abort(404)
    session = db_session()
    everyone = board.lines(session, g.actor)
    page = clamp_page(request.args.get("page", type=int))
    start = (page - 1) * LINES_PER_PAGE
    return render_template(
        "admin/recruits.html",
        counts=board.counts(session, g.actor),
        plan={line.org.id: line for line in plans.lines(session, g.actor, year=local_today().year)},
        year=local_today().year,
        lines=Page(everyone[start : start + LINES_PER_PAGE], page, LINES_PER_PAGE, len(everyone)),
        stages=recruitment.OPEN,
        labels=recruitment.STAGE_LABELS,
    )


def _plan_year() -> int:
    """The year the plan page opens on: next year from the month plans are proposed, else this."""
    today = local_today()
    propose_month, _issue_month = plans.months(db_session())
    year = request.values.get("year", type=int) or (
        today.year + 1 if today.month >= propose_month else today.year
    )
    if not today.year - 1 <= year <= today.year + 1:
        abort(404)
    return year


@bp.get("/recruits/plan")
def recruit_plan() -> ResponseReturnValue:
    if not holds(g.actor, "recruit.manage"):
        abort(404)
    session, year = db_session(), _plan_year()
    propose_month, issue_month = plans.months(session)
    return render_template(
        "admin/recruit_plan.html",
        year=year,
        lines=plans.lines(session, g.actor, year=year),
        propose_month=propose_month,
        issue_month=issue_month,
        this_year=local_today().year,
    )


@bp.post("/recruits/plan/<org_id>/<action>")
def recruit_plan_change(org_id: str, action: str) -> ResponseReturnValue:
    year, form = _plan_year(), request.form
    if action not in ("propose", "issue"):
        abort(404)

    def change() -> object:
        session, org = db_session(), parse_uuid(org_id)
        if action == "propose":
            count, note = form.get("count"), form.get("note", "")
            return plans.propose(session, g.actor, org_id=org, year=year, count=count, note=note)
        return plans.issue(session, g.actor, org_id=org, year=year, count=form.get("issued"))

    return form_change(
        change, done=f"已保存 {year} 年发展计划。", back=url_for("admin.recruit_plan", year=year)
    )


@bp.get("/recruits/<recruit_id>/record.docx")
def recruit_record(recruit_id: str) -> ResponseReturnValue:
    name, content = documents.record_docx(db_session(), g.actor, parse_uuid(recruit_id))
    return Response(content, mimetype=DOCX, headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.get("/recruits/<recruit_id>")
def recruit_detail(recruit_id: str) -> ResponseReturnValue:
    session = db_session()
    recruit = recruitment.find(session, g.actor, parse_uuid(recruit_id))
    nxt = board.next_step(recruit)
    return render_template(
        "admin/recruit.html",
        recruit=recruit,
        steps=recruitment.STEPS,
        done=recruitment.done(recruit),
        next_step=nxt,
        deadline=board.deadline(session, recruit, nxt),
        votes=votes.of(session, recruit.id),
        explain=votes.explain,
        questions=votes.QUESTIONS,
        publicity=publicity.of(session, recruit.id),
        roles=training.roles_of(session, recruit),
        notes=training.notes_of(session, recruit),
        note_kinds=training.NOTE_KINDS,
        members=training.eligible(session, recruit),
        labels=recruitment.STAGE_LABELS,
        reports=decisions.open_reports(session, recruit),
        letters=letters.LETTERS,
        archive_files=documents.ARCHIVE_FILES,
        decision_steps=decisions.DECISION_STEPS,
        may_decide=can(session, g.actor, "recruit.approve", obj=recruit.org),
    )


def _back(recruit_id: str) -> str:
    return url_for("admin.recruit_detail", recruit_id=recruit_id)


@bp.post("/recruits/<recruit_id>/steps")
def recruit_step(recruit_id: str) -> ResponseReturnValue:
    form = request.form
    return form_change(
        lambda: recruitment.record_step(
            db_session(),
            g.actor,
            recruit_id=parse_uuid(recruit_id),
            number=form.get("step", type=int) or 0,
            done_on=form_date("done_on"),
            evidence=form.get("evidence", ""),
        ),
        done=lambda row: f"已记录第 {row.step} 步。",
        back=_back(recruit_id),
    )


@bp.post("/recruits/<recruit_id>/report")
def recruit_report(recruit_id: str) -> ResponseReturnValue:
    """The branch reports a decision step up: it goes to the office as an approval request."""
    form = request.form
    return form_change(
        lambda: decisions.report(
            db_session(),
            g.actor,
            recruit_id=parse_uuid(recruit_id),
            number=form.get("step", type=int) or 0,
            note=form.get("note", ""),
        ),
        done="已报党委组织部，审批后自动记入纪实。",
        back=_back(recruit_id),
    )


@bp.post("/recruits/<recruit_id>/votes")
def recruit_vote(recruit_id: str) -> ResponseReturnValue:
    form = request.form
    return form_change(
        lambda: votes.record_vote(
            db_session(),
            g.actor,
            recruit_id=parse_uuid(recruit_id),
            question=form.get("question", ""),
            held_on=form_date("held_on"),
            should_attend=_int("should_attend"),
            present=_int("present"),
            yes=_int("yes") or 0,
            no=_int("no") or 0,
            abstain=_int("abstain") or 0,
            written_yes=_int("written_yes") or 0,
            written_no=_int("written_no") or 0,
            meeting_id=parse_uuid(form["meeting_id"]) if form.get("meeting_id") else None,
        ),
        done=lambda vote: votes.explain(vote),
        back=safe_next(form.get("back")) if form.get("back") else _back(recruit_id),
    )


@bp.post("/recruits/<recruit_id>/publicity")
def recruit_publicity(recruit_id: str) -> ResponseReturnValue:
    form = request.form
    return form_change(
        lambda: publicity.start(
            db_session(),
            g.actor,
            recruit_id=parse_uuid(recruit_id),
            working_days=_int("working_days"),
            starts_on=form_date("starts_on"),
            contact=form.get("contact", ""),
        ),
        done=lambda made: f"已公示至 {made[1].ends_on}。{made[1].note}",
        back=_back(recruit_id),
    )


@bp.post("/recruits/publicity/<publicity_id>/<action>")
def recruit_objection(publicity_id: str, action: str) -> ResponseReturnValue:
    session, form = db_session(), request.form
    row = publicity.one(session, g.actor, parse_uuid(publicity_id))
    back = _back(str(row.recruit_id))
    if action == "objection":
        change = lambda: publicity.record_objection(session, g.actor, publicity_id=parse_uuid(publicity_id))  # noqa: E731
    elif action == "handled":
        change = lambda: publicity.handle_objections(  # noqa: E731
            session, g.actor, publicity_id=parse_uuid(publicity_id), note=form.get("note", "")
        )
    else:
        abort(404)
    return form_change(change, done="已记录。", back=back)


@bp.post("/recruits/<recruit_id>/roles")
def recruit_role(recruit_id: str) -> ResponseReturnValue:
    form = request.form
    return form_change(
        lambda: training.assign(
            db_session(),
            g.actor,
            recruit_id=parse_uuid(recruit_id),
            member_id=parse_uuid(form.get("member_id", "")),
            role=form.get("role", ""),
        ),
        done="已指定。",
        back=_back(recruit_id),
    )


@bp.post("/recruits/<recruit_id>/notes")
def recruit_note(recruit_id: str) -> ResponseReturnValue:
    form = request.form
    return form_change(
        lambda: training.add_note(
            db_session(),
            g.actor,
            recruit_id=parse_uuid(recruit_id),
            kind=form.get("kind", ""),
            written_on=form_date("written_on"),
            text=form.get("text", ""),
        ),
        done="已记录。",
        back=_back(recruit_id),
    )


@bp.post("/recruits/<recruit_id>/exit")
def recruit_exit(recruit_id: str) -> ResponseReturnValue:
    form, session, rid = request.form, db_session(), parse_uuid(recruit_id)
    action, reason = form.get("action"), form.get("reason", "")
    changes = {
        "not_admit": lambda: exits.not_admit(session, g.actor, recruit_id=rid, reason=reason),
        "transfer": lambda: exits.transfer_out(session, g.actor, recruit_id=rid, reason=reason),
        "extend": lambda: exits.extend_probation(
            session, g.actor, recruit_id=rid, months=_int("months") or 0, held_on=form_date("held_on")
        ),
        "cancel": lambda: exits.cancel_probation(
            session, g.actor, recruit_id=rid, held_on=form_date("held_on"), reason=reason
        ),
    }
    if action not in changes:
        abort(404)
    return form_change(changes[action], done="已记录。", back=_back(recruit_id))


@bp.route("/calendar", methods=["GET", "POST"])
def work_calendar() -> ResponseReturnValue:
    """节假日安排: the days the office marks beside the bundled schedule, and confirmed years."""
    if not holds(g.actor, "org.manage"):
        abort(404)
    session, form = db_session(), request.form
    if request.method == "POST":
        if form.get("action") == "confirm":
            change = lambda: workdays.confirm_year(session, g.actor, _int("year") or 0)  # noqa: E731
        else:
            change = lambda: workdays.mark_day(  # noqa: E731
                session,
                g.actor,
                day=form_date("day"),
                is_workday=form.get("is_workday") == "1",
                note=form.get("note", ""),
            )
        return form_change(change, done="已保存。", back=url_for("admin.work_calendar"))
    return render_template(
        "admin/calendar.html",
        marks=workdays.marked(session),
        years=workdays.confirmed_years(session),
        bundled=sorted(workdays.bundled_years())[-3:],
    )
