"""flask audit verify | prune"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from cli._common import database
from handlers import audit as audit_chain

group = AppGroup("audit", help="审计日志。")


@group.command("verify")
def verify() -> None:
    """Walk the audit chain; name the first event that was edited, deleted or inserted."""
    with database().unit_of_work() as session:
        report = audit_chain.verify_chain(session)
    if not report.ok:
        raise click.ClickException(
            f"审计链在第 {report.broken_at} 条记录处断开：{report.reason}（已检查 {report.checked} 条）"
        )
    click.echo(f"审计链完整：已检查 {report.checked} 条记录。")


@group.command("prune")
def prune() -> None:
    """Delete events older than AUDIT_RETENTION_MONTHS (never below 6), keeping the chain provable."""
    with database().unit_of_work() as session:
        removed = audit_chain.prune_expired(
            session, retention_months=current_app.config["AUDIT_RETENTION_MONTHS"]
        )
    click.echo(f"已清理超过保留期的审计记录 {removed} 条。")
