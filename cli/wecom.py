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
    contacts = current_app.extensions.get("dangjian.wecom_contacts_client")
    click.echo("读取通讯录……")
    with _ProgressBar() as bar:
        read = wecom_directory.read_directory(client, contacts, progress=bar.update, total=bar.start)
    try:
        with click.progressbar(length=len(read.users), label="写入") as bar:
            report = directory.full_sync(
                database().unit_of_work,
                Actor.cli("通讯录同步（命令行）"),
                read.departments,
                users=read.users,
                allow_mass_departure=allow_mass_departure,
                progress=bar.update,
                path=read.path_text,
            )
    except directory.MassDepartureRefused as refused:
        raise click.ClickException(refused.message) from None
    click.echo(f"同步完成（部门 {len(read.departments)} 个，成员 {len(read.users)} 人）：")
    for line in report.lines():
        click.echo(f"  {line}")


class _ProgressBar:
    """A click progress bar whose length is known only once the listing is read."""

    def __init__(self) -> None:
        self.bar = None

    def __enter__(self) -> _ProgressBar:
        return self

    def start(self, length: int) -> None:
        self.bar = click.progressbar(length=length, label=f"读取（{length} 项）")
        self.bar.__enter__()

    def update(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)
