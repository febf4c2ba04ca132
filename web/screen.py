"""The 大屏 (/screen?token=…): the Party committee room's full-screen view, 1920×1080, refreshing
every minute, no login prompt — the display token in its address reads figures and nothing else
(handlers/display_tokens), and any other token, or none, is not found. The token never reaches
the logs (web/security redacts it)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from handlers import display_tokens, stats
from models.base import local_today
from web import db_session
from web.charts import series_chart

bp = Blueprint("screen", __name__, url_prefix="/screen")
#: What the screen shows, left to right, top to bottom: one series of each family.
PANELS = (
    ("members", "类别"),
    ("members", "年龄"),
    ("attendance", "各月参会率"),
    ("study", "学时完成情况"),
    ("dues", "各月收缴率"),
    ("orgs", "组织健康"),
    ("recruitment", "培养阶段"),
    ("reviews", "评定等次"),
)


@bp.get("")
def show() -> ResponseReturnValue:
    session = db_session()
    actor = display_tokens.screen_actor(session, request.args.get("token", ""), request.remote_addr)
    figures = {name: stats.figure(session, actor, name) for name in {n for n, _ in PANELS}}
    panels = []
    for name, title in PANELS:
        figure = figures[name]
        series = next(s for s in figure.series if s.title == title)
        panels.append((figure, series, series_chart(series)))
    response = render_template(
        "screen.html",
        panels=panels,
        scope=figures["members"].scope,
        today=local_today(),
        people=figures["members"].people,
    )
    return response, 200, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
