"""数据中心 in the console: one figure family at a time over a scope the actor covers (the
hospital, a 党委, 总支 or 支部), with its definition, charts drawn from the locally served ECharts
over tables that carry the same figures, the orgs one level down to drill into and the way back
up; and, for the office, the 大屏's display tokens."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import display_tokens, stats
from handlers.policy import holds
from models import PartyOrg
from models.base import local_today
from web import db_session
from web.admin.frame import bp, parse_uuid
from web.charts import series_chart
from web.outcome import attempt, form_change


def _scope_args() -> dict:
    args = request.args
    return {
        "org_id": parse_uuid(args["org_id"]) if args.get("org_id") else None,
        "campus_id": parse_uuid(args["campus_id"])
        if args.get("campus_id") and not args.get("org_id")
        else None,
        "year": args.get("year", type=int) or local_today().year,
    }


@bp.get("/stats")
def stats_page() -> ResponseReturnValue:
    return _page()


def _page(new_screen: str | None = None) -> ResponseReturnValue:
    if not holds(g.actor, "stats.view"):
        abort(404)
    session = db_session()
    name = request.args.get("name", "members")
    chosen = _scope_args()
    figure = stats.figure(session, g.actor, name, **chosen)
    org = session.get(PartyOrg, chosen["org_id"]) if chosen["org_id"] else None
    up = None
    if org is not None and org.parent_id is not None:
        parent = session.get(PartyOrg, org.parent_id)
        _, refused = attempt(lambda: stats.resolve(session, g.actor, org_id=parent.id))
        up = parent if refused is None else None
    return render_template(
        "admin/stats.html",
        figure=figure,
        families=[(key, title) for key, (title, _) in stats.FAMILIES.items()],
        chart_options=[series_chart(s) for s in figure.series],
        org=org,
        up=up,
        year=chosen["year"],
        years=list(range(local_today().year, local_today().year - 5, -1)),
        campuses=stats.campuses_to_choose(session, g.actor),
        campus_id=chosen["campus_id"],
        screens=display_tokens.listed(session, g.actor) if holds(g.actor, "stats.screen") else None,
        orgs=stats.orgs_to_choose(session, g.actor, "stats.screen") if holds(g.actor, "stats.screen") else [],
        new_screen=new_screen,
    )


@bp.post("/stats/screens")
def stats_screen_create() -> ResponseReturnValue:
    """The screen's address is shown on this response only (never in a redirect's URL or a log)."""
    form = request.form
    made, refusal = attempt(
        lambda: display_tokens.create(
            db_session(),
            g.actor,
            name=form.get("screen_name", ""),
            org_id=parse_uuid(form["org_id"]) if form.get("org_id") else None,
        )
    )
    if refusal is not None:
        flash(refusal.message, "error")
        return redirect(url_for("admin.stats_page"))
    _token, secret = made
    return _page(new_screen=url_for("screen.show", token=secret, _external=True))


@bp.post("/stats/screens/<token_id>/revoke")
def stats_screen_revoke(token_id: str) -> ResponseReturnValue:
    return form_change(
        lambda: display_tokens.revoke(db_session(), g.actor, parse_uuid(token_id)),
        done="已吊销，使用该令牌的大屏将无法再显示。",
        back=url_for("admin.stats_page"),
    )
