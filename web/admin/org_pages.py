"""The org tree: browse, and create, rename, move, merge and dissolve orgs (rules in handlers.orgs)."""

from __future__ import annotations

from typing import Any

from flask import g, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import members, orgs
from handlers.policy import holds
from web import db_session
from web.admin import apply_change, bp, parse_uuid, scoped


@bp.get("/orgs")
def org_tree() -> ResponseReturnValue:
    tree = scoped(members.visible_orgs(db_session(), g.actor))
    flagged = {org.id: orgs.warnings(db_session(), org) for org in tree}
    return render_template("admin/orgs.html", tree=tree, flagged=flagged, kinds=orgs.KIND_LABELS)


@bp.get("/orgs/<org_id>")
def org_detail(org_id: str) -> ResponseReturnValue:
    org = members.get_org(db_session(), g.actor, parse_uuid(org_id))
    return render_template(
        "admin/org.html",
        org=org,
        notes=orgs.warnings(db_session(), org),
        kinds=orgs.KIND_LABELS,
        child_kinds=orgs.CHILD_KINDS[org.kind],
        others=[o for o in members.visible_orgs(db_session(), g.actor) if o.id != org.id],
        can_manage=holds(g.actor, "org.manage"),
    )


def _org_change(org_id: str, change: Any, done: str) -> ResponseReturnValue:
    """Back to the org's page, or to the tree when the change dissolved it."""
    return apply_change(
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
    return _org_change(org_id, lambda: orgs.create_org(db_session(), g.actor, parent_id=parse_uuid(org_id),
                       kind=form.get("kind", ""), code=form.get("code", ""), name=form.get("name", "")),
                       f"已设立 {form.get('name', '')}。")  # fmt: skip


@bp.post("/orgs/<org_id>/rename")
def org_rename(org_id: str) -> ResponseReturnValue:
    name = request.form.get("name", "")
    return _org_change(
        org_id,
        lambda: orgs.rename_org(db_session(), g.actor, org_id=parse_uuid(org_id), name=name),
        "已更名。",
    )


@bp.post("/orgs/<org_id>/move")
def org_move(org_id: str) -> ResponseReturnValue:
    parent = parse_uuid(request.form.get("parent_id", ""))
    return _org_change(
        org_id,
        lambda: orgs.move_org(db_session(), g.actor, org_id=parse_uuid(org_id), parent_id=parent),
        "已调整隶属关系。",
    )


@bp.post("/orgs/<org_id>/merge")
def org_merge(org_id: str) -> ResponseReturnValue:
    target = parse_uuid(request.form.get("target_id", ""))
    return _org_change(
        org_id,
        lambda: orgs.merge_branches(db_session(), g.actor, source_id=parse_uuid(org_id), target_id=target),
        "已合并。",
    )


@bp.post("/orgs/<org_id>/dissolve")
def org_dissolve(org_id: str) -> ResponseReturnValue:
    reason = request.form.get("reason", "")
    return _org_change(
        org_id,
        lambda: orgs.dissolve_org(db_session(), g.actor, org_id=parse_uuid(org_id), reason=reason),
        "已撤销该组织（记录保留）。",
    )
