"""flask demo serve — the app with its jobs running in-process, for `make demo`."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from werkzeug.serving import run_simple

from jobs.worker import EmbeddedRunner

group = AppGroup("demo", help="演示环境。")


@group.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
def serve(host: str, port: int) -> None:
    """Serve the app; without REDIS_URL, a thread works the queues and the schedule."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    runner = None
    if app.extensions["dangjian.jobs"].embedded:
        runner = EmbeddedRunner(app)
        runner.start()
    base = f"http://{host}:{port}"
    click.echo(f"智慧党建演示环境已启动：\n  健康检查  {base}/healthz")
    try:
        # Not app.run(): Flask ignores it inside a `flask` command.
        run_simple(host, port, app, threaded=True, use_reloader=False)
    finally:
        if runner:
            runner.stop()
