"""Data packs in the console (数据中心 › 数据报告): ask for the quarterly or annual 党建工作 data pack of
a scope, or a branch's 书记述职 pack; it is written in the background while this page shows how far
it got, and kept — Word and PDF download again at any time."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort, current_app, g, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import stats
from handlers.policy import holds
from handlers.stats import packs
from jobs.data_packs import build_data_pack, percent_done
from models import PACK_KINDS
from models.base import local_today
from web import db_session
from web.admin.frame import bp, parse_uuid
from web.outcome import form_change

TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@bp.get("/stats/packs")
def pack_list() -> ResponseReturnValue:
    if not holds(g.actor, "stats.view"):
        abort(404)
    session = db_session()
    rows = packs.packs(session, g.actor)
    redis = current_app.extensions["dangjian.jobs"].redis
    progress = {p.id: percent_done(redis, p.id) for p in rows if p.status in ("queued", "running")}
    orgs = stats.orgs_to_choose(session, g.actor)
    return render_template(
        "admin/packs.html",
        rows=rows,
        progress=progress,
        running=bool(progress),
        kinds=PACK_KINDS,
        orgs=orgs,
        hospital_wide=holds(g.actor, "stats.screen"),
        years=list(range(local_today().year, local_today().year - 5, -1)),
        names={o.id: o.name for o in orgs},
    )


@bp.post("/stats/packs")
def pack_request() -> ResponseReturnValue:
    form = request.form

    def ask() -> object:
        session = db_session()
        pack = packs.request_pack(
            session,
            g.actor,
            kind=form.get("kind", ""),
            org_id=parse_uuid(form["org_id"]) if form.get("org_id") else None,
            year=form.get("year", type=int, default=0),
            quarter=form.get("quarter", type=int),
        )
        current_app.extensions["dangjian.jobs"].enqueue_after_commit(
            session, build_data_pack, str(pack.id), job_id=f"data-pack-{pack.id}"
        )
        return pack

    return form_change(ask, done="已开始生成，完成后可在下方下载。", back=url_for("admin.pack_list"))


@bp.get("/stats/packs/<pack_id>.<fmt>")
def pack_download(pack_id: str, fmt: str) -> ResponseReturnValue:
    if fmt not in TYPES:
        abort(404)
    pack = packs.get_pack(db_session(), g.actor, parse_uuid(pack_id))
    body = pack.docx if fmt == "docx" else pack.pdf
    if pack.status != "done" or body is None:
        abort(404)
    start, _end, period = packs.period_of(pack)
    name = quote(f"{period}{PACK_KINDS[pack.kind]}.{fmt}")
    disposition = f"attachment; filename=data-pack-{start:%Y%m}.{fmt}; filename*=UTF-8''{name}"
    return Response(body, mimetype=TYPES[fmt], headers={"Content-Disposition": disposition})
