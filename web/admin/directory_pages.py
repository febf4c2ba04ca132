"""Directory sync: status, the last run's report, and the button to run it now."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, flash, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from handlers import audit
from handlers import directory_status as sync_status
from jobs.directory import sync_directory
from models.base import CHINA
from web import db_session
from web.admin.frame import bp


@bp.get("/directory")
def directory_status() -> ResponseReturnValue:
    last = sync_status.last_sync(db_session(), g.actor)
    departed = sync_status.departed_members(db_session(), g.actor)
    return render_template("admin/directory.html", last=last, departed=departed)


@bp.post("/directory/sync")
def directory_sync_now() -> ResponseReturnValue:
    sync_status.require_console_sync(g.actor)
    audit.record(db_session(), g.actor, "directory.sync_requested")
    queues = current_app.extensions["dangjian.jobs"]
    # One id: pressing the button twice while a sync runs queues it once.
    queues.enqueue(sync_directory, job_id=f"directory-sync-manual-{datetime.now(CHINA):%Y%m%d%H%M}")
    flash("已开始同步通讯录，完成后刷新本页查看结果。", "info")
    return redirect(url_for("admin.directory_status"))
