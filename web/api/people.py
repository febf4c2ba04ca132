"""orgs and members: list, get, create and update, always within the token's scope."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, request
from flask.typing import ResponseReturnValue

from handlers import members, orgs, people, transfers
from handlers.archive import fields as archive_fields
from handlers.errors import ValidationFailed
from models import Member, MemberStatus, PartyOrg
from web import db_session
from web.api.frame import (
    bp,
    date_field,
    json_body,
    listing_response,
    page_args,
    parse_uuid,
    required_uuid,
    text_field,
)


def _org(org: PartyOrg) -> dict[str, Any]:
    return {
        "id": str(org.id),
        "code": org.code,
        "name": org.name,
        "kind": org.kind.value,
        "parent_id": str(org.parent_id) if org.parent_id else None,
    }


def _member(member: Member) -> dict[str, Any]:
    person = member.person
    plain = {f.name: archive_fields.value_of(member, f) for f in archive_fields.FIELDS if not f.sensitive}
    plain.pop("status")
    born = person.birth_date
    return {
        "id": str(member.id),
        "name": person.name,
        "wecom_userid": person.wecom_userid,
        "status": member.status.value,
        "branch_id": str(member.branch_id) if member.branch_id else None,
        "record_org_name": member.record_org_name,
        "joined_on": member.joined_on.isoformat() if member.joined_on else None,
        "active": person.is_active,
        # The archive (党员档案): plain fields as the national system words them.
        **{k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in plain.items() if k != "joined_on"},
        # Sensitive fields leave the system masked; revealing one is a console action with a reason.
        **{f"{name}_masked": value for name, value in members.masked_identity(person).items()},
        "ethnicity_masked": "**" if member.ethnicity_ciphertext else "",
        "birth_date_masked": f"{born.year}-**-**" if born else "",
    }


@bp.get("/orgs")
def org_list() -> ResponseReturnValue:
    page, per_page = page_args()
    listing = members.list_orgs(
        db_session(), g.actor, kind=request.args.get("kind"), page=page, per_page=per_page
    )
    return listing_response([_org(o) for o in listing.items], listing.page, per_page, listing.total)


@bp.get("/orgs/<org_id>")
def org_get(org_id: str) -> ResponseReturnValue:
    return jsonify(_org(members.get_org(db_session(), g.actor, parse_uuid(org_id, "org_id"))))


@bp.get("/members")
def member_list() -> ResponseReturnValue:
    page, per_page = page_args()
    listing = members.list_members(
        db_session(),
        g.actor,
        query=request.args.get("q", ""),
        org_id=parse_uuid(request.args.get("org_id"), "org_id"),
        status=request.args.get("status") or None,
        department_id=parse_uuid(request.args.get("department_id"), "department_id"),
        campus_id=parse_uuid(request.args.get("campus_id"), "campus_id"),
        shift_group=request.args.get("shift_group") or None,
        page=page,
        per_page=per_page,
    )
    return listing_response([_member(m) for m in listing.items], listing.page, per_page, listing.total)


@bp.get("/members/<member_id>")
def member_get(member_id: str) -> ResponseReturnValue:
    member_uuid = parse_uuid(member_id, "member_id")
    return jsonify(_member(members.get_member(db_session(), g.actor, member_uuid)))


@bp.post("/members")
def member_create() -> ResponseReturnValue:
    body = json_body()
    branch = members.get_org(db_session(), g.actor, required_uuid(body, "branch_id"))
    status = body.get("status", "full")
    if status not in ("full", "probationary"):
        raise ValidationFailed("status 取 full 或 probationary。", field="status")
    member = people.enrol_staff(
        db_session(),
        g.actor,
        wecom_userid=text_field(body, "wecom_userid"),
        name=text_field(body, "name"),
        branch=branch,
        status=MemberStatus(status),
        id_number=text_field(body, "id_number") or None,
        mobile=text_field(body, "mobile") or None,
        joined_on=date_field(body, "joined_on"),
        shift_group=text_field(body, "shift_group") or None,
    )
    return jsonify(_member(member)), 201


@bp.patch("/members/<member_id>")
def member_update(member_id: str) -> ResponseReturnValue:
    body = json_body()
    member = members.get_member(db_session(), g.actor, parse_uuid(member_id, "member_id"))
    transfers.update_record(
        db_session(),
        g.actor,
        member_id=member.id,
        shift_group=text_field(body, "shift_group") if "shift_group" in body else member.shift_group,
        joined_on=date_field(body, "joined_on") if "joined_on" in body else member.joined_on,
    )
    archive_raw = {
        name: body[name] for name in archive_fields.BY_NAME if name in body and name != "joined_on"
    }
    if archive_raw:
        archive_fields.update(db_session(), g.actor, member_id=member.id, raw=archive_raw, source="api")
    return jsonify(_member(member))


@bp.post("/orgs")
def org_create() -> ResponseReturnValue:
    body = json_body()
    org = orgs.create_org(
        db_session(),
        g.actor,
        parent_id=required_uuid(body, "parent_id"),
        kind=text_field(body, "kind"),
        code=text_field(body, "code"),
        name=text_field(body, "name"),
    )
    return jsonify(_org(org)), 201


@bp.patch("/orgs/<org_id>")
def org_update(org_id: str) -> ResponseReturnValue:
    org = orgs.rename_org(
        db_session(), g.actor, org_id=parse_uuid(org_id, "org_id"), name=text_field(json_body(), "name")
    )
    return jsonify(_org(org))
