"""flask audit verify | prune"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from cli._common import database
from handlers import audit as audit_chain

group = AppGroup("audit", help="审计日志。")


@group.command("verify")
@click.option("--anchors", "anchor_file", help="锚点文件（默认 AUDIT_ANCHOR_FILE）")
def verify(anchor_file: str | None) -> None:
    """Walk the audit chain against its anchors; name the first event edited, deleted or
    inserted, and a tail cut off after an anchor."""
    anchors = audit_chain.read_anchors(anchor_file or current_app.config["AUDIT_ANCHOR_FILE"])
    with database().unit_of_work() as session:
        report = audit_chain.verify_chain(session, anchors)
    if not report.ok:
        raise click.ClickException(
            f"审计链在第 {report.broken_at} 条记录处断开：{report.reason}（已检查 {report.checked} 条）"
        )
    click.echo(f"审计链完整：已检查 {report.checked} 条记录，对照库外锚点 {len(anchors)} 个。")


@group.command("anchor")
def anchor() -> None:
    """Write the chain's head to AUDIT_ANCHOR_FILE now (the scheduler does it daily)."""
    with database().unit_of_work() as session:
        head = audit_chain.anchor_now(session)
    if head is None:
        raise click.ClickException("审计链还没有记录。")
    audit_chain.write_anchor(current_app.config["AUDIT_ANCHOR_FILE"], head)
    click.echo(f"已写入锚点：截至第 {head.up_to_id} 条，哈希 {head.hash}。")


@group.command("prune")
def prune() -> None:
    """Delete events older than AUDIT_RETENTION_MONTHS (never below 6), keeping the chain provable."""
    with database().unit_of_work() as session:
        removed = audit_chain.prune_expired(
            session, retention_months=current_app.config["AUDIT_RETENTION_MONTHS"]
        )
    click.echo(f"已清理超过保留期的审计记录 {removed} 条。")
