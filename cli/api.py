"""flask api create-token"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from cli._common import database
from handlers.api_tokens import create_token
from handlers.errors import DomainError
from handlers.policy import Actor
from models import Role

group = AppGroup("api", help="REST 接口令牌。")


@group.command("create-token")
@click.option("--name", required=True, help="which system uses it, e.g. HR")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--org", "org_code", help="org code the token is limited to (default: whole hospital)")
def create(name: str, role: str, org_code: str | None) -> None:
    """Create a bearer token and print it once."""
    try:
        with database().unit_of_work() as session:
            token, secret = create_token(session, Actor.cli(), name=name, role=role, org_code=org_code)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"令牌 {token.name}（{token.role.value}）已创建。仅显示这一次，请妥善保存：")
    click.echo(secret)
