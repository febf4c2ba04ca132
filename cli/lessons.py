"""flask lessons import FOLDER — bulk-import lessons from a folder: a workbook (lessons.xlsx or
lessons.csv, the console's template) and the video, audio and PDF files its 文件 column names."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from cli._common import database
from handlers.errors import DomainError
from handlers.learning import lesson_import
from handlers.policy import Actor

group = AppGroup("lessons", help="课程：从文件夹批量导入。")


@group.command("import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def import_folder(folder: Path) -> None:
    """Check every row and file, then add them all as drafts (or nothing, with the reasons)."""
    sheet = next((folder / n for n in ("lessons.xlsx", "lessons.csv") if (folder / n).is_file()), None)
    if sheet is None:
        raise click.ClickException(f"{folder} 里没有 lessons.xlsx 或 lessons.csv（按控制台的模板填写）。")
    try:
        with database().unit_of_work() as session, click.progressbar(length=0, label="检查并导入") as bar:

            def advance(done: int, total: int) -> None:
                bar.length = total
                bar.update(1)

            count = lesson_import.import_lessons(
                session,
                Actor.cli("课程导入（命令行）"),
                sheet.name,
                content=sheet.read_bytes(),
                folder=folder,
                media_dir=current_app.config["MEDIA_DIR"],
                progress=advance,
            )
    except lesson_import.ImportRefused as refused:
        for problem in refused.problems:
            click.echo(f"  第 {problem.line} 行：{problem.message}", err=True)
        raise click.ClickException(refused.message) from None
    except DomainError as refused:
        raise click.ClickException(refused.message) from None
    click.echo(f"已导入 {count} 门课程（草稿），请在控制台检查后发布。")
