"""Bulk import of lessons: a workbook (or CSV) of lessons, from the console or from a folder.

Every row is checked as the lesson form checks it (kind, title, hours, length, links, the quiz
text); one bad row refuses the whole file with the reason for each row, and nothing is written.
A clean file becomes drafts for the committee office to review and publish.

From a folder (`flask lessons import FOLDER`), the 文件 column names a video, audio or PDF file
in that folder; each is checked by its content and copied under MEDIA_DIR with a random name.
The console's upload takes the workbook alone (no 文件 column values).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from handlers import audit, exports, learning
from handlers.errors import DomainError, Forbidden, ValidationFailed
from handlers.learning import media
from handlers.policy import Actor, holds
from handlers.tables import ImportRefused, RowProblem, read_table
from models import LessonKind

COLUMNS = (
    "类型",
    "标题",
    "摘要",
    "学时",
    "时长（分钟）",
    "标签",
    "适用对象",
    "来源",
    "链接",
    "正文",
    "文件",
    "测验",
)
MAX_ROWS = 500
KINDS = {label: kind for kind, label in learning.KIND_LABELS.items()} | {"文章": LessonKind.article}
ROLES = {label.split("（")[0]: role for role, label in learning.AUDIENCE_ROLES.items()}


def template() -> bytes:
    return exports.workbook(
        "课程",
        COLUMNS,
        [
            [
                "图文",
                "示例：学习党章第一章",
                "十分钟读懂",
                0.5,
                10,
                "党章,微党课",
                "新党员",
                "党委组织部",
                "",
                "<p>正文</p>",
                "",
                "",
            ],
            [
                "测验",
                "示例：党章知识小测",
                "",
                0,
                "",
                "党章",
                "",
                "",
                "",
                "",
                "",
                "[判断] 党员应当按期交纳党费。\n答案：对",
            ],
        ],
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def import_lessons(
    session: Session,
    actor: Actor,
    filename: str,
    *,
    content: bytes,
    folder: Path | None = None,
    media_dir: str | Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Check every row, then write them all as drafts (or none). Returns how many."""
    if not holds(actor, "org.manage"):
        raise Forbidden("只有党委组织部可以批量导入课程。")
    rows = read_table(filename, content, columns=COLUMNS, max_rows=MAX_ROWS)
    if not rows:
        raise ValidationFailed("文件里没有课程。", field="file")
    problems: list[RowProblem] = []
    created = []
    stored: list[str] = []
    try:
        for done, (line, cells) in enumerate(rows, start=1):
            values = dict(zip(COLUMNS, [_cell(c) for c in cells] + [""] * len(COLUMNS), strict=False))
            try:
                # Each row in its own savepoint: a bad row is undone alone, then reported.
                with session.begin_nested():
                    created.append(_import_row(session, actor, values, folder, media_dir, stored))
            except DomainError as refused:
                problems.append(RowProblem(line, refused.message))
            if progress:
                progress(done, len(rows))
        if problems:
            raise ImportRefused(problems, nothing_done="未导入任何课程")
    except Exception:
        for name in stored:  # files copied for rows that will not exist
            media.remove(media_dir, name)
        raise
    audit.record(session, actor, "lesson.import", object_type="lesson", detail={"rows": len(created)})
    return len(created)


def _import_row(
    session: Session,
    actor: Actor,
    values: dict[str, str],
    folder: Path | None,
    media_dir: str | Path | None,
    stored: list[str],
) -> Any:
    kind = KINDS.get(values["类型"])
    if kind is None:
        raise ValidationFailed(f"类型应为：{'、'.join(learning.KIND_LABELS.values())}。", field="kind")
    roles = []
    for label in (
        r for r in values["适用对象"].replace("，", ",").replace("、", ",").split(",") if r.strip()
    ):
        if label.strip() not in ROLES:
            raise ValidationFailed(
                f"适用对象“{label.strip()}”不认识，可填：{'、'.join(ROLES)}。", field="audience"
            )
        roles.append(ROLES[label.strip()])
    upload = None
    if values["文件"]:
        if folder is None:
            raise ValidationFailed("网页导入不带文件；视频、音频、PDF 请用命令行从文件夹导入。", field="file")
        path = (folder / values["文件"]).resolve()
        if folder.resolve() not in path.parents or not path.is_file():
            raise ValidationFailed(f"文件夹里没有“{values['文件']}”。", field="file")
        with open(path, "rb") as stream:
            upload = media.store(media_dir, stream, kind.value if kind.value in media.LIMITS else "document")
        stored.append(upload.name)
    draft = learning.LessonDraft(
        kind=kind.value,
        title=values["标题"],
        summary=values["摘要"],
        body_html=values["正文"],
        url=values["链接"],
        credit_hours=values["学时"] or "0",
        min_minutes=values["时长（分钟）"],
        tags=values["标签"],
        audience_roles=tuple(roles),
        source=values["来源"],
        quiz_text=values["测验"],
    )
    return learning.save_lesson(session, actor, draft, media=upload)
