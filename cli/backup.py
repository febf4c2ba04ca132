"""flask backup manifest | flask restore check — the restore drill (README 备份与恢复)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from cli._common import database
from handlers import audit, restore

backup_group = AppGroup("backup", help="备份：写出备份清单。")
restore_group = AppGroup("restore", help="恢复演练：核对恢复后的数据库。")


@backup_group.command("manifest")
@click.option("--output", required=True, type=click.Path(dir_okay=False), help="清单文件（与备份放在一起）")
def manifest(output: str) -> None:
    """Write rows per table and the audit chain's head, beside the dump taken now."""
    with database().unit_of_work() as session:
        written = restore.manifest(session)
    Path(output).write_text(json.dumps(written, ensure_ascii=False, indent=1, sort_keys=True))
    click.echo(f"已写出备份清单 {output}：{len(written['tables'])} 张表。")


@restore_group.command("check")
@click.option("--manifest", "manifest_file", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--anchors", "anchor_file", help="审计链锚点文件（默认 AUDIT_ANCHOR_FILE）")
def check(manifest_file: str, anchor_file: str | None) -> None:
    """On the restored database: rows against the manifest, the audit chain against its anchors,
    every encrypted value against the configured key ring (failures counted by column)."""
    expected = json.loads(Path(manifest_file).read_text())
    anchors = audit.read_anchors(anchor_file or current_app.config["AUDIT_ANCHOR_FILE"])
    with database().unit_of_work() as session:
        report = restore.check(session, expected, current_app.extensions["dangjian.keyring"], anchors)
    for line in report.lines():
        click.echo(line)
    if not report.ok:
        raise click.ClickException("恢复核对未通过：见上。")
    click.echo("恢复核对通过。")
