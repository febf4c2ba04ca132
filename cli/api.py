"""flask api create-token | list-tokens | revoke-token"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from cli._common import database
from handlers.api_tokens import create_token, list_tokens, revoke_token
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


@group.command("list-tokens")
def list_all() -> None:
    """Tokens with their scope and last use (never the secret)."""
    with database().unit_of_work() as session:
        for token in list_tokens(session, Actor.cli()):
            used = token.last_used_at.isoformat(timespec="minutes") if token.last_used_at else "从未使用"
            state = "已吊销" if token.revoked_at else "有效"
            scope = token.org.code if token.org else "全院"
            fields = (token.id, f"{token.token_prefix}…", token.name, token.role.value, scope, state, used)
            click.echo("  ".join(str(f) for f in fields))


@group.command("revoke-token")
@click.argument("token_ref")
def revoke(token_ref: str) -> None:
    """Revoke a token by its id or its visible prefix (dj_xxxxxxx)."""
    try:
        with database().unit_of_work() as session:
            token = revoke_token(session, Actor.cli(), token_ref=token_ref)
            name = token.name
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"令牌 {name} 已吊销，使用它的请求将被拒绝（401）。")
