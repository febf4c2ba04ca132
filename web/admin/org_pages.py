"""The org tree: browse, and create, rename, move, merge and dissolve orgs (rules in handlers.orgs)."""

from __future__ import annotations

from typing import Any

from flask import g, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import members, orgs, people
from handlers.errors import ValidationFailed
from handlers.policy import can, holds
from models import OrgKind
from models.base import local_today
from web import db_session
from web.admin.frame import bp, form_date, parse_uuid, scoped
from web.outcome import form_change


@bp.get("/orgs")
def org_tree() -> ResponseReturnValue:
    tree = scoped(members.visible_orgs(db_session(), g.actor))
    flagged = {org.id: orgs.warnings(db_session(), org) for org in tree}
    return render_template("admin/orgs.html", tree=tree, flagged=flagged, kinds=orgs.KIND_LABELS)


@bp.get("/orgs/<org_id>")
def org_detail(org_id: str) -> ResponseReturnValue:
    org = members.get_org(db_session(), g.actor, parse_uuid(org_id))
    can_manage = holds(g.actor, "org.manage")
    # A branch's form offers its own full members; larger orgs take a WeCom account.
    candidates = (
        orgs.seat_candidates(db_session(), org) if can_manage and org.kind == OrgKind.branch else None
    )
    return render_template(
        "admin/org.html",
        org=org,
        notes=orgs.warnings(db_session(), org),
        kinds=orgs.KIND_LABELS,
        child_kinds=orgs.CHILD_KINDS[org.kind],
        others=[o for o in members.visible_orgs(db_session(), g.actor) if o.id != org.id],
        can_manage=can_manage,
        seats=orgs.live_seats(db_session(), org),
        past_seats=orgs.seat_history(db_session(), org),
        posts=orgs.POST_LABELS,
        candidates=candidates,
        departments=orgs.department_choices(db_session()) if can_manage else [],
        today=local_today(),
        keeps_members=org.kind == OrgKind.branch and can(db_session(), g.actor, "member.edit", obj=org),
    )


def _from_org_page(org_id: str, change: Any, done: str) -> ResponseReturnValue:
    """Back to the org's page, or to the tree when the change dissolved it."""
    return form_change(
        change,
        done=done,
        back=url_for("admin.org_detail", org_id=org_id),
        then=lambda org: (
            url_for("admin.org_detail", org_id=org.id)
            if org.dissolved_at is None
            else url_for("admin.org_tree")
        ),
    )


@bp.post("/orgs/<org_id>/children")
def org_create(org_id: str) -> ResponseReturnValue:
    form = request.form
    return _from_org_page(org_id, lambda: orgs.create_org(db_session(), g.actor, parent_id=parse_uuid(org_id),
                       kind=form.get("kind", ""), code=form.get("code", ""), name=form.get("name", "")),
                       f"已设立 {form.get('name', '')}。")  # fmt: skip


@bp.post("/orgs/<org_id>/rename")
def org_rename(org_id: str) -> ResponseReturnValue:
    name = request.form.get("name", "")
    return _from_org_page(
        org_id,
        lambda: orgs.rename_org(db_session(), g.actor, org_id=parse_uuid(org_id), name=name),
        "已更名。",
    )


@bp.post("/orgs/<org_id>/move")
def org_move(org_id: str) -> ResponseReturnValue:
    parent = parse_uuid(request.form.get("parent_id", ""))
    return _from_org_page(
        org_id,
        lambda: orgs.move_org(db_session(), g.actor, org_id=parse_uuid(org_id), parent_id=parent),
        "已调整隶属关系。",
    )


@bp.post("/orgs/<org_id>/merge")
def org_merge(org_id: str) -> ResponseReturnValue:
    target = parse_uuid(request.form.get("target_id", ""))
    return _from_org_page(
        org_id,
        lambda: orgs.merge_branches(db_session(), g.actor, source_id=parse_uuid(org_id), target_id=target),
        "已合并。",
    )


@bp.post("/orgs/<org_id>/dissolve")
def org_dissolve(org_id: str) -> ResponseReturnValue:
    reason = request.form.get("reason", "")
    return _from_org_page(
        org_id,
        lambda: orgs.dissolve_org(db_session(), g.actor, org_id=parse_uuid(org_id), reason=reason),
        "已撤销该组织（记录保留）。",
    )


@bp.post("/orgs/<org_id>/departments")
def org_departments(org_id: str) -> ResponseReturnValue:
    chosen = [parse_uuid(value) for value in request.form.getlist("department_id")]
    return _from_org_page(
        org_id,
        lambda: orgs.set_departments(db_session(), g.actor, org_id=parse_uuid(org_id), department_ids=chosen),
        "已更新对应科室。",
    )


@bp.post("/orgs/<org_id>/term")
def org_term(org_id: str) -> ResponseReturnValue:
    def change() -> Any:
        started = form_date("started_on")
        if started is None:
            raise ValidationFailed("请填写换届日期。", field="started_on")
        return orgs.start_term(db_session(), g.actor, org_id=parse_uuid(org_id), started_on=started)

    return _from_org_page(org_id, change, "已登记换届，任期届满日期已更新。")


@bp.post("/orgs/<org_id>/seats")
def org_appoint(org_id: str) -> ResponseReturnValue:
    form = request.form

    def change() -> Any:
        member_id = form.get("member_id", "")
        if not member_id:  # orgs above a branch name the member by WeCom account
            person = people.find_by_wecom_userid(db_session(), form.get("wecom_userid", "").strip())
            if person is None or person.membership is None:
                raise ValidationFailed("没有找到该企业微信账号对应的党员。", field="wecom_userid")
            member_id = str(person.membership.id)
        orgs.appoint(
            db_session(),
            g.actor,
            org_id=parse_uuid(org_id),
            member_id=parse_uuid(member_id),
            post=form.get("post", ""),
            elected_on=form_date("elected_on") or local_today(),
        )
        return members.get_org(db_session(), g.actor, parse_uuid(org_id))

    return _from_org_page(org_id, change, "已登记委员。")


@bp.post("/orgs/<org_id>/seats/<seat_id>/end")
def org_end_seat(org_id: str, seat_id: str) -> ResponseReturnValue:
    reason = request.form.get("reason", "")

    def change() -> Any:
        orgs.end_seat(db_session(), g.actor, seat_id=parse_uuid(seat_id), reason=reason)
        return members.get_org(db_session(), g.actor, parse_uuid(org_id))

    return _from_org_page(org_id, change, "已免去该职务（记录保留）。")
