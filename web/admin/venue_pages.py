"""院区与会场 in the console: the office adds campuses and venues, types a venue's GCJ-02 centre
or clicks it on the campus's offline map, sets the radius, turns the geofence on or off, and
retires (or, if no meeting used it, deletes) a venue."""

from __future__ import annotations

from flask import abort, g, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import venues
from web import db_session, parse_uuid
from web.admin.frame import bp
from web.outcome import form_change
from web.uploads import read_upload, send_stored_file


def _require() -> None:
    if "venues" not in g.nav:
        abort(403)


def _venue_fields() -> dict[str, object]:
    form = request.form
    return {
        "name": form.get("name", ""),
        "address": form.get("address", ""),
        "lat": form.get("geofence_lat", ""),
        "lng": form.get("geofence_lng", ""),
        "radius": form.get("geofence_radius_m", ""),
        "geofence_on": form.get("geofence_on", ""),
    }


@bp.get("/venues")
def venue_index() -> ResponseReturnValue:
    _require()
    campuses = venues.campuses(db_session())
    used = venues.in_use(db_session(), [v.id for c in campuses for v in c.venues])
    return render_template("admin/venues.html", campuses=campuses, used=used, radius=venues.RADIUS_RANGE)


@bp.post("/campuses")
def campus_create() -> ResponseReturnValue:
    _require()
    form = request.form
    return form_change(
        lambda: venues.create_campus(
            db_session(),
            g.actor,
            code=form.get("code", ""),
            name=form.get("name", ""),
            address=form.get("address"),
        ),
        done=lambda campus: f"已添加院区“{campus.name}”。",
        back=url_for("admin.venue_index"),
    )


@bp.post("/campuses/<campus_id>")
def campus_update(campus_id: str) -> ResponseReturnValue:
    _require()
    form = request.form
    return form_change(
        lambda: venues.update_campus(
            db_session(),
            g.actor,
            parse_uuid(campus_id),
            name=form.get("name", ""),
            address=form.get("address"),
        ),
        done="已保存院区信息。",
        back=url_for("admin.venue_index"),
    )


@bp.post("/campuses/<campus_id>/map")
def campus_map_place(campus_id: str) -> ResponseReturnValue:
    _require()
    filename, content = read_upload()
    form = request.form
    return form_change(
        lambda: venues.place_map(
            db_session(),
            g.actor,
            parse_uuid(campus_id),
            filename=filename,
            content=content,
            north=form.get("map_north"),
            south=form.get("map_south"),
            west=form.get("map_west"),
            east=form.get("map_east"),
        ),
        done=lambda campus: f"已保存{campus.name}的地图。",
        back=url_for("admin.venue_index"),
    )


@bp.get("/campuses/<campus_id>/map")
def campus_map_image(campus_id: str) -> ResponseReturnValue:
    _require()
    return send_stored_file(venues.campus_map(db_session(), parse_uuid(campus_id)))


@bp.post("/venues")
def venue_create() -> ResponseReturnValue:
    _require()
    raw = request.form.get("campus_id", "")
    campus_id = parse_uuid(raw) if raw else None
    return form_change(
        lambda: venues.create_venue(db_session(), g.actor, campus_id=campus_id, **_venue_fields()),
        done=lambda venue: f"已添加会场“{venue.name}”" + ("，签到范围已开启。" if venue.fences else "。"),
        back=url_for("admin.venue_index"),
    )


@bp.get("/venues/<venue_id>")
def venue_page(venue_id: str) -> ResponseReturnValue:
    _require()
    venue = venues.get_venue(db_session(), parse_uuid(venue_id))
    used = venues.in_use(db_session(), [venue.id]).get(venue.id, 0)
    return render_template("admin/venue.html", venue=venue, used=used, radius=venues.RADIUS_RANGE)


@bp.post("/venues/<venue_id>")
def venue_update(venue_id: str) -> ResponseReturnValue:
    _require()
    back = url_for("admin.venue_page", venue_id=venue_id)
    return form_change(
        lambda: venues.update_venue(db_session(), g.actor, parse_uuid(venue_id), **_venue_fields()),
        done=lambda venue: (
            "已保存。" + ("签到时将核对是否在会场附近。" if venue.fences else "签到不核对位置。")
        ),
        back=back,
    )


@bp.post("/venues/<venue_id>/retire")
def venue_retire(venue_id: str) -> ResponseReturnValue:
    _require()
    retire = request.form.get("action") != "restore"
    return form_change(
        lambda: venues.set_retired(db_session(), g.actor, parse_uuid(venue_id), retired=retire),
        done="已停用：新会议不能再选择该会场。" if retire else "已恢复启用。",
        back=url_for("admin.venue_page", venue_id=venue_id),
    )


@bp.post("/venues/<venue_id>/delete")
def venue_delete(venue_id: str) -> ResponseReturnValue:
    _require()
    return form_change(
        lambda: venues.delete_venue(db_session(), g.actor, parse_uuid(venue_id)),
        done=lambda name: f"已删除会场“{name}”。",
        back=url_for("admin.venue_page", venue_id=venue_id),
        then=lambda _: url_for("admin.venue_index"),
    )
