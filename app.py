"""The application factory and the `flask` CLI wiring. Nothing else lives here.

`create_app(overrides)`: defaults → environment (`.env` read if present) → overrides,
validated in settings.py; then each part is initialised and the blueprints and command
groups registered. The process environment is read here and nowhere else.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from dotenv import dotenv_values
from flask import Flask

from settings import load_settings

logger = logging.getLogger(__name__)


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    import cli
    import jobs.outbox
    import jobs.workbench
    import web
    import wecom
    from jobs import JobQueues, redis_durability_warnings
    from models.audit import install_chain_keys
    from models.crypto import Keyring, install_keyring
    from models.db import Database

    # INSTANCE_PATH (an override, for tests) keeps generated demo secrets out of the checkout.
    app = Flask(__name__, instance_relative_config=True, instance_path=(overrides or {}).get("INSTANCE_PATH"))
    dotenv = {k: v for k, v in dotenv_values(Path.cwd() / ".env").items() if v is not None}
    app.config.update(load_settings({**dotenv, **os.environ}, Path(app.instance_path), overrides))
    # No request body beyond this is read at all (413); the lesson form raises it for its videos.
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = 16 * 1024 * 1024
    logging.basicConfig(
        level=app.config["LOG_LEVEL"], format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("alembic").setLevel(max(logging.WARNING, logging.getLogger().level))

    keyring = Keyring(app.config["FIELD_KEYS"])
    install_keyring(keyring)
    install_chain_keys(app.config["AUDIT_CHAIN_KEY"])
    app.extensions["dangjian.keyring"] = keyring
    database = Database(app.config["DATABASE_URL"])
    app.extensions["dangjian.db"] = database
    app.extensions["dangjian.jobs"] = JobQueues.from_url(app.config["REDIS_URL"])
    # Sessions carry the app's queues so that outbox rows are enqueued after commit (jobs.outbox).
    database.session_factory.configure(info={"dangjian.jobs": app.extensions["dangjian.jobs"]})

    web.init_app(app)
    wecom.init_app(app)
    jobs.outbox.install()
    jobs.workbench.install()
    cli.init_app(app)

    if app.config["APP_ENV"] == "production":
        for warning in redis_durability_warnings(app.extensions["dangjian.jobs"].redis):
            logger.warning("%s", warning)
    return app
