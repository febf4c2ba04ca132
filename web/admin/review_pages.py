"""民主评议 in the console: the branches' evaluations this year (their stage and, when large
enough, their distribution — never a list of people by grade), opening one, and one branch's
evaluation step by step: self-assessments and 互评 counts for the committee, the proposal held to
the 优秀 cap, the 支部党员大会's vote, the 上级党委's confirmation and a 不合格's follow-up."""

from __future__ import annotations

from datetime import datetime

from flask import abort, g, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import meetings, reviews
from handlers.policy import can, holds
from models import FOLLOW_UPS, GRADES, PartyOrg
from models.base import CHINA, local_today
from web import db_session
from web.admin.frame import bp, form_date, local_time, parse_uuid
from web.outcome import form_change


@bp.get("/reviews")
def review_list() -> ResponseReturnValue:
    if not holds(g.actor, "review.manage"):
        abort(404)
    session, year = db_session(), request.args.get("year", type=int) or local_today().year
    rows = []
    for org in reviews.branches(session, g.actor):
        review = reviews.of_branch(session, org.id, year)
        rows.append((org, review, reviews.distribution(session, review) if review else None))
    return render_template(
        "admin/reviews.html", rows=rows, year=year, grades=GRADES, current=year == local_today().year
    )


@bp.post("/reviews")
def review_open() -> ResponseReturnValue:
    form = request.form
    return form_change(
        lambda: reviews.open_review(
            db_session(),
            g.actor,
            org_id=parse_uuid(form.get("org_id", "")),
            closes_at=local_time(form.get("closes_at", ""), "closes_at"),
        ),
        done=lambda r: f"已开启 {r.year} 年度民主评议，互评通知已发给 {len(r.entries)} 名党员。",
        back=url_for("admin.review_list"),
        then=lambda r: url_for("admin.review_detail", review_id=r.id),
    )


@bp.get("/reviews/<review_id>")
def review_detail(review_id: str) -> ResponseReturnValue:
    session = db_session()
    review = reviews.get_review(session, g.actor, parse_uuid(review_id))
    org = session.get(PartyOrg, review.org_id)
    entries, people = reviews.roster(session, review)
    since = datetime(review.year, 1, 1, tzinfo=CHINA)  # the year's assemblies may decide its grades
    return render_template(
        "admin/review.html",
        review=review,
        org=org,
        ballot=reviews.ballot_of(session, review),
        entries=entries,
        people=people,
        counts=reviews.mutual_counts(session, review),
        distribution=reviews.distribution(session, review),
        cap=reviews.cap_for(session, sum(1 for e in entries if e.graded)),
        assemblies=meetings.assemblies(session, review.org_id, since),
        may_confirm=can(session, g.actor, "review.confirm", obj=org),
        grades=GRADES,
        follow_ups=FOLLOW_UPS,
    )


def _back(review_id: str) -> str:
    return url_for("admin.review_detail", review_id=review_id)


@bp.post("/reviews/<review_id>/propose")
def review_propose(review_id: str) -> ResponseReturnValue:
    grades = {
        parse_uuid(key.removeprefix("grade_")): value
        for key, value in request.form.items()
        if key.startswith("grade_") and value
    }
    return form_change(
        lambda: reviews.propose(db_session(), g.actor, parse_uuid(review_id), grades),
        done="已提出评定意见，请提交支部党员大会评定。",
        back=_back(review_id),
    )


@bp.post("/reviews/<review_id>/decide")
def review_decide(review_id: str) -> ResponseReturnValue:
    form = request.form
    return form_change(
        lambda: reviews.decide(
            db_session(),
            g.actor,
            parse_uuid(review_id),
            meeting_id=parse_uuid(form.get("meeting_id", "")),
            yes=form.get("yes", type=int, default=-1),
            no=form.get("no", type=int, default=0),
            abstain=form.get("abstain", type=int, default=0),
        ),
        done="已记录支部党员大会的评定结果，请报上级党委确认。",
        back=_back(review_id),
    )


@bp.post("/reviews/<review_id>/confirm")
def review_confirm(review_id: str) -> ResponseReturnValue:
    return form_change(
        lambda: reviews.confirm(db_session(), g.actor, parse_uuid(review_id)),
        done="已确认评议结果，已通知每名党员查看本人结果。",
        back=_back(review_id),
    )


@bp.post("/reviews/<review_id>/follow-up/<entry_id>")
def review_follow_up(review_id: str, entry_id: str) -> ResponseReturnValue:
    form = request.form
    return form_change(
        lambda: reviews.record_follow_up(
            db_session(),
            g.actor,
            parse_uuid(entry_id),
            action=form.get("action", ""),
            note=form.get("note", ""),
            due=form_date("due") if form.get("due") else None,
        ),
        done="已记录处置。",
        back=_back(review_id),
    )
