"""Campuses (院区) and venues (会场), kept by the committee office: name, campus, address, the
geofence centre in GCJ-02 (typed, or clicked on the campus's offline map), its radius, and
whether check-in there is held to it. Meetings pick a venue; a venue a meeting used is never
deleted, only retired (new meetings no longer offer it; the record of where meetings were stays).

One set of checks for the console and /api/v1/venues alike: a name, coordinates inside China,
a radius of 50–2,000 m, and a geofence turned on only with a centre and a radius.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handlers import attachments, audit, geo
from handlers.errors import Conflict, Forbidden, NotFound, ValidationFailed
from handlers.policy import Actor, holds
from handlers.validation import require_text
from models import AttachmentOwner, Campus, Meeting, Venue
from models.base import utcnow

RADIUS_RANGE = (50, 2000)
#: One map per campus (a newer upload replaces it).
MAP_LIMIT = 1


def require_manage(actor: Actor) -> None:
    if not holds(actor, "venue.manage"):
        raise Forbidden("只有党委组织部可以管理院区和会场。")


# -- reading -----------------------------------------------------------------------------------


def campuses(session: Session) -> list[Campus]:
    return list(session.scalars(select(Campus).order_by(Campus.code)))


def in_use(session: Session, venue_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """How many meetings each venue has had (a venue with any is retired, never deleted)."""
    if not venue_ids:
        return {}
    rows = session.execute(
        select(Meeting.venue_id, func.count())
        .where(Meeting.venue_id.in_(venue_ids))
        .group_by(Meeting.venue_id)
    ).all()
    return dict(rows)


def usable(session: Session) -> list[Venue]:
    """What a new meeting may pick: every venue not retired, by campus and name."""
    return list(
        session.scalars(
            select(Venue).join(Campus).where(Venue.retired_at.is_(None)).order_by(Campus.code, Venue.name)
        )
    )


def get_venue(session: Session, venue_id: uuid.UUID | None) -> Venue:
    venue = session.get(Venue, venue_id) if venue_id else None
    if venue is None:
        raise NotFound("未找到该会场。")
    return venue


def get_campus(session: Session, campus_id: uuid.UUID | None) -> Campus:
    campus = session.get(Campus, campus_id) if campus_id else None
    if campus is None:
        raise NotFound("未找到该院区。")
    return campus


# -- checks --------------------------------------------------------------------------------------


def _coordinate(raw: Any, field: str, label: str) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValidationFailed(f"{label}应为数字（如 39.904200）。", field=field)
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValidationFailed(f"{label}应为数字（如 39.904200）。", field=field) from None
    if not value.is_finite():
        raise ValidationFailed(f"{label}应为数字（如 39.904200）。", field=field)
    return value.quantize(Decimal("0.000001"))


def _radius(raw: Any) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        radius = int(str(raw).strip())
    except ValueError:
        raise ValidationFailed("签到范围应为整数米数。", field="geofence_radius_m") from None
    low, high = RADIUS_RANGE
    if not low <= radius <= high:
        raise ValidationFailed(f"签到范围应在 {low}～{high} 米之间。", field="geofence_radius_m")
    return radius


@dataclass(frozen=True)
class VenueValues:
    name: str
    address: str | None
    lat: Decimal | None
    lng: Decimal | None
    radius: int | None
    geofence_on: bool


def check_venue(
    *,
    name: Any,
    address: Any = None,
    lat: Any = None,
    lng: Any = None,
    radius: Any = None,
    geofence_on: Any = False,
) -> VenueValues:
    """The values of a venue as the office typed them, or the first thing wrong, in Chinese."""
    clean_name = require_text(name if isinstance(name, str) else None, "name", "会场名称", max_length=100)
    clean_address = (address or "").strip() if isinstance(address, str) else None
    if clean_address and len(clean_address) > 200:
        raise ValidationFailed("地址不能超过200个字符。", field="address")
    lat_value = _coordinate(lat, "geofence_lat", "纬度")
    lng_value = _coordinate(lng, "geofence_lng", "经度")
    if (lat_value is None) != (lng_value is None):
        raise ValidationFailed("中心点的纬度和经度须同时填写。", field="geofence_lat")
    if lat_value is not None and not geo.in_china(float(lat_value), float(lng_value)):
        raise ValidationFailed(
            "中心点不在中国境内：请填写 GCJ-02（国测局）坐标，纬度在前（如 39.904200, 116.407400）。",
            field="geofence_lat",
        )
    radius_value = _radius(radius)
    on = geofence_on is True or (isinstance(geofence_on, str) and geofence_on in ("1", "on", "true", "yes"))
    if on and (lat_value is None or radius_value is None):
        raise ValidationFailed("开启签到范围前，请先填写中心点坐标和签到范围（米）。", field="geofence_on")
    return VenueValues(clean_name, clean_address or None, lat_value, lng_value, radius_value, on)


def _check_campus(code: Any, name: Any, address: Any) -> tuple[str, str, str | None]:
    clean_code = require_text(code if isinstance(code, str) else None, "code", "院区代码", max_length=32)
    if not all(c.isalnum() or c in "-_" for c in clean_code):
        raise ValidationFailed("院区代码只能由字母、数字、- 和 _ 组成。", field="code")
    clean_name = require_text(name if isinstance(name, str) else None, "name", "院区名称", max_length=100)
    clean_address = (address or "").strip() if isinstance(address, str) else ""
    if len(clean_address) > 200:
        raise ValidationFailed("地址不能超过200个字符。", field="address")
    return clean_code, clean_name, clean_address or None


# -- campuses --------------------------------------------------------------------------------------


def create_campus(session: Session, actor: Actor, *, code: Any, name: Any, address: Any = None) -> Campus:
    require_manage(actor)
    clean_code, clean_name, clean_address = _check_campus(code, name, address)
    if session.scalar(select(Campus.id).where(Campus.code == clean_code)) is not None:
        raise Conflict(f"院区代码 {clean_code} 已被使用。")
    campus = Campus(code=clean_code, name=clean_name, address=clean_address)
    session.add(campus)
    session.flush()
    audit.record(session, actor, "campus.create", object_type="campus", object_id=campus.id)
    return campus


def update_campus(
    session: Session, actor: Actor, campus_id: uuid.UUID, *, name: Any, address: Any = None
) -> Campus:
    require_manage(actor)
    campus = get_campus(session, campus_id)
    _, campus.name, campus.address = _check_campus(campus.code, name, address)
    audit.record(session, actor, "campus.update", object_type="campus", object_id=campus.id)
    return campus


def place_map(
    session: Session,
    actor: Actor,
    campus_id: uuid.UUID,
    *,
    filename: str,
    content: bytes,
    north: Any,
    south: Any,
    west: Any,
    east: Any,
) -> Campus:
    """An offline map image of the campus and the GCJ-02 coordinates of its four edges."""
    require_manage(actor)
    campus = get_campus(session, campus_id)
    edges = [
        _coordinate(north, "map_north", "北边纬度"),
        _coordinate(south, "map_south", "南边纬度"),
        _coordinate(west, "map_west", "西边经度"),
        _coordinate(east, "map_east", "东边经度"),
    ]
    if any(e is None for e in edges):
        raise ValidationFailed("请填写地图四边的坐标（北、南边纬度，西、东边经度）。", field="map_north")
    n, s, w, e = edges
    if not (n > s and e > w) or not (geo.in_china(float(n), float(w)) and geo.in_china(float(s), float(e))):
        raise ValidationFailed(
            "地图四边的坐标不正确：北边应大于南边、东边应大于西边，且在中国境内。", field="map_north"
        )
    if content:
        for old in attachments.of(session, AttachmentOwner.campus_map, campus.id):
            session.delete(old)
        session.flush()
        stored = attachments.store(
            session,
            AttachmentOwner.campus_map,
            campus.id,
            filename=filename,
            content=content,
            uploaded_by=actor.label,
            limit=MAP_LIMIT,
            limit_message="每个院区只保存一张地图。",
        )
        if stored.content_type not in ("image/png", "image/jpeg"):
            raise ValidationFailed("院区地图应为 JPG 或 PNG 图片。", field="file")
        campus.map_attachment_id = stored.id
    elif campus.map_attachment_id is None:
        raise ValidationFailed("请选择院区地图图片。", field="file")
    campus.map_north, campus.map_south, campus.map_west, campus.map_east = n, s, w, e
    audit.record(session, actor, "campus.map", object_type="campus", object_id=campus.id)
    return campus


def campus_map(session: Session, campus_id: uuid.UUID) -> Any:
    campus = get_campus(session, campus_id)
    if campus.map_attachment_id is None:
        raise NotFound("该院区尚未上传地图。")
    return attachments.one_of(
        session, AttachmentOwner.campus_map, campus.id, attachment_id=campus.map_attachment_id
    )


# -- venues ------------------------------------------------------------------------------------------


def create_venue(session: Session, actor: Actor, *, campus_id: uuid.UUID | None, **fields: Any) -> Venue:
    require_manage(actor)
    campus = get_campus(session, campus_id)
    values = check_venue(**fields)
    if session.scalar(select(Venue.id).where(Venue.campus_id == campus.id, Venue.name == values.name)):
        raise Conflict(f"{campus.name}已有名为“{values.name}”的会场。")
    venue = Venue(campus_id=campus.id)
    _apply(venue, values)
    session.add(venue)
    session.flush()
    audit.record(
        session, actor, "venue.create", object_type="venue", object_id=venue.id, detail=_detail(venue)
    )
    return venue


def update_venue(session: Session, actor: Actor, venue_id: uuid.UUID, **fields: Any) -> Venue:
    require_manage(actor)
    venue = get_venue(session, venue_id)
    values = check_venue(**fields)
    clash = session.scalar(
        select(Venue.id).where(
            Venue.campus_id == venue.campus_id, Venue.name == values.name, Venue.id != venue.id
        )
    )
    if clash:
        raise Conflict(f"该院区已有名为“{values.name}”的会场。")
    _apply(venue, values)
    audit.record(
        session, actor, "venue.update", object_type="venue", object_id=venue.id, detail=_detail(venue)
    )
    return venue


def set_retired(session: Session, actor: Actor, venue_id: uuid.UUID, *, retired: bool) -> Venue:
    require_manage(actor)
    venue = get_venue(session, venue_id)
    if retired and venue.retired_at is None:
        venue.retired_at = utcnow()
        audit.record(session, actor, "venue.retire", object_type="venue", object_id=venue.id)
    elif not retired and venue.retired_at is not None:
        venue.retired_at = None
        audit.record(session, actor, "venue.restore", object_type="venue", object_id=venue.id)
    return venue


def delete_venue(session: Session, actor: Actor, venue_id: uuid.UUID) -> str:
    """Only a venue no meeting ever used can go; any other is retired instead (refused here)."""
    require_manage(actor)
    venue = get_venue(session, venue_id)
    if in_use(session, [venue.id]):
        raise Conflict("该会场已有会议使用，不能删除，只能停用。")
    name = venue.name
    audit.record(
        session, actor, "venue.delete", object_type="venue", object_id=venue.id, detail={"name": name}
    )
    session.delete(venue)
    return name


def _apply(venue: Venue, values: VenueValues) -> None:
    venue.name, venue.address = values.name, values.address
    venue.geofence_lat, venue.geofence_lng = values.lat, values.lng
    venue.geofence_radius_m, venue.geofence_on = values.radius, values.geofence_on


def _detail(venue: Venue) -> dict[str, Any]:
    """What the audit keeps of a venue's geofence (a place, not a person's position)."""
    return {"geofence": "on" if venue.fences else "off", "radius": venue.geofence_radius_m}
