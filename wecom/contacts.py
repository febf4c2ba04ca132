"""change_contact callbacks (doc 90970): apply WeCom directory changes as they happen.

Callbacks configured after 2022-08-15 carry only UserID and Department for users, so a
create or update enqueues a job that reads the member with user/get (and, where the app may
not read them, applies just the Department the callback gave); a deletion is applied
at once (one small transaction: the person's access ends, every record stays). The nightly
full sync (jobs/directory.py) repairs anything a lost callback or job missed, and event
order is not guaranteed, so each change is applied as "make it match WeCom now".
"""

from __future__ import annotations

from flask import current_app

from handlers import directory
from handlers.policy import Actor
from jobs.directory import sync_department, sync_user
from wecom.router import CallbackContext, Reply, router

#: Directory events come from WeCom itself, never from a member.
SYSTEM_SENDER = "sys"


@router.on_event("change_contact", writes=True)
def change_contact(ctx: CallbackContext) -> Reply | None:
    inbound = ctx.inbound
    if inbound.from_user != SYSTEM_SENDER:
        return None
    fields = inbound.fields
    queues = current_app.extensions["dangjian.jobs"]
    actor = Actor.system("通讯录变更回调")
    change = inbound.change_type or ""
    if change in ("create_user", "update_user") and fields.get("UserID"):
        userid = fields["UserID"]
        renamed = fields.get("NewUserID")
        if renamed and renamed != userid:
            directory.rename_user(ctx.session, actor, userid, new_userid=renamed)
            userid = renamed
        queues.enqueue_after_commit(ctx.session, sync_user, userid, fields.get("Department") or "")
    elif change == "delete_user" and fields.get("UserID"):
        directory.user_left(ctx.session, actor, fields["UserID"], report=directory.SyncReport())
    elif change in ("create_party", "update_party") and fields.get("Id", "").isdigit():
        queues.enqueue_after_commit(ctx.session, sync_department, int(fields["Id"]))
    elif change == "delete_party" and fields.get("Id", "").isdigit():
        directory.remove_department(ctx.session, actor, int(fields["Id"]), report=directory.SyncReport())
    return None
