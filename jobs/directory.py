"""Directory sync jobs: the nightly full pull and the incremental updates change_contact asks for."""

from __future__ import annotations

import logging

from flask import current_app

from handlers import directory
from handlers.policy import Actor
from jobs import job
from jobs.context import unit_of_work, wecom_client
from wecom import directory as wecom_directory
from wecom.client import WeComClient

logger = logging.getLogger(__name__)

SYNC_ACTOR_LABEL = "通讯录同步"


def _contacts_client() -> WeComClient | None:
    return current_app.extensions.get("dangjian.wecom_contacts_client")


@job(queue="default", timeout=3600, retries=2, intervals=(300, 1800))
def sync_directory() -> str:
    """Nightly: departments, then every user in the visibility range, then departures."""
    read = wecom_directory.read_directory(wecom_client(), _contacts_client())
    try:
        report = directory.full_sync(
            unit_of_work,
            Actor.system(SYNC_ACTOR_LABEL),
            read.departments,
            users=read.users,
            path=read.path_text,
        )
    except directory.MassDepartureRefused as refused:
        # Not retried: the same directory would be refused again. An operator decides.
        logger.error("directory sync refused: %s", refused.message)
        return refused.message
    summary = "；".join(report.lines())
    logger.info("directory sync: %s", summary)
    return summary


@job(queue="default", timeout=60, retries=3)
def sync_user(userid: str, departments: str = "") -> str:
    """change_contact create_user/update_user carry only UserID and Department (callbacks set up
    after 2022-08-15): user/get fills in the rest where the app may read it; where it may not,
    the department the callback gave is all that changes."""
    listed = tuple(int(d) for d in departments.split(",") if d.strip().isdigit())
    incoming = wecom_directory.fetch_user(wecom_client(), userid, departments=listed)
    report = directory.SyncReport()
    actor = Actor.system(SYNC_ACTOR_LABEL)
    with unit_of_work() as session:
        if incoming is None:
            directory.user_left(session, actor, userid, report=report)
        else:
            directory.apply_user(session, actor, incoming, report=report)
    return "；".join(report.lines())


@job(queue="default", timeout=60, retries=3)
def sync_department(wecom_id: int) -> str:
    wecom_id = int(wecom_id)
    incoming = wecom_directory.fetch_department(wecom_client(), wecom_id)
    report = directory.SyncReport()
    actor = Actor.system(SYNC_ACTOR_LABEL)
    with unit_of_work() as session:
        if incoming is None:
            directory.remove_department(session, actor, wecom_id, report=report)
        else:
            directory.apply_department(session, actor, incoming, report=report)
    return "；".join(report.lines())
