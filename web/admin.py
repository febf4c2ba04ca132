"""The console (/admin/): login, the frame, and member pages. Views parse, call one handler,
commit once and render; permissions come from handlers/policy through the handlers."""

from __future__ import annotations

import csv
import io
import logging
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue

from handlers import accounts, audit, member_import, members, orgs, people, roles, rules, transfers
from handlers.errors import DomainError, ValidationFailed
from handlers.policy import can, holds, load_actor
from web import db_session
from web.csrf import protect
from wecom.oauth import CodeRejected, LoginStates, exchange_code, web_login_url

logger = logging.getLogger(__name__)
bp = Blueprint("admin", __name__, url_prefix="/admin")
protect(bp)


@bp.app_context_processor
def _console_globals() -> dict[str, Any]:
    # Only console pages call it (base.html), after before_request loaded the actor.
    return {"scope_choices": lambda: _scope_choices() if g.get("actor") else []}


#: Revealing sensitive fields is for a case at hand, not for browsing: at most this many an hour.
REVEALS_PER_HOUR = 30
#: Menu entries and the action that shows them (each page still checks its objects itself).
NAVIGATION = {
    "orgs": "org.view",
    "members": "member.view",
    "rules": "org.manage",
    "roles": "role.grant",
    "directory": "directory.sync",
    "audit": "audit.read",
}
PUBLIC_ENDPOINTS = {"admin.login", "admin.login_wecom", "admin.login_wecom_return", "admin.login_local"}


@bp.before_request
def _load_console_actor() -> ResponseReturnValue | None:
    g.actor, g.nav, g.scope = None, set(), None
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    person = people.find_active(db_session(), session.person_id) if session.person_id else None
    if person is None:
        return redirect(url_for("admin.login", next=request.full_path if request.method == "GET" else None))
    actor = load_actor(db_session(), person, source_ip=request.remote_addr)
    if not accounts.has_console_role(actor):
        abort(403)
    g.actor, g.person = actor, person
    g.nav = {page for page, action in NAVIGATION.items() if holds(actor, action)}
    g.scope = _current_scope()
    return None


def _current_scope() -> Any:
    """The org the user narrowed the console to (the scope switcher), if it is still visible."""
    org_id = session.get("scope_org")
    if not org_id:
        return None
    try:
        return members.get_org(db_session(), g.actor, uuid.UUID(org_id))
    except (DomainError, ValueError):
        session.pop("scope_org", None)
        return None


def _scoped(tree: list[Any]) -> list[Any]:
    return [o for o in tree if g.scope is None or o.path.startswith(g.scope.path)]


def _scope_choices() -> list[Any]:
    return [o for o in members.visible_orgs(db_session(), g.actor) if o.kind != "group"]


@bp.post("/scope")
def choose_scope() -> ResponseReturnValue:
    org_id = request.form.get("org_id", "")
    if org_id:
        members.get_org(db_session(), g.actor, _uuid(org_id))  # 403 unless visible
        session["scope_org"] = org_id
    else:
        session.pop("scope_org", None)
    back = request.form.get("back", "")
    return redirect(_safe_next(back.split("?")[0]))


def _states() -> LoginStates:
    return LoginStates(current_app.extensions["dangjian.jobs"].redis, current_app.config["SECRET_KEY"])


def _safe_next(target: str | None) -> str:
    return target if target and target.startswith("/admin/") and not target.startswith("//") else "/admin/"


def _enter(person_id: uuid.UUID, next_path: str) -> ResponseReturnValue:
    session.login(person_id)
    return redirect(_safe_next(next_path))


# -- login -------------------------------------------------------------------------------------


@bp.get("/login")
def login() -> ResponseReturnValue:
    return render_template("admin/login.html", next=request.args.get("next", ""))


@bp.get("/login/wecom")
def login_wecom() -> ResponseReturnValue:
    state = _states().issue(attempt=0, next_path=_safe_next(request.args.get("next")))
    session["console_state"] = state
    config = current_app.config
    return redirect(
        web_login_url(
            login_base=config["WECOM_LOGIN_BASE"],
            corp_id=config["WECOM_CORP_ID"],
            agent_id=config["WECOM_AGENT_ID"],
            redirect_uri=f"{config['PUBLIC_BASE_URL']}/admin/login/wecom/return",
            state=state,
        )
    )


@bp.get("/login/wecom/return")
def login_wecom_return() -> ResponseReturnValue:
    state = request.args.get("state", "")
    data = _states().spend(state) if state and state == session.get("console_state") else None
    if data is None:
        flash("登录已过期，请重新扫码。", "error")
        return redirect(url_for("admin.login"))
    try:
        identity = exchange_code(
            current_app.extensions["dangjian.wecom_client"], request.args.get("code", "")
        )
    except CodeRejected:
        flash("企业微信未能确认您的身份，请重新扫码。", "error")
        return redirect(url_for("admin.login"))
    person = people.find_by_wecom_userid(db_session(), identity.userid) if identity.userid else None
    if person is None:
        abort(403)
    try:
        accounts.console_actor(db_session(), person, request.remote_addr)
    finally:
        db_session().commit()  # a refusal (no console role) is audited too
    return _enter(person.id, data["next"])


@bp.post("/login/local")
def login_local() -> ResponseReturnValue:
    try:
        person = accounts.authenticate_local(
            db_session(),
            username=request.form.get("username", "").strip(),
            password=request.form.get("password", ""),
            source_ip=request.remote_addr,
        )
        accounts.console_actor(db_session(), person, request.remote_addr)
    except DomainError as refused:
        db_session().commit()  # keep the failure count and the audit record
        return render_template(
            "admin/login.html", error=refused.message, next=request.form.get("next")
        ), refused.status
    db_session().commit()
    return _enter(person.id, request.form.get("next", ""))


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    session.logout()
    return redirect(url_for("admin.login"))


# -- pages -------------------------------------------------------------------------------------


@bp.get("/")
def index() -> ResponseReturnValue:
    visible = _scoped(members.visible_orgs(db_session(), g.actor))
    scope_id = g.scope.id if g.scope else None
    total = (
        members.list_members(db_session(), g.actor, org_id=scope_id, per_page=1).total
        if "members" in g.nav
        else None
    )
    return render_template("admin/index.html", orgs=visible, member_total=total)


@bp.get("/members")
def member_list() -> ResponseReturnValue:
    org = request.args.get("org")
    listing = members.list_members(
        db_session(),
        g.actor,
        query=request.args.get("q", ""),
        org_id=_uuid(org) if org else (g.scope.id if g.scope else None),
        status=request.args.get("status") or None,
        page=request.args.get("page", 1, type=int),
    )
    return render_template(
        "admin/members.html",
        listing=listing,
        orgs=_scoped(members.visible_orgs(db_session(), g.actor)),
        masked={m.id: members.masked_identity(m.person) for m in listing.items},
        args=request.args,
    )


@bp.get("/members/<member_id>")
def member_detail(member_id: str) -> ResponseReturnValue:
    return _member_page(members.get_member(db_session(), g.actor, _uuid(member_id)))


@bp.post("/members/<member_id>/reveal")
def member_reveal(member_id: str) -> ResponseReturnValue:
    member = members.get_member(db_session(), g.actor, _uuid(member_id))
    if not _within_reveal_budget():
        abort(429)
    field = request.form.get("field", "")
    try:
        value = people.reveal_sensitive(
            db_session(),
            g.actor,
            person_id=member.person_id,
            field=field,
            reason=request.form.get("reason", ""),
        )
    except DomainError as refused:
        db_session().commit()  # a denied reveal is audited too
        flash(refused.message, "error")
        return redirect(url_for("admin.member_detail", member_id=member.id))
    db_session().commit()
    return _member_page(member, revealed={field: value or "（未填写）"})


def _member_page(member: Any, revealed: dict[str, str] | None = None) -> ResponseReturnValue:
    return render_template(
        "admin/member.html",
        member=member,
        masked=members.masked_identity(member.person),
        revealed=revealed or {},
        fields=people.REVEALABLE,
        transfers=transfers.history(db_session(), member),
        branches=[o for o in members.visible_orgs(db_session(), g.actor) if o.kind == "branch"],
        can_edit=can(db_session(), g.actor, "member.edit", member) and member.left_at is None,
        today=datetime.now(CHINA).date(),
    )


def _form_date(name: str) -> Any:
    value = request.form.get(name, "").strip()
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise ValidationFailed("日期格式应为 2026-01-31。", field=name) from None


def _member_change(member_id: str, change: Any, done: str) -> ResponseReturnValue:
    try:
        change()
    except DomainError as refused:
        flash(refused.message, "error")
        return redirect(url_for("admin.member_detail", member_id=member_id))
    db_session().commit()
    flash(done, "info")
    return redirect(url_for("admin.member_detail", member_id=member_id))


@bp.post("/members/<member_id>/edit")
def member_edit(member_id: str) -> ResponseReturnValue:
    return _member_change(member_id, lambda: transfers.update_record(
        db_session(), g.actor, member_id=_uuid(member_id), shift_group=request.form.get("shift_group"),
        joined_on=_form_date("joined_on")), "已保存。")  # fmt: skip


@bp.post("/members/<member_id>/transfer")
def member_transfer(member_id: str) -> ResponseReturnValue:
    form = request.form
    outbound = form.get("kind") == "outbound"

    def change() -> Any:
        effective = _form_date("effective_on") or datetime.now(CHINA).date()
        common = {"member_id": _uuid(member_id), "reason": form.get("reason", ""), "effective_on": effective}
        if outbound:
            return transfers.transfer_out(
                db_session(), g.actor, destination=form.get("destination", ""), **common
            )
        target = _uuid(form.get("to_branch_id", ""))
        return transfers.transfer_within(db_session(), g.actor, to_branch_id=target, **common)

    return _member_change(
        member_id, change, "已办理组织关系转出，记录保留。" if outbound else "已转入新支部。"
    )


def _within_reveal_budget() -> bool:
    redis = current_app.extensions["dangjian.jobs"].redis
    key = f"dj:console:reveals:{g.actor.id}"
    count = redis.incr(key)
    if count == 1:
        redis.expire(key, 3600)
    return count <= REVEALS_PER_HOUR


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        abort(404)


# -- audit trail (the auditor) -------------------------------------------------------------------

#: Dates typed in the console are Beijing dates.
CHINA = timezone(timedelta(hours=8))
EXPORT_LIMIT = 10_000


def _audit_filters() -> dict[str, Any]:
    def day(name: str, plus: int = 0) -> datetime | None:
        value = request.args.get(name, "")
        try:
            return (
                datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=CHINA) + timedelta(days=plus)
                if value
                else None
            )
        except ValueError:
            raise ValidationFailed("日期格式应为 2026-01-31。", field=name) from None

    return {
        "actor_label": request.args.get("actor", ""),
        "action": request.args.get("action", ""),
        "object_id": request.args.get("object", ""),
        "since": day("since"),
        "until": day("until", plus=1),
    }


@bp.get("/audit")
def audit_list() -> ResponseReturnValue:
    listing = audit.search(
        db_session(), g.actor, **_audit_filters(), page=request.args.get("page", 1, type=int)
    )
    return render_template("admin/audit.html", listing=listing, args=request.args, china=CHINA)


@bp.post("/audit/verify")
def audit_verify() -> ResponseReturnValue:
    audit.search(db_session(), g.actor, per_page=1)  # the same permission as reading
    report = audit.verify_chain(db_session())
    audit.record(db_session(), g.actor, "audit.verify", result="ok" if report.ok else "broken",
                 detail={"checked": report.checked, "broken_at": report.broken_at})  # fmt: skip
    db_session().commit()
    if report.ok:
        flash(f"审计链校验通过：共 {report.checked} 条记录，未发现篡改。", "info")
    else:
        flash(
            f"审计链在第 {report.broken_at} 条记录处断裂（{report.reason}），请立即报告安全管理员。", "error"
        )
    return redirect(url_for("admin.audit_list"))


@bp.get("/audit/export")
def audit_export() -> ResponseReturnValue:
    filters = _audit_filters()
    listing = audit.search(db_session(), g.actor, **filters, per_page=EXPORT_LIMIT)
    audit.record(db_session(), g.actor, "audit.export", detail={"rows": len(listing.items)})
    db_session().commit()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["序号", "时间", "操作人", "来源IP", "操作", "对象类型", "对象", "结果", "详情"])
    for e in listing.items:
        when = e.occurred_at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S")
        writer.writerow(
            [e.id, when, e.actor_label, e.source_ip or "", e.action, e.object_type or "", e.object_id or "",
             e.result, e.detail or ""]
        )  # fmt: skip
    # A BOM so that Excel opens the Chinese text as UTF-8.
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=audit.csv"},
    )


# -- directory sync ---------------------------------------------------------------------------


@bp.get("/directory")
def directory_status() -> ResponseReturnValue:
    from handlers import directory

    last = directory.last_sync(db_session(), g.actor)
    departed = directory.departed_members(db_session(), g.actor)
    return render_template("admin/directory.html", last=last, departed=departed, china=CHINA)


@bp.post("/directory/sync")
def directory_sync_now() -> ResponseReturnValue:
    from handlers import directory
    from jobs.directory import sync_directory

    directory.require_console_sync(g.actor)
    audit.record(db_session(), g.actor, "directory.sync_requested")
    db_session().commit()
    queues = current_app.extensions["dangjian.jobs"]
    # One id: pressing the button twice while a sync runs queues it once.
    queues.enqueue(sync_directory, job_id=f"directory-sync-manual-{datetime.now(CHINA):%Y%m%d%H%M}")
    flash("已开始同步通讯录，完成后刷新本页查看结果。", "info")
    return redirect(url_for("admin.directory_status"))


# -- roles (the security officer) ----------------------------------------------------------------


@bp.get("/roles")
def role_list() -> ResponseReturnValue:
    grants = roles.live_grants(db_session(), g.actor)
    orgs = members.visible_orgs(db_session(), g.actor)
    return render_template("admin/roles.html", grants=grants, orgs=orgs, labels=roles.ROLE_LABELS)


@bp.post("/roles")
def role_grant() -> ResponseReturnValue:
    org = request.form.get("org_id") or None
    try:
        grant = roles.grant_role(
            db_session(),
            g.actor,
            wecom_userid=request.form.get("wecom_userid", ""),
            role=request.form.get("role", ""),
            org_id=_uuid(org) if org else None,
        )
    except DomainError as refused:
        flash(refused.message, "error")
        return redirect(url_for("admin.role_list"))
    db_session().commit()
    flash(f"已授予 {grant.person.name} {roles.ROLE_LABELS[grant.role]}。", "info")
    return redirect(url_for("admin.role_list"))


@bp.post("/roles/<grant_id>/revoke")
def role_revoke(grant_id: str) -> ResponseReturnValue:
    try:
        grant = roles.revoke_role(db_session(), g.actor, grant_id=_uuid(grant_id))
    except DomainError as refused:
        flash(refused.message, "error")
        return redirect(url_for("admin.role_list"))
    db_session().commit()
    flash(f"已撤销 {grant.person.name} 的{roles.ROLE_LABELS[grant.role]}角色。", "info")
    return redirect(url_for("admin.role_list"))


# -- the org tree ---------------------------------------------------------------------------------


@bp.get("/orgs")
def org_tree() -> ResponseReturnValue:
    tree = _scoped(members.visible_orgs(db_session(), g.actor))
    flagged = {org.id: orgs.warnings(db_session(), org) for org in tree}
    return render_template("admin/orgs.html", tree=tree, flagged=flagged, kinds=orgs.KIND_LABELS)


@bp.get("/orgs/<org_id>")
def org_detail(org_id: str) -> ResponseReturnValue:
    org = members.get_org(db_session(), g.actor, _uuid(org_id))
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
    """Run one org change from a form: commit and say so, or explain the refusal."""
    try:
        result = change()
    except DomainError as refused:
        flash(refused.message, "error")
        return redirect(url_for("admin.org_detail", org_id=org_id))
    db_session().commit()
    flash(done, "info")
    return redirect(
        url_for("admin.org_detail", org_id=result.id)
        if result.dissolved_at is None
        else url_for("admin.org_tree")
    )


@bp.post("/orgs/<org_id>/children")
def org_create(org_id: str) -> ResponseReturnValue:
    form = request.form
    return _org_change(org_id, lambda: orgs.create_org(db_session(), g.actor, parent_id=_uuid(org_id),
                       kind=form.get("kind", ""), code=form.get("code", ""), name=form.get("name", "")),
                       f"已设立 {form.get('name', '')}。")  # fmt: skip


@bp.post("/orgs/<org_id>/rename")
def org_rename(org_id: str) -> ResponseReturnValue:
    name = request.form.get("name", "")
    return _org_change(
        org_id, lambda: orgs.rename_org(db_session(), g.actor, org_id=_uuid(org_id), name=name), "已更名。"
    )


@bp.post("/orgs/<org_id>/move")
def org_move(org_id: str) -> ResponseReturnValue:
    parent = _uuid(request.form.get("parent_id", ""))
    return _org_change(
        org_id,
        lambda: orgs.move_org(db_session(), g.actor, org_id=_uuid(org_id), parent_id=parent),
        "已调整隶属关系。",
    )


@bp.post("/orgs/<org_id>/merge")
def org_merge(org_id: str) -> ResponseReturnValue:
    target = _uuid(request.form.get("target_id", ""))
    return _org_change(
        org_id,
        lambda: orgs.merge_branches(db_session(), g.actor, source_id=_uuid(org_id), target_id=target),
        "已合并。",
    )


@bp.post("/orgs/<org_id>/dissolve")
def org_dissolve(org_id: str) -> ResponseReturnValue:
    reason = request.form.get("reason", "")
    return _org_change(
        org_id,
        lambda: orgs.dissolve_org(db_session(), g.actor, org_id=_uuid(org_id), reason=reason),
        "已撤销该组织（记录保留）。",
    )


# -- import and export ----------------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
EXPORT_ROWS = 10_000


@bp.get("/members/import")
def member_import_form() -> ResponseReturnValue:
    return render_template("admin/import.html", report=None)


@bp.get("/members/import/template")
def member_import_template() -> ResponseReturnValue:
    return Response(
        member_import.template(),
        mimetype=XLSX,
        headers={"Content-Disposition": "attachment; filename=member-import-template.xlsx"},
    )


@bp.post("/members/import")
def member_import_upload() -> ResponseReturnValue:
    if (request.content_length or 0) > MAX_UPLOAD_BYTES:
        abort(413)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash("请选择要导入的 Excel 文件。", "error")
        return redirect(url_for("admin.member_import_form"))
    report = member_import.import_members(db_session(), g.actor, upload.read(MAX_UPLOAD_BYTES + 1))
    if report.ok:
        db_session().commit()
    else:
        db_session().rollback()  # all or nothing
    return render_template("admin/import.html", report=report), 200 if report.ok else 422


@bp.get("/members/export")
def member_export() -> ResponseReturnValue:
    org = request.args.get("org")
    listing = members.list_members(
        db_session(),
        g.actor,
        query=request.args.get("q", ""),
        org_id=_uuid(org) if org else (g.scope.id if g.scope else None),
        status=request.args.get("status") or None,
        per_page=EXPORT_ROWS,
    )
    content = member_import.export_members(db_session(), g.actor, listing.items)
    db_session().commit()
    return Response(
        content, mimetype=XLSX, headers={"Content-Disposition": "attachment; filename=members.xlsx"}
    )


# -- rule catalogue -------------------------------------------------------------------------------


@bp.get("/rules")
def rule_catalogue() -> ResponseReturnValue:
    if not holds(g.actor, "org.manage"):
        abort(403)
    today = datetime.now(CHINA).date()
    entries = [
        {
            "rule": rule,
            "current": rules.display(rule, rules.value(db_session(), rule.key, today)),
            "default": rules.display(rule, rule.default),
            "history": rules.history(db_session(), rule.key),
        }
        for rule in rules.CATALOGUE
    ]
    return render_template("admin/rules.html", entries=entries, today=today, display=rules.display)


@bp.post("/rules/<key>")
def rule_override(key: str) -> ResponseReturnValue:
    try:
        effective = datetime.strptime(request.form.get("effective_from", ""), "%Y-%m-%d").date()
    except ValueError:
        flash("生效日期格式应为 2026-01-01。", "error")
        return redirect(url_for("admin.rule_catalogue"))
    try:
        rules.override(db_session(), g.actor, key=key, raw_value=request.form.get("value", ""),
                       effective_from=effective, note=request.form.get("note", ""))  # fmt: skip
    except DomainError as refused:
        flash(refused.message, "error")
        return redirect(url_for("admin.rule_catalogue"))
    db_session().commit()
    flash(f"已调整“{rules.RULES[key].label}”，自 {effective} 起生效。", "info")
    return redirect(url_for("admin.rule_catalogue"))
