"""党费 for branches and the office in the console: the collection table per branch per month, a
branch's year (its own secretary and 组织委员), the annual 公示, voluntary payments, and the
remittance ledger with its reconciliation (handlers/dues/collection.py, ledger.py)."""

from __future__ import annotations

from flask import abort, g, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import dues, members, people
from handlers.errors import NotFound
from handlers.policy import can, holds
from models import OrgKind
from models.base import local_today
from web import db_session
from web.admin.frame import bp, form_date, parse_uuid
from web.outcome import form_change


def _require() -> None:
    if "dues" not in g.nav:
        abort(403)


@bp.get("/dues/collection")
def dues_collection() -> ResponseReturnValue:
    _require()
    month = dues.parse_month(request.args.get("month", "")) or local_today().replace(day=1)
    session = db_session()
    lines = dues.collection(session, g.actor, month)
    return render_template(
        "admin/dues_collection.html",
        lines=lines,
        month=month,
        year=month.year,
        names={line.branch.id for line in lines if can(session, g.actor, "dues.names", obj=line.branch)},
        totals={
            "owed": sum(line.owed for line in lines),
            "paid": sum(line.paid for line in lines),
            "behind": sum(line.behind for line in lines),
        },
    )


@bp.get("/dues/year")
def dues_branch_year() -> ResponseReturnValue:
    _require()
    year = request.args.get("year", type=int) or local_today().year
    org_id = parse_uuid(request.args.get("org_id", ""))
    rows = dues.branch_year(db_session(), g.actor, org_id, year)
    return render_template(
        "admin/dues_year.html",
        rows=rows,
        year=year,
        branch=dues.branch_of_year(db_session(), g.actor, org_id),
    )


@bp.post("/dues/notice")
def dues_notice() -> ResponseReturnValue:
    _require()
    year = request.form.get("year", type=int) or local_today().year - 1
    return form_change(
        lambda: dues.publish_notice(
            db_session(), g.actor, branch_id=parse_uuid(request.form.get("org_id", "")), year=year
        ),
        done=lambda n: f"已向本支部 {n} 名党员发布 {year} 年党费收缴公示（只有合计，没有个人金额）。",
        back=url_for("admin.dues_collection"),
    )


@bp.post("/dues/voluntary")
def dues_voluntary() -> ResponseReturnValue:
    _require()
    form = request.form

    def change():
        person = people.find_by_wecom_userid(db_session(), form.get("wecom_userid", "").strip())
        if person is None or person.membership is None:
            raise NotFound("找不到该党员。")
        return dues.record_voluntary(
            db_session(),
            g.actor,
            member_id=person.membership.id,
            amount=form.get("amount"),
            paid_on=form_date("paid_on"),
            way=form.get("way", ""),
            note=form.get("note"),
        )

    return form_change(
        change,
        done=lambda row: (
            "已登记自愿多交党费。"
            + ("一次 1000 元以上，全部上缴中央，请党委组织部办理。" if row.to_centre else "")
        ),
        back=url_for("admin.dues_index"),
    )


@bp.get("/dues/ledger")
def dues_ledger() -> ResponseReturnValue:
    _require()
    session = db_session()
    year = request.args.get("year", type=int) or local_today().year
    orgs = [
        o
        for o in members.visible_orgs(session, g.actor)
        if o.kind in (OrgKind.branch, OrgKind.committee) and can(session, g.actor, "dues.record", obj=o)
    ]
    return render_template(
        "admin/dues_ledger.html",
        year=year,
        orgs=orgs,
        periods=dues.periods(session, year),
        lines=dues.reconcile(session, g.actor, year) if holds(g.actor, "dues.assess") else None,
        to_centre=dues.voluntary_for_centre(session, g.actor, year)
        if holds(g.actor, "dues.assess")
        else None,
        today=local_today(),
    )


@bp.post("/dues/remittances")
def dues_remittance() -> ResponseReturnValue:
    _require()
    form = request.form
    start = dues.parse_month(form.get("period_start", ""))
    return form_change(
        lambda: dues.record_remittance(
            db_session(),
            g.actor,
            org_id=parse_uuid(form.get("org_id", "")),
            period_start=start or local_today(),
            amount=form.get("amount"),
            remitted_on=form_date("remitted_on"),
            note=form.get("note"),
        ),
        done="已登记上缴。",
        back=url_for("admin.dues_ledger", year=(start or local_today()).year),
    )
