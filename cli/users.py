"""flask users create-admin — the break-glass local console administrator."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from cli._common import database
from handlers.accounts import create_admin
from handlers.errors import DomainError
from handlers.policy import Actor

group = AppGroup("users", help="管理后台账号。")


@group.command("create-admin")
@click.option("--username", required=True)
@click.option("--name", required=True, help="姓名，显示在后台与审计记录中")
@click.password_option(help="至少 12 位；不回显，输入两次")
def create(username: str, name: str, password: str) -> None:
    """Create the local administrator (sysadmin role) for when WeCom login is unavailable."""
    try:
        with database().unit_of_work() as session:
            create_admin(session, Actor.cli("命令行"), username=username, name=name, password=password)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(
        f"本地管理员 {username} 已创建（系统管理员角色）。请妥善保管密码，仅在企业微信登录不可用时使用。"
    )
