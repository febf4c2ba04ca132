"""H5 pages for approvals: my requests and my to-dos, a new request of any listed kind, the
request's page (form, attachments, steps, history; 同意 / 驳回 with a reason for its decider;
withdraw or correct-and-resubmit for its applicant) and delegation while away."""

from __future__ import annotations

import uuid
from datetime import datetime

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import approvals
from handlers.approval_kinds import KINDS, kind_of
from handlers.errors import DomainError, Forbidden
from models import ApprovalStatus
from models.base import utcnow
from web import db_session
from web.forms import approval_decision, local_time
from web.h5.frame import bp, member_pages
from web.outcome import form_change
from web.transaction import note_refusal
from web.uploads import read_upload, send_stored_file

member_pages("h5.approval")


def _list_if_forbidden(refusal: DomainError) -> str | None:
    # A page the user may not decide on may be one they may not see either: go to their list.
    return url_for("h5.approval_list") if isinstance(refusal, Forbidden) else None


@bp.get("/approvals")
def approval_list() -> ResponseReturnValue:
    session = db_session()
    mine = approvals.my_requests(session, g.actor, limit=50)
    return render_template(
        "h5/approvals.html",
        to_decide=approvals.to_decide(session, g.actor),
        mine=mine,
        kinds=[k for k in KINDS.values() if k.listed and k.offered_to(session, g.person)],
        states=approvals.STATUS_LABELS,
        delegations=approvals.delegations_of(session, g.person),
        may_delegate=approvals.may_delegate(session, g.person),
        now=utcnow(),
    )


@bp.route("/approvals/new/<kind_name>", methods=["GET", "POST"])
def approval_new(kind_name: str) -> ResponseReturnValue:
    # Unlisted kinds open from their own page with the object filled in (补学确认 from the
    # make-up page); leave has its own form on the meeting.
    kind = kind_of(kind_name) if kind_name in KINDS and kind_name != "meeting_leave" else abort(404)
    values = {f.name: request.args.get(f.name, "") for f in kind.fields if f.kind == "hidden"}
    error = None
    if request.method == "POST":
        values = {f.name: request.form.get(f.name, "") for f in kind.fields}
        session = db_session()
        try:
            created = approvals.submit(session, g.person, kind.name, raw_form=values)
            if kind.attachments:
                name, content = read_upload()
                if content:
                    approvals.attach(session, created, name, content=content)
        except DomainError as refused:
            note_refusal(refused)
            error = refused
        else:
            flash("申请已提交，审批人会在企业微信中收到卡片。", "info")
            return redirect(url_for("h5.approval_detail", request_id=created.id))
    return render_template(
        "h5/approval_form.html", kind=kind, values=values, error=error, action="new"
    ), 422 if error else 200


@bp.get("/approvals/<request_id>")
def approval_detail(request_id: str) -> ResponseReturnValue:
    facts = approvals.page_facts(db_session(), g.actor, request_id)
    return render_template(
        "h5/approval.html",
        **facts,
        rejecting=request.args.get("reject") == "1",
        mine=facts["req"].applicant_id == g.person.id,
        pending=ApprovalStatus.pending,
        rejected=ApprovalStatus.rejected,
    )


@bp.post("/approvals/<request_id>/decide")
def approval_decide(request_id: str) -> ResponseReturnValue:
    decide, done = approval_decision(request.form)
    return form_change(
        decide,
        back=url_for("h5.approval_detail", request_id=request_id),
        done=done,
        refused_to=_list_if_forbidden,
    )


@bp.post("/approvals/<request_id>/withdraw")
def approval_withdraw(request_id: str) -> ResponseReturnValue:
    back = url_for("h5.approval_detail", request_id=request_id)
    return form_change(
        lambda: approvals.withdraw(db_session(), g.person, request_id),
        back=back,
        done="申请已撤回。",
        refused_to=_list_if_forbidden,
    )


@bp.route("/approvals/<request_id>/resubmit", methods=["GET", "POST"])
def approval_resubmit(request_id: str) -> ResponseReturnValue:
    session = db_session()
    found = approvals.get_request(session, g.actor, request_id)
    kind = kind_of(found.kind)
    values = {f.name: str(found.form.get(f.name) or "") for f in kind.fields}
    error = None
    if request.method == "POST":
        values = {f.name: request.form.get(f.name, "") for f in kind.fields}
        try:
            approvals.resubmit(session, g.person, found.id, raw_form=values)
        except DomainError as refused:
            note_refusal(refused)
            error = refused
        else:
            flash("已重新提交，从第一步重新审批。", "info")
            return redirect(url_for("h5.approval_detail", request_id=found.id))
    return render_template(
        "h5/approval_form.html", kind=kind, values=values, error=error, action="resubmit", req=found
    ), 422 if error else 200


@bp.get("/approvals/<request_id>/attachments/<attachment_id>")
def approval_attachment(request_id: str, attachment_id: str) -> ResponseReturnValue:
    return send_stored_file(
        approvals.attachment_for(db_session(), g.actor, request_id, attachment_id=attachment_id)
    )


@bp.route("/approvals/delegate", methods=["GET", "POST"])
def approval_delegate() -> ResponseReturnValue:
    if request.method == "POST":
        back = url_for("h5.approval_list")
        if request.form.get("revoke"):
            try:
                target = uuid.UUID(request.form["revoke"])
            except ValueError:
                abort(404)
            return form_change(
                lambda: approvals.revoke_delegation(db_session(), g.person, target),
                back=back,
                done="已取消代理。",
                refused_to=_list_if_forbidden,
            )

        def create() -> None:
            starts, ends = _local_time("starts_at"), _local_time("ends_at")
            approvals.delegate(
                db_session(),
                g.person,
                to_userid=request.form.get("to_userid", ""),
                starts_at=starts,
                ends_at=ends,
                reason=request.form.get("reason", ""),
            )

        return form_change(create, back=back, done="已设置代理审批。", refused_to=_list_if_forbidden)
    if not approvals.may_delegate(db_session(), g.person):
        flash("只有审批人可以设置代理审批。", "error")
        return redirect(url_for("h5.approval_list"))
    return render_template("h5/approval_delegate.html")


def _local_time(name: str) -> datetime:
    return local_time(request.form.get(name, ""), name)
