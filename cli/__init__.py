"""The `flask` command groups: the shell adapter, as thin as the web views.

`flask --app app db upgrade`, `seed demo`, `keys …`, `audit verify`, `jobs worker`,
`jobs scheduler`, `api create-token`, `demo serve`, `users create-admin`, `wecom sync`,
`lessons import`, `backup manifest`, `restore check`.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from cli import api, audit, backup, db, demo, jobs, keys, lessons, seed, users, wecom

    for module in (db, seed, keys, audit, jobs, api, demo, users, wecom, lessons):
        app.cli.add_command(module.group)
    app.cli.add_command(backup.backup_group)
    app.cli.add_command(backup.restore_group)
