"""Data packs are written here, in the background (they read every figure of a scope and write
Word and PDF): the progress goes to Redis for the console's page, the documents onto the pack."""

from __future__ import annotations

import uuid

from handlers.stats import packs
from jobs import job
from jobs.context import queues, unit_of_work
from models import DataPack

PROGRESS_TTL = 3600


def progress_key(pack_id: str) -> str:
    return f"dangjian:data-pack:{pack_id}"


def percent_done(redis, pack_id) -> int:
    """How far a pack being written has got, for the console's page (0 until the job starts)."""
    seen = redis.hgetall(progress_key(str(pack_id)))
    done, total = int(seen.get(b"done", 0)), int(seen.get(b"total", 0))
    return done * 100 // total if total else 0


@job(queue="default", timeout=600, retries=1, intervals=(30,))
def build_data_pack(pack_id: str) -> str:
    redis = queues().redis

    def progress(done: int, total: int) -> None:
        redis.hset(progress_key(pack_id), mapping={"done": done, "total": total})
        redis.expire(progress_key(pack_id), PROGRESS_TTL)

    with unit_of_work() as session:
        pack = session.get(DataPack, uuid.UUID(pack_id))
        if pack is None:
            return "gone"
        pack.status = "running"
    try:
        with unit_of_work() as session:
            packs.build(session, uuid.UUID(pack_id), progress)
    except Exception as error:  # noqa: BLE001 - the pack says it failed; the worker logs the cause
        with unit_of_work() as session:
            pack = session.get(DataPack, uuid.UUID(pack_id))
            pack.status, pack.message = "failed", "生成失败，请稍后重试或联系信息科。"
        raise error
    return "done"
