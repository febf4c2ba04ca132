"""flask wecom sync — pull the WeCom directory (departments and staff) now, with progress."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from cli._common import database
from handlers import directory
from handlers.policy import Actor
from wecom import directory as wecom_directory

group = AppGroup("wecom", help="企业微信：通讯录同步。")


@group.command("sync")
@click.option(
    "--allow-mass-departure",
    is_flag=True,
    help="确认本次大批职工离开属实（默认超过在职人数 10% 时停止，不做任何修改）",
)
def sync(allow_mass_departure: bool) -> None:
    """Import departments and staff; report added / changed / left. Party members are never deleted."""
    client = current_app.extensions["dangjian.wecom_client"]
    click.echo("读取部门……")
    departments = wecom_directory.fetch_departments(client)
    userids = wecom_directory.list_userids(client)
    with click.progressbar(length=len(userids), label=f"读取成员（{len(userids)} 人）") as bar:
        users = wecom_directory.fetch_users(client, userids, progress=bar.update)
    try:
        with click.progressbar(length=len(users), label="写入") as bar:
            report = directory.full_sync(
                database().unit_of_work,
                Actor.cli("通讯录同步（命令行）"),
                departments,
                users=users,
                allow_mass_departure=allow_mass_departure,
                progress=bar.update,
            )
    except directory.MassDepartureRefused as refused:
        raise click.ClickException(refused.message) from None
    click.echo(f"同步完成（部门 {len(departments)} 个，成员 {len(users)} 人）：")
    for line in report.lines():
        click.echo(f"  {line}")
