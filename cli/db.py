"""flask db upgrade | check | revision"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from cli._common import database
from models import migrate

group = AppGroup("db", help="数据库迁移 (Alembic)。")


@group.command("upgrade")
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: head)."""
    migrate.upgrade(database().engine, revision)
    click.echo(f"数据库已升级到 {revision}。")


@group.command("check")
def check() -> None:
    """Fail if the models and the migrated schema differ, or migrations have several heads."""
    heads = migrate.heads()
    with database().engine.connect() as connection:
        diffs = migrate.drift(connection)
    if len(heads) != 1:
        raise click.ClickException(f"migrations have {len(heads)} heads: {heads}")
    if diffs:
        raise click.ClickException("models and migrations differ:\n" + "\n".join(map(str, diffs)))
    click.echo("模型与迁移一致。")


@group.command("revision")
@click.option("-m", "--message", required=True, help="what the migration does, in words")
def revision(message: str) -> None:
    """Autogenerate a migration from the models (development)."""
    migrate.revision(database().engine, message)
