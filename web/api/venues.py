"""/api/v1/venues: the hospital's venues (会场) with their campus and geofence, kept by the
committee office's tokens (venue.manage); any token may read them (they name rooms, not people)."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, request
from flask.typing import ResponseReturnValue

from handlers import venues
from handlers.errors import ValidationFailed
from models import Venue
from web import db_session
from web.api.frame import bp, json_body, listing_response, page_args, parse_uuid, required_uuid

#: Body fields and the keyword handlers/venues.check_venue takes for each.
FIELDS = {
    "name": "name",
    "address": "address",
    "geofence_lat": "lat",
    "geofence_lng": "lng",
    "geofence_radius_m": "radius",
    "geofence_on": "geofence_on",
}


def _venue(venue: Venue) -> dict[str, Any]:
    return {
        "id": str(venue.id),
        "campus_id": str(venue.campus_id),
        "campus": venue.campus.name,
        "name": venue.name,
        "address": venue.address,
        "geofence_lat": float(venue.geofence_lat) if venue.geofence_lat is not None else None,
        "geofence_lng": float(venue.geofence_lng) if venue.geofence_lng is not None else None,
        "geofence_radius_m": venue.geofence_radius_m,
        "geofence_on": venue.geofence_on,
        "retired": venue.retired_at is not None,
    }


def _fields(body: dict[str, Any], current: Venue | None = None) -> dict[str, Any]:
    """The venue's values: the body's, and for a PATCH the venue's own where the body is silent."""
    unknown = sorted(set(body) - set(FIELDS) - {"campus_id", "retired"})
    if unknown:
        raise ValidationFailed(f"不认识的字段：{'、'.join(unknown)}。", field=unknown[0])
    values: dict[str, Any] = {}
    for name, keyword in FIELDS.items():
        if name in body:
            values[keyword] = body[name]
        elif current is not None:
            values[keyword] = _venue(current)[name]
    if "geofence_on" in body and not isinstance(body["geofence_on"], bool):
        raise ValidationFailed("geofence_on 应为 true 或 false。", field="geofence_on")
    return values


@bp.get("/venues")
def venue_list() -> ResponseReturnValue:
    page, per_page = page_args()
    every = [v for c in venues.campuses(db_session()) for v in c.venues]
    if request.args.get("include_retired") != "true":
        every = [v for v in every if v.retired_at is None]
    shown = every[(page - 1) * per_page : page * per_page]
    return listing_response([_venue(v) for v in shown], page, per_page, len(every))


@bp.get("/venues/<venue_id>")
def venue_get(venue_id: str) -> ResponseReturnValue:
    return jsonify(_venue(venues.get_venue(db_session(), parse_uuid(venue_id, "venue_id"))))


@bp.post("/venues")
def venue_create() -> ResponseReturnValue:
    body = json_body()
    venue = venues.create_venue(
        db_session(), g.actor, campus_id=required_uuid(body, "campus_id"), **_fields(body)
    )
    return jsonify(_venue(venue)), 201


@bp.patch("/venues/<venue_id>")
def venue_update(venue_id: str) -> ResponseReturnValue:
    body = json_body()
    venues.require_manage(g.actor)
    current = venues.get_venue(db_session(), parse_uuid(venue_id, "venue_id"))
    venue = venues.update_venue(db_session(), g.actor, current.id, **_fields(body, current))
    if "retired" in body:
        if not isinstance(body["retired"], bool):
            raise ValidationFailed("retired 应为 true 或 false。", field="retired")
        venues.set_retired(db_session(), g.actor, venue.id, retired=body["retired"])
    return jsonify(_venue(venue))


@bp.delete("/venues/<venue_id>")
def venue_delete(venue_id: str) -> ResponseReturnValue:
    """Only a venue no meeting used (409 otherwise: retire it with PATCH {"retired": true})."""
    venues.delete_venue(db_session(), g.actor, parse_uuid(venue_id, "venue_id"))
    return "", 204
