"""What a running job needs from the app it runs in (jobs run inside an app context)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import current_app

if TYPE_CHECKING:
    from jobs import JobQueues
    from models.db import Database


def database() -> Database:
    return current_app.extensions["dangjian.db"]


def queues() -> JobQueues:
    return current_app.extensions["dangjian.jobs"]


def setting(name: str) -> Any:
    return current_app.config[name]
