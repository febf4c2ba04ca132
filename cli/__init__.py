"""The `flask` command groups: the shell adapter, as thin as the web views.

`flask --app app db upgrade`, `seed demo`, `keys …`, `audit verify`, `jobs worker`,
`jobs scheduler`, `api create-token`, `demo serve`, `wecom sync`.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from cli import api, audit, db, demo, jobs, keys, seed, wecom

    for group in (
        db.group,
        seed.group,
        keys.group,
        audit.group,
        jobs.group,
        api.group,
        demo.group,
        wecom.group,
    ):
        app.cli.add_command(group)
