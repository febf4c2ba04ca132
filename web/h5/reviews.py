"""民主评议 on the phone: the member's own part of each year's evaluation — the self-assessment
(until the committee proposes the grades), the way to the secret 互评, and, once the 上级党委 has
confirmed, their own grade and any follow-up. Nobody else's grade is ever on this page."""

from __future__ import annotations

from flask import g, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import ballots, reviews
from web import db_session, parse_uuid
from web.h5.frame import bp, member_pages
from web.outcome import form_change

member_pages("h5.review")


@bp.get("/reviews")
def review_list() -> ResponseReturnValue:
    return render_template("h5/reviews.html", rows=reviews.mine(db_session(), g.person))


@bp.get("/reviews/<review_id>")
def review_page(review_id: str) -> ResponseReturnValue:
    session = db_session()
    mine = reviews.own(session, g.person, parse_uuid(review_id))
    return render_template(
        "h5/review.html",
        row=mine,
        voted=ballots.has_voted(session, mine.ballot.id, g.person),
        is_open=ballots.is_open(mine.ballot),
    )


@bp.post("/reviews/<review_id>")
def review_self_assessment(review_id: str) -> ResponseReturnValue:
    back = url_for("h5.review_page", review_id=review_id)
    return form_change(
        lambda: reviews.write_self_assessment(
            db_session(), g.person, parse_uuid(review_id), request.form.get("self_assessment", "")
        ),
        done="已保存个人自评。",
        back=back,
    )
