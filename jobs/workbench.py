"""Keeping each member's WeCom workbench figures current, within 10 calls a minute per member.

A use-case that changes what a member would see calls handlers.workbench.touch(); when the
transaction commits, `install()`'s listener enqueues `refresh_workbench` for each touched
member. The job sends only when the figures differ from what WeCom last got, and takes
from a per-member budget (9 a minute): a member touched in a burst gets one refresh now and
one a little later with the final figures, never an error.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from handlers import my_year, people, workbench
from jobs import JobQueues, job
from jobs.context import queues, setting, unit_of_work, wecom_client
from models import Person
from wecom import workbench as wecom_workbench
from wecom.client import WeComClient, WeComError
from wecom.limits import MemberBudget

logger = logging.getLogger(__name__)
#: The figures the workbench shows are registered by the modules that compute them.
FIGURE_SOURCES = (my_year,)

#: WeCom allows 10 set_workbench_data calls a minute per member; keep one in reserve.
PER_MEMBER_MINUTE = 9
#: What WeCom last received for a member is remembered this long (the daily pass re-sends after).
LAST_SENT_TTL_SECONDS = 36 * 3600
TEMPLATE_MISMATCH = 40058


def _last_sent_key(userid: str) -> str:
    return f"dj:wecom:workbench:last:{wecom_client().agent_id}:{userid.lower()}"


@job(queue="default", timeout=60, retries=3)
def set_workbench_template() -> str:
    client = wecom_client()
    client.post(
        "agent/set_workbench_template",
        wecom_workbench.template_body(client.agent_id, workbench.KEY_ITEMS, setting("PUBLIC_BASE_URL")),
    )
    return f"workbench template set ({len(workbench.KEY_ITEMS)} figures)"


@job(queue="default", timeout=60, retries=3, intervals=(10, 60, 300))
def refresh_workbench(userid: str) -> str:
    client = wecom_client()
    redis = queues().redis
    with unit_of_work() as session:
        person = people.find_by_wecom_userid(session, userid)
        if person is None or not person.is_active:
            return "not an active member"
        body = wecom_workbench.data_body(
            client.agent_id,
            person.wecom_userid,
            workbench.key_figures(session, person),
            setting("PUBLIC_BASE_URL"),
        )
    fingerprint = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    last_key = _last_sent_key(userid)
    if (redis.get(last_key) or b"").decode() == fingerprint:
        return "unchanged"
    wait = MemberBudget(redis, str(client.agent_id), name="workbench", per_minute=PER_MEMBER_MINUTE).admit(
        userid
    )
    if wait:
        # Coalesce: one later refresh carries whatever the figures are by then.
        when = datetime.now(UTC) + timedelta(seconds=wait)
        queues().enqueue_at(when, refresh_workbench, userid, job_id=f"workbench-later-{userid}")
        return f"over budget: refresh again in {wait:.0f} s"
    _set_data(client, body)
    redis.set(last_key, fingerprint.encode(), ex=LAST_SENT_TTL_SECONDS)
    return "sent"


def _set_data(client: WeComClient, body: dict[str, Any]) -> None:
    try:
        client.post("agent/set_workbench_data", body)
    except WeComError as error:
        if error.errcode != TEMPLATE_MISMATCH:
            raise
        # A fresh install (or a template reset by an admin): apply ours, then try once more.
        set_workbench_template()
        client.post("agent/set_workbench_data", body)


@job(queue="scheduled", timeout=600, retries=1, intervals=(600,))
def refresh_all_workbenches() -> int:
    """Daily repair: enqueue a refresh for every active member (unchanged ones cost no call)."""
    with unit_of_work() as session:
        userids = list(session.scalars(select(Person.wecom_userid).where(Person.is_active.is_(True))))
    for userid in userids:
        queues().enqueue(refresh_workbench, userid, job_id=f"workbench-{userid}")
    return len(userids)


def install() -> None:
    if enqueue_refreshes not in workbench.REFRESHERS:
        workbench.REFRESHERS.append(enqueue_refreshes)


def enqueue_refreshes(jobs: JobQueues, userids: set[str]) -> None:
    for userid in sorted(userids):
        jobs.enqueue(refresh_workbench, userid, job_id=f"workbench-{userid}")
