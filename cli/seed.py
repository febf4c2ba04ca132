"""flask seed demo"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from cli._common import database
from demo import already_seeded, seed_demo

group = AppGroup("seed", help="演示数据。")


@group.command("demo")
@click.option("--seed", default=20261122, show_default=True, help="same seed, same hospital")
def demo(seed: int) -> None:
    """Load the demo hospital (skipped if it is already there)."""
    with database().unit_of_work() as session:
        if already_seeded(session):
            click.echo("演示医院已存在，跳过。")
            return
        report = seed_demo(session, seed=seed, progress=click.echo)
    for line in report.lines():
        click.echo(line)
